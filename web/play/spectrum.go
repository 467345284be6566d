package play

import (
	"errors"
	"fmt"
	"time"

	"mulm/z80ref"
	"mulm/z80ref/zx"
)

// SpectrumPlatform is the name in z80ref's platform registry of the ZX
// Spectrum 48K, whose .TAP the Spectrum screen runs.
const SpectrumPlatform = "zx48"

// HasSpectrum reports whether the registry has SpectrumPlatform.
func HasSpectrum() bool {
	_, err := z80ref.ParsePlatform(SpectrumPlatform)
	return err == nil
}

// Spectrum is a ZX Spectrum 48K (package z80ref/zx, the real ROM) running
// a tape, for the page's Spectrum screen: keys are typed on its keyboard,
// and Frame paces it to the wall clock at zx.ClockHz (3.5 MHz) as
// Session.Frame paces CP/M at 4 MHz. It is not safe for concurrent use.
type Spectrum struct {
	m      *zx.Machine
	credit int64
	err    error
}

// SpectrumFrame is what one call of Spectrum.Frame produced.
type SpectrumFrame struct {
	// TStates is the machine's T-states in this Frame.
	TStates uint64 `json:"tstates"`
	// Total is the machine's T-states since the boot ended.
	Total uint64 `json:"total"`
	// Err is the error that stopped the machine, if any.
	Err string `json:"err,omitempty"`
}

// NewSpectrum boots the ROM (at once: its RAM test and set-up, about 1.5 s
// of Spectrum time, are not shown), inserts tape and types LOAD "" as a
// person would; Frame then runs the load and the program.
func NewSpectrum(rom, tape []byte) (*Spectrum, error) {
	m, err := zx.New(rom, zx.Options{})
	if err != nil {
		return nil, err
	}
	if err := m.Boot(); err != nil {
		return nil, err
	}
	if err := m.LoadTape(tape); err != nil {
		return nil, err
	}
	if err := m.TypeLoad(); err != nil {
		return nil, err
	}
	return &Spectrum{m: m}, nil
}

// Type queues text for the keyboard: '\r' or '\n' is ENTER, '\b' DELETE;
// characters the Spectrum's keyboard cannot type are skipped.
func (s *Spectrum) Type(text string) {
	for _, r := range text {
		if err := s.m.Type(string(r)); err != nil && !errors.Is(err, zx.ErrUntypable) {
			s.err = err
		}
	}
}

// Frame runs the machine for dt of wall-clock time at zx.ClockHz (at most
// MaxCatchUp), or in turbo for about TurboWork as fast as it can.
func (s *Spectrum) Frame(dt time.Duration, turbo bool) SpectrumFrame {
	start := s.m.TStates()
	run := func(n uint64) {
		if err := s.m.Run(n); err != nil && s.err == nil {
			s.err = fmt.Errorf("the Spectrum stopped: %w", err)
		}
	}
	if turbo {
		s.credit = 0
		for t0 := time.Now(); s.err == nil && time.Since(t0) < TurboWork; {
			run(zx.FrameTStates)
		}
	} else if s.err == nil {
		s.credit += int64(min(dt, MaxCatchUp)) * zx.ClockHz / int64(time.Second)
		if s.credit > 0 {
			before := s.m.TStates()
			run(uint64(s.credit))
			s.credit -= int64(s.m.TStates() - before)
		}
	}
	f := SpectrumFrame{TStates: s.m.TStates() - start, Total: s.m.TStates()}
	if s.err != nil {
		f.Err = s.err.Error()
	}
	return f
}

// Pixels returns the screen with its border as RGBA bytes, Width×Height
// pixels (zx.Machine.Image at scale 1).
func (s *Spectrum) Pixels() (pix []byte, width, height int) {
	img := s.m.Image(1)
	return img.Pix, img.Rect.Dx(), img.Rect.Dy()
}

// Lines returns the screen as text (zx.Screen.Lines).
func (s *Spectrum) Lines() []string { return s.m.Screen().Lines() }
