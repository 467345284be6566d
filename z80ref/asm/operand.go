package asm

import (
	"fmt"
	"strings"
)

type opKind uint8

const (
	kReg8  opKind = iota + 1 // b c d e h l a, ixh ixl iyh iyl (reg = r code, prefix)
	kI                       // i
	kR                       // r
	kRP                      // bc de hl sp ix iy (reg = pair code, prefix for ix/iy)
	kAF                      // af
	kAFp                     // af'
	kCond                    // nz z nc po pe p m (c is kReg8; see cond())
	kIndHL                   // (hl)
	kIndBC                   // (bc)
	kIndDE                   // (de)
	kIndSP                   // (sp)
	kIndC                    // (c)
	kIdx                     // (ix+d) / (iy+d): prefix, expr = displacement (nil = 0)
	kMem                     // (nn): expr
	kImm                     // nn: expr
)

// operand is one classified instruction operand.
type operand struct {
	kind   opKind
	reg    byte
	prefix byte // 0, 0xDD or 0xFD
	expr   *node
	name   string // lower-cased text for bare names
	text   string
}

var reg8Codes = map[string]byte{"b": 0, "c": 1, "d": 2, "e": 3, "h": 4, "l": 5, "a": 7}
var rpCodes = map[string]byte{"bc": 0, "de": 1, "hl": 2, "sp": 3}
var condCodes = map[string]byte{"nz": 0, "z": 1, "nc": 2, "c": 3, "po": 4, "pe": 5, "p": 6, "m": 7}

// cond returns the condition code of o, if it is a condition name.
func (o operand) cond() (byte, bool) {
	if o.kind == kCond || o.kind == kReg8 && o.name == "c" {
		return condCodes[o.name], true
	}
	return 0, false
}

// outerParens reports whether s is entirely enclosed in one pair of
// parentheses.
func outerParens(s string) bool {
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			e := stringEnd(s, i)
			if e < 0 {
				return false
			}
			i = e - 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i == len(s)-1
			}
		}
	}
	return false
}

func parseOperand(s string) (operand, error) {
	o := operand{text: s}
	ls := strings.ToLower(s)
	if c, ok := reg8Codes[ls]; ok {
		o.kind, o.reg, o.name = kReg8, c, ls
		return o, nil
	}
	switch ls {
	case "ixh", "ixl", "iyh", "iyl":
		o.kind, o.name, o.prefix, o.reg = kReg8, ls, 0xDD, 4
		if ls[1] == 'y' {
			o.prefix = 0xFD
		}
		if ls[2] == 'l' {
			o.reg = 5
		}
		return o, nil
	case "i":
		o.kind = kI
		return o, nil
	case "r":
		o.kind = kR
		return o, nil
	case "ix", "iy":
		o.kind, o.reg, o.prefix, o.name = kRP, 2, idxPrefix(ls), ls
		return o, nil
	case "af":
		o.kind = kAF
		return o, nil
	case "af'":
		o.kind = kAFp
		return o, nil
	}
	if c, ok := rpCodes[ls]; ok {
		o.kind, o.reg, o.name = kRP, c, ls
		return o, nil
	}
	if _, ok := condCodes[ls]; ok {
		o.kind, o.name = kCond, ls
		return o, nil
	}
	if outerParens(s) {
		inner := strings.TrimSpace(s[1 : len(s)-1])
		li := strings.ToLower(inner)
		switch li {
		case "hl":
			o.kind = kIndHL
			return o, nil
		case "bc":
			o.kind = kIndBC
			return o, nil
		case "de":
			o.kind = kIndDE
			return o, nil
		case "sp":
			o.kind = kIndSP
			return o, nil
		case "c":
			o.kind = kIndC
			return o, nil
		}
		if (strings.HasPrefix(li, "ix") || strings.HasPrefix(li, "iy")) && (len(li) == 2 || !isIdentChar(li[2])) {
			o.kind, o.prefix = kIdx, idxPrefix(li[:2])
			rest := strings.TrimSpace(inner[2:])
			if rest == "" {
				return o, nil
			}
			if rest[0] != '+' && rest[0] != '-' {
				return o, fmt.Errorf("bad index operand %s", s)
			}
			e, err := parseExpr(rest)
			if err != nil {
				return o, err
			}
			o.expr = e
			return o, nil
		}
		e, err := parseExpr(inner)
		if err != nil {
			return o, err
		}
		o.kind, o.expr = kMem, e
		return o, nil
	}
	e, err := parseExpr(s)
	if err != nil {
		return o, err
	}
	o.kind, o.expr = kImm, e
	return o, nil
}

func idxPrefix(s string) byte {
	if s == "iy" {
		return 0xFD
	}
	return 0xDD
}
