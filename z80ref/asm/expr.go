package asm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

type nodeKind uint8

const (
	nNum nodeKind = iota
	nSym
	nPC
	nUnary
	nBinary
)

// node is an expression tree node.
type node struct {
	kind  nodeKind
	op    string // operator for nUnary / nBinary, canonical symbol form
	val   int64  // nNum
	name  string // nSym, as written
	l, r  *node
	paren bool // the node was written in parentheses
}

// binary operator precedence (C order); higher binds tighter.
var binPrec = map[string]int{
	"|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
}

// keyword operators (pasmo spelling) and their symbol equivalents.
var kwBinary = map[string]string{
	"or": "|", "xor": "^", "and": "&", "shl": "<<", "shr": ">>", "mod": "%",
}

type exprParser struct {
	s   string
	pos int
}

// parseExpr parses a complete expression; all of s must be consumed.
func parseExpr(s string) (*node, error) {
	p := &exprParser{s: s}
	n, err := p.parseBin(1)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.pos < len(p.s) {
		return nil, fmt.Errorf("unexpected %q in expression", p.s[p.pos:])
	}
	if err := checkPasmo(n); err != nil {
		return nil, err
	}
	return n, nil
}

func (p *exprParser) skip() {
	for p.pos < len(p.s) && isSpace(p.s[p.pos]) {
		p.pos++
	}
}

// peekOp returns the binary operator at the current position (and its
// length), or "".
func (p *exprParser) peekOp() (string, int) {
	p.skip()
	rest := p.s[p.pos:]
	for _, op := range []string{"<<", ">>"} {
		if strings.HasPrefix(rest, op) {
			return op, 2
		}
	}
	if rest != "" && strings.ContainsRune("|^&+-*/%", rune(rest[0])) {
		return rest[:1], 1
	}
	if id := scanIdent(rest); id != "" {
		if op, ok := kwBinary[strings.ToLower(id)]; ok {
			return op, len(id)
		}
	}
	return "", 0
}

func (p *exprParser) parseBin(minPrec int) (*node, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		op, n := p.peekOp()
		if op == "" || binPrec[op] < minPrec {
			return l, nil
		}
		if op == "&" && p.pos+1 < len(p.s) && isHexDigit(p.s[p.pos+1]) {
			return nil, errors.New("'&' directly followed by a hex digit (pasmo reads &12 as a hex number); put a space after '&'")
		}
		p.pos += n
		r, err := p.parseBin(binPrec[op] + 1)
		if err != nil {
			return nil, err
		}
		l = &node{kind: nBinary, op: op, l: l, r: r}
	}
}

func (p *exprParser) parseUnary() (*node, error) {
	p.skip()
	if p.pos >= len(p.s) {
		return nil, errors.New("missing operand in expression")
	}
	c := p.s[p.pos]
	switch {
	case c == '-' || c == '+' || c == '~':
		p.pos++
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &node{kind: nUnary, op: string(c), l: x}, nil
	case c == '(':
		p.pos++
		x, err := p.parseBin(1)
		if err != nil {
			return nil, err
		}
		p.skip()
		if p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return nil, errors.New("missing ')' in expression")
		}
		p.pos++
		x.paren = true
		return x, nil
	case c == '\'' || c == '"':
		end := stringEnd(p.s, p.pos)
		if end < 0 {
			return nil, errors.New("unterminated character literal")
		}
		b, err := decodeString(p.s[p.pos:end])
		if err != nil {
			return nil, err
		}
		if len(b) != 1 {
			return nil, fmt.Errorf("character literal %s must be exactly one character", p.s[p.pos:end])
		}
		p.pos = end
		return &node{kind: nNum, val: int64(b[0])}, nil
	case c == '$' && (p.pos+1 >= len(p.s) || !isHexDigit(p.s[p.pos+1])):
		p.pos++
		return &node{kind: nPC}, nil
	case c == '$' || c == '#':
		return p.number(p.pos+1, 16)
	case c == '%':
		return p.number(p.pos+1, 2)
	case c >= '0' && c <= '9':
		return p.number(p.pos, 0)
	case isIdentStart(c):
		id := scanIdent(p.s[p.pos:])
		lid := strings.ToLower(id)
		if lid == "not" {
			p.pos += len(id)
			x, err := p.parseUnary()
			if err != nil {
				return nil, err
			}
			return &node{kind: nUnary, op: "~", l: x}, nil
		}
		if reserved[lid] {
			return nil, fmt.Errorf("register or keyword %q used in expression", id)
		}
		p.pos += len(id)
		return &node{kind: nSym, name: id}, nil
	}
	return nil, fmt.Errorf("unexpected %q in expression", p.s[p.pos:])
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number parses the alphanumeric token at s[start:]; base 0 means decide by
// prefix/suffix.
func (p *exprParser) number(start, base int) (*node, error) {
	end := start
	for end < len(p.s) && (isIdentChar(p.s[end])) {
		end++
	}
	tok := p.s[start:end]
	full := p.s[p.pos:end]
	p.pos = end
	digits := tok
	if base == 0 {
		lt := strings.ToLower(tok)
		switch {
		case strings.HasPrefix(lt, "0x"):
			base, digits = 16, tok[2:]
		case strings.HasSuffix(lt, "h"):
			base, digits = 16, tok[:len(tok)-1]
		case strings.HasPrefix(lt, "0b") && len(lt) > 2:
			base, digits = 2, tok[2:]
		case strings.HasSuffix(lt, "b"):
			base, digits = 2, tok[:len(tok)-1]
		default:
			base = 10
		}
	}
	if digits == "" || strings.ContainsAny(digits, "_+-") {
		return nil, fmt.Errorf("invalid number %q", full)
	}
	v, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("number %q out of 16-bit range", full)
		}
		return nil, fmt.Errorf("invalid number %q", full)
	}
	if v > 0xFFFF {
		return nil, fmt.Errorf("number %q out of 16-bit range", full)
	}
	return &node{kind: nNum, val: int64(v)}, nil
}

// checkPasmo rejects unparenthesized constructs whose value differs between
// C precedence (used here) and pasmo's precedence rules.
func checkPasmo(n *node) error {
	if n == nil {
		return nil
	}
	if n.kind == nBinary {
		arith := func(op string) bool { return strings.Contains("+ - * / %", op) }
		shift := func(op string) bool { return op == "<<" || op == ">>" }
		for _, c := range []*node{n.l, n.r} {
			if c.kind == nBinary && !c.paren &&
				(shift(n.op) && arith(c.op) || arith(n.op) && shift(c.op)) {
				return errors.New("shift operator mixed with + - * / % without parentheses: pasmo gives shifts the precedence of *; add parentheses")
			}
		}
		if arith(n.op) || shift(n.op) {
			// walk the left spine of unparenthesized arithmetic nodes
			x := n
			for x.kind == nBinary && (x == n || !x.paren) && (arith(x.op) || shift(x.op)) {
				x = x.l
			}
			if x.kind == nUnary && !x.paren {
				if x.op == "~" {
					return fmt.Errorf("'~'/NOT followed by %s without parentheses: pasmo applies NOT to the whole arithmetic expression, write (~x)%sy or ~(x%sy)", n.op, n.op, n.op)
				}
				if x.op == "-" && (n.op == "+" || n.op == "-" || n.op == ">>") {
					return errors.New("leading unary minus followed by + or - without parentheses: pasmo negates the whole sum (-a+b means -(a+b)); write (-a)+b, b-a or -(a+b)")
				}
			}
		}
	}
	if err := checkPasmo(n.l); err != nil {
		return err
	}
	return checkPasmo(n.r)
}

// errUndefined is returned (wrapped) by eval for an unknown symbol.
type errUndefined struct{ name string }

func (e *errUndefined) Error() string { return fmt.Sprintf("undefined symbol %q", e.name) }

const maxMagnitude = 1 << 40

// eval evaluates n. Arithmetic is exact (int64); operations whose result
// would differ under pasmo's unsigned 16-bit arithmetic are errors.
func eval(n *node, lookup func(string) (int64, error), pc int64) (int64, error) {
	switch n.kind {
	case nNum:
		return n.val, nil
	case nPC:
		return pc, nil
	case nSym:
		return lookup(n.name)
	case nUnary:
		x, err := eval(n.l, lookup, pc)
		if err != nil {
			return 0, err
		}
		switch n.op {
		case "-":
			return -x, nil
		case "~":
			return ^x, nil
		}
		return x, nil
	}
	a, err := eval(n.l, lookup, pc)
	if err != nil {
		return 0, err
	}
	b, err := eval(n.r, lookup, pc)
	if err != nil {
		return 0, err
	}
	u16 := func(v int64) bool { return v >= 0 && v <= 0xFFFF }
	var v int64
	switch n.op {
	case "+":
		v = a + b
	case "-":
		v = a - b
	case "*":
		if a != 0 && (b > maxMagnitude/abs(a) || b < -maxMagnitude/abs(a)) {
			return 0, errors.New("expression value too large")
		}
		v = a * b
	case "/", "%":
		if !u16(a) || !u16(b) {
			return 0, fmt.Errorf("operands of %s must be in 0..65535 (got %d, %d): pasmo divides unsigned 16-bit values", n.op, a, b)
		}
		if b == 0 {
			return 0, errors.New("division by zero")
		}
		if n.op == "/" {
			v = a / b
		} else {
			v = a % b
		}
	case "<<", ">>":
		if b < 0 || b > 15 {
			return 0, fmt.Errorf("shift count %d out of range 0..15", b)
		}
		if n.op == "<<" {
			v = a << uint(b)
		} else {
			if !u16(a) {
				return 0, fmt.Errorf("operand of >> must be in 0..65535 (got %d): pasmo shifts unsigned 16-bit values", a)
			}
			v = a >> uint(b)
		}
	case "&":
		v = a & b
	case "^":
		v = a ^ b
	case "|":
		v = a | b
	}
	if v > maxMagnitude || v < -maxMagnitude {
		return 0, errors.New("expression value too large")
	}
	return v, nil
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
