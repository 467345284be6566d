package zx

// Memory and I/O contention of the 48K Spectrum.
//
// During the 192 screen lines the ULA reads the display file; a CPU cycle
// that puts an address in 4000h-7FFFh on the bus (memory access or an
// internal cycle with that address on the bus) while the ULA fetches is
// held off. The delay depends on the frame T-state t of the cycle: for
// ContendedStart <= t < ContendedStart+192*224 and (t-ContendedStart) mod
// 224 < 128 it is 6,5,4,3,2,1,0,0 for (t-ContendedStart) mod 8 = 0..7,
// elsewhere 0.
//
// Each instruction is broken down into its bus cycles (address, length),
// as in the comp.sys.sinclair FAQ's contention tables and Fuse's core:
// "pc:4" is the opcode fetch at pc, "hl:3" a memory read or write at HL,
// "ir:1" an internal cycle with IR on the address bus, "x5" five such
// 1-T-state cycles each contended on its own. The lengths add up to the
// instruction's T-states in z80ref/internal/tstates
// (TestAccessSums checks every opcode). The contention of each cycle is
// applied at the T-state it starts.
//
// I/O: a port with A0 = 0 is the ULA's and is contended like a memory
// cycle (N:1 then C:3), a port whose high byte is 40h-7Fh contends the
// address bus as well:
//
//	high byte 40h-7Fh  A0   pattern
//	no                 1    N:4
//	no                 0    N:1, C:3
//	yes                1    C:1, C:1, C:1, C:1
//	yes                0    C:1, C:3
//
// (C:n: contended if the ULA is fetching, then n T-states; N:n: n
// T-states.)

const contendedLines = 192

// delay returns the contention delay of a cycle that starts at frame
// T-state t and puts a contended address on the bus.
func delay(t uint64) uint64 {
	if t < ContendedStart {
		return 0
	}
	d := t - ContendedStart
	if d >= contendedLines*LineTStates || d%LineTStates >= 128 {
		return 0
	}
	return [8]uint64{6, 5, 4, 3, 2, 1, 0, 0}[d%8]
}

func contendedAddr(a uint16) bool { return a&0xC000 == 0x4000 }

const (
	accMem = iota // a cycle with addr on the bus
	accInt        // internal cycles with no contended address (never delayed)
	accIO         // a 4-T-state I/O cycle on port addr
)

type access struct {
	addr uint16
	n    uint8
	kind uint8
}

// accessList is the bus-cycle breakdown of one instruction.
type accessList struct {
	a    [24]access
	n    int
	tail uint16 // address of the 5 extra cycles of a repeating block instruction
}

func (l *accessList) mem(addr uint16, n uint8) {
	l.a[l.n] = access{addr, n, accMem}
	l.n++
}

// rep adds k 1-T-state cycles with addr on the bus.
func (l *accessList) rep(addr uint16, k int) {
	for i := 0; i < k; i++ {
		l.mem(addr, 1)
	}
}

func (l *accessList) internal(n uint8) {
	l.a[l.n] = access{0, n, accInt}
	l.n++
}

func (l *accessList) io(port uint16) {
	l.a[l.n] = access{port, 4, accIO}
	l.n++
}

// repeatTail adds the 5 cycles a repeating LDIR/CPIR/INIR/OTIR... spends
// moving PC back.
func (l *accessList) repeatTail() { l.rep(l.tail, 5) }

// sum returns the T-states of the list without contention.
func (l *accessList) sum() uint64 {
	var s uint64
	for _, a := range l.a[:l.n] {
		s += uint64(a.n)
	}
	return s
}

// cost returns the T-states of the list when it starts at frame T-state t.
func (l *accessList) cost(t uint64) uint64 {
	start := t
	for _, a := range l.a[:l.n] {
		switch a.kind {
		case accMem:
			if contendedAddr(a.addr) {
				t += delay(t)
			}
			t += uint64(a.n)
		case accInt:
			t += uint64(a.n)
		case accIO:
			hi := contendedAddr(a.addr)
			ula := a.addr&1 == 0
			switch {
			case !hi && !ula:
				t += 4
			case !hi && ula:
				t++
				t += delay(t)
				t += 3
			case hi && ula:
				t += delay(t)
				t++
				t += delay(t)
				t += 3
			default:
				for i := 0; i < 4; i++ {
					t += delay(t)
					t++
				}
			}
		}
	}
	return t - start
}

// ccTrue evaluates condition cc (0-7: NZ Z NC C PO PE P M) on flags f.
func ccTrue(f, cc uint8) bool {
	mask := [4]uint8{0x40, 0x01, 0x04, 0x80}[cc>>1]
	return (f&mask != 0) == (cc&1 != 0)
}

// accesses fills l with the bus cycles of the instruction at pc, from the
// machine state before it executes. A repeating block instruction's last
// 5 cycles are added by repeatTail after the step shows it repeated.
func (m *Machine) accesses(l *accessList, pc uint16) {
	mem := &m.mem
	cpu := &m.cpu
	ir := cpu.IR.U16()
	op := mem[pc]
	l.mem(pc, 4)
	switch op {
	case 0xCB:
		op2 := mem[pc+1]
		l.mem(pc+1, 4)
		if op2&7 == 6 {
			hl := cpu.HL.U16()
			l.mem(hl, 3)
			l.mem(hl, 1)
			if op2&0xC0 != 0x40 { // not BIT: write back
				l.mem(hl, 3)
			}
		}
	case 0xED:
		m.accessesED(l, pc, ir)
	case 0xDD, 0xFD:
		xy := cpu.IX
		if op == 0xFD {
			xy = cpu.IY
		}
		m.accessesXY(l, pc, ir, xy)
	default:
		m.accessesMain(l, pc, op, ir, cpu.HL.U16())
	}
}

// accessesMain adds the cycles after the opcode fetch of unprefixed
// opcode op at pc (also used after a DD/FD prefix for the instructions
// that do not address (HL); hl is then IX or IY, used by JP (HL), LD SP,HL
// and EX (SP),HL only through their cycle counts).
func (m *Machine) accessesMain(l *accessList, pc uint16, op uint8, ir, hl uint16) {
	mem := &m.mem
	cpu := &m.cpu
	sp := cpu.SP
	nn := m.ReadWord(pc + 1)
	switch {
	case op&0xC7 == 0x06 && op != 0x36, // LD r,n
		op&0xC7 == 0xC6: // ALU n
		l.mem(pc+1, 3)
	case op == 0x36: // LD (HL),n
		l.mem(pc+1, 3)
		l.mem(hl, 3)
	case op&0xCF == 0x01, op == 0xC3, op&0xC7 == 0xC2: // LD dd,nn; JP nn; JP cc,nn
		l.mem(pc+1, 3)
		l.mem(pc+2, 3)
	case op&0xC7 == 0x03, op == 0xF9: // INC/DEC dd; LD SP,HL
		l.rep(ir, 2)
	case op&0xCF == 0x09: // ADD HL,dd
		l.rep(ir, 7)
	case op == 0x02 || op == 0x0A: // LD (BC),A; LD A,(BC)
		l.mem(cpu.BC.U16(), 3)
	case op == 0x12 || op == 0x1A:
		l.mem(cpu.DE.U16(), 3)
	case op == 0x34 || op == 0x35: // INC/DEC (HL)
		l.mem(hl, 3)
		l.mem(hl, 1)
		l.mem(hl, 3)
	case op >= 0x40 && op < 0xC0 && op != 0x76 && (op&7 == 6 || op&0xF8 == 0x70): // r,(HL); (HL),r; ALU (HL)
		l.mem(hl, 3)
	case op == 0x32 || op == 0x3A: // LD (nn),A; LD A,(nn)
		l.mem(pc+1, 3)
		l.mem(pc+2, 3)
		l.mem(nn, 3)
	case op == 0x22 || op == 0x2A: // LD (nn),HL; LD HL,(nn)
		l.mem(pc+1, 3)
		l.mem(pc+2, 3)
		l.mem(nn, 3)
		l.mem(nn+1, 3)
	case op == 0x18 || op&0xE7 == 0x20: // JR e; JR cc,e
		l.mem(pc+1, 3)
		if op == 0x18 || ccTrue(cpu.AF.Lo, op>>3&3) {
			l.rep(pc+1, 5)
		}
	case op == 0x10: // DJNZ
		l.mem(ir, 1)
		l.mem(pc+1, 3)
		if cpu.BC.Hi != 1 {
			l.rep(pc+1, 5)
		}
	case op == 0xCD || op&0xC7 == 0xC4: // CALL nn; CALL cc,nn
		l.mem(pc+1, 3)
		l.mem(pc+2, 3)
		if op == 0xCD || ccTrue(cpu.AF.Lo, op>>3&7) {
			l.mem(pc+2, 1)
			l.mem(sp-1, 3)
			l.mem(sp-2, 3)
		}
	case op == 0xC9: // RET
		l.mem(sp, 3)
		l.mem(sp+1, 3)
	case op&0xC7 == 0xC0: // RET cc
		l.mem(ir, 1)
		if ccTrue(cpu.AF.Lo, op>>3&7) {
			l.mem(sp, 3)
			l.mem(sp+1, 3)
		}
	case op&0xCF == 0xC5, op&0xC7 == 0xC7: // PUSH qq; RST p
		l.mem(ir, 1)
		l.mem(sp-1, 3)
		l.mem(sp-2, 3)
	case op&0xCF == 0xC1: // POP qq
		l.mem(sp, 3)
		l.mem(sp+1, 3)
	case op == 0xE3: // EX (SP),HL
		l.mem(sp, 3)
		l.mem(sp+1, 3)
		l.mem(sp+1, 1)
		l.mem(sp+1, 3)
		l.mem(sp, 3)
		l.rep(sp, 2)
	case op == 0xD3 || op == 0xDB: // OUT (n),A; IN A,(n)
		l.mem(pc+1, 3)
		l.io(uint16(cpu.AF.Hi)<<8 | uint16(mem[pc+1]))
	}
	// Everything else (LD r,r', ALU r, INC r, rotates of A, EX, EXX, DI,
	// EI, DAA, CPL, SCF, CCF, JP (HL), HALT, NOP) is the fetch alone.
}

func (m *Machine) accessesED(l *accessList, pc, ir uint16) {
	mem := &m.mem
	cpu := &m.cpu
	op := mem[pc+1]
	l.mem(pc+1, 4)
	hl, de, bc := cpu.HL.U16(), cpu.DE.U16(), cpu.BC.U16()
	if op >= 0x40 && op < 0x80 {
		switch op & 7 {
		case 0, 1: // IN r,(C); OUT (C),r
			l.io(bc)
		case 2: // SBC/ADC HL,dd
			l.rep(ir, 7)
		case 3: // LD (nn),dd; LD dd,(nn)
			nn := m.ReadWord(pc + 2)
			l.mem(pc+2, 3)
			l.mem(pc+3, 3)
			l.mem(nn, 3)
			l.mem(nn+1, 3)
		case 5: // RETN/RETI
			l.mem(cpu.SP, 3)
			l.mem(cpu.SP+1, 3)
		case 7:
			switch op {
			case 0x47, 0x4F, 0x57, 0x5F: // LD I,A; LD R,A; LD A,I; LD A,R
				l.mem(ir, 1)
			case 0x67, 0x6F: // RRD, RLD
				l.mem(hl, 3)
				l.rep(hl, 4)
				l.mem(hl, 3)
			}
		}
		return // NEG, IM: the two fetches
	}
	if op&0xE4 != 0xA0 { // not a block instruction: ED NOP
		return
	}
	switch op & 3 {
	case 0: // LDI LDD LDIR LDDR
		l.mem(hl, 3)
		l.mem(de, 3)
		l.rep(de, 2)
		l.tail = de
	case 1: // CPI CPD CPIR CPDR
		l.mem(hl, 3)
		l.rep(hl, 5)
		l.tail = hl
	case 2: // INI IND INIR INDR
		l.mem(ir, 1)
		l.io(bc)
		l.mem(hl, 3)
		l.tail = hl
	case 3: // OUTI OUTD OTIR OTDR (B is decremented before the output)
		l.mem(ir, 1)
		l.mem(hl, 3)
		l.io(bc - 0x100)
		l.tail = bc - 0x100
	}
}

// usesHL reports whether unprefixed op addresses (HL) (so that a DD/FD
// prefix turns it into an (IX+d)/(IY+d) instruction).
func usesHL(op uint8) bool {
	switch {
	case op == 0x34 || op == 0x35 || op == 0x36:
		return true
	case op == 0x76:
		return false
	case op >= 0x40 && op < 0x80:
		return op&7 == 6 || op&0xF8 == 0x70
	case op >= 0x80 && op < 0xC0:
		return op&7 == 6
	}
	return false
}

func (m *Machine) accessesXY(l *accessList, pc, ir, xy uint16) {
	mem := &m.mem
	op := mem[pc+1]
	d := uint16(int16(int8(mem[pc+2])))
	switch {
	case op == 0xCB: // DD CB d op
		l.mem(pc+1, 4)
		l.mem(pc+2, 3)
		l.mem(pc+3, 3)
		l.rep(pc+3, 2)
		a := xy + d
		l.mem(a, 3)
		l.mem(a, 1)
		if mem[pc+3]&0xC0 != 0x40 { // not BIT: write back
			l.mem(a, 3)
		}
	case op == 0x36: // LD (IX+d),n
		l.mem(pc+1, 4)
		l.mem(pc+2, 3)
		l.mem(pc+3, 3)
		l.rep(pc+3, 2)
		l.mem(xy+d, 3)
	case op == 0x34 || op == 0x35: // INC/DEC (IX+d)
		l.mem(pc+1, 4)
		l.mem(pc+2, 3)
		l.rep(pc+2, 5)
		a := xy + d
		l.mem(a, 3)
		l.mem(a, 1)
		l.mem(a, 3)
	case usesHL(op): // LD r,(IX+d); LD (IX+d),r; ALU (IX+d)
		l.mem(pc+1, 4)
		l.mem(pc+2, 3)
		l.rep(pc+2, 5)
		l.mem(xy+d, 3)
	case op == 0xDD || op == 0xED || op == 0xFD:
		l.mem(pc+1, 4) // koron runs the second prefix as a NOP
	default:
		// The prefix acts on HL → IX (or not at all): the unprefixed
		// instruction's cycles, one byte later.
		l.mem(pc+1, 4)
		m.accessesMain(l, pc+1, op, ir, xy)
	}
}

// usesNN marks the unprefixed opcodes that address memory at the word nn
// after the opcode: LD (nn),HL, LD HL,(nn), LD (nn),A, LD A,(nn).
var usesNN = [256]bool{0x22: true, 0x2A: true, 0x32: true, 0x3A: true}

// mayContend is a quick, conservative test: false only if no bus cycle of
// the instruction at pc (opcode op) can put an address in 4000h-7FFFh on
// the bus, so the breakdown can be skipped. Prefixed ED, DD and FD
// instructions and the I/O instructions always take the full breakdown.
// TestMayContendConservative checks it against the breakdown.
func (m *Machine) mayContend(pc uint16, op uint8) bool {
	cpu := &m.cpu
	if contendedAddr(pc) || contendedAddr(pc+3) || contendedAddr(cpu.IR.U16()) {
		return true
	}
	switch op {
	case 0xED, 0xDD, 0xFD, 0xD3, 0xDB:
		return true
	case 0x02, 0x0A: // LD (BC),A; LD A,(BC)
		return contendedAddr(cpu.BC.U16())
	case 0x12, 0x1A: // LD (DE),A; LD A,(DE)
		return contendedAddr(cpu.DE.U16())
	}
	if usesNN[op] {
		nn := m.ReadWord(pc + 1)
		if contendedAddr(nn) || contendedAddr(nn+1) {
			return true
		}
	}
	sp := cpu.SP
	return contendedAddr(cpu.HL.U16()) || contendedAddr(sp-2) || contendedAddr(sp+1)
}
