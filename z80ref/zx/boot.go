package zx

import (
	"fmt"
	"strings"
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
	p := strings.TrimRight(prompt, " ")
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i] != "" {
			return strings.HasSuffix(lines[i], p)
		}
	}
	return p == ""
}

// WaitPrompt runs until typing has finished and PromptShown(prompt), with
// a budget of maxT T-states (0 = DefaultMaxTStates).
func (m *Machine) WaitPrompt(prompt string, maxT uint64) error {
	return m.RunUntil(func(m *Machine) bool { return !m.Typing() && m.PromptShown(prompt) }, maxT)
}

// Start boots the machine, inserts tape, types the LOAD command and runs
// until the program shows prompt (budget maxT, 0 = DefaultMaxTStates).
func (m *Machine) Start(tape []byte, prompt string, maxT uint64) error {
	if err := m.LoadTape(tape); err != nil {
		return err
	}
	if err := m.Boot(); err != nil {
		return err
	}
	if err := m.TypeLoad(); err != nil {
		return err
	}
	if err := m.WaitPrompt(prompt, maxT); err != nil {
		return fmt.Errorf("zx: waiting for the prompt %q after LOAD \"\": %w", prompt, err)
	}
	return nil
}
