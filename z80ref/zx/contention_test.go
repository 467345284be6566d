package zx

import (
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"testing"
)

// bare returns a machine with an empty (all NOP) ROM, for instruction-level
// tests.
func bare(t testing.TB) *Machine {
	t.Helper()
	m, err := New(make([]byte, ROMSize), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAccessSums checks, for every opcode of every prefix group, with the
// flags and B both ways (so every conditional instruction is seen taken and
// not taken, every block instruction repeating and finishing), that the
// bus-cycle breakdown used for contention adds up to the instruction's
// cost in the shared T-state tables.
func TestAccessSums(t *testing.T) {
	type form struct {
		name   string
		prefix []byte
	}
	forms := []form{{"", nil}, {"CB ", []byte{0xCB}}, {"ED ", []byte{0xED}}, {"DD ", []byte{0xDD}}, {"FD ", []byte{0xFD}}, {"DD CB 05 ", []byte{0xDD, 0xCB, 0x05}}, {"FD CB FB ", []byte{0xFD, 0xCB, 0xFB}}}
	const pc = 0x9000
	n := 0
	log.SetOutput(io.Discard) // koron logs the ED opcodes it does not know
	defer log.SetOutput(os.Stderr)
	for _, f := range forms {
		for op := 0; op < 256; op++ {
			if f.prefix == nil && (op == 0xCB || op == 0xED || op == 0xDD || op == 0xFD) {
				continue
			}
			if len(f.prefix) == 1 && (f.prefix[0] == 0xDD || f.prefix[0] == 0xFD) && op == 0xCB {
				continue
			}
			for _, st := range []struct{ f, b, c uint8 }{{0x00, 1, 1}, {0xFF, 2, 2}, {0x00, 2, 0}} {
				m := bare(t)
				code := append(append([]byte{}, f.prefix...), byte(op), 0x05, 0x12)
				copy(m.mem[pc:], code)
				cpu := m.CPU()
				cpu.PC = pc
				cpu.AF.Lo = st.f
				cpu.BC.Hi, cpu.BC.Lo = st.b, st.c
				cpu.SP, cpu.HL.Lo, cpu.HL.Hi = 0xA000, 0x00, 0xB0
				cpu.DE.SetU16(0xC000)
				cpu.IX, cpu.IY = 0xB100, 0xB200
				want, rep := m.tableCost(pc)
				var l accessList
				m.accesses(&l, pc)
				m.cpu.Step()
				if rep && cpu.PC == pc {
					want += 5
					l.repeatTail()
				}
				if got := l.sum(); got != want {
					t.Errorf("%s%02X (F=%02X B=%d): bus cycles add up to %d, table says %d", f.name, op, st.f, st.b, got, want)
				}
				n++
			}
		}
	}
	t.Logf("%d instruction/state cases", n)
}

// TestDelayPattern checks the contention delay against the 48K timings
// typed from the comp.sys.sinclair FAQ ("Contended memory"): 6,5,4,3,2,1,
// 0,0 from T-state 14335, for 128 T-states of every 224-T-state line, for
// 192 lines.
func TestDelayPattern(t *testing.T) {
	for _, c := range []struct {
		t    uint64
		want uint64
	}{
		{0, 0}, {14334, 0}, {14335, 6}, {14336, 5}, {14337, 4}, {14338, 3}, {14339, 2}, {14340, 1},
		{14341, 0}, {14342, 0}, {14343, 6}, {14335 + 127, 0}, {14335 + 126, 0}, {14335 + 120, 6},
		{14335 + 128, 0}, {14335 + 223, 0}, {14335 + 224, 6}, {14335 + 191*224, 6},
		{14335 + 191*224 + 125, 1}, {14335 + 192*224, 0}, {69887, 0},
	} {
		if got := delay(c.t); got != c.want {
			t.Errorf("delay(%d) = %d, want %d", c.t, got, c.want)
		}
	}
}

// TestContendedInstructions times single instructions at chosen frame
// T-states against values worked out by hand from the FAQ's breakdowns.
func TestContendedInstructions(t *testing.T) {
	tests := []struct {
		name  string
		pc    uint16
		code  []byte
		setup func(m *Machine)
		start uint64 // frame T-state at which the instruction starts
		want  uint64
	}{
		// pc:4 at 14335 (delay 6): 10.
		{"NOP in contended RAM at 14335", 0x6000, []byte{0x00}, nil, 14335, 10},
		// pc:4 at 14341 (delay 0): 4.
		{"NOP in contended RAM at 14341", 0x6000, []byte{0x00}, nil, 14341, 4},
		{"NOP uncontended", 0x8000, []byte{0x00}, nil, 14335, 4},
		{"NOP in contended RAM in the border", 0x6000, []byte{0x00}, nil, 14335 + 130, 4},
		// LD A,(HL) from 8000h, HL=4000h: pc:4 at 14335 (no delay, 8000h),
		// hl:3 at 14339 (delay 2): 4+2+3 = 9.
		{"LD A,(HL) screen", 0x8000, []byte{0x7E}, func(m *Machine) { m.cpu.HL.SetU16(0x4000) }, 14335, 9},
		// LD (HL),A at 8000h, HL=8001h: 7, untouched.
		{"LD A,(HL) fast RAM", 0x8000, []byte{0x7E}, func(m *Machine) { m.cpu.HL.SetU16(0x8001) }, 14335, 7},
		// INC BC with IR=4000h: pc:4 (8000h) at 14335, ir:1 at 14339
		// (delay 2) -> 14342, ir:1 at 14342 (0) -> 14343: 8.
		{"INC BC with I=40h", 0x8000, []byte{0x03}, func(m *Machine) { m.cpu.IR.SetU16(0x4000) }, 14335, 8},
		// IN A,(FEh) with A=FEh at 8000h: pc:4 at 14335 -> 14339, pc+1:3
		// -> 14342, I/O N:1 -> 14343, C:3 at 14343 (delay 6) -> 14352: 17.
		{"IN A,(FEh)", 0x8000, []byte{0xDB, 0xFE}, func(m *Machine) { m.cpu.AF.Hi = 0xFE }, 14335, 17},
		// IN A,(FFh) with A=40h: pc:4, pc+1:3 -> 14342; C:1 x4 at 14342 (0)
		// -> 14343, 14343 (6) -> 14350, 14350 (1) -> 14352, 14352 (5) ->
		// 14358: 23.
		{"IN A,(FFh) high byte 40h", 0x8000, []byte{0xDB, 0xFF}, func(m *Machine) { m.cpu.AF.Hi = 0x40 }, 14335, 23},
		// PUSH BC, SP=4002h: pc:4 -> 14339, ir:1 -> 14340, sp-1:3 at 14340
		// (delay 1) -> 14344, sp-2:3 at 14344 (delay 5) -> 14352: 17.
		{"PUSH BC onto the screen", 0x8000, []byte{0xC5}, func(m *Machine) { m.cpu.SP = 0x4002 }, 14335, 17},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := bare(t)
			copy(m.mem[tc.pc:], tc.code)
			m.mem[tc.pc+uint16(len(tc.code))] = 0x76 // HALT
			m.cpu.PC = tc.pc
			m.cpu.SP = 0xF000
			if tc.setup != nil {
				tc.setup(m)
			}
			m.t = tc.start // frame 0: frameStart = 0
			start := m.t
			if err := m.Run(1); err != nil {
				t.Fatal(err)
			}
			if got := m.t - start; got != tc.want {
				t.Errorf("%d T-states, want %d", got, tc.want)
			}
			if got, want := m.contended, tc.want-uint64(tableSum(m, tc.pc)); got != want {
				t.Errorf("ContendedTStates = %d, want %d", got, want)
			}
		})
	}
}

// tableSum is the uncontended cost of the instruction at pc (whose machine
// state has moved on; only unconditional instructions are used).
func tableSum(m *Machine, pc uint16) uint64 {
	c, _ := m.tableCost(pc)
	return c
}

func ExampleCellAddr() {
	fmt.Printf("%04Xh %04Xh %04Xh\n", CellAddr(0, 0, 0), CellAddr(1, 0, 0), CellAddr(8, 1, 31))
	// Output: 4000h 4020h 491Fh
}

// TestMayContendConservative checks the quick filter against the full
// breakdown: for every opcode under random register values (and the
// opcode at random addresses), when mayContend says no, no bus cycle may
// carry a contended address or be an I/O cycle.
func TestMayContendConservative(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := bare(t)
	prefixes := [][]byte{nil, {0xCB}, {0xED}, {0xDD}, {0xFD}, {0xDD, 0xCB}, {0xFD, 0xCB}}
	skipped := 0
	for _, pre := range prefixes {
		for op := 0; op < 256; op++ {
			for k := 0; k < 40; k++ {
				cpu := m.CPU()
				pc := uint16(rng.IntN(0x10000 - 8))
				if k%2 == 0 {
					pc = 0x8000 + uint16(rng.IntN(0x7FF0)) // mostly fast RAM
				}
				code := append(append([]byte{}, pre...), byte(op))
				for len(code) < 5 {
					code = append(code, byte(rng.IntN(256)))
				}
				copy(m.mem[pc:], code)
				r := func() uint16 { return uint16(rng.IntN(0x10000)) }
				cpu.HL.SetU16(r())
				cpu.DE.SetU16(r())
				cpu.BC.SetU16(r())
				cpu.SP, cpu.IX, cpu.IY = r(), r(), r()
				cpu.IR.SetU16(r() &^ 0x4000) // I mostly outside 40h-7Fh
				cpu.AF.SetU16(r())
				if m.mayContend(pc, m.mem[pc]) {
					continue
				}
				skipped++
				var l accessList
				m.accesses(&l, pc)
				for _, a := range l.a[:l.n] {
					if a.kind == accIO || a.kind == accMem && contendedAddr(a.addr) {
						t.Fatalf("% X at %04X: mayContend false but cycle %+v (HL=%04X DE=%04X BC=%04X SP=%04X)", code, pc, a, cpu.HL.U16(), cpu.DE.U16(), cpu.BC.U16(), cpu.SP)
					}
				}
			}
		}
	}
	t.Logf("%d instructions skipped the breakdown", skipped)
}
