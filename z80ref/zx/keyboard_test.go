package zx

import (
	"errors"
	"testing"
)

// TestTypeKeys checks the keys pressed for each kind of character against
// the Spectrum keyboard (half-row, bit) as printed on the 48K's keyboard
// and in its manual (chapter 23, IN).
func TestTypeKeys(t *testing.T) {
	m := bare(t)
	for _, c := range []struct {
		ch   rune
		keys []key
	}{
		{'a', []key{{1, 0}}},
		{'v', []key{{0, 4}}},
		{'b', []key{{7, 4}}},
		{'h', []key{{6, 4}}},
		{'y', []key{{5, 4}}},
		{'1', []key{{3, 0}}},
		{'0', []key{{4, 0}}},
		{'6', []key{{4, 4}}},
		{'Q', []key{{0, 0}, {2, 0}}},  // CAPS SHIFT + Q
		{' ', []key{{7, 0}}},          // SPACE
		{'\n', []key{{6, 0}}},         // ENTER
		{'\b', []key{{0, 0}, {4, 0}}}, // DELETE = CAPS SHIFT + 0
		{'"', []key{{7, 1}, {5, 0}}},  // SYMBOL SHIFT + P
		{'?', []key{{7, 1}, {0, 3}}},  // SYMBOL SHIFT + C
		{'£', []key{{7, 1}, {0, 2}}},  // SYMBOL SHIFT + X
		{'_', []key{{7, 1}, {4, 0}}},  // SYMBOL SHIFT + 0
		{'[', []key{{7, 1}, {5, 4}}},  // OpenSE: SYMBOL SHIFT + Y
	} {
		p, n, ok := keysFor(c.ch, false)
		if !ok || n != len(c.keys) {
			t.Errorf("%q: %d keys, ok %v; want %v", c.ch, n, ok, c.keys)
			continue
		}
		for i, k := range c.keys {
			if p[i] != k {
				t.Errorf("%q: key %d is %v, want %v", c.ch, i, p[i], k)
			}
		}
	}
	if _, _, ok := keysFor('[', true); ok {
		t.Error("'[' typable with keyword entry (Sinclair's ROM gives a token)")
	}
	for _, s := range []string{"tab\t", "é", "\x00", "`"} {
		if err := m.Type(s); !errors.Is(err, ErrUntypable) {
			t.Errorf("Type(%q) = %v, want ErrUntypable", s, err)
		}
	}
	if m.Typing() {
		t.Error("refused text was queued")
	}
}

// TestKeyboardPort checks port FEh reads: the half-rows selected by the
// high address byte, 0 bits for pressed keys.
func TestKeyboardPort(t *testing.T) {
	m := bare(t)
	m.keys[0] = 1      // CAPS SHIFT
	m.keys[7] = 1 << 1 // SYMBOL SHIFT
	for _, c := range []struct {
		hi   uint8
		want uint8
	}{
		{0xFE, 0xBE}, {0x7F, 0xBD}, {0x7E, 0xBC}, {0xFF, 0xBF}, {0x00, 0xBC}, {0xFD, 0xBF},
	} {
		if got := m.readULA(c.hi); got != c.want {
			t.Errorf("IN from %02XFEh = %02X, want %02X", c.hi, got, c.want)
		}
	}
}

// TestKeywordEntry checks that a ROM starting like Sinclair's is typed at
// in keyword mode: LOAD is the J key, then "" and ENTER.
func TestKeywordEntry(t *testing.T) {
	rom := make([]byte, ROMSize)
	copy(rom, sinclairStart)
	m, err := New(rom, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !m.KeywordEntry() {
		t.Fatal("Sinclair-like ROM not detected")
	}
	if err := m.TypeLoad(); err != nil {
		t.Fatal(err)
	}
	want := []press{{charKey('j')}, {keySym, charKey('p')}, {keySym, charKey('p')}, {keyEnter}}
	if len(m.kb.queue) != len(want) {
		t.Fatalf("%d key presses queued, want %d", len(m.kb.queue), len(want))
	}
	for i, p := range m.kb.queue {
		if p.keys != want[i] {
			t.Errorf("press %d: %v, want %v", i, p.keys, want[i])
		}
	}
	// OpenSE-only symbols are refused on it.
	if err := m.Type("[x]"); !errors.Is(err, ErrUntypable) {
		t.Errorf("Type([x]) on a Sinclair ROM = %v, want ErrUntypable", err)
	}
}

// TestTypingSchedule checks the typist's timing: KeyHold frames down,
// KeyGap frames up, one character after the other.
func TestTypingSchedule(t *testing.T) {
	m := bare(t)
	copy(m.mem[0x8000:], []byte{0x18, 0xFE}) // JR $
	m.cpu.PC = 0x8000
	if err := m.Type("ab"); err != nil {
		t.Fatal(err)
	}
	var down []bool
	for i := 0; i < 16; i++ {
		if err := m.RunFrames(1); err != nil {
			t.Fatal(err)
		}
		down = append(down, m.keys != [8]uint8{})
	}
	// frame boundaries 1..16: a down at 1,2; up 3-7; b down 8,9; up after.
	want := []bool{true, true, false, false, false, false, false, true, true, false, false, false, false, false, false, false}
	for i := range want {
		if down[i] != want[i] {
			t.Fatalf("keys down per frame %v, want %v", down, want)
		}
	}
	if m.Typing() {
		t.Error("still typing")
	}
}
