package asm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Source is one input file.
type Source struct {
	Name string
	Text []byte
}

// Program is the result of a successful assembly.
type Program struct {
	Org     uint16         // address of Bytes[0] (the first org, default 0)
	Bytes   []byte         // the image from Org to the highest byte emitted (gaps from ds/org filled with 0)
	Symbols map[string]int // every label and equ (key as written in the source at definition)
	Listing []Line         // one per source line
}

// Line is one listing line.
type Line struct {
	File   string
	LineNo int
	Addr   uint16
	Bytes  []byte
	Text   string
}

// Symbol looks up a label or equ. Symbols are case-sensitive (as in pasmo).
func (p *Program) Symbol(name string) (uint16, bool) {
	v, ok := p.Symbols[name]
	return uint16(v), ok
}

// WriteListing writes a listing: "AAAA  BB BB BB BB  source", four bytes
// per row; longer byte runs continue on following rows without source text.
func (p *Program) WriteListing(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, l := range p.Listing {
		b := l.Bytes
		addr := l.Addr
		for first := true; first || len(b) > 0; first = false {
			n := min(len(b), 4)
			var hex strings.Builder
			for i := 0; i < 4; i++ {
				if i < n {
					fmt.Fprintf(&hex, "%02X ", b[i])
				} else {
					hex.WriteString("   ")
				}
			}
			text := ""
			if first {
				text = l.Text
			}
			row := strings.TrimRight(fmt.Sprintf("%04X  %s %s", addr, hex.String(), text), " ")
			if _, err := fmt.Fprintln(bw, row); err != nil {
				return err
			}
			b = b[n:]
			addr += uint16(n)
		}
	}
	return bw.Flush()
}

type srcLine struct {
	idx    int // index in assembler.lines
	file   string
	lineNo int
	text   string
	st     stmt
	ops    []operand
	bad    bool // an error was reported in pass 1; not encoded in pass 2
	ended  bool // after "end"
	pc     int64
	size   int64
	bytes  []byte
}

type symbol struct {
	name  string
	value int64
	isEqu bool
	expr  *node
	pc    int64
	state uint8 // equ: 0 unresolved, 1 resolving, 2 resolved, 3 failed
	exact bool  // value known when its line is reached in pass 1 (labels: always)
	line  *srcLine
}

type assembler struct {
	syms  map[string]*symbol
	order []*symbol
	lines []*srcLine
	errs  ErrorList
	pass1 bool // in pass 1, equs not resolved at their line stay unknown
}

func (a *assembler) errorf(l *srcLine, format string, args ...any) {
	if len(a.errs) >= maxErrors {
		return
	}
	a.errs = append(a.errs, &Error{File: l.file, LineNo: l.lineNo, Text: strings.TrimSpace(l.text), Msg: fmt.Sprintf(format, args...)})
}

// lookupFrom returns a symbol lookup for an expression on line useIdx.
// Equ values are resolved on demand. A forward reference to an equ whose
// value was not known when pass 1 reached it is an error, because pasmo
// (which evaluates each equ once per pass, in source order) would silently
// use a stale value there.
func (a *assembler) lookupFrom(useIdx int) func(string) (int64, error) {
	return func(name string) (int64, error) {
		s, ok := a.syms[name]
		if !ok {
			return 0, &errUndefined{name}
		}
		if !s.isEqu {
			return s.value, nil
		}
		if s.state == 1 {
			return 0, fmt.Errorf("circular definition of %q", name)
		}
		if s.line.idx >= useIdx && !s.exact {
			return 0, fmt.Errorf("forward reference to %q, whose value depends on symbols defined after it (%s:%d); pasmo would use a stale value: define it before this use", name, s.line.file, s.line.lineNo)
		}
		if s.state == 2 {
			return s.value, nil
		}
		if s.state == 3 {
			return 0, fmt.Errorf("%q has no value (error at %s:%d)", name, s.line.file, s.line.lineNo)
		}
		if a.pass1 {
			return 0, &errUndefined{name}
		}
		return a.resolve(s)
	}
}

func (a *assembler) resolve(s *symbol) (int64, error) {
	s.state = 1
	v, err := eval(s.expr, a.lookupFrom(s.line.idx), s.pc)
	if err != nil {
		s.state = 0
		if !a.pass1 {
			s.state = 3 // do not re-evaluate a failed equ
		}
		return 0, err
	}
	s.value, s.state = v, 2
	return v, nil
}

func (a *assembler) define(l *srcLine, name string, s *symbol) bool {
	if reserved[strings.ToLower(name)] || isKeyword(strings.ToLower(name)) {
		a.errorf(l, "%q is a reserved word and cannot be a symbol", name)
		return false
	}
	if old, ok := a.syms[name]; ok {
		a.errorf(l, "duplicate symbol %q (first defined at %s:%d)", name, old.line.file, old.line.lineNo)
		return false
	}
	s.name, s.line = name, l
	a.syms[name] = s
	a.order = append(a.order, s)
	return true
}

// Assemble assembles the sources as if they were concatenated in order.
// On failure the error is an ErrorList.
func Assemble(srcs ...Source) (*Program, error) {
	a := &assembler{syms: map[string]*symbol{}}
	for _, src := range srcs {
		text := string(src.Text)
		text = strings.TrimSuffix(text, "\n")
		if text == "" && len(src.Text) == 0 {
			continue
		}
		for i, t := range strings.Split(text, "\n") {
			a.lines = append(a.lines, &srcLine{idx: len(a.lines), file: src.Name, lineNo: i + 1, text: strings.TrimSuffix(t, "\r")})
		}
	}
	a.pass1 = true
	base, end := a.passOne()
	a.pass1 = false
	if len(a.errs) == 0 {
		for _, s := range a.order {
			if s.isEqu && s.state == 0 {
				if _, err := a.resolve(s); err != nil {
					a.errorf(s.line, "%v", err)
				}
			}
		}
	}
	if len(a.errs) > 0 {
		return nil, a.errs
	}
	a.pass2()
	if len(a.errs) > 0 {
		return nil, a.errs
	}
	p := &Program{Org: uint16(base), Symbols: map[string]int{}}
	if end > base {
		p.Bytes = make([]byte, end-base)
	}
	for _, l := range a.lines {
		if len(l.bytes) > 0 {
			copy(p.Bytes[l.pc-base:], l.bytes)
		}
		p.Listing = append(p.Listing, Line{File: l.file, LineNo: l.lineNo, Addr: uint16(l.pc), Bytes: l.bytes, Text: l.text})
	}
	for _, s := range a.order {
		p.Symbols[s.name] = int(s.value)
	}
	return p, nil
}

// passOne parses every line, defines labels and computes sizes. It returns
// the image base and end address.
func (a *assembler) passOne() (base, end int64) {
	var pc int64
	orgSeen, emitted, ended := false, false, false
	for _, l := range a.lines {
		l.pc = pc
		if ended {
			l.ended = true
			continue
		}
		st, err := parseLine(l.text)
		if err != nil {
			a.errorf(l, "%v", err)
			l.bad = true
			continue
		}
		l.st = st
		if st.label != "" && st.mnemonic != "equ" && st.mnemonic != "org" {
			a.define(l, st.label, &symbol{value: pc})
		}
		switch st.mnemonic {
		case "":
		case "equ":
			if st.label == "" {
				a.errorf(l, "equ without a label")
				l.bad = true
				break
			}
			if len(st.args) != 1 {
				a.errorf(l, "equ needs exactly one expression")
				l.bad = true
				break
			}
			e, err := parseExpr(st.args[0])
			if err != nil {
				a.errorf(l, "%v", err)
				l.bad = true
				break
			}
			sym := &symbol{isEqu: true, expr: e, pc: pc}
			if a.define(l, st.label, sym) {
				if _, err := a.resolve(sym); err == nil {
					sym.exact = true
				}
			}
		case "org":
			v, ok := a.passOneValue(l, "org")
			if !ok {
				break
			}
			if v < 0 || v > 0xFFFF {
				a.errorf(l, "org address %d out of range 0..65535", v)
				l.bad = true
				break
			}
			if (orgSeen || emitted) && v < pc {
				a.errorf(l, "org %04Xh goes backwards (current address %04Xh)", v, pc)
				l.bad = true
				break
			}
			if !orgSeen && !emitted {
				base = v
			}
			orgSeen = true
			pc = v
			l.pc = pc
			if st.label != "" {
				a.define(l, st.label, &symbol{value: pc})
			}
		case "ds", "defs":
			if len(st.args) < 1 || len(st.args) > 2 {
				a.errorf(l, "%s needs a count and an optional fill value", st.mnemonic)
				l.bad = true
				break
			}
			v, ok := a.passOneValue(l, st.mnemonic)
			if !ok {
				break
			}
			if v < 0 || v > 0xFFFF {
				a.errorf(l, "%s count %d out of range 0..65535", st.mnemonic, v)
				l.bad = true
				break
			}
			if len(st.args) == 2 {
				e, err := parseExpr(st.args[1])
				if err != nil {
					a.errorf(l, "%v", err)
					l.bad = true
					break
				}
				l.ops = []operand{{kind: kImm, expr: e}}
			}
			l.size = v
		case "end":
			ended = true
			if len(st.args) > 1 {
				a.errorf(l, "end takes at most one operand")
				l.bad = true
			}
			for _, s := range st.args {
				if _, err := parseExpr(s); err != nil {
					a.errorf(l, "%v", err)
					l.bad = true
				}
			}
		default:
			e := &enc{as: a, idx: l.idx, pc: pc}
			if !a.parseOps(l) {
				break
			}
			e.run(l)
			if e.err != nil {
				a.errorf(l, "%v", e.err)
				l.bad = true
				break
			}
			l.size = int64(len(e.out))
		}
		if l.size > 0 {
			emitted = true
			pc += l.size
			end = pc
			if pc > 0x10000 {
				a.errorf(l, "code extends beyond address FFFFh")
				return base, end
			}
		}
	}
	return base, end
}

// passOneValue evaluates the first operand of an org/ds, which must be
// computable when the line is reached.
func (a *assembler) passOneValue(l *srcLine, what string) (int64, bool) {
	if len(l.st.args) < 1 {
		a.errorf(l, "%s needs an operand", what)
		l.bad = true
		return 0, false
	}
	e, err := parseExpr(l.st.args[0])
	if err == nil {
		var v int64
		v, err = eval(e, a.lookupFrom(l.idx), l.pc)
		if err == nil {
			return v, true
		}
		var u *errUndefined
		if errors.As(err, &u) {
			err = fmt.Errorf("%v (the %s operand must be defined before this line)", err, what)
		}
	}
	a.errorf(l, "%v", err)
	l.bad = true
	return 0, false
}

func (a *assembler) parseOps(l *srcLine) bool {
	if l.st.mnemonic == "db" || l.st.mnemonic == "defb" || l.st.mnemonic == "defm" {
		return true // db items are parsed by the encoder
	}
	l.ops = l.ops[:0]
	for _, s := range l.st.args {
		o, err := parseOperand(s)
		if err != nil {
			a.errorf(l, "%v", err)
			l.bad = true
			return false
		}
		l.ops = append(l.ops, o)
	}
	return true
}

// pass2 encodes every line with all symbols known.
func (a *assembler) pass2() {
	for _, l := range a.lines {
		if l.bad || l.ended {
			continue
		}
		switch l.st.mnemonic {
		case "", "equ", "org":
		case "end":
			for _, s := range l.st.args {
				e, _ := parseExpr(s)
				if _, err := eval(e, a.lookupFrom(l.idx), l.pc); err != nil {
					a.errorf(l, "%v", err)
				}
			}
		case "ds", "defs":
			fill := byte(0)
			if len(l.ops) == 1 {
				e := &enc{as: a, idx: l.idx, pc: l.pc, final: true}
				fill = e.imm8(l.ops[0].expr)
				if e.err != nil {
					a.errorf(l, "%v", e.err)
				}
			}
			l.bytes = make([]byte, l.size)
			for i := range l.bytes {
				l.bytes[i] = fill
			}
		default:
			e := &enc{as: a, idx: l.idx, pc: l.pc, final: true}
			e.run(l)
			if e.err != nil {
				a.errorf(l, "%v", e.err)
				continue
			}
			if int64(len(e.out)) != l.size {
				a.errorf(l, "internal error: size changed between passes")
				continue
			}
			l.bytes = e.out
		}
	}
}
