package zx

import (
	"errors"
	"fmt"
	"strings"

	"mulm/z80ref/tap"
)

// BootFrames is how many frames Boot waits after the ROM has begun
// counting frames (FRAMES > 0, i.e. it has enabled interrupts after its
// RAM test and set-up).
const BootFrames = 50

// Boot runs the ROM from reset until it has initialised: until the frame
// counter FRAMES it keeps at 5C78h has reached BootFrames (1 s after it
// started counting), with a budget of 10 s of Spectrum time.
func (m *Machine) Boot() error {
	err := m.RunUntil(func(m *Machine) bool { return m.sysFrames() >= BootFrames }, 10*ClockHz)
	if err != nil {
		return fmt.Errorf("zx: boot: %w", err)
	}
	return nil
}

// sysFrames reads the ROM's 3-byte FRAMES counter.
func (m *Machine) sysFrames() uint32 {
	return uint32(m.mem[SysFRAMES]) | uint32(m.mem[SysFRAMES+1])<<8 | uint32(m.mem[SysFRAMES+2])<<16
}

// TypeLoad types the command that loads a tape: `load ""` letter by letter
// and ENTER on OpenSE BASIC; on a ROM with keyword entry (Sinclair's) the
// J key, which gives LOAD in K mode, then "" and ENTER.
func (m *Machine) TypeLoad() error {
	if !m.opt.KeywordEntry {
		return m.Type("load \"\"\n")
	}
	m.typeKeys(keyPress{press{charKey('j')}, 1})
	return m.Type("\"\"\n")
}

// PromptShown reports whether the last non-blank screen line, FLASHing
// cells (cursors) and trailing spaces ignored, ends with prompt (trailing
// spaces of prompt ignored too).
func (m *Machine) PromptShown(prompt string) bool {
	lines := m.Screen().LinesNoFlash()
	return strings.HasSuffix(lines[lastRow(lines)], strings.TrimRight(prompt, " "))
}

// WaitPrompt runs until typing has finished and PromptShown(prompt), with
// a budget of maxT T-states (0 = DefaultMaxTStates).
func (m *Machine) WaitPrompt(prompt string, maxT uint64) error {
	return m.RunUntil(func(m *Machine) bool { return !m.Typing() && m.PromptShown(prompt) }, maxT)
}

// ErrStartTape is wrapped by Start's errors about a tape it cannot start.
var ErrStartTape = errors.New("zx: cannot start this tape")

// Start boots the machine, inserts tape, types what a person types to run
// it, and runs until the program shows prompt (budget maxT, 0 =
// DefaultMaxTStates), as ../shared/tools/zxrun.sh does in Fuse:
//
//   - a tape whose first file is a BASIC program that runs itself (such as
//     tap.Loader's): LOAD "" (TypeLoad);
//   - a program without autostart: LOAD "", then RUN once BASIC reports;
//   - a tape whose first file is CODE: LOAD "" CODE, then RANDOMIZE USR
//     with the load address once BASIC reports.
//
// The last two are typed letter by letter and so need OpenSE BASIC; with
// keyword entry they are refused (ErrStartTape).
func (m *Machine) Start(tape []byte, prompt string, maxT uint64) error {
	if err := m.LoadTape(tape); err != nil {
		return err
	}
	var first *tap.Header
	for _, b := range m.tape {
		if h, err := b.Header(); err == nil {
			first = &h
			break
		}
	}
	if first == nil {
		return fmt.Errorf("%w: it has no header block", ErrStartTape)
	}
	var then string
	switch {
	case first.Type == tap.TypeCode:
		then = fmt.Sprintf("randomize usr %d\n", first.Param1)
	case first.Type != tap.TypeProgram:
		return fmt.Errorf("%w: its first file %q is an array (type %d), not a program or CODE", ErrStartTape, first.Name, first.Type)
	case first.Param1 >= tap.NoAutostart:
		then = "run\n"
	}
	if then != "" && m.opt.KeywordEntry {
		return fmt.Errorf("%w: its first file %q needs %q typed, and this ROM reads keywords in K mode (only self-running programs are supported there)", ErrStartTape, first.Name, then)
	}
	if err := m.Boot(); err != nil {
		return err
	}
	cmd := "load \"\"\n"
	if first.Type == tap.TypeCode {
		cmd = "load \"\" code\n"
	}
	if !m.opt.KeywordEntry {
		if err := m.Type(cmd); err != nil {
			return err
		}
	} else if err := m.TypeLoad(); err != nil {
		return err
	}
	if then != "" {
		err := m.RunUntil(func(m *Machine) bool { return !m.Typing() && m.Screen().Report() != "" }, maxT)
		if err != nil {
			return fmt.Errorf("zx: waiting for BASIC's report after %q: %w", strings.TrimSpace(cmd), err)
		}
		if err := m.Type(then); err != nil {
			return err
		}
	}
	if err := m.WaitPrompt(prompt, maxT); err != nil {
		return fmt.Errorf("zx: waiting for the prompt %q after loading: %w", prompt, err)
	}
	return nil
}
