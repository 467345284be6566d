package zx

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mulm/z80ref/asm"
	"mulm/z80ref/tap"
)

var writeTapes = flag.String("writetapes", "", "write the timing test tapes to this directory (to run them in Fuse)")

// timingTape assembles testdata/timing.asm at org.
func timingTape(t testing.TB, org uint16) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/timing.asm")
	if err != nil {
		t.Fatal(err)
	}
	p, err := asm.Assemble(asm.Source{Name: "org", Text: fmt.Appendf(nil, "ORG_AT equ %d\n", org)}, asm.Source{Name: "timing.asm", Text: src})
	if err != nil {
		t.Fatal(err)
	}
	tape, err := tap.Loader("timing", org-1, p.Org, uint16(p.Symbols["start"]), p.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return tape
}

func runTiming(t *testing.T, org uint16, opt Options) string {
	m, err := New(openSE(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(timingTape(t, org), "> ", 30*ClockHz); err != nil {
		t.Fatalf("%v\n%s", err, m.Screen())
	}
	return strings.Join(m.Screen().Lines()[:2], "|")
}

// TestTimingAgainstFuse runs testdata/timing.asm, which counts the
// iterations of seven loops per frame (plain, IN from FEh, display-file
// writes, IN from 40FFh, LDIR, CB/(IX+d) read-modify-writes, OUT and
// EX (SP),HL), from uncontended (8000h) and contended (6000h) RAM, and
// compares the counts with what Fuse shows for the same tapes
// (testdata/timing-fuse.txt). The counts depend on every contention delay
// in the loops; without contention counting they must differ.
func TestTimingAgainstFuse(t *testing.T) {
	n := 0
	for _, l := range fuseReference(t, "testdata/timing-fuse.txt") {
		addr, want := l[0], l[1]
		org, err := strconv.ParseUint(addr, 16, 16)
		if err != nil {
			t.Fatal(err)
		}
		if *writeTapes != "" {
			p := filepath.Join(*writeTapes, "timing-"+addr+".tap")
			if err := os.WriteFile(p, timingTape(t, uint16(org)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := runTiming(t, uint16(org), Options{}); got != want {
			t.Errorf("code at %sh: %q, Fuse %q", addr, got, want)
		}
		if got := runTiming(t, uint16(org), Options{NoContention: true}); got == want {
			t.Errorf("code at %sh: the same counts without contention: the test is blind", addr)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d reference lines, want 2", n)
	}
}

// fuseReference reads a file of figures measured in Fuse: a line is a key,
// a space and the rest; blank lines and lines starting with # are skipped.
func fuseReference(t *testing.T, path string) [][2]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines [][2]string
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		k, rest, _ := strings.Cut(line, " ")
		lines = append(lines, [2]string{k, rest})
	}
	return lines
}

// TestFramesAndTStates checks the interrupt timing: the ROM's FRAMES
// counter advances once per 69,888 T-states, and the machine's frame count
// with it.
func TestFramesAndTStates(t *testing.T) {
	m, err := New(openSE(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Boot(); err != nil {
		t.Fatal(err)
	}
	f0, t0, n0 := m.sysFrames(), m.TStates(), m.Frames()
	const n = 500 // 10 s
	if err := m.RunFrames(n); err != nil {
		t.Fatal(err)
	}
	df, dt, dn := m.sysFrames()-f0, m.TStates()-t0, m.Frames()-n0
	if df != n || dn != n {
		t.Errorf("FRAMES advanced %d, Frames %d in %d frames", df, dn, n)
	}
	// RunFrames stops at the first instruction boundary of the frame: at
	// most one instruction (23 T-states) late at either end.
	if lo, hi := uint64(n*FrameTStates-23), uint64(n*FrameTStates+23); dt < lo || dt > hi {
		t.Errorf("%d T-states for %d frames, want %d±23", dt, n, n*FrameTStates)
	}
	t.Logf("%d frames: FRAMES +%d, %d T-states (%.1f per frame); boot took %d T-states", n, df, dt, float64(dt)/n, t0)
}
