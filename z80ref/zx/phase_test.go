package zx

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"mulm/z80ref/asm"
	"mulm/z80ref/tap"
)

// phaseProgram assembles testdata/phase.asm with the given delay count.
func phaseProgram(t testing.TB, delay int) *asm.Program {
	t.Helper()
	src, err := os.ReadFile("testdata/phase.asm")
	if err != nil {
		t.Fatal(err)
	}
	p, err := asm.Assemble(asm.Source{Name: "delay", Text: fmt.Appendf(nil, "DELAY equ %d\n", delay)}, asm.Source{Name: "phase.asm", Text: src})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// phaseAddrs returns the address of "synced" and of every instruction from
// "seq" to "seqend".
func phaseAddrs(p *asm.Program) []uint16 {
	a := []uint16{uint16(p.Symbols["synced"])}
	lo, hi := uint16(p.Symbols["seq"]), uint16(p.Symbols["seqend"])
	for _, l := range p.Listing {
		// instructions are 1-4 bytes; the ds padding is longer
		if n := len(l.Bytes); n > 0 && n <= 4 && l.Addr >= lo && l.Addr <= hi {
			a = append(a, l.Addr)
		}
	}
	return a
}

// fuseScript is the Fuse debugger script that prints the same hits:
// a marker, PC and ula:tstates at each address (breakpoints from 2, as
// zxrun.sh's ZX_DEBUGGER_EXTRA wants).
func fuseScript(addrs []uint16) string {
	var b strings.Builder
	for i, a := range addrs {
		fmt.Fprintf(&b, "break 0x%04X\ncommands %d\npr 777000001\npr z80:pc\npr ula:tstates\ncontinue\nend\n", a, i+2)
	}
	return b.String()
}

// TestPhaseAgainstFuse runs testdata/phase.asm, which executes some sixty
// instructions of every bus-cycle shape (contended fetches, reads and
// writes, the stack in contended RAM, CALL/RET, the ULA port and port
// 40FFh, (IX+d) and CB read-modify-writes, RRD, LDIR/CPIR/LDI, INC BC
// and ADD HL,BC with I=40h, DJNZ, JR) across the start of the contended
// screen area, and compares the frame T-state at which each instruction
// starts with Fuse's (testdata/phase-fuse.txt), for two start phases.
func TestPhaseAgainstFuse(t *testing.T) {
	want := map[int][]string{}
	var delays []int
	for _, l := range fuseReference(t, "testdata/phase-fuse.txt") {
		d, rest := l[0], l[1]
		n, err := strconv.Atoi(d)
		if err != nil {
			t.Fatal(err)
		}
		if want[n] == nil {
			delays = append(delays, n)
		}
		want[n] = append(want[n], rest)
	}
	if len(delays) != 2 {
		t.Fatalf("%d phases in the reference, want 2", len(delays))
	}
	for _, d := range delays {
		p := phaseProgram(t, d)
		tape, err := tap.Loader("phase", p.Org-1, p.Org, uint16(p.Symbols["start"]), p.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		addrs := phaseAddrs(p)
		if *writeTapes != "" {
			base := filepath.Join(*writeTapes, fmt.Sprintf("phase-%d", d))
			if err := os.WriteFile(base+".tap", tape, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(base+".dbg", []byte(fuseScript(addrs)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		m, err := New(openSE(t), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range addrs {
			m.SetHook(a, func() { got = append(got, fmt.Sprintf("%04X %d", m.CPU().PC, m.FrameTState())) })
		}
		if err := m.Start(tape, "> ", 30*ClockHz); err != nil {
			t.Fatalf("%v\n%s", err, m.Screen())
		}
		if len(got) != len(want[d]) {
			t.Errorf("DELAY %d: %d hits, Fuse %d", d, len(got), len(want[d]))
		}
		bad := 0
		for i := range min(len(got), len(want[d])) {
			if got[i] != want[d][i] {
				if bad < 5 {
					t.Errorf("DELAY %d hit %d: PC, T-state %s, Fuse %s", d, i, got[i], want[d][i])
				}
				bad++
			}
		}
	}
}
