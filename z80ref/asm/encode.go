package asm

import (
	"fmt"
	"strings"
)

// enc encodes one line. In pass 1 (final == false) values are not known yet:
// expressions evaluate leniently to 0 and only the size and operand forms
// matter; in pass 2 all values are checked.
type enc struct {
	as    *assembler
	idx   int // line index, for forward-reference checks
	pc    int64
	final bool
	out   []byte
	err   error
}

func (e *enc) fail(format string, args ...any) {
	if e.err == nil {
		e.err = fmt.Errorf(format, args...)
	}
}

func (e *enc) emit(b ...byte) { e.out = append(e.out, b...) }

func (e *enc) value(n *node) int64 {
	if n == nil {
		return 0
	}
	if !e.final {
		return 0
	}
	v, err := eval(n, e.as.lookupFrom(e.idx), e.pc)
	if err != nil {
		e.fail("%v", err)
		return 0
	}
	return v
}

// imm8 evaluates an 8-bit value: -128..255.
func (e *enc) imm8(n *node) byte {
	v := e.value(n)
	if v < -128 || v > 255 {
		e.fail("value %d out of 8-bit range -128..255", v)
	}
	return byte(v)
}

// imm16 evaluates a 16-bit value: -32768..65535, little-endian.
func (e *enc) imm16(n *node) (byte, byte) {
	v := e.value(n)
	if v < -32768 || v > 65535 {
		e.fail("value %d out of 16-bit range -32768..65535", v)
	}
	return byte(v), byte(v >> 8)
}

// port evaluates an I/O port number 0..255.
func (e *enc) port(n *node) byte {
	v := e.value(n)
	if v < 0 || v > 255 {
		e.fail("port %d out of range 0..255", v)
	}
	return byte(v)
}

// disp evaluates an index displacement -128..127.
func (e *enc) disp(o operand) byte {
	v := e.value(o.expr)
	if v < -128 || v > 127 {
		e.fail("index displacement %d out of range -128..127", v)
	}
	return byte(v)
}

// rel evaluates a relative jump target for a 2-byte instruction at pc.
func (e *enc) rel(n *node) byte {
	if !e.final {
		return 0
	}
	t := e.value(n)
	if e.err != nil {
		return 0
	}
	if t < 0 || t > 0xFFFF {
		e.fail("jump target %d out of range 0..65535", t)
		return 0
	}
	d := t - (e.pc + 2)
	if d < -128 || d > 127 {
		e.fail("relative jump out of range (offset %d, must be -128..127)", d)
	}
	return byte(d)
}

func (e *enc) badOperands(mn string, ops []operand) {
	var s []string
	for _, o := range ops {
		s = append(s, o.text)
	}
	e.fail("invalid operands for %s: %s", mn, strings.Join(s, ", "))
}

// run encodes line l.
func (e *enc) run(l *srcLine) {
	mn := l.st.mnemonic
	switch mn {
	case "db", "defb", "defm":
		e.db(l.st.args)
		return
	case "dw", "defw":
		if len(l.ops) == 0 {
			e.fail("%s needs at least one value", mn)
		}
		for _, o := range l.ops {
			if o.kind != kImm {
				e.fail("invalid %s value %s", mn, o.text)
				return
			}
			lo, hi := e.imm16(o.expr)
			e.emit(lo, hi)
		}
		return
	}
	f, ok := mnemonics[mn]
	if !ok {
		e.fail("unknown instruction %s", mn)
		return
	}
	f(e, mn, l.ops)
}

// db emits bytes: quoted strings (other than one-character strings that
// are part of a larger expression) and 8-bit expressions.
func (e *enc) db(args []string) {
	if len(args) == 0 {
		e.fail("db needs at least one value")
		return
	}
	for _, a := range args {
		if (a[0] == '\'' || a[0] == '"') && stringEnd(a, 0) == len(a) {
			b, err := decodeString(a)
			if err != nil {
				e.fail("%v", err)
				return
			}
			e.emit(b...)
			continue
		}
		n, err := parseExpr(a)
		if err != nil {
			e.fail("%v", err)
			return
		}
		e.emit(e.imm8(n))
	}
}

type encodeFunc func(e *enc, mn string, ops []operand)

var mnemonics map[string]encodeFunc

func init() {
	mnemonics = map[string]encodeFunc{}
	for mn, code := range fixedOps {
		mnemonics[mn] = fixed(code)
	}
	for mn, f := range map[string]encodeFunc{
		"ld": encLD, "push": encPushPop, "pop": encPushPop, "ex": encEX,
		"add": encALU, "adc": encALU, "sub": encALU, "sbc": encALU,
		"and": encALU, "xor": encALU, "or": encALU, "cp": encALU,
		"inc": encIncDec, "dec": encIncDec, "im": encIM,
		"rlc": encRot, "rrc": encRot, "rl": encRot, "rr": encRot,
		"sla": encRot, "sra": encRot, "sll": encRot, "sl1": encRot, "srl": encRot,
		"bit": encBit, "res": encBit, "set": encBit,
		"jp": encJP, "jr": encJR, "djnz": encJR, "call": encCall, "ret": encRet,
		"rst": encRST, "in": encIN, "out": encOUT,
	} {
		mnemonics[mn] = f
	}
}

// fixedOps are the instructions without operands.
var fixedOps = map[string][]byte{
	"nop": {0x00}, "halt": {0x76}, "di": {0xF3}, "ei": {0xFB},
	"daa": {0x27}, "cpl": {0x2F}, "ccf": {0x3F}, "scf": {0x37},
	"rlca": {0x07}, "rrca": {0x0F}, "rla": {0x17}, "rra": {0x1F},
	"exx": {0xD9}, "neg": {0xED, 0x44}, "rld": {0xED, 0x6F}, "rrd": {0xED, 0x67},
	"reti": {0xED, 0x4D}, "retn": {0xED, 0x45},
	"ldi": {0xED, 0xA0}, "ldd": {0xED, 0xA8}, "ldir": {0xED, 0xB0}, "lddr": {0xED, 0xB8},
	"cpi": {0xED, 0xA1}, "cpd": {0xED, 0xA9}, "cpir": {0xED, 0xB1}, "cpdr": {0xED, 0xB9},
	"ini": {0xED, 0xA2}, "ind": {0xED, 0xAA}, "inir": {0xED, 0xB2}, "indr": {0xED, 0xBA},
	"outi": {0xED, 0xA3}, "outd": {0xED, 0xAB}, "otir": {0xED, 0xB3}, "otdr": {0xED, 0xBB},
}

func fixed(code []byte) encodeFunc {
	return func(e *enc, mn string, ops []operand) {
		if len(ops) != 0 {
			e.fail("%s takes no operands", mn)
			return
		}
		e.emit(code...)
	}
}
