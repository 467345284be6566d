package tap

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A header block typed byte by byte from the format description (Sinclair
// ZX Spectrum manual, chapter 20, and the World of Spectrum TAP format
// page): program "loader", 20 bytes, autostart 10.
var knownHeader = []byte{
	0x13, 0x00, // length 19
	0x00,                                             // flag: header
	0x00,                                             // type: program
	'l', 'o', 'a', 'd', 'e', 'r', ' ', ' ', ' ', ' ', // name
	0x14, 0x00, // data length 20
	0x0A, 0x00, // autostart line 10
	0x14, 0x00, // program length 20
	0x00 ^ 'l' ^ 'o' ^ 'a' ^ 'd' ^ 'e' ^ 'r' ^ 0x14 ^ 0x0A ^ 0x14, // checksum (the 4 spaces cancel out)
}

func TestHeaderEncoding(t *testing.T) {
	h := Header{Type: TypeProgram, Name: "loader", Length: 20, Param1: 10, Param2: 20}
	if got := Encode(h.Block()); !bytes.Equal(got, knownHeader) {
		t.Fatalf("Encode(header) = % x\nwant              % x", got, knownHeader)
	}
	blocks, err := Parse(knownHeader)
	if err != nil {
		t.Fatal(err)
	}
	got, err := blocks[0].Header()
	if err != nil {
		t.Fatal(err)
	}
	if got != h {
		t.Fatalf("Header() = %+v, want %+v", got, h)
	}
}

// TestLoaderProgram checks the tokenized loader line against bytes typed
// from the 48K ROM's token table and number format.
func TestLoaderProgram(t *testing.T) {
	want := []byte{
		0x00, 0x0A, // line 10
		0, 0, // length, patched below
		0xFD, '2', '4', '5', '7', '5', 0x0E, 0x00, 0x00, 0xFF, 0x5F, 0x00, // CLEAR 24575
		':', 0xEF, '"', '"', 0xAF, // : LOAD "" CODE
		':', 0xF9, 0xC0, '2', '4', '5', '7', '6', 0x0E, 0x00, 0x00, 0x00, 0x60, 0x00, // : RANDOMIZE USR 24576
		0x0D,
	}
	want[2] = byte(len(want) - 4)
	if got := LoaderProgram(0x5FFF, 0x6000); !bytes.Equal(got, want) {
		t.Fatalf("LoaderProgram = % x\nwant          % x", got, want)
	}
}

func TestLoaderTape(t *testing.T) {
	code := []byte{0xC9}
	tape, err := Loader("chat", 0x7FFF, 0x8000, 0x8000, code)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := Parse(tape)
	if err != nil {
		t.Fatal(err)
	}
	files, err := Files(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("%d files, want 2", len(files))
	}
	if h := files[0].Header; h.Type != TypeProgram || h.Name != "chat" || h.Param1 != 10 || int(h.Param2) != len(files[0].Data) {
		t.Errorf("program header %+v", h)
	}
	if h := files[1].Header; h.Type != TypeCode || h.Param1 != 0x8000 || h.Param2 != 0x8000 || h.Length != 1 || !bytes.Equal(files[1].Data, code) {
		t.Errorf("code header %+v data % x", h, files[1].Data)
	}
	for _, c := range []struct {
		ramtop, org, start uint16
		code               []byte
		msg                string
	}{
		{0x7FFF, 0x8000, 0x8000, nil, "no code"},
		{0x8000, 0x8000, 0x8000, code, "not above RAMTOP"},
		{0x7FFF, 0x8000, 0x8001, code, "outside the code"},
		{0x7FFF, 0xFFFF, 0xFFFF, []byte{1, 2}, "past FFFFh"},
	} {
		_, err := Loader("x", c.ramtop, c.org, c.start, c.code)
		if !errors.Is(err, ErrLoader) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Loader(%04X,%04X,%04X,% x) = %v, want ErrLoader with %q", c.ramtop, c.org, c.start, c.code, err, c.msg)
		}
	}
}

func TestParseErrors(t *testing.T) {
	good := Encode(Block{Flag: FlagData, Data: []byte{1, 2, 3}})
	badSum := bytes.Clone(good)
	badSum[len(badSum)-1] ^= 0x55
	tests := []struct {
		name string
		data []byte
		err  error
		msg  string
	}{
		{"empty", nil, ErrTruncated, "block 1 (offset 0): length: empty tape"},
		{"one byte", append(bytes.Clone(good), 7), ErrTruncated, "block 2 (offset 7): length: 1 byte left"},
		{"short length", []byte{1, 0, 0xFF}, ErrLength, "block 1 (offset 0): length: length 1"},
		{"past end", append(bytes.Clone(good), 9, 0, 0xFF), ErrTruncated, "block 2 (offset 7): length: length 9 runs past the end of the file (1 bytes left)"},
		{"checksum", append(bytes.Clone(good), badSum...), ErrChecksum, "block 2 (offset 7): checksum: stored"},
	}
	for _, tc := range tests {
		_, err := Parse(tc.data)
		if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: Parse = %v, want %v containing %q", tc.name, err, tc.err, tc.msg)
		}
	}
}

func TestFilesErrors(t *testing.T) {
	hdr := CodeBlocks("x", 0x8000, []byte{1, 2})
	tests := []struct {
		name   string
		blocks []Block
		err    error
		msg    string
	}{
		{"data first", []Block{{Flag: FlagData, Data: []byte{1}}}, ErrHeader, "block 1 (offset 0): flag: flag FFh"},
		{"no data", hdr[:1], ErrTruncated, "block 1 (offset 0): data: header \"x\" has no data block"},
		{"bad type", []Block{{Flag: 0, Data: append([]byte{9}, make([]byte, 16)...)}}, ErrHeader, "type: type 9"},
		{"short header", []Block{{Flag: 0, Data: []byte{3}}}, ErrHeader, "length: a header has 17 data bytes, this block 1"},
		{"wrong length", []Block{hdr[0], {Flag: FlagData, Data: []byte{1}}}, ErrLength, "block 2 (offset 21): length: 1 data bytes, header \"x\" says 2"},
		{"two headers", []Block{hdr[0], hdr[0]}, ErrHeader, "block 2 (offset 21): flag: flag 00h after header"},
	}
	for _, tc := range tests {
		_, err := Files(tc.blocks)
		if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: Files = %v, want %v containing %q", tc.name, err, tc.err, tc.msg)
		}
	}
}

// TestTzxlist checks that Fuse's tzxlist (fuse-emulator-utils), a parser
// nobody here wrote, reads the loader tape as we mean it.
func TestTzxlist(t *testing.T) {
	tool, err := exec.LookPath("tzxlist")
	if err != nil {
		t.Skip("tzxlist not installed (apt-get install fuse-emulator-utils)")
	}
	tape, err := Loader("mulm", 0x5FFF, 0x6000, 0x6003, make([]byte, 300))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.tap")
	if err := os.WriteFile(path, tape, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, path).CombinedOutput()
	if err != nil {
		t.Fatalf("tzxlist: %v\n%s", err, out)
	}
	for _, want := range []string{
		`Program: "mulm      " LINE 10`,
		`Length: 36, includes variable length: 0`,
		`Bytes: "mulm      " CODE  24576, 300`,
		`Block #3`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("tzxlist output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(string(out), "(PASS)"); n != 4 {
		t.Errorf("tzxlist passes %d checksums, want 4:\n%s", n, out)
	}
}

// FuzzParse checks that Parse never panics, that what it accepts encodes
// back to the same bytes, and that Files and Header never panic either.
func FuzzParse(f *testing.F) {
	tape, _ := Loader("mulm", 0x5FFF, 0x6000, 0x6000, []byte{0xC9, 1, 2})
	f.Add(tape)
	f.Add(knownHeader)
	f.Add([]byte{2, 0, 0xFF, 0xFF})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		blocks, err := Parse(data)
		if err != nil {
			var te *Error
			if !errors.As(err, &te) || te.Block < 1 || te.Offset < 0 || te.Offset > len(data) {
				t.Fatalf("Parse error %v is not a well-formed *Error", err)
			}
			return
		}
		if got := Encode(blocks...); !bytes.Equal(got, data) {
			t.Fatalf("Encode(Parse(x)) != x")
		}
		files, err := Files(blocks)
		if err == nil {
			for _, fl := range files {
				if int(fl.Header.Length) != len(fl.Data) {
					t.Fatalf("file %q: length %d, data %d", fl.Header.Name, fl.Header.Length, len(fl.Data))
				}
			}
		}
	})
}
