package zx

import (
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"mulm/internal/zxtest"
)

// checkFuseScreen compares m's 24 screen rows, untrimmed, with the
// screen Fuse showed (file, one row a line, as decoded from its picture).
func checkFuseScreen(t *testing.T, m *Machine, file string) {
	t.Helper()
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for _, row := range m.Screen().Cells {
		got.WriteString(string(row[:]) + "\n")
	}
	if got.String() != string(want) {
		t.Errorf("screen:\n%s\nFuse (%s):\n%s", got.String(), file, want)
	}
}

// openSE returns the OpenSE BASIC ROM or skips the test.
func openSE(t testing.TB) []byte {
	t.Helper()
	rom, err := ReadROM(DefaultROMPath)
	if err != nil {
		t.Skipf("OpenSE BASIC ROM not installed (apt-get install opense-basic): %v", err)
	}
	return rom
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

// TestEchoSession loads the echo program with LOAD "" and types the lines
// of testdata/echo-in.txt at it (punctuation, OpenSE's extra symbols,
// DELETE, an empty line, and "!" which returns to BASIC). The final
// screen must be what Fuse showed for the same tape and lines under
// ../shared/tools/zxrun.sh (testdata/echo-fuse.txt, its decoded screen;
// testdata/echo-fuse.png, its picture rendered from display memory).
func TestEchoSession(t *testing.T) {
	m, err := New(openSE(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(zxtest.EchoTape(t), "> ", 30*ClockHz); err != nil {
		t.Fatalf("%v\n%s", err, m.Screen())
	}
	if m.TapeBlocksLeft() != 0 {
		t.Errorf("%d tape blocks not loaded", m.TapeBlocksLeft())
	}
	in, err := os.ReadFile("testdata/echo-in.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
	for i, line := range lines {
		if err := m.Type(line + "\n"); err != nil {
			t.Fatal(err)
		}
		if i < len(lines)-1 {
			err = m.WaitPrompt("> ", 30*ClockHz)
		} else { // "!": back to BASIC, whose report shows
			err = m.RunUntil(func(m *Machine) bool { return strings.Contains(m.Screen().String(), "OK, 10:3") }, 10*ClockHz)
		}
		if err != nil {
			t.Fatalf("line %d %q: %v\n%s", i+1, line, err, m.Screen())
		}
	}
	checkFuseScreen(t, m, "testdata/echo-fuse.txt")
	f, err := os.Open("testdata/echo-fuse.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ref, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	img := m.Image(2)
	if ref.Bounds() != img.Bounds() {
		t.Fatalf("picture %v, Fuse's %v", img.Bounds(), ref.Bounds())
	}
	diff := 0
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			r1, g1, b1, _ := img.At(x, y).RGBA()
			r2, g2, b2, _ := ref.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				diff++
			}
		}
	}
	if diff != 0 {
		t.Errorf("%d pixels differ from Fuse's picture", diff)
	}
}

// TestScreenCache checks that the decoded screen follows every change:
// a byte of the display file written through Mem, an attribute, and the
// font (CHARS moved to a copy of the ROM font with 'A' changed).
func TestScreenCache(t *testing.T) {
	m, err := New(openSE(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Boot(); err != nil {
		t.Fatal(err)
	}
	mem := m.Mem()
	font := m.ReadWord(SysCHARS) + 256
	// Draw 'A' from the ROM font at row 0, column 0.
	for l := 0; l < 8; l++ {
		mem[CellAddr(0, l, 0)] = mem[font+uint16(8*('A'-32)+l)]
	}
	if got := m.Screen().Lines()[0]; got != "A" {
		t.Fatalf("row 0 %q, want A", got)
	}
	mem[AttrAddr] = 0x3F // INK 7 on PAPER 7: nothing to see
	if got := m.Screen().Lines()[0]; got != "" {
		t.Fatalf("row 0 %q with ink = paper, want blank", got)
	}
	mem[AttrAddr] = 0x38
	// A font in RAM with A and B swapped: the cell's glyph is B's there.
	copy(mem[0xF000:], mem[font:font+768])
	copy(mem[0xF000+8*('A'-32):], mem[font+8*('B'-32):font+8*('B'-32)+8])
	copy(mem[0xF000+8*('B'-32):], mem[font+8*('A'-32):font+8*('A'-32)+8])
	m.WriteWord(SysCHARS, 0xF000-256)
	if got := m.Screen().Lines()[0]; got != "B" {
		t.Fatalf("row 0 %q after the font swapped A and B, want B", got)
	}
}

// TestImage checks the picture's geometry and colours on a hand-made
// screen: border, a BRIGHT cell, INK and PAPER of one pixel each.
func TestImage(t *testing.T) {
	m := bare(t)
	mem := m.Mem()
	m.border = 2                       // red
	mem[AttrAddr+33] = 0x40 | 1<<3 | 6 // row 1 col 1: BRIGHT, PAPER blue, INK yellow
	mem[CellAddr(1, 2, 1)] = 0x80      // its pixel line 2: leftmost pixel ink
	img := m.Image(1)
	if b := img.Bounds(); b.Dx() != 320 || b.Dy() != 240 {
		t.Fatalf("bounds %v", b)
	}
	for _, c := range []struct {
		x, y int
		want color.RGBA
	}{
		{0, 0, color.RGBA{0xC0, 0, 0, 255}},                           // border
		{Border - 1, BorderV, color.RGBA{0xC0, 0, 0, 255}},            // border left of the screen
		{Border, BorderV, color.RGBA{0, 0, 0, 255}},                   // attribute 0: black paper
		{Border + 8, BorderV + 8 + 2, color.RGBA{0xFF, 0xFF, 0, 255}}, // bright yellow ink
		{Border + 9, BorderV + 8 + 2, color.RGBA{0, 0, 0xFF, 255}},    // bright blue paper
		{Border + 8, BorderV + 8 + 3, color.RGBA{0, 0, 0xFF, 255}},
	} {
		if got := img.RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	if Colour(6, true) != (color.RGBA{0xFF, 0xFF, 0, 255}) || Colour(5, false) != (color.RGBA{0, 0xC0, 0xC0, 255}) {
		t.Error("Colour")
	}
}
