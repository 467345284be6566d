package console_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"mulm/console"
	"mulm/z80ref/cpm"
)

func readAll(typed string) (lines []string, interrupted bool) {
	r := console.NewReader(strings.NewReader(typed))
	for {
		b, err := r.ReadLine()
		if err == console.ErrInterrupt {
			return lines, true
		}
		if err != nil {
			return lines, false
		}
		lines = append(lines, string(b))
	}
}

func TestReadLine(t *testing.T) {
	long := strings.Repeat("x", 300)
	for _, tc := range []struct {
		in    string
		want  []string
		ctl_C bool
	}{
		{"what is your name\n", []string{"what is your name"}, false},
		{"whzt\b\bat is your name\n", []string{"what is your name"}, false},
		{"whzt\x7f\x7fat is your name\r\n", []string{"what is your name"}, false},
		{"abc\x15xy\rab\x18cd\n", []string{"xy", "cd"}, false},
		{"a\x12b\x05c\x10d\n", []string{"abcd"}, false},
		{"\b\x7fhi", []string{"hi"}, false},
		{"caf\xc3\xa9\n", []string{"cafC)"}, false},
		{"ab\x88c\x8dd\n", []string{"ac", "d"}, false},
		{"a\x03b\n\x03more\n", []string{"a\x03b"}, true},
		{"ab\x15\x03\n", nil, true},
		{"\n\n", []string{"", ""}, false},
		{long + "\n", []string{long[:254], long[254:]}, false},
		{long[:254] + "\nhi\n", []string{long[:254], "", "hi"}, false},
		{"", nil, false},
	} {
		got, ctlC := readAll(tc.in)
		if !slices.Equal(got, tc.want) || ctlC != tc.ctl_C {
			t.Errorf("%q: lines %q ^C %v, want %q %v", tc.in, got, ctlC, tc.want, tc.ctl_C)
		}
	}
}

func TestReadLineAnyLength(t *testing.T) {
	// A megabyte without a line end is read, 254 bytes at a time.
	in := strings.Repeat("y", 1<<20) + "\nlast\n"
	got, _ := readAll(in)
	if n := len(got); n != (1<<20)/254+2 || got[n-1] != "last" || got[0] != strings.Repeat("y", 254) {
		t.Errorf("%d lines, last %q", n, got[n-1])
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		line string
		want console.Action
	}{
		{"", console.Skip}, {"   ", console.Skip}, {"!", console.Quit}, {"   !", console.Quit},
		{"!hi", console.Quit}, {"hi!", console.Ask}, {"\t", console.Ask}, {" a ", console.Ask},
		{"\t!", console.Ask},
	} {
		if got := console.Classify([]byte(tc.line)); got != tc.want {
			t.Errorf("Classify(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func TestLines(t *testing.T) {
	got, err := console.Lines(strings.NewReader("hi\n  \n  !bye\nnever\n"))
	want := []console.Line{{"hi", console.Ask}, {"  ", console.Skip}, {"  !bye", console.Quit}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Lines = %q, %v; want %q", got, err, want)
	}
}

// readLoop is a CP/M program that reads lines of MaxLine bytes with BDOS 10
// for ever; the machine records each line as a Response.
var readLoop = []byte{
	0x3E, console.MaxLine, // 0100 LD A,MaxLine
	0x32, 0x00, 0x02, // 0102 LD (0200h),A
	0x11, 0x00, 0x02, // 0105 LD DE,0200h
	0x0E, 0x0A, //       0108 LD C,10
	0xCD, 0x05, 0x00, // 010A CALL 5
	0x18, 0xF1, //       010D JR 0100h
}

// bdosLines are the lines the CP/M machine's BDOS 10 delivers for typed.
func bdosLines(t testing.TB, typed string) (lines []string, interrupted bool) {
	m, err := cpm.New(readLoop, cpm.Options{Stdin: strings.NewReader(typed)})
	if err != nil {
		t.Fatal(err)
	}
	err = m.Run()
	if err != nil && !errors.Is(err, cpm.ErrInputExhausted) {
		t.Fatal(err)
	}
	for _, r := range m.Responses()[1:] {
		lines = append(lines, r.Input)
	}
	return lines, err == nil
}

// TestReaderIsBDOS10 checks the Reader against the CP/M machine's BDOS 10,
// an independent implementation of the DRI routine (with its echo).
func TestReaderIsBDOS10(t *testing.T) {
	for _, in := range []string{
		"whzt\b\bat is your name\n", "a\x15b\x18c\x12d\x05e\x10f\x7fg\n", "caf\xc3\xa9\n",
		strings.Repeat("z", 600) + "\n", strings.Repeat("q", 254) + "\r\n\r\n", "x\x03\n\x03\n", "tail",
	} {
		checkBDOS(t, in)
	}
}

func checkBDOS(t *testing.T, in string) {
	t.Helper()
	got, gotC := readAll(in)
	want, wantC := bdosLines(t, in)
	if !slices.Equal(got, want) || gotC != wantC {
		t.Errorf("%q: Reader %q ^C %v; BDOS 10 %q ^C %v", in, got, gotC, want, wantC)
	}
}

func FuzzReaderIsBDOS10(f *testing.F) {
	for _, s := range []string{"whzt\b\bat\n", "a\x15b\n\x03", "\xc3\xa9\r\n\r", strings.Repeat("k", 260)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 4096 {
			return
		}
		checkBDOS(t, string(b))
	})
}

func ExampleReader_Next() {
	typed := "whzt\b\bat is your name\n   \ncaf\xc3\xa9\n  !bye\n"
	r := console.NewReader(strings.NewReader(typed))
	for {
		l, err := r.Next()
		if err == io.EOF {
			break
		}
		fmt.Printf("%v %q\n", l.Action, l.Text)
		if l.Action == console.Quit {
			break
		}
	}
	// Output:
	// ask "what is your name"
	// skip "   "
	// ask "cafC)"
	// quit "  !bye"
}

func ExampleClassify() {
	for _, line := range []string{"  ", "   !bye", "hello"} {
		fmt.Println(console.Classify([]byte(line)))
	}
	// Output:
	// skip
	// quit
	// ask
}
