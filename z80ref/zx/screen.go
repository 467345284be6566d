package zx

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
)

// Screen geometry.
const (
	Rows    = 24
	Cols    = 32
	Width   = 256 // pixels
	Height  = 192
	Border  = 32 // border width in the pictures (left/right)
	BorderV = 24 // border height in the pictures (top/bottom)
)

// Unknown is the character of a cell that matches no glyph.
const Unknown = '¤'

// Screen is the text a person sees on the Spectrum's 24x32 character
// cells, read back from the display file.
type Screen struct {
	Cells [Rows][Cols]rune // decoded characters (' ' where ink == paper)
	Attr  [Rows][Cols]byte // attribute bytes (FLASH 80h, BRIGHT 40h, PAPER, INK)
}

// Lines returns the 24 rows with trailing spaces removed.
func (s *Screen) Lines() []string {
	out := make([]string, Rows)
	for r := range s.Cells {
		out[r] = strings.TrimRight(string(s.Cells[r][:]), " ")
	}
	return out
}

// LinesNoFlash is Lines with FLASHing cells (the ROM's and programs'
// cursors) shown as spaces.
func (s *Screen) LinesNoFlash() []string {
	out := make([]string, Rows)
	for r := range s.Cells {
		row := s.Cells[r]
		for c := range row {
			if s.Attr[r][c]&0x80 != 0 {
				row[c] = ' '
			}
		}
		out[r] = strings.TrimRight(string(row[:]), " ")
	}
	return out
}

// String returns the rows joined with newlines, trailing blank rows
// removed.
func (s *Screen) String() string {
	return strings.TrimRight(strings.Join(s.Lines(), "\n"), "\n")
}

// Unknowns counts the cells that matched no glyph.
func (s *Screen) Unknowns() int {
	n := 0
	for r := range s.Cells {
		for _, c := range s.Cells[r] {
			if c == Unknown {
				n++
			}
		}
	}
	return n
}

// CellAddr returns the display-file address of pixel line l (0-7) of the
// character cell at row r, column c: the screen is three thirds of 8
// character rows, and within a third the pixel lines of a row are 256
// bytes apart.
func CellAddr(r, l, c int) uint16 {
	return uint16(ScreenAddr | (r&0x18)<<8 | l<<8 | (r&7)<<5 | c)
}

// LineAddr returns the display-file address of the first byte of pixel
// line y (0-191).
func LineAddr(y int) uint16 {
	return uint16(ScreenAddr | (y&0xC0)<<5 | (y&7)<<8 | (y&0x38)<<2)
}

// spectrumChar maps a character code of the Spectrum's font to Unicode:
// 60h is the pound sign, 7Fh the copyright sign.
func spectrumChar(c int) rune {
	switch c {
	case 0x60:
		return '£'
	case 0x7F:
		return '©'
	}
	return rune(c)
}

// blockRunes are CHR$ 128-143, the block graphics.
var blockRunes = []rune(" ▝▘▀▗▐▚▜▖▞▌▛▄▟▙█")

func blockGlyph(n int) [8]byte {
	var top, bot byte
	if n&2 != 0 {
		top |= 0xF0
	}
	if n&1 != 0 {
		top |= 0x0F
	}
	if n&8 != 0 {
		bot |= 0xF0
	}
	if n&4 != 0 {
		bot |= 0x0F
	}
	return [8]byte{top, top, top, top, bot, bot, bot, bot}
}

// glyphTable maps 8x8 bitmaps to characters: the font at CHARS+256 first,
// then the ROM's own font at 3D00h (for a program that switched fonts),
// the block graphics, then the inverse of both fonts (INVERSE 1 text,
// cursors). The same order as ../shared/tools/zxrun.sh.
func glyphTable(font, rom *[768]byte) map[[8]byte]rune {
	t := make(map[[8]byte]rune, 4*96+16)
	add := func(g [8]byte, r rune) {
		if _, ok := t[g]; !ok {
			t[g] = r
		}
	}
	fonts := []*[768]byte{font, rom}
	for _, f := range fonts {
		for c := 32; c < 128; c++ {
			add([8]byte(f[8*(c-32):]), spectrumChar(c))
		}
	}
	for n := 0; n < 16; n++ {
		add(blockGlyph(n), blockRunes[n])
	}
	for _, f := range fonts {
		for c := 32; c < 128; c++ {
			g := [8]byte(f[8*(c-32):])
			for i := range g {
				g[i] = ^g[i]
			}
			add(g, spectrumChar(c))
		}
	}
	return t
}

// screenCache keeps the last decoded screen with the memory it came from.
type screenCache struct {
	valid bool
	disp  [AttrAddr + 768 - ScreenAddr]byte // display file and attributes
	font  [768]byte                         // CHARS+256 ...
	rom   [768]byte                         // 3D00h ...
	table map[[8]byte]rune
	scr   Screen
}

// Screen decodes the display file as text: each 8x8 cell is matched
// against the font the ROM prints with (CHARS+256), the ROM's font, the
// block graphics and the inverse of the fonts; a cell whose INK equals its
// PAPER shows nothing (' '); a cell matching nothing is Unknown. The
// result is a fresh copy; decoding is skipped when the display file and
// the fonts have not changed since the last call.
func (m *Machine) Screen() *Screen {
	c := &m.scache
	chars := m.ReadWord(SysCHARS) + 256
	var font [768]byte
	for i := range font {
		font[i] = m.mem[chars+uint16(i)]
	}
	rom := [768]byte(m.mem[0x3D00 : 0x3D00+768])
	disp := m.mem[ScreenAddr : AttrAddr+768]
	if c.valid && font == c.font && rom == c.rom && bytes.Equal(disp, c.disp[:]) {
		s := c.scr
		return &s
	}
	if !c.valid || font != c.font || rom != c.rom {
		c.font, c.rom = font, rom
		c.table = glyphTable(&font, &rom)
	}
	copy(c.disp[:], disp)
	c.valid = true
	t := c.table
	s := &c.scr
	for r := 0; r < Rows; r++ {
		for col := 0; col < Cols; col++ {
			a := m.mem[AttrAddr+32*r+col]
			s.Attr[r][col] = a
			if a&7 == (a>>3)&7 {
				s.Cells[r][col] = ' '
				continue
			}
			var g [8]byte
			for l := range g {
				g[l] = m.mem[CellAddr(r, l, col)]
			}
			ch, ok := t[g]
			if !ok {
				ch = Unknown
			}
			s.Cells[r][col] = ch
		}
	}
	out := *s
	return &out
}

// Colour returns the RGB value of Spectrum colour c (0-7) at BRIGHT 0 or
// 1: components 00h or C0h, and FFh when bright (the palette Fuse's
// pictures use).
func Colour(c uint8, bright bool) color.RGBA {
	i := int(c & 7)
	if bright {
		i += 8
	}
	return palette[i]
}

// palette holds the 8 colours at BRIGHT 0, then at BRIGHT 1.
var palette = [16]color.RGBA{
	{0, 0, 0, 255}, {0, 0, 0xC0, 255}, {0xC0, 0, 0, 255}, {0xC0, 0, 0xC0, 255},
	{0, 0xC0, 0, 255}, {0, 0xC0, 0xC0, 255}, {0xC0, 0xC0, 0, 255}, {0xC0, 0xC0, 0xC0, 255},
	{0, 0, 0, 255}, {0, 0, 0xFF, 255}, {0xFF, 0, 0, 255}, {0xFF, 0, 0xFF, 255},
	{0, 0xFF, 0, 255}, {0, 0xFF, 0xFF, 255}, {0xFF, 0xFF, 0, 255}, {0xFF, 0xFF, 0xFF, 255},
}

// Image renders the screen with its border (32 pixels left and right, 24
// above and below: 320x240) at the given integer scale (< 1 means 1),
// FLASH shown unflashed, the border in the colour last written to port FEh.
func (m *Machine) Image(scale int) *image.RGBA {
	if scale < 1 {
		scale = 1
	}
	w, h := (Width+2*Border)*scale, (Height+2*BorderV)*scale
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bc := palette[m.border&7]
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, bc)
		}
	}
	for y := 0; y < Height; y++ {
		addr := LineAddr(y)
		for c := 0; c < Cols; c++ {
			a := m.mem[AttrAddr+32*(y>>3)+c]
			bright := int(a>>6&1) * 8
			ink, paper := palette[bright+int(a&7)], palette[bright+int(a>>3&7)]
			b := m.mem[addr+uint16(c)]
			for bit := 0; bit < 8; bit++ {
				col := paper
				if b&(0x80>>bit) != 0 {
					col = ink
				}
				px, py := (Border+8*c+bit)*scale, (BorderV+y)*scale
				for dy := 0; dy < scale; dy++ {
					for dx := 0; dx < scale; dx++ {
						img.SetRGBA(px+dx, py+dy, col)
					}
				}
			}
		}
	}
	return img
}

// WritePNG writes Image(scale) as a PNG.
func (m *Machine) WritePNG(w io.Writer, scale int) error {
	return png.Encode(w, m.Image(scale))
}
