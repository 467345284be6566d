package asm

// Arithmetic, logic, increment/decrement, rotates and bit operations.

var aluCodes = map[string]byte{"add": 0, "adc": 1, "sub": 2, "sbc": 3, "and": 4, "xor": 5, "or": 6, "cp": 7}

func encALU(e *enc, mn string, ops []operand) {
	op := aluCodes[mn]
	if len(ops) == 2 && ops[0].kind == kRP {
		d, s := ops[0], ops[1]
		if s.kind == kRP && isHLLike(d) && (s.reg != 2 && s.prefix == 0 || s.reg == 2 && s.prefix == d.prefix) {
			switch {
			case mn == "add":
				e.emitPair(d, 0x09|s.reg<<4)
				return
			case mn == "adc" && d.prefix == 0:
				e.emit(0xED, 0x4A|s.reg<<4)
				return
			case mn == "sbc" && d.prefix == 0:
				e.emit(0xED, 0x42|s.reg<<4)
				return
			}
		}
		e.badOperands(mn, ops)
		return
	}
	var s operand
	switch {
	case len(ops) == 1:
		s = ops[0]
	case len(ops) == 2 && isA(ops[0]):
		s = ops[1]
	default:
		e.badOperands(mn, ops)
		return
	}
	switch {
	case isR8(s):
		e.emitR8(s, 0x80|op<<3|r8code(s))
	case s.kind == kImm:
		e.emit(0xC6|op<<3, e.imm8(s.expr))
	default:
		e.badOperands(mn, ops)
	}
}

func encIncDec(e *enc, mn string, ops []operand) {
	if len(ops) == 1 {
		o := ops[0]
		switch {
		case isR8(o) && mn == "inc":
			e.emitR8(o, 0x04|r8code(o)<<3)
			return
		case isR8(o):
			e.emitR8(o, 0x05|r8code(o)<<3)
			return
		case o.kind == kRP && mn == "inc":
			e.emitPair(o, 0x03|o.reg<<4)
			return
		case o.kind == kRP:
			e.emitPair(o, 0x0B|o.reg<<4)
			return
		}
	}
	e.badOperands(mn, ops)
}

var rotCodes = map[string]byte{"rlc": 0, "rrc": 1, "rl": 2, "rr": 3, "sla": 4, "sra": 5, "sll": 6, "sl1": 6, "srl": 7}

// emitCB emits a CB-prefixed instruction on an r8 operand o (not an index
// half register).
func (e *enc) emitCB(mn string, ops []operand, o operand, opcode byte) {
	switch {
	case o.kind == kIdx:
		e.emit(o.prefix, 0xCB, e.disp(o), opcode|6)
	case isPlainReg(o) || o.kind == kIndHL:
		e.emit(0xCB, opcode|r8code(o))
	default:
		e.badOperands(mn, ops)
	}
}

func encRot(e *enc, mn string, ops []operand) {
	if len(ops) != 1 {
		e.badOperands(mn, ops)
		return
	}
	e.emitCB(mn, ops, ops[0], rotCodes[mn]<<3)
}

func encBit(e *enc, mn string, ops []operand) {
	if len(ops) != 2 || ops[0].kind != kImm {
		e.badOperands(mn, ops)
		return
	}
	b := e.value(ops[0].expr)
	if b < 0 || b > 7 {
		e.fail("bit number %d out of range 0..7", b)
		return
	}
	base := map[string]byte{"bit": 0x40, "res": 0x80, "set": 0xC0}[mn]
	e.emitCB(mn, ops, ops[1], base|byte(b)<<3)
}
