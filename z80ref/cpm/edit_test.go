package cpm

import (
	"bytes"
	"strings"
	"testing"
)

// TestFn10Editing checks the line editing of BDOS 10 against what the
// "read" routine of Digital Research's CP/M 2.2 BDOS does: the buffer it
// leaves and the echo it prints, byte for byte.
func TestFn10Editing(t *testing.T) {
	const bsb = "\b \b" // DRI's backup: BS, space, BS
	for _, tc := range []struct {
		name, in   string
		col        uint8 // console column before the read (a prompt)
		max        byte
		buf1, buf2 string // the two reads' buffers; buf2 "-": no second read
		echo, list string
	}{
		{name: "plain", in: "what is your name\n", max: 255, buf1: "what is your name", buf2: "-", echo: "what is your name\r"},
		{name: "^H", in: "whzt\b\bat is your name\n", max: 255, buf1: "what is your name", buf2: "-",
			echo: "whzt" + bsb + bsb + "at is your name\r"},
		{name: "^H on empty line", in: "\b\bab\n", max: 10, buf1: "ab", buf2: "-", echo: "ab\r"},
		{name: "^H over TAB", in: "a\t\bb\n", max: 10, buf1: "ab", buf2: "-",
			echo: "a       " + strings.Repeat(bsb, 7) + "b\r"},
		{name: "^H over ^A", in: "x\x01\by\n", max: 10, buf1: "xy", buf2: "-", echo: "x^A" + bsb + bsb + "y\r"},
		{name: "DEL echoes the character rubbed out", in: "abc\x7f\x7fd\n", max: 10, buf1: "ad", buf2: "-", echo: "abccbd\r"},
		{name: "DEL on empty line", in: "\x7fab\n", max: 10, buf1: "ab", buf2: "-", echo: "ab\r"},
		{name: "^U", in: "abc\x15xy\n", max: 10, buf1: "xy", buf2: "-", echo: "abc#\r\nxy\r"},
		{name: "^U after a prompt", in: "abc\x15xy\n", col: 2, max: 10, buf1: "xy", buf2: "-", echo: "abc#\r\n  xy\r"},
		{name: "^X", in: "abc\x18xy\n", col: 2, max: 10, buf1: "xy", buf2: "-", echo: "abc" + bsb + bsb + bsb + "xy\r"},
		{name: "^R", in: "ab\x12c\n", col: 2, max: 10, buf1: "abc", buf2: "-", echo: "ab#\r\n  abc\r"},
		{name: "^E", in: "ab\x05c\n", max: 10, buf1: "abc", buf2: "-", echo: "ab\r\nc\r"},
		{name: "^P", in: "a\x10b\x10c\n", max: 10, buf1: "abc", buf2: "-", echo: "abc\r", list: "b"},
		{name: "^C inside the line is a character", in: "a\x03b\n", max: 10, buf1: "a\x03b", buf2: "-", echo: "a^Cb\r"},
		{name: "bit 7 is cleared", in: "\xe1\xe2\n", max: 10, buf1: "ab", buf2: "-", echo: "ab\r"},
		{name: "bit 7 cleared, then an editing key", in: "ab\x88c\n", max: 10, buf1: "ac", buf2: "-", echo: "ab" + bsb + "c\r"},
		{name: "LF ends a line as CR does", in: "ab\x8acd\n", max: 10, buf1: "ab", buf2: "cd", echo: "ab\rcd\r"},
		{name: "full buffer leaves the CR", in: "abc\nxy\n", max: 3, buf1: "abc", buf2: "", echo: "abc\r\r"},
		{name: "over-long line continues", in: "abcdefg\n", max: 3, buf1: "abc", buf2: "def", echo: "abc\rdef\r"},
		{name: "edited down, then full", in: "ab\bcd\n", max: 3, buf1: "acd", buf2: "", echo: "ab" + bsb + "cd\r\r"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, list bytes.Buffer
			m, err := New(fn10Prog, Options{Stdin: strings.NewReader(tc.in), Stdout: &out, List: &list})
			if err != nil {
				t.Fatal(err)
			}
			m.column = tc.col
			m.Write(0x200, tc.max)
			m.Write(0x300, tc.max)
			err = m.Run()
			if tc.buf2 == "-" && err != ErrInputExhausted || tc.buf2 != "-" && err != nil {
				t.Fatalf("Run: %v", err)
			}
			if got := string(m.Mem()[0x202 : 0x202+int(m.Read(0x201))]); got != tc.buf1 {
				t.Errorf("first read %q, want %q", got, tc.buf1)
			}
			if tc.buf2 != "-" {
				if got := string(m.Mem()[0x302 : 0x302+int(m.Read(0x301))]); got != tc.buf2 {
					t.Errorf("second read %q, want %q", got, tc.buf2)
				}
			}
			if out.String() != tc.echo {
				t.Errorf("echo %q, want %q", out.String(), tc.echo)
			}
			if list.String() != tc.list {
				t.Errorf("printer %q, want %q", list.String(), tc.list)
			}
		})
	}
}

// TestFn10CtlC: ^C as the first character of the line warm boots, also
// after the line was emptied by editing.
func TestFn10CtlC(t *testing.T) {
	for _, in := range []string{"\x03xyz\nmore\n", "ab\x15\x03\n", "a\b\x03\n", "a\x7f\x03\n", "\x83\n"} {
		m, out, err := runFn10(t, in, 10, 10)
		if err != nil || !strings.HasSuffix(out, "^C") || m.Read(0x301) != 0 {
			t.Errorf("%q: err %v out %q", in, err, out)
		}
	}
}
