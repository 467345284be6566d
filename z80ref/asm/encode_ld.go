package asm

// Loads, exchanges, push/pop.

// isR8 reports whether o can be used as an 8-bit "r" operand: a register,
// an index half register, (hl) or (ix+d)/(iy+d).
func isR8(o operand) bool {
	return o.kind == kReg8 || o.kind == kIndHL || o.kind == kIdx
}

// r8code returns the 3-bit register field of an r8 operand.
func r8code(o operand) byte {
	if o.kind == kReg8 {
		return o.reg
	}
	return 6
}

func isPlainReg(o operand) bool { return o.kind == kReg8 && o.prefix == 0 }

func isA(o operand) bool { return o.kind == kReg8 && o.name == "a" }

// emitR8 emits an instruction whose single r8 operand o is encoded in
// opcode (already containing the register field); suffix follows the
// displacement (used for ld (ix+d),n).
func (e *enc) emitR8(o operand, opcode byte, suffix ...byte) {
	if o.prefix != 0 {
		e.emit(o.prefix)
	}
	e.emit(opcode)
	if o.kind == kIdx {
		e.emit(e.disp(o))
	}
	e.emit(suffix...)
}

// emitPair emits opcode with the prefix of a 16-bit register operand.
func (e *enc) emitPair(o operand, code ...byte) {
	if o.prefix != 0 {
		e.emit(o.prefix)
	}
	e.emit(code...)
}

func isHLLike(o operand) bool { return o.kind == kRP && o.reg == 2 }

func encLD(e *enc, mn string, ops []operand) {
	if len(ops) != 2 {
		e.fail("ld needs two operands")
		return
	}
	d, s := ops[0], ops[1]
	switch {
	case isR8(d) && isR8(s):
		dm, sm := d.kind != kReg8, s.kind != kReg8
		switch {
		case dm && sm:
		case dm:
			if isPlainReg(s) {
				e.emitR8(d, 0x70|s.reg)
				return
			}
		case sm:
			if isPlainReg(d) {
				e.emitR8(s, 0x46|d.reg<<3)
				return
			}
		default:
			p := d.prefix
			if p == 0 {
				p = s.prefix
			}
			if (d.prefix == 0 || d.prefix == p) && (s.prefix == 0 || s.prefix == p) &&
				!(p != 0 && d.prefix == 0 && (d.reg == 4 || d.reg == 5)) &&
				!(p != 0 && s.prefix == 0 && (s.reg == 4 || s.reg == 5)) {
				if p != 0 {
					e.emit(p)
				}
				e.emit(0x40 | d.reg<<3 | s.reg)
				return
			}
		}
	case isR8(d) && s.kind == kImm:
		e.emitR8(d, 0x06|r8code(d)<<3, e.imm8(s.expr))
		return
	case isA(d) && s.kind == kIndBC:
		e.emit(0x0A)
		return
	case isA(d) && s.kind == kIndDE:
		e.emit(0x1A)
		return
	case isA(d) && s.kind == kMem:
		lo, hi := e.imm16(s.expr)
		e.emit(0x3A, lo, hi)
		return
	case isA(d) && s.kind == kI:
		e.emit(0xED, 0x57)
		return
	case isA(d) && s.kind == kR:
		e.emit(0xED, 0x5F)
		return
	case d.kind == kIndBC && isA(s):
		e.emit(0x02)
		return
	case d.kind == kIndDE && isA(s):
		e.emit(0x12)
		return
	case d.kind == kMem && isA(s):
		lo, hi := e.imm16(d.expr)
		e.emit(0x32, lo, hi)
		return
	case d.kind == kI && isA(s):
		e.emit(0xED, 0x47)
		return
	case d.kind == kR && isA(s):
		e.emit(0xED, 0x4F)
		return
	case d.kind == kRP && s.kind == kImm:
		lo, hi := e.imm16(s.expr)
		e.emitPair(d, 0x01|d.reg<<4, lo, hi)
		return
	case d.kind == kRP && s.kind == kMem:
		lo, hi := e.imm16(s.expr)
		if isHLLike(d) {
			e.emitPair(d, 0x2A, lo, hi)
		} else {
			e.emit(0xED, 0x4B|d.reg<<4, lo, hi)
		}
		return
	case d.kind == kMem && s.kind == kRP:
		lo, hi := e.imm16(d.expr)
		if isHLLike(s) {
			e.emitPair(s, 0x22, lo, hi)
		} else {
			e.emit(0xED, 0x43|s.reg<<4, lo, hi)
		}
		return
	case d.kind == kRP && d.reg == 3 && isHLLike(s):
		e.emitPair(s, 0xF9)
		return
	}
	e.badOperands(mn, ops)
}

func encPushPop(e *enc, mn string, ops []operand) {
	base := byte(0xC5)
	if mn == "pop" {
		base = 0xC1
	}
	if len(ops) == 1 {
		o := ops[0]
		switch {
		case o.kind == kAF:
			e.emit(base | 3<<4)
			return
		case o.kind == kRP && o.reg != 3:
			e.emitPair(o, base|o.reg<<4)
			return
		}
	}
	e.badOperands(mn, ops)
}

func encEX(e *enc, mn string, ops []operand) {
	if len(ops) == 2 {
		d, s := ops[0], ops[1]
		switch {
		case d.kind == kAF && s.kind == kAFp:
			e.emit(0x08)
			return
		case d.kind == kRP && d.name == "de" && s.kind == kRP && s.name == "hl":
			e.emit(0xEB)
			return
		case d.kind == kIndSP && isHLLike(s):
			e.emitPair(s, 0xE3)
			return
		}
	}
	e.badOperands(mn, ops)
}
