package tap

import (
	"errors"
	"fmt"
	"strings"
)

// Flag bytes of the two kinds of block the ROM writes.
const (
	FlagHeader = 0x00 // a 17-byte header block
	FlagData   = 0xFF // the data block that follows a header
)

// Header types (byte 0 of a header block).
const (
	TypeProgram   = 0
	TypeNumArray  = 1
	TypeCharArray = 2
	TypeCode      = 3
)

// HeaderLen is the number of data bytes in a header block.
const HeaderLen = 17

// NameLen is the length of a tape file name; shorter names are padded with
// spaces.
const NameLen = 10

// NoAutostart is a program header's param1 when the program does not run
// itself (any value >= 32768 means that to the ROM).
const NoAutostart = 0x8000

// Sentinel errors wrapped by *Error.
var (
	ErrTruncated = errors.New("truncated")
	ErrLength    = errors.New("bad block length")
	ErrChecksum  = errors.New("checksum mismatch")
	ErrHeader    = errors.New("bad header")
)

// Error reports what is wrong with a tape image: block number (1-based),
// the offset of the block's length word in the file, and the field.
type Error struct {
	Block  int    // 1-based block number
	Offset int    // offset of the block's 2-byte length in the file
	Field  string // "length", "checksum", "type", "name", ...
	Msg    string // what is wrong, in words
	Err    error  // one of the sentinel errors
}

func (e *Error) Error() string {
	return fmt.Sprintf("tap: block %d (offset %d): %s: %s", e.Block, e.Offset, e.Field, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Block is one tape block: its flag byte and its data, without the length
// word and the checksum.
type Block struct {
	Flag byte
	Data []byte
}

// Checksum returns the checksum byte of a block: the XOR of flag and data.
func Checksum(flag byte, data []byte) byte {
	c := flag
	for _, b := range data {
		c ^= b
	}
	return c
}

// Append appends the encoding of b (length, flag, data, checksum) to dst.
// It panics if the block is longer than a .TAP length word can describe
// (65533 data bytes), which no Spectrum block can be.
func Append(dst []byte, b Block) []byte {
	n := len(b.Data) + 2
	if n > 0xFFFF {
		panic(fmt.Sprintf("tap: block of %d data bytes is too long", len(b.Data)))
	}
	dst = append(dst, byte(n), byte(n>>8), b.Flag)
	dst = append(dst, b.Data...)
	return append(dst, Checksum(b.Flag, b.Data))
}

// Encode returns the .TAP image of the blocks.
func Encode(blocks ...Block) []byte {
	var out []byte
	for _, b := range blocks {
		out = Append(out, b)
	}
	return out
}

// Parse splits a .TAP image into its blocks and verifies each length and
// checksum. A file with no blocks is an error. Header blocks are not
// decoded (see Block.Header); Data slices alias data.
func Parse(data []byte) ([]Block, error) {
	if len(data) == 0 {
		return nil, &Error{Block: 1, Offset: 0, Field: "length", Msg: "empty tape: no blocks", Err: ErrTruncated}
	}
	var blocks []Block
	for off := 0; off < len(data); {
		n := len(blocks) + 1
		if len(data)-off < 2 {
			return nil, &Error{Block: n, Offset: off, Field: "length", Msg: fmt.Sprintf("1 byte left, a length word needs 2"), Err: ErrTruncated}
		}
		l := int(data[off]) | int(data[off+1])<<8
		if l < 2 {
			return nil, &Error{Block: n, Offset: off, Field: "length", Msg: fmt.Sprintf("length %d, a block needs at least a flag and a checksum (2)", l), Err: ErrLength}
		}
		if rest := len(data) - off - 2; l > rest {
			return nil, &Error{Block: n, Offset: off, Field: "length", Msg: fmt.Sprintf("length %d runs past the end of the file (%d bytes left)", l, rest), Err: ErrTruncated}
		}
		body := data[off+2 : off+2+l]
		b := Block{Flag: body[0], Data: body[1 : l-1]}
		if c := Checksum(b.Flag, b.Data); c != body[l-1] {
			return nil, &Error{Block: n, Offset: off, Field: "checksum", Msg: fmt.Sprintf("stored %02Xh, computed %02Xh", body[l-1], c), Err: ErrChecksum}
		}
		blocks = append(blocks, b)
		off += 2 + l
	}
	return blocks, nil
}

// Header is a decoded header block.
type Header struct {
	Type   byte   // TypeProgram, TypeNumArray, TypeCharArray or TypeCode
	Name   string // up to 10 characters, trailing spaces removed
	Length uint16 // data length of the following data block
	Param1 uint16 // program: autostart line (>= 32768: none); code: load address
	Param2 uint16 // program: length without variables; code: 32768
}

// Bytes returns the 17 data bytes of the header block. Names longer than
// NameLen are cut; shorter ones are padded with spaces.
func (h Header) Bytes() []byte {
	b := make([]byte, HeaderLen)
	b[0] = h.Type
	name := h.Name
	if len(name) > NameLen {
		name = name[:NameLen]
	}
	copy(b[1:1+NameLen], name+strings.Repeat(" ", NameLen-len(name)))
	put16(b[11:], h.Length)
	put16(b[13:], h.Param1)
	put16(b[15:], h.Param2)
	return b
}

// Block returns the header as a tape block (flag FlagHeader).
func (h Header) Block() Block { return Block{Flag: FlagHeader, Data: h.Bytes()} }

// Header decodes a header block. It fails (with an error wrapping
// ErrHeader) unless the block has flag 00h, 17 data bytes and a type 0-3.
// The error's Block and Offset are 0; Parse's callers know them.
func (b Block) Header() (Header, error) {
	if b.Flag != FlagHeader {
		return Header{}, &Error{Field: "flag", Msg: fmt.Sprintf("flag %02Xh is not a header (00h)", b.Flag), Err: ErrHeader}
	}
	if len(b.Data) != HeaderLen {
		return Header{}, &Error{Field: "length", Msg: fmt.Sprintf("a header has %d data bytes, this block %d", HeaderLen, len(b.Data)), Err: ErrHeader}
	}
	d := b.Data
	if d[0] > TypeCode {
		return Header{}, &Error{Field: "type", Msg: fmt.Sprintf("type %d is none of 0 program, 1 number array, 2 character array, 3 code", d[0]), Err: ErrHeader}
	}
	return Header{
		Type:   d[0],
		Name:   strings.TrimRight(string(d[1:1+NameLen]), " "),
		Length: get16(d[11:]),
		Param1: get16(d[13:]),
		Param2: get16(d[15:]),
	}, nil
}

// File is a header and the data block it describes.
type File struct {
	Header Header
	Data   []byte
}

// Files pairs each header block with the data block after it and checks
// that the data length matches the header's. Blocks that follow no header
// are an error, as is a header without data.
func Files(blocks []Block) ([]File, error) {
	var files []File
	for i := 0; i < len(blocks); i++ {
		h, err := blocks[i].Header()
		if err != nil {
			var te *Error
			if errors.As(err, &te) {
				te.Block = i + 1
				te.Offset = offsetOf(blocks, i)
			}
			return nil, err
		}
		if i+1 >= len(blocks) {
			return nil, &Error{Block: i + 1, Offset: offsetOf(blocks, i), Field: "data", Msg: fmt.Sprintf("header %q has no data block after it", h.Name), Err: ErrTruncated}
		}
		d := blocks[i+1]
		if d.Flag != FlagData {
			return nil, &Error{Block: i + 2, Offset: offsetOf(blocks, i+1), Field: "flag", Msg: fmt.Sprintf("flag %02Xh after header %q, want FFh (data)", d.Flag, h.Name), Err: ErrHeader}
		}
		if len(d.Data) != int(h.Length) {
			return nil, &Error{Block: i + 2, Offset: offsetOf(blocks, i+1), Field: "length", Msg: fmt.Sprintf("%d data bytes, header %q says %d", len(d.Data), h.Name, h.Length), Err: ErrLength}
		}
		files = append(files, File{Header: h, Data: d.Data})
		i++
	}
	return files, nil
}

// offsetOf returns the file offset of block i as Encode lays it out.
func offsetOf(blocks []Block, i int) int {
	off := 0
	for _, b := range blocks[:i] {
		off += len(b.Data) + 4
	}
	return off
}

// ProgramBlocks returns the header and data blocks of a BASIC program that
// autostarts at line autostart (NoAutostart for none). prog is the
// tokenized program without variables.
func ProgramBlocks(name string, autostart uint16, prog []byte) []Block {
	h := Header{Type: TypeProgram, Name: name, Length: uint16(len(prog)), Param1: autostart, Param2: uint16(len(prog))}
	return []Block{h.Block(), {Flag: FlagData, Data: prog}}
}

// CodeBlocks returns the header and data blocks of a CODE file loaded at
// addr.
func CodeBlocks(name string, addr uint16, code []byte) []Block {
	h := Header{Type: TypeCode, Name: name, Length: uint16(len(code)), Param1: addr, Param2: 0x8000}
	return []Block{h.Block(), {Flag: FlagData, Data: code}}
}

func put16(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }
func get16(b []byte) uint16    { return uint16(b[0]) | uint16(b[1])<<8 }
