package cpm

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// run is a test helper: it runs code with the given console input and
// returns the machine, the text written to Stdout and Run's error.
func run(t *testing.T, code []byte, input string, opt Options) (*Machine, string, error) {
	t.Helper()
	var out bytes.Buffer
	opt.Stdout = &out
	if opt.Stdin == nil {
		opt.Stdin = strings.NewReader(input)
	}
	m, err := New(code, opt)
	if err != nil {
		t.Fatal(err)
	}
	err = m.Run()
	return m, out.String(), err
}

func TestHelloFn9(t *testing.T) {
	code := append([]byte{
		0x11, 0x09, 0x01, // 0100 LD DE,0109h  10
		0x0E, 0x09, //       0103 LD C,9        7
		0xCD, 0x05, 0x00, // 0105 CALL 5       17
		0xC9, //             0108 RET          10 (to 0000h: warm boot)
	}, "Hello, world!\r\n$"...) // 0109
	for _, text := range []bool{false, true} {
		m, out, err := run(t, code, "", Options{TextOutput: text})
		if err != nil {
			t.Fatal(err)
		}
		want := "Hello, world!\r\n"
		if text {
			want = "Hello, world!\n"
		}
		if out != want {
			t.Errorf("TextOutput=%v: output %q, want %q", text, out, want)
		}
		if m.TStates() != 10+7+17+10 {
			t.Errorf("T-states %d, want 44", m.TStates())
		}
		rs := m.Responses()
		if len(rs) != 1 || rs[0].Input != "" || string(rs[0].Output) != want || rs[0].TStates != 44 {
			t.Errorf("responses %+v", rs)
		}
	}
}

func TestFn9TabExpansion(t *testing.T) {
	code := append([]byte{
		0x11, 0x08, 0x01, // 0100 LD DE,0108h
		0x0E, 0x09, //       0103 LD C,9
		0xC3, 0x05, 0x00, // 0105 JP 5 (BDOS returns to the 0000h on the stack)
	}, "AB\tC\r\n\tD$"...) // 0108
	_, out, err := run(t, code, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	// TAB at column 2 -> 6 spaces; CR does not reset the column in CP/M
	// 2.2 but LF does, so the second TAB gives 8 spaces.
	if want := "AB      C\r\n        D"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
}

func TestFn2AndRegisters(t *testing.T) {
	code := []byte{
		0x21, 0x34, 0x12, // 0100 LD HL,1234h  10
		0x06, 0x77, //       0103 LD B,77h      7
		0x0E, 0x02, //       0105 LD C,2        7
		0x1E, 0x41, //       0107 LD E,'A'      7
		0xCD, 0x05, 0x00, // 0109 CALL 5       17
		0xC3, 0x00, 0x00, // 010C JP 0         10
	}
	m, out, err := run(t, code, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "A" {
		t.Errorf("output %q", out)
	}
	if m.TStates() != 10+7+7+7+17+10 {
		t.Errorf("T-states %d", m.TStates())
	}
	c := m.CPU()
	// CP/M 2.2 returns aret (0 here) in HL, A=L, B=H.
	if c.HL.U16() != 0 || c.AF.Hi != 0 || c.BC.Hi != 0 || c.BC.Lo != 2 || c.DE.Lo != 'A' {
		t.Errorf("HL=%04X A=%02X BC=%04X DE=%04X", c.HL.U16(), c.AF.Hi, c.BC.U16(), c.DE.U16())
	}
}

// fn1Prog reads two characters with BDOS 1 and stores them at 0200h/0201h.
var fn1Prog = []byte{
	0x0E, 0x01, //       0100 LD C,1
	0xCD, 0x05, 0x00, // 0102 CALL 5
	0x32, 0x00, 0x02, // 0105 LD (0200h),A
	0x0E, 0x01, //       0108 LD C,1
	0xCD, 0x05, 0x00, // 010A CALL 5
	0x32, 0x01, 0x02, // 010D LD (0201h),A
	0xC9, //             0110 RET
}

func TestFn1Echo(t *testing.T) {
	m, out, err := run(t, fn1Prog, "x\r\ny", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Read(0x200) != 'x' || m.Read(0x201) != 0x0D {
		t.Errorf("chars %02X %02X", m.Read(0x200), m.Read(0x201))
	}
	if out != "x\r" {
		t.Errorf("echo %q, want %q", out, "x\r")
	}
	if c := m.CPU(); c.HL.U16() != 0x000D || c.BC.Hi != 0 {
		t.Errorf("HL=%04X B=%02X", c.HL.U16(), c.BC.Hi)
	}
	// A control character is returned but not echoed.
	m, out, err = run(t, fn1Prog, "\x01\t", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Read(0x200) != 1 || m.Read(0x201) != 9 || out != "        " {
		t.Errorf("chars %02X %02X echo %q", m.Read(0x200), m.Read(0x201), out)
	}
	// Input exhausted after one character.
	_, _, err = run(t, fn1Prog, "x", Options{})
	if err != ErrInputExhausted {
		t.Errorf("err %v, want ErrInputExhausted", err)
	}
}

// fn10Prog reads two lines with BDOS 10 into buffers at 0200h and 0300h.
var fn10Prog = []byte{
	0x11, 0x00, 0x02, // 0100 LD DE,0200h
	0x0E, 0x0A, //       0103 LD C,10
	0xCD, 0x05, 0x00, // 0105 CALL 5
	0x11, 0x00, 0x03, // 0108 LD DE,0300h
	0x0E, 0x0A, //       010B LD C,10
	0xCD, 0x05, 0x00, // 010D CALL 5
	0xC9, //             0110 RET
}

func runFn10(t *testing.T, input string, max1, max2 byte) (*Machine, string, error) {
	t.Helper()
	var out bytes.Buffer
	m, err := New(fn10Prog, Options{Stdin: strings.NewReader(input), Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	m.Write(0x200, max1)
	m.Write(0x300, max2)
	err = m.Run()
	return m, out.String(), err
}

func TestFn10(t *testing.T) {
	m, out, err := runFn10(t, "hello\nWorld\n", 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Mem()[0x201 : 0x202+5]; string(got) != "\x05hello" {
		t.Errorf("buffer 1 %q", got)
	}
	if got := m.Mem()[0x301 : 0x302+5]; string(got) != "\x05World" {
		t.Errorf("buffer 2 %q", got)
	}
	if m.Read(0x207) != 0 {
		t.Errorf("byte after line written: %02X", m.Read(0x207))
	}
	if out != "hello\rWorld\r" { // CP/M 2.2 echoes only CR at the end
		t.Errorf("echo %q", out)
	}
	// BDOS 10 returns aret = 0 (the count is only in the buffer).
	if m.CPU().AF.Hi != 0 || m.CPU().HL.U16() != 0 {
		t.Errorf("A=%02X HL=%04X", m.CPU().AF.Hi, m.CPU().HL.U16())
	}
}

func TestFn10Overlong(t *testing.T) {
	m, out, err := runFn10(t, "abcdef\r\nzz\n", 3, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Mem()[0x201:0x206]; string(got) != "\x03abc\x00" {
		t.Errorf("buffer 1 %q", got)
	}
	// As in CP/M 2.2 the full buffer ends the read: the rest of the typed
	// line ("def") is the next read's, and its line end too.
	if got := m.Mem()[0x301:0x305]; string(got) != "\x03def" {
		t.Errorf("buffer 2 %q", got)
	}
	if out != "abc\rdef\r" {
		t.Errorf("echo %q", out)
	}
}

func TestFn10Details(t *testing.T) {
	// Empty line, last line without newline, control char echo, bit 7 mask.
	m, out, err := runFn10(t, "\n\x01b\xe1", 10, 10)
	if err != nil {
		t.Fatal(err)
	}
	if m.Read(0x201) != 0 {
		t.Errorf("count 1 = %d", m.Read(0x201))
	}
	if got := m.Mem()[0x301:0x305]; string(got) != "\x03\x01ba" {
		t.Errorf("buffer 2 %q", got)
	}
	if out != "\r^Aba\r" {
		t.Errorf("echo %q", out)
	}
	// ^C as first character warm boots.
	m, out, err = runFn10(t, "\x03xyz\nmore\n", 10, 10)
	if err != nil || out != "^C" || m.Read(0x301) != 0 {
		t.Errorf("^C: err %v out %q", err, out)
	}
}

func TestInputExhausted(t *testing.T) {
	m, out, err := runFn10(t, "one\n", 10, 10)
	if err != ErrInputExhausted {
		t.Fatalf("err %v, want ErrInputExhausted", err)
	}
	if out != "one\r" || m.Read(0x201) != 3 {
		t.Errorf("out %q count %d", out, m.Read(0x201))
	}
	// T-states: LD DE,LD C,CALL 5 twice (the second CALL 5 has executed).
	if m.TStates() != 2*(10+7+17) {
		t.Errorf("T-states %d", m.TStates())
	}
	// No Stdin at all.
	m2, err := New(fn10Prog, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Run(); err != ErrInputExhausted {
		t.Errorf("nil Stdin: %v", err)
	}
}

// fn6Prog: BDOS 6 with E=FFh (store at 0200h), E=FEh (store at 0201h),
// then E=09h (raw output).
var fn6Prog = []byte{
	0x0E, 0x06, //       0100 LD C,6
	0x1E, 0xFF, //       0102 LD E,FFh
	0xCD, 0x05, 0x00, // 0104 CALL 5
	0x32, 0x00, 0x02, // 0107 LD (0200h),A
	0x0E, 0x06, //       010A LD C,6
	0x1E, 0xFE, //       010C LD E,FEh
	0xCD, 0x05, 0x00, // 010E CALL 5
	0x32, 0x01, 0x02, // 0111 LD (0201h),A
	0x0E, 0x06, //       0114 LD C,6
	0x1E, 0x09, //       0116 LD E,09h
	0xCD, 0x05, 0x00, // 0118 CALL 5
	0xC9, //             011B RET
}

func TestFn6(t *testing.T) {
	for _, tc := range []struct {
		in     string
		c, st  byte
		output string
	}{
		{"q", 'q', 0x00, "\t"},
		{"qr", 'q', 0xFF, "\t"},
		{"\n", 0x0D, 0x00, "\t"},
		{"", 0x00, 0x00, "\t"},
	} {
		m, out, err := run(t, fn6Prog, tc.in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Read(0x200) != tc.c || m.Read(0x201) != tc.st || out != tc.output {
			t.Errorf("input %q: char %02X status %02X output %q", tc.in, m.Read(0x200), m.Read(0x201), out)
		}
	}
}

func TestFn11(t *testing.T) {
	code := []byte{
		0x0E, 0x0B, //       0100 LD C,11
		0xCD, 0x05, 0x00, // 0102 CALL 5
		0x32, 0x00, 0x02, // 0105 LD (0200h),A
		0xC9, //             0108 RET
	}
	for in, want := range map[string]byte{"x": 0xFF, "": 0x00} {
		m, _, err := run(t, code, in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m.Read(0x200) != want {
			t.Errorf("input %q: status %02X, want %02X", in, m.Read(0x200), want)
		}
	}
}

func TestStatusSpinAtEOF(t *testing.T) {
	code := []byte{
		0x0E, 0x0B, //       0100 LD C,11      7
		0xCD, 0x05, 0x00, // 0102 CALL 5      17
		0xB7,       //             0105 OR A         4
		0x28, 0xF8, //       0106 JR Z,0100h  12
		0xC9, //             0108 RET
	}
	m, _, err := run(t, code, "", Options{})
	if err != ErrInputExhausted {
		t.Fatalf("err %v", err)
	}
	// eofPollLimit polls answered 0, the next one gives up.
	if want := uint64(eofPollLimit*(7+17+4+12) + 7 + 17); m.TStates() != want {
		t.Errorf("T-states %d, want %d", m.TStates(), want)
	}
}

func TestFn12(t *testing.T) {
	code := []byte{
		0x0E, 0x0C, //       0100 LD C,12
		0xCD, 0x05, 0x00, // 0102 CALL 5
		0xC3, 0x00, 0x00, // 0105 JP 0
	}
	m, _, err := run(t, code, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := m.CPU(); c.HL.U16() != 0x0022 || c.AF.Hi != 0x22 || c.BC.Hi != 0 {
		t.Errorf("HL=%04X A=%02X B=%02X", c.HL.U16(), c.AF.Hi, c.BC.Hi)
	}
}

func TestFn0AndWarmBoot(t *testing.T) {
	code := []byte{
		0x0E, 0x00, //       0100 LD C,0    7
		0xCD, 0x05, 0x00, // 0102 CALL 5   17
		0x76, //             0105 HALT (never reached)
	}
	m, _, err := run(t, code, "", Options{})
	if err != nil || m.TStates() != 24 {
		t.Errorf("BDOS 0: err %v T %d", err, m.TStates())
	}
	// JP 0 through page zero, and RET via the initial stack.
	m, _, err = run(t, []byte{0xC3, 0x00, 0x00}, "", Options{})
	if err != nil || m.TStates() != 10 {
		t.Errorf("JP 0: err %v T %d", err, m.TStates())
	}
	m, _, err = run(t, []byte{0xC9}, "", Options{})
	if err != nil || m.TStates() != 10 || m.CPU().SP != InitialSP+2 {
		t.Errorf("RET: err %v T %d SP %04X", err, m.TStates(), m.CPU().SP)
	}
}

func TestBIOSCalls(t *testing.T) {
	code := []byte{
		0x2A, 0x01, 0x00, // 0100 LD HL,(0001h)   HL = FA03h (WBOOT)
		0x22, 0x00, 0x02, // 0103 LD (0200h),HL
		0x0E, 0x5A, //       0106 LD C,'Z'
		0xCD, 0x0C, 0xFA, // 0108 CALL FA0Ch      CONOUT
		0xCD, 0x09, 0xFA, // 010B CALL FA09h      CONIN
		0x32, 0x02, 0x02, // 010E LD (0202h),A
		0xC3, 0x03, 0xFA, // 0111 JP FA03h        WBOOT
	}
	m, out, err := run(t, code, "k", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "Z" || m.ReadWord(0x200) != 0xFA03 || m.Read(0x202) != 'k' {
		t.Errorf("out %q vector %04X char %02X", out, m.ReadWord(0x200), m.Read(0x202))
	}
	if m.TStates() != 16+16+7+17+17+13+10 {
		t.Errorf("T-states %d", m.TStates())
	}
}

func TestPageZeroAndTail(t *testing.T) {
	m, err := New([]byte{0xC9}, Options{Tail: "b:foo.txt *.c"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Read(0) != 0xC3 || m.ReadWord(1) != 0xFA03 || m.Read(5) != 0xC3 || m.ReadWord(6) != 0xEC06 {
		t.Errorf("page zero % X", m.Mem()[0:8])
	}
	tail := " B:FOO.TXT *.C"
	if m.Read(0x80) != byte(len(tail)) || string(m.Mem()[0x81:0x81+len(tail)]) != tail {
		t.Errorf("tail %q", m.Mem()[0x80:0x90])
	}
	if got := string(m.Mem()[0x5C:0x68]); got != "\x02FOO     TXT" {
		t.Errorf("fcb1 %q", got)
	}
	if got := string(m.Mem()[0x6C:0x78]); got != "\x00????????C  " {
		t.Errorf("fcb2 %q", got)
	}
	if m.CPU().PC != 0x0100 || m.CPU().SP != 0xEBFE || m.ReadWord(0xEBFE) != 0 {
		t.Errorf("PC %04X SP %04X", m.CPU().PC, m.CPU().SP)
	}
	m, err = New([]byte{0xC9}, Options{Tail: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Mem()[0x80:0x87]) != "\x06 HELLO" {
		t.Errorf("tail %q", m.Mem()[0x80:0x87])
	}
	m, _ = New(nil, Options{})
	if m.Read(0x80) != 0 || string(m.Mem()[0x5D:0x68]) != "           " || m.Read(0x5C) != 0 {
		t.Errorf("empty tail: %q", m.Mem()[0x5C:0x81])
	}
	if _, err := New(make([]byte, BDOSBase-TPA+1), Options{}); err == nil {
		t.Error("oversized program accepted")
	}
	if _, err := New(make([]byte, BDOSBase-TPA), Options{}); err != nil {
		t.Errorf("max-size program rejected: %v", err)
	}
}

func TestBudget(t *testing.T) {
	m, _, err := run(t, []byte{0x18, 0xFE}, "", Options{MaxTStates: 1000}) // 0100 JR 0100h
	var be *BudgetError
	if !errors.As(err, &be) {
		t.Fatalf("err %v", err)
	}
	// 84 JRs = 1008 > 1000 (83 JRs = 996).
	if be.TStates != 1008 || be.PC != 0x0100 || be.Limit != 1000 || m.TStates() != 1008 {
		t.Errorf("%+v", be)
	}
	if !strings.Contains(err.Error(), "budget") || !strings.Contains(err.Error(), "0100h") {
		t.Errorf("message %q", err)
	}
}

func TestUnsupportedBDOS(t *testing.T) {
	code := []byte{
		0x0E, 0x0F, //       0100 LD C,15 (open file)
		0xCD, 0x05, 0x00, // 0102 CALL 5
		0xC9,
	}
	_, _, err := run(t, code, "", Options{})
	var ue *UnsupportedError
	if !errors.As(err, &ue) {
		t.Fatalf("err %v", err)
	}
	if ue.Num != 15 || ue.PC != 5 || ue.RetAddr != 0x0105 {
		t.Errorf("%+v", ue)
	}
	if msg := err.Error(); !strings.Contains(msg, "BDOS function 15") || !strings.Contains(msg, "0102h") {
		t.Errorf("message %q", msg)
	}
	// Jumping into the system area is reported too.
	_, _, err = run(t, []byte{0xC3, 0x00, 0xF0}, "", Options{})
	if !errors.As(err, &ue) || ue.PC != 0xF000 {
		t.Errorf("err %v", err)
	}
}

// respProg: print "> ", read a line, print LF "ok" CR LF, loop.
var respProg = []byte{
	0x11, 0x1B, 0x01, // 0100 LD DE,011Bh   10
	0x0E, 0x09, //       0103 LD C,9         7
	0xCD, 0x05, 0x00, // 0105 CALL 5        17
	0x11, 0x30, 0x01, // 0108 LD DE,0130h   10
	0x0E, 0x0A, //       010B LD C,10        7
	0xCD, 0x05, 0x00, // 010D CALL 5        17  (input request)
	0x11, 0x1E, 0x01, // 0110 LD DE,011Eh   10
	0x0E, 0x09, //       0113 LD C,9         7
	0xCD, 0x05, 0x00, // 0115 CALL 5        17
	0xC3, 0x00, 0x01, // 0118 JP 0100h      10
	'>', ' ', '$', //    011B
	0x0A, 'o', 'k', 0x0D, 0x0A, '$', // 011E
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0124-012F
	4, // 0130 max 4
}

func TestResponses(t *testing.T) {
	m, out, err := run(t, respProg, "hi\nlonger\n", Options{})
	if err != ErrInputExhausted {
		t.Fatalf("err %v", err)
	}
	// "longer" fills the 4-byte buffer: "er" and the line end are the
	// next read's.
	if want := "> hi\r\nok\r\n> long\r\nok\r\n> er\r\nok\r\n> "; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	// From start: LD DE,LD C,CALL (prompt) + LD DE,LD C,CALL (request).
	first := uint64(10 + 7 + 17 + 10 + 7 + 17)
	// After a line: answer (34) + JP (10) + prompt (34) + request (34).
	loop := uint64(10+7+17) + 10 + uint64(10+7+17) + uint64(10+7+17)
	want := []Response{
		{"", []byte("> "), first},
		{"hi", []byte("\nok\r\n> "), loop},
		{"long", []byte("\nok\r\n> "), loop},
		{"er", []byte("\nok\r\n> "), loop},
	}
	got := m.Responses()
	if len(got) != len(want) {
		t.Fatalf("responses %+v", got)
	}
	for i := range want {
		if got[i].Input != want[i].Input || !bytes.Equal(got[i].Output, want[i].Output) || got[i].TStates != want[i].TStates {
			t.Errorf("response %d = %q %q %d, want %q %q %d", i, got[i].Input, got[i].Output, got[i].TStates, want[i].Input, want[i].Output, want[i].TStates)
		}
	}
	if m.TStates() != first+3*loop {
		t.Errorf("total %d", m.TStates())
	}
}

// mulProg: HL = B*C by repeated addition (see ExampleMachine_Call).
var mulProg = []byte{
	0x21, 0x00, 0x00, // 0100 LD HL,0    10
	0x16, 0x00, //       0103 LD D,0      7
	0x59,       //       0105 LD E,C      4
	0x78,       //       0106 LD A,B      4
	0xB7,       //       0107 OR A        4
	0xC8,       //       0108 RET Z       5/11
	0x19,       //       0109 ADD HL,DE  11
	0x10, 0xFD, //       010A DJNZ 0109h 13/8
	0xC9, //             010C RET        10
}

func TestCall(t *testing.T) {
	m, err := New(mulProg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := m.CPU()
	for _, tc := range []struct {
		b, c byte
		hl   uint16
		t    uint64
	}{
		{3, 7, 21, 10 + 7 + 4 + 4 + 4 + 5 + 3*11 + 13 + 13 + 8 + 10},
		{0, 9, 0, 10 + 7 + 4 + 4 + 4 + 11},
		{1, 200, 200, 10 + 7 + 4 + 4 + 4 + 5 + 11 + 8 + 10},
	} {
		c.BC.Hi, c.BC.Lo = tc.b, tc.c
		sp, pc := c.SP, c.PC
		got, err := m.Call(0x0100, 0)
		if err != nil {
			t.Fatal(err)
		}
		if c.HL.U16() != tc.hl || got != tc.t {
			t.Errorf("%d*%d: HL=%d T=%d, want %d %d", tc.b, tc.c, c.HL.U16(), got, tc.hl, tc.t)
		}
		if c.SP != sp || c.PC != pc {
			t.Errorf("SP %04X PC %04X not restored", c.SP, c.PC)
		}
	}
	if len(m.Responses()) != 0 {
		t.Errorf("Call recorded responses")
	}
	// Budget.
	c.BC.Hi, c.BC.Lo = 200, 1
	if _, err := m.Call(0x0100, 100); !errors.As(err, new(*BudgetError)) {
		t.Errorf("budget: %v", err)
	}
	// A routine that warm boots.
	m2, _ := New([]byte{0xC3, 0x00, 0x00}, Options{})
	if _, err := m2.Call(0x0100, 0); err != ErrWarmBoot {
		t.Errorf("warm boot: %v", err)
	}
}

func TestCallWithBDOS(t *testing.T) {
	code := []byte{
		0x0E, 0x02, //       0100 LD C,2    7
		0x1E, 0x2A, //       0102 LD E,'*'  7
		0xC3, 0x05, 0x00, // 0104 JP 5     10 (tail call; BDOS returns to the caller)
	}
	var out bytes.Buffer
	m, _ := New(code, Options{Stdout: &out})
	tt, err := m.Call(0x0100, 0)
	if err != nil || tt != 24 || out.String() != "*" {
		t.Errorf("T=%d err=%v out=%q", tt, err, out.String())
	}
}

func TestHooks(t *testing.T) {
	m, err := New(mulProg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var seen []uint16
	m.SetHook(0x0109, func() { seen = append(seen, m.CPU().HL.U16()) })
	m.CPU().BC.SetU16(0x0305)
	if _, err := m.Call(0x0100, 0); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || seen[0] != 0 || seen[1] != 5 || seen[2] != 10 {
		t.Errorf("hook saw %v", seen)
	}
	// Stop from a hook, before the instruction executes.
	m.SetHook(0x0109, nil)
	m.SetHook(0x010C, func() { m.Stop() })
	m.CPU().BC.SetU16(0x0305)
	if _, err := m.Call(0x0100, 0); err != ErrStopped || m.CPU().PC != 0x010C || m.CPU().HL.U16() != 15 {
		t.Errorf("stop: %v PC=%04X HL=%d", err, m.CPU().PC, m.CPU().HL.U16())
	}
	// A hook on a BDOS call.
	n := 0
	var out bytes.Buffer
	m, err = New([]byte{0x0E, 0x02, 0x1E, 0x21, 0xCD, 0x05, 0x00, 0xC9}, Options{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	m.SetHook(5, func() { n++; m.CPU().DE.Lo = '?' })
	if err := m.Run(); err != nil || n != 1 || out.String() != "?" {
		t.Errorf("hook on the BDOS entry: err %v n %d out %q", err, n, out.String())
	}
}
