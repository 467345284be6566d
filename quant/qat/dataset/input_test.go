package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBOM: a UTF-8 byte-order mark at the start of a file is not part of
// the first query.
func TestBOM(t *testing.T) {
	s, err := Parse(strings.NewReader("\xEF\xBB\xBFhello|HI\r\nbye|BYE\n"), "bom", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pairs) != 2 || s.Pairs[0].Query != "HELLO" {
		t.Errorf("pairs %+v", s.Pairs)
	}
	// A BOM elsewhere is not stripped (it is data).
	s, _ = Parse(strings.NewReader("hi|A\n\xEF\xBB\xBFhello|HI\n"), "bom", Options{})
	if s.Pairs[1].Query != "\xEF\xBB\xBFHELLO" {
		t.Errorf("second-line BOM: %+v", s.Pairs[1])
	}
}

// TestLongLines: a line over 1 MiB is an error that says the limit; a
// rejected long line is quoted as a short excerpt.
func TestLongLines(t *testing.T) {
	_, err := Parse(strings.NewReader("hi|A\n"+strings.Repeat("q", MaxLineBytes+1)+"|B\n"), "big", Options{})
	if err == nil || !strings.Contains(err.Error(), "big:2: line longer than 1048576 bytes (1 MiB)") {
		t.Errorf("err %v", err)
	}
	s, err := Parse(strings.NewReader(strings.Repeat("r", MaxLineBytes)+"\n"), "long", Options{})
	if err != nil || len(s.Rejected) != 1 {
		t.Fatalf("err %v, rejected %d", err, len(s.Rejected))
	}
	if msg := s.Rejected[0].String(); len(msg) > 120 || !strings.Contains(msg, "long:1: no '|'") {
		t.Errorf("rejection message of %d bytes: %.200s", len(msg), msg)
	}
}

// TestDirectory: a directory given as a data file is a plain error.
func TestDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadFiles([]string{dir}, Options{})
	if err == nil || err.Error() != dir+" is a directory, not a data file" {
		t.Errorf("err %v", err)
	}
	f := filepath.Join(dir, "d.txt")
	os.WriteFile(f, []byte("hello|HI\n"), 0o644)
	if s, err := ReadFiles([]string{f}, Options{}); err != nil || len(s.Pairs) != 1 {
		t.Errorf("file: %v", err)
	}
}

// FuzzLines: Lines never hands a blank line, a comment or a line end to
// its callback, and numbers lines in order.
func FuzzLines(f *testing.F) {
	f.Add([]byte("\xEF\xBB\xBFa|B\r\n  # c\n\n x|y\r\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		last := 0
		Lines(strings.NewReader(string(b)), "fuzz", func(n int, text string) error {
			tt := strings.TrimSpace(text)
			if n <= last || tt == "" || tt[0] == '#' || strings.Contains(text, "\n") {
				t.Fatalf("line %d after %d: %q", n, last, text)
			}
			last = n
			return nil
		})
	})
}
