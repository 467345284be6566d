package zx

import (
	"fmt"

	"mulm/z80ref/tap"
)

// LoadTape inserts a .TAP image: its blocks are then read, one per call,
// by the ROM's LD-BYTES (trapped at 0556h). It replaces any tape already
// inserted and fails, before changing anything, if the image does not
// parse.
func (m *Machine) LoadTape(data []byte) error {
	blocks, err := tap.Parse(data)
	if err != nil {
		return fmt.Errorf("zx: %w", err)
	}
	m.tape, m.tapeN = blocks, 0
	return nil
}

// TapeBlocksLeft returns how many blocks of the inserted tape have not been
// read yet.
func (m *Machine) TapeBlocksLeft() int { return len(m.tape) - m.tapeN }

// loadTrap emulates LD-BYTES at 0556h with the next tape block, the way
// emulators' tape traps do, in zero T-states. On entry A is the expected
// flag byte, IX the destination, DE the length, and carry set for LOAD
// (reset for VERIFY). Like the ROM routine it
//   - fails (carry and zero reset) when the block's flag differs from A
//     (the block is used up; the ROM's LOAD then asks for the next one);
//   - otherwise loads (or compares) min(DE, block length) bytes at IX,
//     advancing IX and counting DE down, and succeeds (carry set, A=0)
//     when DE bytes came and the parity byte that follows them (the
//     block's checksum when the lengths agree) makes the XOR of flag,
//     data and parity 0, as the ROM checks it;
//
// then it continues at the ROM's own SA/LD-RET (the address LD-BYTES
// pushes; it restores the border, enables interrupts and checks BREAK) so
// the ROM's return path runs as on a real load.
func (m *Machine) loadTrap() error {
	cpu := &m.cpu
	if m.tapeN >= len(m.tape) {
		return ErrTapeEnd
	}
	b := m.tape[m.tapeN]
	m.tapeN++
	want := cpu.AF.Hi
	load := cpu.AF.Lo&0x01 != 0
	ok := false
	if b.Flag == want {
		// The block as LD-BYTES reads it: data then checksum.
		raw := append(append([]byte{}, b.Data...), tap.Checksum(b.Flag, b.Data))
		n := int(cpu.DE.U16())
		parity := b.Flag
		verified := true
		i := 0
		for ; i < n && i < len(raw); i++ {
			addr := cpu.IX + uint16(i)
			if load {
				bus{m}.Set(addr, raw[i])
			} else if m.mem[addr] != raw[i] {
				verified = false
			}
			parity ^= raw[i]
		}
		cpu.IX += uint16(i)
		cpu.DE.SetU16(uint16(n - i))
		if i == n && i < len(raw) {
			parity ^= raw[i]
			ok = parity == 0 && verified
		}
		cpu.HL.Hi = parity
	}
	if ok {
		cpu.AF.Hi = 0
		cpu.AF.Lo = 0x93 // as after LD-BYTES' final CP 01h with H=0: S H N C
	} else {
		cpu.AF.Hi = 0x01
		cpu.AF.Lo = 0x00 // NC NZ: loading error
	}
	if ret, ok := m.ldRet(); ok {
		cpu.PC = ret
		return nil
	}
	// No SA/LD-RET found: return to the caller with interrupts enabled.
	cpu.PC = m.ReadWord(cpu.SP)
	cpu.SP += 2
	cpu.IFF1, cpu.IFF2 = true, true
	return nil
}

// ldRet finds the SA/LD-RET address that LD-BYTES pushes (LD HL,nnnn;
// PUSH HL in its first 16 bytes: 053Fh in both Sinclair's ROM and OpenSE).
func (m *Machine) ldRet() (uint16, bool) {
	for a := LDBytes; a < LDBytes+16; a++ {
		if m.mem[a] == 0x21 && m.mem[a+3] == 0xE5 {
			return m.ReadWord(uint16(a + 1)), true
		}
	}
	return 0, false
}
