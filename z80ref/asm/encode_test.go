package asm

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// encCase is one instruction and its encoding, written by hand from the
// Zilog Z80 CPU User Manual opcode tables (not from this assembler).
type encCase struct {
	src    string
	hex    string
	pasmo  bool // pasmo accepts this spelling (used by the cross-check)
	undocd bool // undocumented instruction
}

func c(src, hx string) encCase { return encCase{src: src, hex: hx, pasmo: true} }

// nonPasmo marks spellings pasmo rejects but this assembler accepts.
func nonPasmo(src, hx string) encCase { return encCase{src: src, hex: hx} }

// encTable covers every documented instruction form. Each instruction is
// assembled alone at address 100h.
var encTable = []encCase{
	// 8-bit loads
	c("ld b,c", "41"), c("ld a,a", "7F"), c("ld h,(hl)", "66"), c("ld (hl),e", "73"),
	c("ld a,5", "3E 05"), c("ld b,-1", "06 FF"), c("ld (hl),12h", "36 12"),
	c("ld b,(ix+5)", "DD 46 05"), c("ld c,(iy-2)", "FD 4E FE"), c("ld a,(ix)", "DD 7E 00"),
	c("ld (ix+7),d", "DD 72 07"), c("ld (iy+0),a", "FD 77 00"), c("ld (ix),l", "DD 75 00"),
	c("ld (ix+5),a", "DD 77 05"), c("ld (ix+3),0AAh", "DD 36 03 AA"), c("ld (iy-128),127", "FD 36 80 7F"),
	c("ld (ix+127),-128", "DD 36 7F 80"),
	c("ld a,(bc)", "0A"), c("ld a,(de)", "1A"), c("ld a,(1234h)", "3A 34 12"),
	c("ld (bc),a", "02"), c("ld (de),a", "12"), c("ld (1234h),a", "32 34 12"),
	c("ld a,i", "ED 57"), c("ld a,r", "ED 5F"), c("ld i,a", "ED 47"), c("ld r,a", "ED 4F"),
	// 16-bit loads
	c("ld bc,1234h", "01 34 12"), c("ld de,1234h", "11 34 12"), c("ld hl,1234h", "21 34 12"),
	c("ld sp,1234h", "31 34 12"), c("ld ix,1234h", "DD 21 34 12"), c("ld iy,1234h", "FD 21 34 12"),
	c("ld hl,-1", "21 FF FF"),
	c("ld hl,(1234h)", "2A 34 12"), c("ld bc,(1234h)", "ED 4B 34 12"), c("ld de,(1234h)", "ED 5B 34 12"),
	c("ld sp,(1234h)", "ED 7B 34 12"), c("ld ix,(1234h)", "DD 2A 34 12"), c("ld iy,(1234h)", "FD 2A 34 12"),
	c("ld (1234h),hl", "22 34 12"), c("ld (1234h),bc", "ED 43 34 12"), c("ld (1234h),de", "ED 53 34 12"),
	c("ld (1234h),sp", "ED 73 34 12"), c("ld (1234h),ix", "DD 22 34 12"), c("ld (1234h),iy", "FD 22 34 12"),
	c("ld sp,hl", "F9"), c("ld sp,ix", "DD F9"), c("ld sp,iy", "FD F9"),
	c("push bc", "C5"), c("push de", "D5"), c("push hl", "E5"), c("push af", "F5"),
	c("push ix", "DD E5"), c("push iy", "FD E5"),
	c("pop bc", "C1"), c("pop de", "D1"), c("pop hl", "E1"), c("pop af", "F1"),
	c("pop ix", "DD E1"), c("pop iy", "FD E1"),
	// exchange, block transfer and search
	c("ex de,hl", "EB"), c("ex af,af'", "08"), c("exx", "D9"), c("ex (sp),hl", "E3"),
	c("ex (sp),ix", "DD E3"), c("ex (sp),iy", "FD E3"),
	c("ldi", "ED A0"), c("ldir", "ED B0"), c("ldd", "ED A8"), c("lddr", "ED B8"),
	c("cpi", "ED A1"), c("cpir", "ED B1"), c("cpd", "ED A9"), c("cpdr", "ED B9"),
	// 8-bit arithmetic and logic
	c("add a,b", "80"), c("add a,(hl)", "86"), c("add a,5", "C6 05"), c("add a,(ix+1)", "DD 86 01"),
	c("add a,(iy-1)", "FD 86 FF"),
	c("adc a,c", "89"), c("adc a,0FFh", "CE FF"), c("adc a,(hl)", "8E"), c("adc a,(iy+2)", "FD 8E 02"),
	c("adc a,(ix+2)", "DD 8E 02"),
	c("sub d", "92"), c("sub 10", "D6 0A"), c("sub (hl)", "96"), c("sub (ix-1)", "DD 96 FF"),
	c("sub (iy+1)", "FD 96 01"),
	c("sbc a,e", "9B"), c("sbc a,1", "DE 01"), c("sbc a,(hl)", "9E"), c("sbc a,(ix+1)", "DD 9E 01"),
	c("sbc a,(iy+1)", "FD 9E 01"),
	c("and h", "A4"), c("and 0Fh", "E6 0F"), c("and (hl)", "A6"), c("and (iy+3)", "FD A6 03"),
	c("and (ix+3)", "DD A6 03"),
	c("xor l", "AD"), c("xor a", "AF"), c("xor 80h", "EE 80"), c("xor (hl)", "AE"),
	c("xor (ix+0)", "DD AE 00"), c("xor (iy+0)", "FD AE 00"),
	c("or a", "B7"), c("or 1", "F6 01"), c("or (hl)", "B6"), c("or (ix+4)", "DD B6 04"),
	c("or (iy+4)", "FD B6 04"),
	c("cp b", "B8"), c("cp 3", "FE 03"), c("cp (hl)", "BE"), c("cp (iy-3)", "FD BE FD"),
	c("cp (ix-3)", "DD BE FD"),
	nonPasmo("sub a,b", "90"), nonPasmo("and a,c", "A1"), nonPasmo("add b", "80"),
	nonPasmo("cp a,5", "FE 05"), nonPasmo("xor a,(hl)", "AE"), nonPasmo("or a,(ix+1)", "DD B6 01"),
	// increment / decrement
	c("inc a", "3C"), c("inc b", "04"), c("inc (hl)", "34"), c("inc (ix+2)", "DD 34 02"),
	c("inc (iy+2)", "FD 34 02"), c("dec c", "0D"), c("dec (hl)", "35"), c("dec (ix-2)", "DD 35 FE"),
	c("dec (iy-2)", "FD 35 FE"),
	c("inc bc", "03"), c("inc de", "13"), c("inc hl", "23"), c("inc sp", "33"),
	c("inc ix", "DD 23"), c("inc iy", "FD 23"),
	c("dec bc", "0B"), c("dec de", "1B"), c("dec hl", "2B"), c("dec sp", "3B"),
	c("dec ix", "DD 2B"), c("dec iy", "FD 2B"),
	// general purpose and CPU control
	c("daa", "27"), c("cpl", "2F"), c("neg", "ED 44"), c("ccf", "3F"), c("scf", "37"),
	c("nop", "00"), c("halt", "76"), c("di", "F3"), c("ei", "FB"),
	c("im 0", "ED 46"), c("im 1", "ED 56"), c("im 2", "ED 5E"),
	// 16-bit arithmetic
	c("add hl,bc", "09"), c("add hl,de", "19"), c("add hl,hl", "29"), c("add hl,sp", "39"),
	c("add ix,bc", "DD 09"), c("add ix,de", "DD 19"), c("add ix,ix", "DD 29"), c("add ix,sp", "DD 39"),
	c("add iy,bc", "FD 09"), c("add iy,de", "FD 19"), c("add iy,iy", "FD 29"), c("add iy,sp", "FD 39"),
	c("adc hl,bc", "ED 4A"), c("adc hl,de", "ED 5A"), c("adc hl,hl", "ED 6A"), c("adc hl,sp", "ED 7A"),
	c("sbc hl,bc", "ED 42"), c("sbc hl,de", "ED 52"), c("sbc hl,hl", "ED 62"), c("sbc hl,sp", "ED 72"),
	// rotates and shifts
	c("rlca", "07"), c("rla", "17"), c("rrca", "0F"), c("rra", "1F"),
	c("rlc b", "CB 00"), c("rlc (hl)", "CB 06"), c("rlc (ix+1)", "DD CB 01 06"), c("rlc (iy+1)", "FD CB 01 06"),
	c("rl c", "CB 11"), c("rl (hl)", "CB 16"), c("rl (ix-1)", "DD CB FF 16"), c("rl (iy-1)", "FD CB FF 16"),
	c("rrc d", "CB 0A"), c("rrc (hl)", "CB 0E"), c("rrc (ix+0)", "DD CB 00 0E"), c("rrc (iy+0)", "FD CB 00 0E"),
	c("rr e", "CB 1B"), c("rr (hl)", "CB 1E"), c("rr (ix+9)", "DD CB 09 1E"), c("rr (iy+9)", "FD CB 09 1E"),
	c("sla h", "CB 24"), c("sla (hl)", "CB 26"), c("sla (ix+2)", "DD CB 02 26"), c("sla (iy+2)", "FD CB 02 26"),
	c("sra l", "CB 2D"), c("sra (hl)", "CB 2E"), c("sra (ix+3)", "DD CB 03 2E"), c("sra (iy+3)", "FD CB 03 2E"),
	c("srl a", "CB 3F"), c("srl (hl)", "CB 3E"), c("srl (ix+4)", "DD CB 04 3E"), c("srl (iy+4)", "FD CB 04 3E"),
	c("rld", "ED 6F"), c("rrd", "ED 67"),
	// bit set, reset and test
	c("bit 0,a", "CB 47"), c("bit 7,(hl)", "CB 7E"), c("bit 3,(ix+4)", "DD CB 04 5E"),
	c("bit 7,(iy-1)", "FD CB FF 7E"), c("bit 5,b", "CB 68"),
	c("set 1,b", "CB C8"), c("set 7,a", "CB FF"), c("set 0,(hl)", "CB C6"),
	c("set 6,(ix+1)", "DD CB 01 F6"), c("set 2,(iy+1)", "FD CB 01 D6"),
	c("res 2,c", "CB 91"), c("res 7,(hl)", "CB BE"), c("res 4,(iy+5)", "FD CB 05 A6"),
	c("res 0,(ix-5)", "DD CB FB 86"),
	// jumps
	c("jp 1234h", "C3 34 12"), c("jp nz,1234h", "C2 34 12"), c("jp z,1234h", "CA 34 12"),
	c("jp nc,1234h", "D2 34 12"), c("jp c,1234h", "DA 34 12"), c("jp po,1234h", "E2 34 12"),
	c("jp pe,1234h", "EA 34 12"), c("jp p,1234h", "F2 34 12"), c("jp m,1234h", "FA 34 12"),
	c("jp (hl)", "E9"), c("jp (ix)", "DD E9"), c("jp (iy)", "FD E9"),
	c("jr $", "18 FE"), c("jr $+2", "18 00"), c("jr $+129", "18 7F"), c("jr $-126", "18 80"),
	c("jr nz,$", "20 FE"), c("jr z,$+5", "28 03"), c("jr nc,$", "30 FE"), c("jr c,$", "38 FE"),
	c("djnz $", "10 FE"), c("djnz $+10", "10 08"),
	// calls and returns
	c("call 1234h", "CD 34 12"), c("call nz,1234h", "C4 34 12"), c("call z,1234h", "CC 34 12"),
	c("call nc,1234h", "D4 34 12"), c("call c,1234h", "DC 34 12"), c("call po,1234h", "E4 34 12"),
	c("call pe,1234h", "EC 34 12"), c("call p,1234h", "F4 34 12"), c("call m,1234h", "FC 34 12"),
	c("ret", "C9"), c("ret nz", "C0"), c("ret z", "C8"), c("ret nc", "D0"), c("ret c", "D8"),
	c("ret po", "E0"), c("ret pe", "E8"), c("ret p", "F0"), c("ret m", "F8"),
	c("reti", "ED 4D"), c("retn", "ED 45"),
	c("rst 0", "C7"), c("rst 8", "CF"), c("rst 10h", "D7"), c("rst 18h", "DF"),
	c("rst 20h", "E7"), c("rst 28h", "EF"), c("rst 30h", "F7"), c("rst 38h", "FF"),
	// input and output
	c("in a,(0FEh)", "DB FE"), c("in b,(c)", "ED 40"), c("in c,(c)", "ED 48"), c("in d,(c)", "ED 50"),
	c("in e,(c)", "ED 58"), c("in h,(c)", "ED 60"), c("in l,(c)", "ED 68"), c("in a,(c)", "ED 78"),
	c("out (0FEh),a", "D3 FE"), c("out (c),b", "ED 41"), c("out (c),c", "ED 49"), c("out (c),d", "ED 51"),
	c("out (c),e", "ED 59"), c("out (c),h", "ED 61"), c("out (c),l", "ED 69"), c("out (c),a", "ED 79"),
	c("ini", "ED A2"), c("inir", "ED B2"), c("ind", "ED AA"), c("indr", "ED BA"),
	c("outi", "ED A3"), c("otir", "ED B3"), c("outd", "ED AB"), c("otdr", "ED BB"),
	// case insensitivity and spacing
	c("LD A,(IX+5)", "DD 7E 05"), c("Ld  ( iy + 2 ) , B", "FD 70 02"), c("EX AF,AF'", "08"),
	// undocumented
	{src: "sll b", hex: "CB 30", pasmo: true, undocd: true},
	{src: "sll (ix+1)", hex: "DD CB 01 36", pasmo: true, undocd: true},
	{src: "sl1 c", hex: "CB 31", undocd: true},
	{src: "ld ixh,5", hex: "DD 26 05", pasmo: true, undocd: true},
	{src: "ld iyl,5", hex: "FD 2E 05", pasmo: true, undocd: true},
	{src: "ld a,ixh", hex: "DD 7C", pasmo: true, undocd: true},
	{src: "ld ixl,a", hex: "DD 6F", pasmo: true, undocd: true},
	{src: "ld iyh,b", hex: "FD 60", pasmo: true, undocd: true},
	{src: "ld ixh,ixl", hex: "DD 65", pasmo: true, undocd: true},
	{src: "inc ixh", hex: "DD 24", pasmo: true, undocd: true},
	{src: "dec iyl", hex: "FD 2D", pasmo: true, undocd: true},
	{src: "add a,ixl", hex: "DD 85", pasmo: true, undocd: true},
	{src: "sub iyh", hex: "FD 94", pasmo: true, undocd: true},
	{src: "cp ixl", hex: "DD BD", pasmo: true, undocd: true},
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func assembleOne(t *testing.T, src string) []byte {
	t.Helper()
	p, err := Assemble(Source{Name: "t.asm", Text: []byte("\torg 100h\n\t" + src + "\n")})
	if err != nil {
		t.Errorf("%s: %v", src, err)
		return nil
	}
	return p.Bytes
}

func TestEncodingTable(t *testing.T) {
	for _, tc := range encTable {
		got := assembleOne(t, tc.src)
		if want := mustHex(t, tc.hex); got != nil && !bytes.Equal(got, want) {
			t.Errorf("%-20s got % X, want % X", tc.src, got, want)
		}
	}
}

// Register names in the order of their 3-bit field (Zilog manual "r" table).
var rNames = []string{"b", "c", "d", "e", "h", "l", "(hl)", "a"}

// genCases computes encodings from the documented bit fields.
func genCases() []encCase {
	var out []encCase
	add := func(src string, b ...byte) {
		out = append(out, c(src, fmt.Sprintf("% X", b)))
	}
	for d, dn := range rNames {
		for s, sn := range rNames {
			if d == 6 && s == 6 {
				continue // that is halt
			}
			add("ld "+dn+","+sn, byte(0x40|d<<3|s)) // 01 ddd sss
		}
		add("ld "+dn+",42h", byte(0x06|d<<3), 0x42) // 00 ddd 110 n
		add("inc "+dn, byte(0x04|d<<3))             // 00 rrr 100
		add("dec "+dn, byte(0x05|d<<3))             // 00 rrr 101
		if d != 6 {
			for _, ix := range []struct {
				name string
				pfx  byte
			}{{"ix", 0xDD}, {"iy", 0xFD}} {
				add("ld "+dn+",("+ix.name+"+10h)", ix.pfx, byte(0x46|d<<3), 0x10) // 01 rrr 110 d
				add("ld ("+ix.name+"-10h),"+dn, ix.pfx, byte(0x70|d), 0xF0)       // 01 110 rrr d
			}
			add("in "+dn+",(c)", 0xED, byte(0x40|d<<3)) // 01 rrr 000
			add("out (c),"+dn, 0xED, byte(0x41|d<<3))   // 01 rrr 001
		}
	}
	alu := []string{"add a,", "adc a,", "sub ", "sbc a,", "and ", "xor ", "or ", "cp "}
	for o, on := range alu {
		for r, rn := range rNames {
			add(on+rn, byte(0x80|o<<3|r)) // 10 ooo rrr
		}
		add(on+"99h", byte(0xC6|o<<3), 0x99)          // 11 ooo 110 n
		add(on+"(ix+1)", 0xDD, byte(0x86|o<<3), 0x01) // DD 10 ooo 110 d
		add(on+"(iy-1)", 0xFD, byte(0x86|o<<3), 0xFF)
	}
	rot := []string{"rlc", "rrc", "rl", "rr", "sla", "sra", "sll", "srl"}
	for o, on := range rot {
		for r, rn := range rNames {
			add(on+" "+rn, 0xCB, byte(o<<3|r)) // CB 00 ooo rrr
		}
		add(on+" (ix+2)", 0xDD, 0xCB, 0x02, byte(o<<3|6))
		add(on+" (iy-2)", 0xFD, 0xCB, 0xFE, byte(o<<3|6))
	}
	for k, kn := range []string{"bit", "res", "set"} {
		for b := 0; b < 8; b++ {
			for r, rn := range rNames {
				add(fmt.Sprintf("%s %d,%s", kn, b, rn), 0xCB, byte((k+1)<<6|b<<3|r)) // CB kk bbb rrr
			}
			add(fmt.Sprintf("%s %d,(ix+3)", kn, b), 0xDD, 0xCB, 0x03, byte((k+1)<<6|b<<3|6))
			add(fmt.Sprintf("%s %d,(iy-3)", kn, b), 0xFD, 0xCB, 0xFD, byte((k+1)<<6|b<<3|6))
		}
	}
	for p, pn := range []string{"bc", "de", "hl", "sp"} {
		add("ld "+pn+",0BEEFh", byte(0x01|p<<4), 0xEF, 0xBE) // 00 pp0 001
		add("inc "+pn, byte(0x03|p<<4))                      // 00 pp0 011
		add("dec "+pn, byte(0x0B|p<<4))                      // 00 pp1 011
		add("add hl,"+pn, byte(0x09|p<<4))                   // 00 pp1 001
		add("adc hl,"+pn, 0xED, byte(0x4A|p<<4))             // ED 01 pp1 010
		add("sbc hl,"+pn, 0xED, byte(0x42|p<<4))             // ED 01 pp0 010
		qn := map[string]string{"sp": "af"}[pn]
		if qn == "" {
			qn = pn
		}
		add("push "+qn, byte(0xC5|p<<4)) // 11 qq0 101
		add("pop "+qn, byte(0xC1|p<<4))  // 11 qq0 001
	}
	for cc, cn := range []string{"nz", "z", "nc", "c", "po", "pe", "p", "m"} {
		add("jp "+cn+",1234h", byte(0xC2|cc<<3), 0x34, 0x12)   // 11 ccc 010
		add("call "+cn+",1234h", byte(0xC4|cc<<3), 0x34, 0x12) // 11 ccc 100
		add("ret "+cn, byte(0xC0|cc<<3))                       // 11 ccc 000
		if cc < 4 {
			add("jr "+cn+",$+12h", byte(0x20|cc<<3), 0x10) // 001 cc 000
		}
	}
	for t := 0; t < 8; t++ {
		add(fmt.Sprintf("rst %d", t*8), byte(0xC7|t<<3)) // 11 ttt 111
	}
	return out
}

func TestEncodingBitFields(t *testing.T) {
	for _, tc := range genCases() {
		got := assembleOne(t, tc.src)
		if want := mustHex(t, tc.hex); got != nil && !bytes.Equal(got, want) {
			t.Errorf("%-20s got % X, want % X", tc.src, got, want)
		}
	}
}
