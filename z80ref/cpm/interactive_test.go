package cpm

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// keys is a console that delivers what was typed so far and then reports
// io.EOF until more is typed, like a browser terminal.
type keys struct{ buf []byte }

func (k *keys) Read(p []byte) (int, error) {
	if len(k.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, k.buf)
	k.buf = k.buf[n:]
	return n, nil
}

func runInteractive(t *testing.T, input string, max byte) (*Machine, string, error) {
	t.Helper()
	var out bytes.Buffer
	m, err := New(fn10Prog, Options{Stdin: &keys{buf: []byte(input)}, Stdout: &out, Interactive: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Write(0x200, max)
	m.Write(0x300, max)
	err = m.Run()
	return m, out.String(), err
}

func TestInteractiveEditingKeys(t *testing.T) {
	for _, c := range []struct {
		name, in string
		line     string // first buffer
		echo     string // echo of the first line
		max      byte   // buffer size
	}{
		{"plain", "hello\r", "hello", "hello\r", 10},
		{"LF ends", "hi\n", "hi", "hi\r", 10},
		{"backspace", "helo\bp\r", "help", "helo\b \bp\r", 10},
		{"backspace over a control char", "a\x01\bb\r", "ab", "a^A\b \b\b \bb\r", 10},
		{"backspace over a tab", "a\t\bb\r", "ab", "a       \b \b\b \b\b \b\b \b\b \b\b \b\b \bb\r", 10},
		{"backspace at the start", "\b\bok\r", "ok", "ok\r", 10},
		{"rubout echoes the removed char", "abc\x7f\x7fx\r", "ax", "abccbx\r", 10},
		{"^X erases the line", "abc\x18de\r", "de", "abc\b \b\b \b\b \bde\r", 10},
		{"^U starts again", "abc\x15de\r", "de", "abc#\r\nde\r", 10},
		{"^R retypes", "ab\x12c\r", "abc", "ab#\r\nabc\r", 10},
		{"^E new screen line", "ab\x05c\r", "abc", "ab\r\nc\r", 10},
		{"^P ignored", "a\x10b\r", "ab", "ab\r", 10},
		{"bit 7 masked", "\xe1\r", "a", "a\r", 10},
		{"full buffer ends the read", "abcdefgh", "abcd", "abcd\r", 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, out, err := runInteractive(t, c.in+"z\r", c.max)
			if err != nil && err != ErrInputExhausted {
				t.Fatal(err)
			}
			n := int(m.Read(0x201))
			if got := string(m.Mem()[0x202 : 0x202+n]); got != c.line {
				t.Errorf("line %q, want %q", got, c.line)
			}
			if len(out) < len(c.echo) || out[:len(c.echo)] != c.echo {
				t.Errorf("echo %q, want %q...", out, c.echo)
			}
		})
	}
}

func TestInteractiveCtlC(t *testing.T) {
	m, out, err := runInteractive(t, "\x03rest\r", 10)
	if err != nil || out != "^C" || m.Read(0x201) != 0 {
		t.Errorf("^C first: err %v out %q count %d", err, out, m.Read(0x201))
	}
	// ^C later in the line is an ordinary character.
	m, _, _ = runInteractive(t, "a\x03\rb\r", 10)
	if got := m.Mem()[0x201:0x204]; string(got) != "\x02a\x03" {
		t.Errorf("^C later: buffer %q", got)
	}
}

// A line typed in pieces, the input running dry between them, is read as
// one line, and the Responses are those of an uninterrupted run.
func TestInteractiveResume(t *testing.T) {
	k := &keys{}
	var out bytes.Buffer
	m, err := New(fn10Prog, Options{Stdin: k, Stdout: &out, Interactive: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Write(0x200, 10)
	m.Write(0x300, 10)
	for _, piece := range []string{"he", "lx", "\bl", "o\rw", "o", "rld\r"} {
		k.buf = append(k.buf, piece...)
		err = m.RunFor(1000)
		if !errors.Is(err, ErrInputExhausted) && err != nil {
			t.Fatal(err)
		}
	}
	if err != nil {
		t.Fatalf("program did not end: %v", err)
	}
	if got := m.Mem()[0x201:0x207]; string(got) != "\x05hello" {
		t.Errorf("buffer 1 %q", got)
	}
	if got := m.Mem()[0x301:0x307]; string(got) != "\x05world" {
		t.Errorf("buffer 2 %q", got)
	}
	if out.String() != "helx\b \blo\rworld\r" {
		t.Errorf("echo %q", out.String())
	}
	rs := m.Responses()
	if len(rs) != 2 || rs[0].Input != "hello" || rs[0].TStates != 10+7+17 || rs[1].Input != "world" || rs[1].TStates != 10 {
		t.Errorf("responses %+v", rs)
	}
}

// Run resumes a line cut short too; the line's Response has its input.
func TestInteractiveResumeWithRun(t *testing.T) {
	k := &keys{}
	m, err := New(fn10Prog, Options{Stdin: k, Interactive: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Write(0x200, 10)
	m.Write(0x300, 10)
	for _, piece := range []string{"ab", "c\r", "d\r"} {
		k.buf = append(k.buf, piece...)
		err = m.Run()
	}
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, r := range m.Responses() {
		if r.Input != "" {
			inputs = append(inputs, r.Input)
		}
	}
	if strings.Join(inputs, ",") != "abc,d" {
		t.Errorf("responses %+v", m.Responses())
	}
}

// RunFor slices a run without changing its T-states or its Responses,
// and Current shows the response in progress.
func TestRunForSlices(t *testing.T) {
	// 0100: LD B,0; loop: DJNZ loop; JP 0100h -- after one line read.
	prog := []byte{
		0x11, 0x00, 0x02, // 0100 LD DE,0200h      10
		0x0E, 0x0A, //       0103 LD C,10           7
		0xCD, 0x05, 0x00, // 0105 CALL 5           17
		0x06, 0x00, //       0108 LD B,0            7
		0x10, 0xFE, //       010A DJNZ $           13*255 + 8
		0xC9, //             010C RET              10
	}
	m, err := New(prog, Options{Stdin: &keys{buf: []byte("go\r")}, Interactive: true})
	if err != nil {
		t.Fatal(err)
	}
	m.Write(0x200, 10)
	var be *BudgetError
	slices := 0
	for {
		err = m.RunFor(100)
		if !errors.As(err, &be) {
			break
		}
		slices++
		if r, ok := m.Current(); !ok || r.Input != "go" || r.TStates != m.TStates()-34 {
			t.Fatalf("Current %+v %v at %d", r, ok, m.TStates())
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	want := uint64(34 + 7 + 13*255 + 8 + 10)
	if m.TStates() != want || slices < int(want/110) {
		t.Errorf("T-states %d in %d slices, want %d", m.TStates(), slices, want)
	}
	if rs := m.Responses(); len(rs) != 1 || rs[0].TStates != want-34 {
		t.Errorf("responses %+v", rs)
	}
	if _, ok := m.Current(); ok {
		t.Error("Current after the end")
	}
}

// editLine is a reference for the line BDOS 10 stores for the keys
// typed, with buffer size max: bit 7 cleared, BS and DEL remove the last
// character, ^U and ^X empty the line, ^E, ^P and ^R change nothing
// stored, CR or LF ends it (CR LF counts as one line end when the LF has
// arrived with the CR: keys come in pieces of step bytes, and keys[0] is
// byte off of the input), ^C as the first character warm boots, and any
// other character is appended, the line ending when it holds max (as in
// DRI's code the check follows the store, so max 0 holds one). It returns
// the line, the keys left, whether the line ended and whether it
// warm-booted.
func editLine(keys []byte, off, step, max int) (line, rest []byte, ended, boot bool) {
	for i, c := range keys {
		if c == '\r' && i+1 < len(keys) && keys[i+1] == '\n' && (off+i+1)%step != 0 {
			return line, keys[i+2:], true, false
		}
		switch c &= 0x7F; c {
		case '\r', '\n':
			return line, keys[i+1:], true, false
		case 0x08, 0x7F:
			if len(line) > 0 {
				line = line[:len(line)-1]
			}
		case 0x15, 0x18:
			line = line[:0]
		case 0x05, 0x10, 0x12:
		default:
			line = append(line, c)
			if c == 0x03 && len(line) == 1 {
				return nil, nil, true, true
			}
			if len(line) >= max {
				return line, keys[i+1:], true, false
			}
		}
	}
	return line, nil, false, false
}

// FuzzInteractive types random keys, in pieces of random size, into the two
// BDOS 10 reads of fn10Prog with Options.Interactive and compares the lines
// stored with editLine's.
func FuzzInteractive(f *testing.F) {
	f.Add([]byte("helo\bp\rworld\r"), byte(10), byte(3))
	f.Add([]byte("abc\x15x\x18y\x7f\x12z\x05\r\x03"), byte(4), byte(1))
	f.Add([]byte("a\t\x01\b\x8d\x03b\n"), byte(2), byte(5))
	f.Fuzz(func(t *testing.T, typed []byte, max, piece byte) {
		if len(typed) > 1000 {
			return
		}
		k := &keys{}
		m, err := New(fn10Prog, Options{Stdin: k, Interactive: true})
		if err != nil {
			t.Fatal(err)
		}
		m.Write(0x200, max)
		m.Write(0x300, max)
		step := int(piece%7) + 1
		for i := 0; i < len(typed) || i == 0; i += step {
			k.buf = append(k.buf, typed[i:min(i+step, len(typed))]...)
			if err = m.RunFor(1 << 20); !errors.Is(err, ErrInputExhausted) {
				break
			}
		}
		if err != nil && !errors.Is(err, ErrInputExhausted) {
			t.Fatal(err)
		}
		buf := func(at uint16) []byte { return m.Mem()[at+2 : at+2+uint16(m.Read(at+1))] }
		line1, rest, ended1, boot1 := editLine(typed, 0, step, int(max))
		line2, _, ended2, boot2 := editLine(rest, len(typed)-len(rest), step, int(max))
		booted := boot1 || (ended1 && boot2)
		done := booted || (ended1 && ended2)
		if done != (err == nil) {
			t.Fatalf("keys %q max %d: the program ended: %v, want %v", typed, max, err == nil, done)
		}
		if ended1 && !boot1 && !bytes.Equal(buf(0x200), line1) {
			t.Fatalf("keys %q max %d: first line %q, want %q", typed, max, buf(0x200), line1)
		}
		if ended1 && ended2 && !boot2 && !bytes.Equal(buf(0x300), line2) {
			t.Fatalf("keys %q max %d: second line %q, want %q", typed, max, buf(0x300), line2)
		}
	})
}
