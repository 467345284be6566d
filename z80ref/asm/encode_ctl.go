package asm

// Jumps, calls, returns, restarts, interrupt modes and I/O.

func encJP(e *enc, mn string, ops []operand) {
	switch {
	case len(ops) == 1 && ops[0].kind == kImm:
		lo, hi := e.imm16(ops[0].expr)
		e.emit(0xC3, lo, hi)
		return
	case len(ops) == 1 && ops[0].kind == kIndHL:
		e.emit(0xE9)
		return
	case len(ops) == 1 && ops[0].kind == kIdx && ops[0].expr == nil:
		e.emit(ops[0].prefix, 0xE9)
		return
	case len(ops) == 2 && ops[1].kind == kImm:
		if cc, ok := ops[0].cond(); ok {
			lo, hi := e.imm16(ops[1].expr)
			e.emit(0xC2|cc<<3, lo, hi)
			return
		}
	}
	e.badOperands(mn, ops)
}

func encJR(e *enc, mn string, ops []operand) {
	switch {
	case len(ops) == 1 && ops[0].kind == kImm:
		op := byte(0x18)
		if mn == "djnz" {
			op = 0x10
		}
		e.emit(op, e.rel(ops[0].expr))
		return
	case len(ops) == 2 && mn == "jr" && ops[1].kind == kImm:
		if cc, ok := ops[0].cond(); ok && cc < 4 {
			e.emit(0x20|cc<<3, e.rel(ops[1].expr))
			return
		}
	}
	e.badOperands(mn, ops)
}

func encCall(e *enc, mn string, ops []operand) {
	switch {
	case len(ops) == 1 && ops[0].kind == kImm:
		lo, hi := e.imm16(ops[0].expr)
		e.emit(0xCD, lo, hi)
		return
	case len(ops) == 2 && ops[1].kind == kImm:
		if cc, ok := ops[0].cond(); ok {
			lo, hi := e.imm16(ops[1].expr)
			e.emit(0xC4|cc<<3, lo, hi)
			return
		}
	}
	e.badOperands(mn, ops)
}

func encRet(e *enc, mn string, ops []operand) {
	switch len(ops) {
	case 0:
		e.emit(0xC9)
		return
	case 1:
		if cc, ok := ops[0].cond(); ok {
			e.emit(0xC0 | cc<<3)
			return
		}
	}
	e.badOperands(mn, ops)
}

func encRST(e *enc, mn string, ops []operand) {
	if len(ops) != 1 || ops[0].kind != kImm {
		e.badOperands(mn, ops)
		return
	}
	v := e.value(ops[0].expr)
	if v < 0 || v > 0x38 || v%8 != 0 {
		e.fail("rst vector %d invalid (must be 0, 8h, 10h, ... 38h)", v)
		return
	}
	e.emit(0xC7 | byte(v))
}

func encIM(e *enc, mn string, ops []operand) {
	if len(ops) != 1 || ops[0].kind != kImm {
		e.badOperands(mn, ops)
		return
	}
	v := e.value(ops[0].expr)
	codes := []byte{0x46, 0x56, 0x5E}
	if v < 0 || v > 2 {
		e.fail("interrupt mode %d invalid (must be 0, 1 or 2)", v)
		return
	}
	e.emit(0xED, codes[v])
}

func encIN(e *enc, mn string, ops []operand) {
	if len(ops) == 2 {
		d, s := ops[0], ops[1]
		switch {
		case isA(d) && s.kind == kMem:
			e.emit(0xDB, e.port(s.expr))
			return
		case isPlainReg(d) && s.kind == kIndC:
			e.emit(0xED, 0x40|d.reg<<3)
			return
		}
	}
	e.badOperands(mn, ops)
}

func encOUT(e *enc, mn string, ops []operand) {
	if len(ops) == 2 {
		d, s := ops[0], ops[1]
		switch {
		case d.kind == kMem && isA(s):
			e.emit(0xD3, e.port(d.expr))
			return
		case d.kind == kIndC && isPlainReg(s):
			e.emit(0xED, 0x41|s.reg<<3)
			return
		}
	}
	e.badOperands(mn, ops)
}
