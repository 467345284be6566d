package asm

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runPasmo assembles src with pasmo --bin, or skips the test when pasmo is
// not installed.
func runPasmo(t *testing.T, src string) ([]byte, error) {
	t.Helper()
	pasmo, err := exec.LookPath("pasmo")
	if err != nil {
		t.Skip("pasmo not on PATH")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.asm"), filepath.Join(dir, "out.bin")
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	msg, err := exec.Command(pasmo, "--bin", in, out).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("pasmo: %v: %s", err, msg)
	}
	return os.ReadFile(out)
}

// crossCheckDirectives exercises the directives and expression syntax in
// the pasmo-compatible subset.
const crossCheckDirectives = `
data:	db 1,2,'x',"str",0
	db 'it''s', "a\nb\t\\\"", "q'", 'q"'
	defb 255,-128,-1
	defm "hello"
	db 'a'+1, "b"-1
	dw start, data, $, -1, 65535, 'a', -32768
	defw 1234h
	ds 5
	ds 3,0AAh
	defs 2,-1
	ds 0
	org $+10
fwd_use: dw later, later_equ
	ld a,later_equ
later_equ equ 5*3+1
chain2	equ later
chain1:	equ chain2+1
	ld hl,chain1
	ld de,chain2
later:
	db 0FFh,0ffH,$0f,#1F,%1010,1010b,0x7f,0X7F,12,'A',"B",0a0h,1h
	db 1+2*3, (1+2)*3, 10-2-3, 100/7, 100%7, 100 mod 7, 1<<4, 1 shl 4, 80h>>3, 80h shr 3
	db 0F0h& 3Ch, 0F0h and 3Ch, 0F0h|0Fh, 0F0h or 0Fh, 0F0h xor 0FFh, ~0 & 0FFh, not 1 and 0FFh
	db -1, +5, - (2), (-1)+2, 2-(-1), -2*3, -(8/2), 5-2-1, 8/2/2, 2*3%4
	db (1<<2)+1, 1+(1<<2), (2*3)<<1, 1<<2<<1, (0F0h>>4) & 3, 1|2& 3, (1|2) & 3, 6 xor 3 and 1
	db low_byte, high_byte, 1 + 2 & 7, 0FFh & 1 + 2
low_byte equ later & 0FFh
high_byte equ (later >> 8) & 0FFh
	dw $-start, data-start, later*2, -later
disp equ 10
	jr fwd_label
	jp fwd_label
	djnz fwd_label
	ld (ix+disp),a
	ld a,(iy+disp-1)
	ld b,(ix-disp)
	ld c,(ix+(disp*2)-3)
	ld (iy-disp*2),d
	ld (ix+1),disp
	ld (ix+fdisp),fdisp
fdisp equ 3
Colon1 nop
_x.y?z@:	nop
fwd_label: nop
	jr Colon1
	LD A,'z'
	Jp Start2
Start2:	ret
	end
	db 99
`

func crossCheckSource() string {
	var b strings.Builder
	b.WriteString("\torg 100h\nstart:\n")
	for _, tc := range encTable {
		if tc.pasmo {
			b.WriteString("\t" + tc.src + "\n")
		}
	}
	for _, tc := range genCases() {
		b.WriteString("\t" + tc.src + "\n")
	}
	b.WriteString(crossCheckDirectives)
	return b.String()
}

func TestPasmoCrossCheck(t *testing.T) {
	src := crossCheckSource()
	want, err := runPasmo(t, src)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Assemble(Source{Name: "cross.asm", Text: []byte(src)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Org != 0x100 {
		t.Errorf("Org = %04X, want 0100", p.Org)
	}
	if bytes.Equal(p.Bytes, want) {
		return
	}
	t.Errorf("image differs from pasmo: %d bytes, pasmo %d bytes", len(p.Bytes), len(want))
	n := 0
	for _, l := range p.Listing {
		off := int(l.Addr) - int(p.Org)
		if len(l.Bytes) == 0 || off+len(l.Bytes) > len(want) {
			continue
		}
		if w := want[off : off+len(l.Bytes)]; !bytes.Equal(w, l.Bytes) {
			t.Errorf("line %d %q: got % X, pasmo % X", l.LineNo, l.Text, l.Bytes, w)
			if n++; n > 20 {
				break
			}
		}
	}
}

// TestPasmoDivergence checks the constructs this assembler rejects because
// pasmo evaluates them differently from C precedence: pasmo must really
// produce a value other than the C one, and Assemble must report an error.
func TestPasmoDivergence(t *testing.T) {
	for _, tc := range []struct {
		expr string
		c    int // value under C precedence
	}{
		{"-1 + 2", 1},
		{"-5 - 2", -7},
		{"-5 * 2 + 1", -9},
		{"~1 + 1", -1},
		{"~1 * 2", -4},
		{"1 + 1 << 2", 8},
		{"1 << 1 + 1", 4},
		{"7 - 2 << 1", 10},
		{"6 & ~2 + 3", 6 & (^2 + 3)},
	} {
		src := "\torg 100h\n\tdb " + tc.expr + "\n"
		got, err := runPasmo(t, src)
		if err != nil {
			t.Errorf("pasmo rejects %q: %v", tc.expr, err)
		} else if len(got) != 1 || got[0] == byte(tc.c) {
			t.Errorf("pasmo gives % X for %q, expected it to differ from C value %d", got, tc.expr, tc.c)
		}
		if _, err := Assemble(Source{Name: "d.asm", Text: []byte(src)}); err == nil {
			t.Errorf("Assemble accepted pasmo-divergent %q", tc.expr)
		}
	}
	// Index displacements: pasmo reads (ix-5+2) as ix-(5+2) and (ix-5-2) as ix-(5-2).
	for _, s := range []string{"ld a,(ix-5+2)", "ld a,(ix-5-2)"} {
		if _, err := Assemble(Source{Name: "d.asm", Text: []byte("\t" + s + "\n")}); err == nil {
			t.Errorf("Assemble accepted pasmo-divergent %q", s)
		}
	}
}
