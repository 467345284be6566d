package asm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func asmString(t *testing.T, src string) *Program {
	t.Helper()
	p, err := Assemble(Source{Name: "t.asm", Text: []byte(src)})
	if err != nil {
		t.Fatalf("Assemble: %v\nsource:\n%s", err, src)
	}
	return p
}

func TestExpressions(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want int
	}{
		{"1+2*3", 7}, {"(1+2)*3", 9}, {"10-2-3", 5}, {"100/7", 14}, {"100%7", 2},
		{"100 mod 7", 2}, {"1<<4", 16}, {"1 shl 4", 16}, {"80h>>3", 16}, {"80h shr 3", 16},
		{"1|2& 3", 3}, {"(1|2) & 3", 3}, {"6^3", 5}, {"6 xor 3", 5}, {"6 xor 3 and 1", 7},
		{"1 + 2 & 7", 3}, {"0FFh & 1 + 2", 3}, {"~0 & 0FFh", 255}, {"not 1 and 0FFh", 254},
		{"-1", -1}, {"+5", 5}, {"- (2)", -2}, {"(-1)+2", 1}, {"2-(-1)", 3}, {"-2*3", -6},
		{"1<<2<<1", 8}, {"(1<<2)+1", 5}, {"2 - -1", 3},
		{"0FFh", 255}, {"0ffH", 255}, {"$FF", 255}, {"#FF", 255}, {"0xFF", 255}, {"0XfF", 255},
		{"%1010", 10}, {"1010b", 10}, {"0b1010", 10}, {"1011B", 11}, {"0a0h", 160}, {"65535", 65535},
		{"'A'", 65}, {"\"B\"", 66}, {"''''", 39}, {"'a'+1", 98}, {"'\"'", 34},
		{"$", 0x100}, {"$+2", 0x102}, {"$-100h", 0},
		{"fwd", 0x1234}, {"fwd*2", 0x2468}, {"Sym1", 1}, {"sym1", 2},
	} {
		src := fmt.Sprintf("\torg 100h\n\tdw %s\nfwd equ 1234h\nSym1 equ 1\nsym1 equ 2\n", tc.expr)
		p := asmString(t, src)
		got := int(p.Bytes[0]) | int(p.Bytes[1])<<8
		if want := tc.want & 0xFFFF; got != want {
			t.Errorf("%s = %#x, want %#x", tc.expr, got, want)
		}
	}
}

func TestDirectives(t *testing.T) {
	src := `; leading comment
	org 8000h
start:	db 1,"ab",'c',-1,255 ; comment with 'quote' and ;
	defb 'it''s', "x\ty\n\\\"", ";"
	defm "hi"
	dw 1234h,start,$
	defw -1
	ds 3
	ds 2,0EEh
	defs 1,-2
size	equ $-start
next:	dw size, later
	org 8030h
later	jr start2
start2:	nop
	end start
	this is ignored after end
`
	p := asmString(t, src)
	want := []byte{1, 'a', 'b', 'c', 0xFF, 0xFF, 'i', 't', '\'', 's', 'x', '\t', 'y', '\n', '\\', '"', ';',
		'h', 'i', 0x34, 0x12, 0x00, 0x80, 0x13, 0x80, 0xFF, 0xFF, 0, 0, 0, 0xEE, 0xEE, 0xFE}
	size := len(want)
	want = append(want, byte(size), 0, 0x30, 0x80)
	want = append(want, make([]byte, 0x30-len(want))...)
	want = append(want, 0x18, 0x00, 0x00)
	if p.Org != 0x8000 {
		t.Errorf("Org = %04X", p.Org)
	}
	if !bytes.Equal(p.Bytes, want) {
		t.Errorf("bytes:\n got % X\nwant % X", p.Bytes, want)
	}
	for name, v := range map[string]uint16{"start": 0x8000, "size": uint16(size), "next": 0x8000 + uint16(size), "later": 0x8030, "start2": 0x8032} {
		if got, ok := p.Symbol(name); !ok || got != v {
			t.Errorf("Symbol(%q) = %04X, %v; want %04X", name, got, ok, v)
		}
	}
	if _, ok := p.Symbol("START"); ok {
		t.Errorf("symbols must be case-sensitive")
	}
	if len(p.Listing) != strings.Count(src, "\n") {
		t.Errorf("listing has %d lines, source %d", len(p.Listing), strings.Count(src, "\n"))
	}
	var b bytes.Buffer
	if err := p.WriteListing(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "8000  01 61 62 63  start:\tdb 1") {
		t.Errorf("listing:\n%s", b.String())
	}
}

func TestNoOrgAndMultipleSources(t *testing.T) {
	p, err := Assemble(
		Source{Name: "a.asm", Text: []byte("\tld a,val\n\tcall subr\n")},
		Source{Name: "b.asm", Text: []byte("val equ 7\nsubr:\tret\n")},
	)
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0x3E, 7, 0xCD, 5, 0, 0xC9}; p.Org != 0 || !bytes.Equal(p.Bytes, want) {
		t.Errorf("got %04X % X", p.Org, p.Bytes)
	}
	if l := p.Listing[2]; l.File != "b.asm" || l.LineNo != 1 {
		t.Errorf("listing line %+v", l)
	}
}

func TestForwardEqu(t *testing.T) {
	p := asmString(t, "\torg 100h\ne1 equ e2+1\n\tld hl,e1\ne2 equ 4\ne3 equ lab\n\tld de,e3\nlab: nop\n")
	if want := []byte{0x21, 0x05, 0x00, 0x11, 0x06, 0x01, 0x00}; !bytes.Equal(p.Bytes, want) {
		t.Errorf("got % X", p.Bytes)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		src, line, msg string
	}{
		{"\tld a,nosuch", "t.asm:1", "undefined symbol \"nosuch\""},
		{"x: nop\nx: nop", "t.asm:2", "duplicate symbol \"x\""},
		{"\tdb 256", "t.asm:1", "out of 8-bit range"},
		{"\tdb -129", "t.asm:1", "out of 8-bit range"},
		{"\tld a,300", "t.asm:1", "out of 8-bit range"},
		{"\tdw 65536", "t.asm:1", "out of 16-bit range"},
		{"\tjr $+130", "t.asm:1", "relative jump out of range"},
		{"\torg 100h\n\tdjnz $-127", "t.asm:2", "relative jump out of range"},
		{"\tdjnz -1", "t.asm:1", "jump target -1 out of range"},
		{"\tld a,(ix+128)", "t.asm:1", "displacement 128 out of range"},
		{"\tld a,(iy-129)", "t.asm:1", "displacement -129 out of range"},
		{"\tim 3", "t.asm:1", "interrupt mode 3"},
		{"\trst 7", "t.asm:1", "rst vector 7"},
		{"\tbit 8,a", "t.asm:1", "bit number 8"},
		{"\tset -1,(hl)", "t.asm:1", "bit number -1"},
		{"\tld (hl),(hl)", "t.asm:1", "invalid operands for ld"},
		{"\tld h,ixl", "t.asm:1", "invalid operands for ld"},
		{"\tjr po,$", "t.asm:1", "invalid operands for jr"},
		{"\tadd ix,hl", "t.asm:1", "invalid operands for add"},
		{"\tfoo a", "t.asm:1", "unknown instruction"},
		{"\tdb 'abc", "t.asm:1", "unterminated string"},
		{"\tld a,1+", "t.asm:1", "missing operand"},
		{"\tld a,(1", "t.asm:1", "missing ')'"},
		{"\tdb 1/0", "t.asm:1", "division by zero"},
		{"\tdb -1+2", "t.asm:1", "unary minus"},
		{"\tdb 1+1<<2", "t.asm:1", "shift operator mixed"},
		{"\tdb ~1+1", "t.asm:1", "NOT"},
		{"\tdb 0F0h&3", "t.asm:1", "directly followed by a hex digit"},
		{"\tdw (0-8)/2", "t.asm:1", "operands of / must be in 0..65535"},
		{"\tdb 70000", "t.asm:1", "out of 16-bit range"},
		{"a: nop", "t.asm:1", "reserved word"},
		{"x equ x+1", "t.asm:1", "circular definition"},
		{"x equ y\ny equ x", "t.asm:1", "forward reference to \"y\""},
		{"\torg 100h\n\tnop\n\torg 0", "t.asm:3", "goes backwards"},
		{"\tds n\nn equ 3", "t.asm:1", "must be defined before this line"},
		{"\tld hl,e1\ne1 equ lab\nlab: nop", "t.asm:1", "forward reference to \"e1\""},
		{"\tequ 5", "t.asm:1", "equ without a label"},
		{"\tdb \"\\q\"", "t.asm:1", "unsupported escape"},
		{"\torg 0FFFFh\n\tdw 0", "t.asm:2", "beyond address FFFFh"},
		{"\tnop 1", "t.asm:1", "takes no operands"},
	} {
		_, err := Assemble(Source{Name: "t.asm", Text: []byte(tc.src)})
		if err == nil {
			t.Errorf("%q: no error", tc.src)
			continue
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Errorf("%q: error %T is not an ErrorList", tc.src, err)
			continue
		}
		e := list[0]
		lines := strings.Split(tc.src, "\n")
		if s := err.Error(); !strings.HasPrefix(s, tc.line+": ") || !strings.Contains(s, tc.msg) ||
			!strings.Contains(s, fmt.Sprintf("%q", strings.TrimSpace(lines[e.LineNo-1]))) {
			t.Errorf("%q:\n got %s\nwant %s: ...%s... with the line text", tc.src, s, tc.line, tc.msg)
		}
	}
}

func TestSeveralErrors(t *testing.T) {
	_, err := Assemble(Source{Name: "m.asm", Text: []byte("\tld a,x1\n\tnop\n\tbogus\n\tdb 300\n\tjp x2\n")})
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %v", err)
	}
	// pass 1 finds the syntax error; value errors come from pass 2 only if
	// pass 1 was clean, so here only line 3 is reported.
	if len(list) != 1 || list[0].LineNo != 3 {
		t.Errorf("got %v", err)
	}
	_, err = Assemble(Source{Name: "m.asm", Text: []byte("\tld a,x1\n\tnop\n\tdb 300\n\tjp x2\n")})
	if !errors.As(err, &list) || len(list) != 3 {
		t.Errorf("want 3 errors, got %v", err)
	}
}

// FuzzAssemble checks that Assemble never panics and that successful
// results are self-consistent.
func FuzzAssemble(f *testing.F) {
	f.Add("\torg 100h\nstart: ld a,(ix+5)\n\tjr start\n\tdb \"x\",1\n")
	f.Add("x equ y+1\ny equ 2\n\tds x,1\n")
	f.Add("\tld a,'\n\tdb 1<<2+3\n\tex af,af'\n")
	f.Add(crossCheckDirectives)
	for _, tc := range encTable {
		f.Add("\t" + tc.src + "\n")
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Assemble(Source{Name: "f.asm", Text: []byte(src)})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, l := range p.Listing {
			if len(l.Bytes) > 0 && int(l.Addr)+len(l.Bytes) > int(p.Org)+len(p.Bytes) {
				t.Fatalf("listing line %d beyond image", l.LineNo)
			}
		}
	})
}

func Example() {
	p, err := Assemble(Source{Name: "hello.asm", Text: []byte(`
	org 8000h
msg	equ 'H'
start:	ld a,msg
	out (0FEh),a
	jr start
`)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("org %04X: % X\n", p.Org, p.Bytes)
	p.WriteListing(os.Stdout)
	// Output:
	// org 8000: 3E 48 D3 FE 18 FA
	// 0000
	// 8000               	org 8000h
	// 8000               msg	equ 'H'
	// 8000  3E 48        start:	ld a,msg
	// 8002  D3 FE        	out (0FEh),a
	// 8004  18 FA        	jr start
}
