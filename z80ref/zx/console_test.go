package zx

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"mulm/internal/zxtest"
)

// TestAsk types testdata/echo-in.txt at the echo program with Ask and
// checks each reply: the upper-cased line (what Fuse showed, see
// TestEchoSession), nothing for the empty line, the report for "!".
func TestAsk(t *testing.T) {
	m, err := New(openSE(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(zxtest.EchoTape(t), "> ", 30*ClockHz); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		line string
		want []string
	}{
		{"hello World", []string{"HELLO WORLD"}},
		{"helo\bxlo", []string{"HELXLO"}},
		{"", nil},
		{"", nil},
		{strings.Repeat("ab", 20), []string{strings.Repeat("AB", 16), strings.Repeat("AB", 4)}}, // wraps
	} {
		r, err := m.Ask(c.line, "> ", 30*ClockHz)
		if err != nil {
			t.Fatalf("%q: %v", c.line, err)
		}
		if !r.EchoOK || r.Report != "" || !reflect.DeepEqual(r.Lines, c.want) && len(r.Lines)+len(c.want) > 0 {
			t.Errorf("%q: reply %+v, want lines %q", c.line, r, c.want)
		}
		// 7 frames a key (key presses happen at the first instruction
		// boundary of a frame: up to 23 T-states late); the reply (echo of
		// ENTER, the line, the prompt) is printed within the frame.
		if keys := int64(len([]rune(c.line))); keys > 0 && abs(int64(r.TypeTStates)-keys*7*FrameTStates) > 23 {
			t.Errorf("%q: typing took %d T-states, want %d", c.line, r.TypeTStates, keys*7*FrameTStates)
		}
		if r.TStates == 0 || r.TStates > FrameTStates {
			t.Errorf("%q: reply took %d T-states", c.line, r.TStates)
		}
	}
	if row, col := m.PrintPosition(); row != 11 || col != 2 {
		t.Errorf("print position row %d column %d, want 11, 2 (after the prompt)\n%s", row, col, m.Screen())
	}
	r, err := m.Ask("!", "> ", 30*ClockHz)
	if err != nil {
		t.Fatal(err)
	}
	if r.Report != "OK, 10:3" {
		t.Errorf("after !: report %q, want OK, 10:3\n%s", r.Report, m.Screen())
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestScrollPrompt fills the screen with the echo program, which never
// resets SCR_CT: the ROM must stop with its scroll prompt where Fuse did
// for the same lines ("line 1" ... under ../shared/tools/zxrun.sh: at
// line 11, testdata/scroll-fuse.txt), and Ask say so.
func TestScrollPrompt(t *testing.T) {
	m, err := New(openSE(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(zxtest.EchoTape(t), "> ", 30*ClockHz); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 14; i++ {
		_, err := m.Ask("line "+strconv.Itoa(i), "> ", 30*ClockHz)
		if errors.Is(err, ErrScrollPrompt) {
			if i != 11 {
				t.Errorf("scroll prompt at line %d, Fuse at 11", i)
			}
			checkFuseScreen(t, m, "testdata/scroll-fuse.txt")
			return
		}
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
	t.Fatalf("no scroll prompt after 14 lines:\n%s", m.Screen())
}

// FuzzReplyRows decodes arbitrary screen text with arbitrary prompts and
// lines: no panic, rows in range.
func FuzzReplyRows(f *testing.F) {
	f.Add("ZX ECHO\n> hi\nHI\n> ", "> ", "hi")
	f.Add("", "", "")
	f.Add(strings.Repeat("> \n", 30), "> ", "")
	f.Fuzz(func(t *testing.T, text, prompt, line string) {
		var s Screen // attributes 0: ink == paper, but Cells are set directly
		for r, row := range strings.SplitN(text, "\n", Rows) {
			rr := []rune(row)
			for c := 0; c < Cols; c++ {
				s.Cells[r][c] = ' '
				if c < len(rr) {
					s.Cells[r][c] = rr[c]
				}
			}
		}
		rows, from, last, found := replyRows(&s, prompt, line)
		if len(rows) != Rows || last < 0 || last >= Rows || from < 0 || from > Rows || found && from > last {
			t.Fatalf("rows %d from %d last %d found %v", len(rows), from, last, found)
		}
		_ = s.Report()
		_ = s.ScrollPrompt()
	})
}
