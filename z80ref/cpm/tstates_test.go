package cpm

import (
	"errors"
	"testing"
)

// TestInstructionTStates runs single instructions followed by HALT and
// checks the counted T-states. Expected values are typed from the Zilog
// Z80 CPU User Manual (UM0080) instruction descriptions, cross-checked
// against Sean Young's opcode list (which also covers the undocumented
// instructions marked "undoc"). HALT itself stops Run before it is counted.
//
// Machine state before the instruction: HL=IX=IY=8000h, DE=9000h,
// BC=0001h, F=0 (so NZ, NC, PO and P hold), SP=EBFEh holding 0000h.
// Memory 8000h, 0038h and the byte after the instruction hold HALT.
func TestInstructionTStates(t *testing.T) {
	tests := []struct {
		name string
		code []byte
		want uint64
	}{
		// 8-bit loads
		{"LD B,C", []byte{0x41}, 4},
		{"LD A,(HL)", []byte{0x7E}, 7},
		{"LD (HL),A", []byte{0x77}, 7},
		{"LD B,n", []byte{0x06, 0x12}, 7},
		{"LD (HL),n", []byte{0x36, 0x12}, 10},
		{"LD A,(BC)", []byte{0x0A}, 7},
		{"LD (DE),A", []byte{0x12}, 7},
		{"LD A,(nn)", []byte{0x3A, 0x00, 0x80}, 13},
		{"LD (nn),A", []byte{0x32, 0x00, 0x80}, 13},
		{"LD A,(IX+d)", []byte{0xDD, 0x7E, 0x05}, 19},
		{"LD (IY+d),B", []byte{0xFD, 0x70, 0x05}, 19},
		{"LD (IX+d),n", []byte{0xDD, 0x36, 0x05, 0x12}, 19},
		{"LD I,A", []byte{0xED, 0x47}, 9},
		{"LD A,R", []byte{0xED, 0x5F}, 9},
		// 16-bit loads, stack, exchanges
		{"LD BC,nn", []byte{0x01, 0x34, 0x12}, 10},
		{"LD IX,nn", []byte{0xDD, 0x21, 0x34, 0x12}, 14},
		{"LD HL,(nn)", []byte{0x2A, 0x00, 0x80}, 16},
		{"LD (nn),HL", []byte{0x22, 0x00, 0x80}, 16},
		{"LD (nn),BC", []byte{0xED, 0x43, 0x00, 0x80}, 20},
		{"LD SP,(nn)", []byte{0xED, 0x7B, 0x00, 0x80}, 20},
		{"LD IY,(nn)", []byte{0xFD, 0x2A, 0x00, 0x80}, 20},
		{"LD (nn),IX", []byte{0xDD, 0x22, 0x00, 0x80}, 20},
		{"LD SP,HL", []byte{0xF9}, 6},
		{"LD SP,IX", []byte{0xDD, 0xF9}, 10},
		{"PUSH BC", []byte{0xC5}, 11},
		{"PUSH IX", []byte{0xDD, 0xE5}, 15},
		{"POP HL", []byte{0xE1}, 10},
		{"POP IY", []byte{0xFD, 0xE1}, 14},
		{"EX DE,HL", []byte{0xEB}, 4},
		{"EX AF,AF'", []byte{0x08}, 4},
		{"EXX", []byte{0xD9}, 4},
		{"EX (SP),HL", []byte{0xE3}, 19},
		{"EX (SP),IX", []byte{0xDD, 0xE3}, 23},
		// block transfer/search/I-O (single iteration)
		{"LDI", []byte{0xED, 0xA0}, 16},
		{"LDIR BC=1", []byte{0xED, 0xB0}, 16},
		{"CPD", []byte{0xED, 0xA9}, 16},
		{"INI", []byte{0xED, 0xA2}, 16},
		{"OUTD", []byte{0xED, 0xAB}, 16},
		// 8-bit arithmetic and logic
		{"ADD A,B", []byte{0x80}, 4},
		{"ADD A,n", []byte{0xC6, 0x01}, 7},
		{"ADD A,(HL)", []byte{0x86}, 7},
		{"SUB (HL)", []byte{0x96}, 7},
		{"CP n", []byte{0xFE, 0x00}, 7},
		{"ADD A,(IX+d)", []byte{0xDD, 0x86, 0x05}, 19},
		{"CP (IY+d)", []byte{0xFD, 0xBE, 0x05}, 19},
		{"INC B", []byte{0x04}, 4},
		{"INC (HL)", []byte{0x34}, 11},
		{"DEC (HL)", []byte{0x35}, 11},
		{"INC (IX+d)", []byte{0xDD, 0x34, 0x05}, 23},
		// general purpose
		{"DAA", []byte{0x27}, 4},
		{"CPL", []byte{0x2F}, 4},
		{"NEG", []byte{0xED, 0x44}, 8},
		{"SCF", []byte{0x37}, 4},
		{"CCF", []byte{0x3F}, 4},
		{"DI", []byte{0xF3}, 4},
		{"EI", []byte{0xFB}, 4},
		{"IM 1", []byte{0xED, 0x56}, 8},
		// 16-bit arithmetic
		{"ADD HL,BC", []byte{0x09}, 11},
		{"ADC HL,SP", []byte{0xED, 0x7A}, 15},
		{"SBC HL,DE", []byte{0xED, 0x52}, 15},
		{"ADD IX,BC", []byte{0xDD, 0x09}, 15},
		{"INC BC", []byte{0x03}, 6},
		{"DEC SP", []byte{0x3B}, 6},
		{"INC IX", []byte{0xDD, 0x23}, 10},
		// rotates and shifts
		{"RLCA", []byte{0x07}, 4},
		{"RRA", []byte{0x1F}, 4},
		{"RLC B", []byte{0xCB, 0x00}, 8},
		{"RL (HL)", []byte{0xCB, 0x16}, 15},
		{"SLA C", []byte{0xCB, 0x21}, 8},
		{"SRL (HL)", []byte{0xCB, 0x3E}, 15},
		{"RLC (IX+d)", []byte{0xDD, 0xCB, 0x05, 0x06}, 23},
		{"SRL (IY+d)", []byte{0xFD, 0xCB, 0x05, 0x3E}, 23},
		{"RRD", []byte{0xED, 0x67}, 18},
		{"RLD", []byte{0xED, 0x6F}, 18},
		// bit set, reset, test
		{"BIT 0,B", []byte{0xCB, 0x40}, 8},
		{"BIT 7,(HL)", []byte{0xCB, 0x7E}, 12},
		{"RES 3,(HL)", []byte{0xCB, 0x9E}, 15},
		{"SET 7,A", []byte{0xCB, 0xFF}, 8},
		{"BIT 3,(IX+d)", []byte{0xDD, 0xCB, 0x05, 0x5E}, 20},
		{"SET 7,(IY+d)", []byte{0xFD, 0xCB, 0x05, 0xFE}, 23},
		{"RES 0,(IX+d)", []byte{0xDD, 0xCB, 0x05, 0x86}, 23},
		// jumps, calls, returns (targets hold HALT)
		{"JP nn", []byte{0xC3, 0x03, 0x01}, 10},
		{"JP NZ,nn (taken)", []byte{0xC2, 0x03, 0x01}, 10},
		{"JP Z,nn (not taken)", []byte{0xCA, 0x00, 0x80}, 10},
		{"JP (HL)", []byte{0xE9}, 4},
		{"JP (IX)", []byte{0xDD, 0xE9}, 8},
		{"JR e", []byte{0x18, 0x00}, 12},
		{"JR NZ,e (taken)", []byte{0x20, 0x00}, 12},
		{"JR Z,e (not taken)", []byte{0x28, 0x00}, 7},
		{"JR NC,e (taken)", []byte{0x30, 0x00}, 12},
		{"JR C,e (not taken)", []byte{0x38, 0x00}, 7},
		{"DJNZ (B=0: taken)", []byte{0x10, 0x00}, 13},
		{"CALL nn", []byte{0xCD, 0x03, 0x01}, 17},
		{"CALL NZ,nn (taken)", []byte{0xC4, 0x03, 0x01}, 17},
		{"CALL Z,nn (not taken)", []byte{0xCC, 0x00, 0x80}, 10},
		{"RET (to 0000h)", []byte{0xC9}, 10},
		{"RET NC (taken, to 0000h)", []byte{0xD0}, 11},
		{"RET C (not taken)", []byte{0xD8}, 5},
		{"RETN (to 0000h)", []byte{0xED, 0x45}, 14},
		{"RETI (to 0000h)", []byte{0xED, 0x4D}, 14},
		{"RST 38h", []byte{0xFF}, 11},
		// input and output
		{"IN A,(n)", []byte{0xDB, 0x10}, 11},
		{"OUT (n),A", []byte{0xD3, 0x10}, 11},
		{"IN B,(C)", []byte{0xED, 0x40}, 12},
		{"OUT (C),A", []byte{0xED, 0x79}, 12},
		// undocumented
		{"undoc SLL B", []byte{0xCB, 0x30}, 8},
		{"undoc LD B,IXH", []byte{0xDD, 0x44}, 8},
		{"undoc INC IXL", []byte{0xDD, 0x2C}, 8},
		{"undoc LD IXH,n", []byte{0xDD, 0x26, 0x12}, 11},
		{"undoc ADD A,IYL", []byte{0xFD, 0x85}, 8},
		{"undoc DD LD B,C (prefix ignored)", []byte{0xDD, 0x41}, 8},
		{"undoc FD CP B (prefix ignored)", []byte{0xFD, 0xB8}, 8},
		{"undoc ED NOP", []byte{0xED, 0x00}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code := append(append([]byte{}, tc.code...), 0x76)
			m, err := New(code, Options{})
			if err != nil {
				t.Fatal(err)
			}
			c := m.CPU()
			c.HL.SetU16(0x8000)
			c.IX, c.IY = 0x8000, 0x8000
			c.DE.SetU16(0x9000)
			c.BC.SetU16(0x0001)
			m.Write(0x8000, 0x76)
			m.Write(0x0038, 0x76)
			err = m.Run()
			var he *HaltError
			if err != nil && !errors.As(err, &he) {
				t.Fatalf("Run: %v", err)
			}
			if got := m.TStates(); got != tc.want {
				t.Errorf("%s % X: %d T-states, want %d", tc.name, tc.code, got, tc.want)
			}
			if m.Instructions() != 1 {
				t.Errorf("%d instructions executed, want 1", m.Instructions())
			}
		})
	}
}

// TestBranchTStates checks taken/not-taken costs by running hand-assembled
// programs and comparing the exact total.
func TestBranchTStates(t *testing.T) {
	tests := []struct {
		name  string
		code  []byte
		setup func(m *Machine)
		want  uint64
		check func(t *testing.T, m *Machine)
	}{
		{"jr cc", []byte{
			0xAF,       // 0100 XOR A         4   Z=1 C=0
			0x20, 0x01, // 0101 JR NZ,+1      7   not taken
			0x28, 0x00, // 0103 JR Z,0105h   12   taken (target = next instruction)
			0x38, 0x01, // 0105 JR C,+1       7   not taken
			0x30, 0x00, // 0107 JR NC,0109h  12   taken
			0x76, // 0109 HALT
		}, nil, 4 + 7 + 12 + 7 + 12, nil},
		{"djnz", []byte{
			0x06, 0x03, // 0100 LD B,3        7
			0x10, 0xFE, // 0102 DJNZ 0102h   13+13+8
			0x76, // 0104 HALT
		}, nil, 7 + 13 + 13 + 8, func(t *testing.T, m *Machine) {
			if m.CPU().BC.Hi != 0 {
				t.Errorf("B=%d", m.CPU().BC.Hi)
			}
		}},
		{"jp cc", []byte{
			0xAF,             // 0100 XOR A          4
			0xC2, 0x00, 0x02, // 0101 JP NZ,0200h   10 not taken
			0xCA, 0x07, 0x01, // 0104 JP Z,0107h    10 taken
			0x76, // 0107 HALT
		}, nil, 4 + 10 + 10, nil},
		{"call cc / ret cc on carry", []byte{
			0x37,             // 0100 SCF            4   C=1
			0xD4, 0x00, 0x02, // 0101 CALL NC,0200h 10 not taken
			0xDC, 0x00, 0x02, // 0104 CALL C,0200h  17 taken
			0x76, // 0107 HALT
		}, func(m *Machine) {
			m.Write(0x0200, 0xD0) // 0200 RET NC  5 not taken
			m.Write(0x0201, 0xD8) // 0201 RET C  11 taken
		}, 4 + 10 + 17 + 5 + 11, nil},
		{"call cc / ret cc on parity and sign", []byte{
			0xAF,             // 0100 XOR A          4   Z=1 P/V=1 (even) S=0
			0xE4, 0x00, 0x02, // 0101 CALL PO,0200h 10 not taken
			0xEC, 0x00, 0x02, // 0104 CALL PE,0200h 17 taken
			0xFC, 0x00, 0x02, // 0107 CALL M,0200h  10 not taken
			0xF4, 0x00, 0x02, // 010A CALL P,0200h  17 taken
			0xCC, 0x00, 0x02, // 010D CALL Z,0200h  17 taken
			0xC4, 0x00, 0x02, // 0110 CALL NZ,0200h 10 not taken
			0x76, // 0113 HALT
		}, func(m *Machine) {
			m.Write(0x0200, 0xE0) // 0200 RET PO  5 not taken
			m.Write(0x0201, 0xF8) // 0201 RET M   5 not taken
			m.Write(0x0202, 0xC0) // 0202 RET NZ  5 not taken
			m.Write(0x0203, 0xC8) // 0203 RET Z  11 taken
		}, 4 + 10 + (17 + 5 + 5 + 5 + 11) + 10 + (17 + 5 + 5 + 5 + 11) + (17 + 5 + 5 + 5 + 11) + 10, nil},
		{"ldir", []byte{
			0x21, 0x00, 0x80, // 0100 LD HL,8000h  10
			0x11, 0x00, 0x90, // 0103 LD DE,9000h  10
			0x01, 0x03, 0x00, // 0106 LD BC,3      10
			0xED, 0xB0, // 0109 LDIR         21+21+16
			0x76, // 010B HALT
		}, func(m *Machine) {
			m.Write(0x8000, 1)
			m.Write(0x8001, 2)
			m.Write(0x8002, 3)
		}, 30 + 21 + 21 + 16, func(t *testing.T, m *Machine) {
			if m.Read(0x9000) != 1 || m.Read(0x9001) != 2 || m.Read(0x9002) != 3 || m.Read(0x9003) != 0 {
				t.Errorf("copy wrong: % X", m.Mem()[0x9000:0x9004])
			}
			if m.CPU().BC.U16() != 0 || m.CPU().HL.U16() != 0x8003 {
				t.Errorf("BC=%04X HL=%04X", m.CPU().BC.U16(), m.CPU().HL.U16())
			}
		}},
		{"lddr", []byte{
			0x21, 0x01, 0x80, // 0100 LD HL,8001h  10
			0x11, 0x01, 0x90, // 0103 LD DE,9001h  10
			0x01, 0x02, 0x00, // 0106 LD BC,2      10
			0xED, 0xB8, // 0109 LDDR         21+16
			0x76, // 010B HALT
		}, nil, 30 + 21 + 16, nil},
		{"cpir stops on match", []byte{
			0x21, 0x00, 0x80, // 0100 LD HL,8000h  10
			0x01, 0x05, 0x00, // 0103 LD BC,5      10
			0x3E, 0x02, // 0106 LD A,2        7
			0xED, 0xB1, // 0108 CPIR         21 (1<>2) + 16 (2=2)
			0x76, // 010A HALT
		}, func(m *Machine) {
			m.Write(0x8000, 1)
			m.Write(0x8001, 2)
		}, 27 + 21 + 16, func(t *testing.T, m *Machine) {
			if m.CPU().BC.U16() != 3 || m.CPU().HL.U16() != 0x8002 {
				t.Errorf("BC=%04X HL=%04X", m.CPU().BC.U16(), m.CPU().HL.U16())
			}
		}},
		{"cpdr runs out", []byte{
			0x21, 0x02, 0x80, // 0100 LD HL,8002h  10
			0x01, 0x03, 0x00, // 0103 LD BC,3      10
			0x3E, 0x07, // 0106 LD A,7        7
			0xED, 0xB9, // 0108 CPDR         21+21+16
			0x76, // 010A HALT
		}, nil, 27 + 21 + 21 + 16, nil},
		{"otir and inir", []byte{
			0x21, 0x00, 0x80, // 0100 LD HL,8000h  10
			0x01, 0x10, 0x02, // 0103 LD BC,0210h  10  B=2 C=10h
			0xED, 0xB3, // 0106 OTIR         21+16
			0x06, 0x03, // 0108 LD B,3        7
			0xED, 0xB2, // 010A INIR         21+21+16
			0xED, 0xBA, // 010C INDR with B=0: 256 iterations: 255*21+16
			0x76, // 010E HALT
		}, nil, 20 + 21 + 16 + 7 + 21 + 21 + 16 + 255*21 + 16, nil},
		{"dd-prefixed ld ix + ret", []byte{
			0xDD, 0x21, 0x00, 0x80, // 0100 LD IX,8000h      14
			0xDD, 0x36, 0x01, 0x2A, // 0104 LD (IX+1),2Ah    19
			0xDD, 0x7E, 0x01, // 0108 LD A,(IX+1)      19
			0xDD, 0xCB, 0x01, 0x46, // 010B BIT 0,(IX+1)     20
			0xC9, // 010F RET (to 0000h)   10
		}, nil, 14 + 19 + 19 + 20 + 10, func(t *testing.T, m *Machine) {
			if m.CPU().AF.Hi != 0x2A {
				t.Errorf("A=%02X", m.CPU().AF.Hi)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.code, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(m)
			}
			err = m.Run()
			var he *HaltError
			if err != nil && !errors.As(err, &he) {
				t.Fatalf("Run: %v", err)
			}
			if got := m.TStates(); got != tc.want {
				t.Errorf("%d T-states, want %d", got, tc.want)
			}
			if tc.check != nil {
				tc.check(t, m)
			}
		})
	}
}
