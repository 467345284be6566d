package play

import (
	"strings"
	"testing"
	"time"

	"mulm/internal/zxtest"
	"mulm/z80ref/zx"
)

func spectrumROM(t *testing.T) []byte {
	rom, err := zx.ReadROM(zx.DefaultROMPath)
	if err != nil {
		t.Skipf("no Spectrum ROM (%v): the Spectrum screen is not tried", err)
	}
	return rom
}

// lastLine is the last non-blank screen line.
func lastLine(s *Spectrum) string {
	lines := s.Lines()
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" {
			return strings.TrimRight(lines[i], " ")
		}
	}
	return ""
}

func TestSpectrum(t *testing.T) {
	s, err := NewSpectrum(spectrumROM(t), zxtest.EchoTape(t))
	if err != nil {
		t.Fatal(err)
	}
	// Real time: the frames run their time's worth of T-states at 3.5 MHz.
	var total uint64
	for i := 1; i <= 10; i++ {
		f := s.Frame(20*time.Millisecond, false)
		total += f.TStates
		if want := uint64(i) * 70_000; total < want || total > want+23 {
			t.Fatalf("%d frames: %d T-states, want %d", i, total, want)
		}
	}
	until := func(cond func() bool) {
		t.Helper()
		for range 2000 {
			if cond() {
				return
			}
			if f := s.Frame(0, true); f.Err != "" {
				t.Fatal(f.Err)
			}
		}
		t.Fatalf("screen:\n%s", strings.Join(s.Lines(), "\n"))
	}
	// LOAD "" typed, the tape loads, echo prints its prompt.
	until(func() bool { return strings.HasSuffix(lastLine(s), ">") })
	s.Type("hi there\r")
	until(func() bool { return strings.Contains(strings.Join(s.Lines(), "\n"), "HI THERE") })
	pix, w, h := s.Pixels()
	if w != 320 || h != 240 || len(pix) != 4*w*h {
		t.Errorf("pixels %d for %dx%d", len(pix), w, h)
	}
	// A tape that is not one: a clear error before anything runs.
	if _, err := NewSpectrum(spectrumROM(t), []byte("not a tape")); err == nil {
		t.Error("a bad tape was accepted")
	}
}
