package zx_test

import (
	"fmt"

	"mulm/z80ref/zx"
)

// Timing a routine with Call: the same loop writing 32 bytes, once to fast
// RAM and once to the display file while the ULA draws the screen (a ROM
// of zeros stands in for the real one; nothing else runs).
func ExampleMachine_Call() {
	m, err := zx.New(make([]byte, zx.ROMSize), zx.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	code := []byte{
		0x06, 0x20, // LD B,32
		0x77,       // loop: LD (HL),A
		0x23,       // INC HL
		0x10, 0xFC, // DJNZ loop
		0xC9, // RET
	}
	copy(m.Mem()[0x8000:], code)
	copy(m.Mem()[0x8100:], []byte{0x18, 0xFE}) // idle: JR idle
	m.CPU().PC, m.CPU().SP = 0x8100, 0xFF00
	for _, dst := range []uint16{0x9000, 0x4000} {
		// Idle into the next frame, then until the ULA starts fetching
		// the screen.
		if err := m.RunFrames(1); err != nil {
			fmt.Println(err)
			return
		}
		if err := m.Run(zx.ContendedStart - m.FrameTState()); err != nil {
			fmt.Println(err)
			return
		}
		m.CPU().HL.SetU16(dst)
		c0 := m.ContendedTStates()
		t, err := m.Call(0x8000, 0)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("to %04Xh: %d T-states, %d of them contention\n", dst, t, m.ContendedTStates()-c0)
	}
	// Output:
	// to 9000h: 844 T-states, 0 of them contention
	// to 4000h: 936 T-states, 92 of them contention
}
