package zx

import (
	"testing"
)

// benchLoop runs a busy loop (memory reads and writes, arithmetic, a
// CALL) at org with the ROM's interrupts on, and reports emulated
// T-states per second.
func benchLoop(b *testing.B, org uint16, opt Options) {
	m, err := New(openSE(b), opt)
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Boot(); err != nil {
		b.Fatal(err)
	}
	code := []byte{
		0x21, 0x00, 0x90, // loop: LD HL,9000h
		0x06, 0x40, //        LD B,64
		0x7E,       // l2: LD A,(HL)
		0x86,       //     ADD A,(HL)
		0x77,       //     LD (HL),A
		0x23,       //     INC HL
		0xCD, 0, 0, //         CALL sub (patched)
		0x10, 0xF8, //         DJNZ l2
		0x18, 0xF0, //         JR loop
		0xC9, //         sub:  RET
	}
	sub := org + uint16(len(code)) - 1
	code[10], code[11] = byte(sub), byte(sub>>8)
	copy(m.Mem()[org:], code)
	m.CPU().PC = org
	const frames = 50
	b.ResetTimer()
	t0 := m.TStates()
	for i := 0; i < b.N; i++ {
		if err := m.RunFrames(frames); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(m.TStates()-t0)/b.Elapsed().Seconds()/1e6, "MT/s")
}

func BenchmarkFastRAM(b *testing.B)      { benchLoop(b, 0x8000, Options{}) }
func BenchmarkContendedRAM(b *testing.B) { benchLoop(b, 0x6000, Options{}) }
func BenchmarkNoContention(b *testing.B) { benchLoop(b, 0x8000, Options{NoContention: true}) }

// BenchmarkScreen decodes the booted screen.
func BenchmarkScreen(b *testing.B) {
	m, err := New(openSE(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Boot(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		m.Screen()
	}
}
