package zx

import (
	"os"
	"strings"
	"testing"

	"mulm/z80ref/asm"
	"mulm/z80ref/tap"
)

// openSE returns the OpenSE BASIC ROM or skips the test.
func openSE(t testing.TB) []byte {
	t.Helper()
	rom, err := ReadROM(DefaultROMPath)
	if err != nil {
		t.Skipf("OpenSE BASIC ROM not installed (apt-get install opense-basic): %v", err)
	}
	return rom
}

// echoTape assembles testdata/echo.asm and wraps it in a loader tape.
func echoTape(t testing.TB) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/echo.asm")
	if err != nil {
		t.Fatal(err)
	}
	p, err := asm.Assemble(asm.Source{Name: "echo.asm", Text: src})
	if err != nil {
		t.Fatal(err)
	}
	tape, err := tap.Loader("echo", p.Org-1, p.Org, uint16(p.Symbols["start"]), p.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return tape
}

// TestBootMessage boots OpenSE BASIC and checks its copyright line, as
// Fuse shows it (../shared/tools/zxrun.sh on the same ROM).
func TestBootMessage(t *testing.T) {
	m, err := New(openSE(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Boot(); err != nil {
		t.Fatal(err)
	}
	lines := m.Screen().Lines()
	if got, want := lines[23], " © 1981 Nine Tiles Networks Ltd"; got != want {
		t.Errorf("bottom line %q, want %q\n%s", got, want, m.Screen())
	}
	for i, l := range lines[:23] {
		if l != "" {
			t.Errorf("line %d not blank: %q", i, l)
		}
	}
	if m.KeywordEntry() {
		t.Error("OpenSE taken for a keyword-entry ROM")
	}
}

// TestEchoSession loads the echo program with LOAD "" and types lines at
// it. The expected screens are what Fuse showed for the same tape under
// ../shared/tools/zxrun.sh.
func TestEchoSession(t *testing.T) {
	m, err := New(openSE(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(echoTape(t), "> ", 30*ClockHz); err != nil {
		t.Fatalf("%v\n%s", err, m.Screen())
	}
	if m.TapeBlocksLeft() != 0 {
		t.Errorf("%d tape blocks not loaded", m.TapeBlocksLeft())
	}
	for _, line := range []string{"hello World", "abc", "aaa bookkeeper llama", "x?,.\";:'!@#$%&()_-+=^*/<>£", "[]~|\\{}©", "helo\bxlo", ""} {
		if err := m.Type(line + "\n"); err != nil {
			t.Fatal(err)
		}
		if err := m.WaitPrompt("> ", 30*ClockHz); err != nil {
			t.Fatalf("%q: %v\n%s", line, err, m.Screen())
		}
	}
	want := []string{
		"ZX ECHO",
		"> hello World",
		"HELLO WORLD",
		"> abc",
		"ABC",
		"> aaa bookkeeper llama",
		"AAA BOOKKEEPER LLAMA",
		"> x?,.\";:'!@#$%&()_-+=^*/<>£",
		"X?,.\";:'!@#$%&()_-+=^*/<>£",
		"> []~|\\{}©",
		"[]~|\\{}©",
		"> helxlo",
		"HELXLO",
		">",
		">",
	}
	got := m.Screen().LinesNoFlash()
	if strings.Join(got[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Errorf("screen:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// "!" returns to BASIC: the ROM's report for line 10, statement 3
	// (RANDOMIZE USR) appears, as in Fuse.
	if err := m.Type("!\n"); err != nil {
		t.Fatal(err)
	}
	err = m.RunUntil(func(m *Machine) bool { return strings.Contains(m.Screen().String(), "OK, 10:3") }, 10*ClockHz)
	if err != nil {
		t.Fatalf("no OK report: %v\n%s", err, m.Screen())
	}
}
