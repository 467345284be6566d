package tstates

import "testing"

// TestTableShapes checks table invariants independent of individual values.
func TestTableShapes(t *testing.T) {
	for i := 0; i < 256; i++ {
		isPrefix := i == 0xCB || i == 0xDD || i == 0xED || i == 0xFD
		if (tMain[i] == 0) != isPrefix {
			t.Errorf("tMain[%02X] = %d", i, tMain[i])
		}
		if tCB[i] == 0 || tED[i] == 0 || tXYCB[i] == 0 {
			t.Errorf("zero cost at %02X", i)
		}
		if (tXY[i] == 0) != (i == 0xCB) {
			t.Errorf("tXY[%02X] = %d", i, tXY[i])
		}
	}
	// DD before an instruction not involving H, L, (HL) or HL adds 4.
	for _, op := range []int{0x00, 0x01, 0x04, 0x07, 0x10, 0x18, 0x20, 0x32, 0x3A, 0x47, 0x78, 0x80, 0xC0, 0xC3, 0xC5, 0xC9, 0xCD, 0xD3, 0xD9, 0xEB, 0xF3, 0xFE, 0xFF} {
		if int(tXY[op]) != int(tMain[op])+4 {
			t.Errorf("tXY[%02X]=%d, tMain=%d", op, tXY[op], tMain[op])
		}
	}
}
