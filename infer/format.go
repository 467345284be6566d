package infer

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"mulm/quant"
)

// The .mulm model file, version 1. All integers are little-endian.
//
//	offset  size  field
//	0       4     magic "MULM"
//	4       2     format version, 1
//	6       2     flags, 0 (reserved)
//	8       1     number of layers L, 1..MaxLayers
//	9       1     generation limit (most characters in a reply), 1..255
//	10      1     context length, 8 (reserved for other encoders; must be 8)
//	11      1     charset size C, 2..96, EOS included
//	12      C     charset, in output index order: C−1 distinct printable
//	              ASCII bytes (20h..7Eh), then the byte that stands for
//	              EOS (any value, never printed)
//	then, for each of the L layers:
//	        2     inputs In, 1..256 (the first layer's must be 256)
//	        2     outputs Out, 1..256 (the last layer's must be C)
//	        1     shift, 0..15
//	        1     reserved, 0
//	        Out×⌈In/4⌉   packed weights: row-major by output neuron, weight i of
//	                     a row in byte i/4 at bits 2·(i mod 4), code w+2;
//	                     padding codes are 2
//	        2×Out        biases, int16
//	end     4     CRC-32 (IEEE) of every byte before it
//
// A reader accepts a file only if every field is in range, the sizes chain,
// the length is exactly what the header implies and the checksum matches.
const (
	fileMagic   = "MULM"
	fileVersion = 1
	// MaxLayers is the most layers a .mulm file may hold.
	MaxLayers = 16
	// MaxFileSize bounds what Load reads: the largest valid file is well
	// below it.
	MaxFileSize = 1 << 22
	contextLen  = 8
)

// ValidCharset reports why charset cannot be the charset of a model file,
// or nil. Every entry but the last must be printable ASCII (20h..7Eh, the
// bytes a console prints as they are), and no two of them equal (an
// output character is one index); the last entry stands for EOS and may
// be any byte, as it is never printed. So a charset has at most 96
// entries. New accepts any bytes (layers of any width can be built and
// tested); Load and MarshalBinary require this rule, so that a model file
// never makes a console print control bytes.
func ValidCharset(charset []byte) error {
	if len(charset) < 2 {
		return fmt.Errorf("infer: charset has %d entries, want at least 2 (EOS included)", len(charset))
	}
	var seen [256]bool
	for i, c := range charset[:len(charset)-1] {
		switch {
		case c < 0x20 || c > 0x7E:
			return fmt.Errorf("infer: charset entry %d is byte %#02x, want printable ASCII (20h..7Eh)", i, c)
		case seen[c]:
			return fmt.Errorf("infer: charset entry %d %q is a duplicate", i, c)
		}
		seen[c] = true
	}
	return nil
}

// ErrFormat is wrapped by every error Load returns for a malformed file.
var ErrFormat = errors.New("malformed .mulm file")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// WriteTo writes m in the .mulm format.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	b, err := m.MarshalBinary()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// MarshalBinary returns m in the .mulm format.
func (m *Model) MarshalBinary() ([]byte, error) {
	if m.empty() {
		return nil, ErrEmpty
	}
	if err := ValidCharset(m.charset); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(fileMagic)
	le := binary.LittleEndian
	b.Write(le.AppendUint16(nil, fileVersion))
	b.Write(le.AppendUint16(nil, 0))
	if len(m.layers) > MaxLayers {
		return nil, fmt.Errorf("infer: %d layers, the file format holds at most %d", len(m.layers), MaxLayers)
	}
	b.Write([]byte{byte(len(m.layers)), byte(m.maxLen), contextLen, byte(len(m.charset))})
	b.Write(m.charset)
	for _, l := range m.layers {
		b.Write(le.AppendUint16(nil, uint16(l.In)))
		b.Write(le.AppendUint16(nil, uint16(l.Out)))
		b.Write([]byte{l.Shift, 0})
		packed, err := quant.Pack(l.W, l.Out, l.In)
		if err != nil {
			return nil, err
		}
		b.Write(packed)
		for _, v := range l.Bias {
			b.Write(le.AppendUint16(nil, uint16(v)))
		}
	}
	b.Write(le.AppendUint32(nil, crc32.ChecksumIEEE(b.Bytes())))
	return b.Bytes(), nil
}

// WriteFile writes m to the named file in the .mulm format.
func WriteFile(path string, m *Model) error {
	b, err := m.MarshalBinary()
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// ReadFile loads a .mulm model file. Errors name the file.
func ReadFile(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Load reads a model in the .mulm format, checking it strictly. Every error
// for a malformed file wraps ErrFormat and names the field at fault.
func Load(r io.Reader) (*Model, error) {
	if r == nil {
		return nil, errors.New("infer: Load of a nil io.Reader")
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize {
		return nil, formatErr("file is larger than %d bytes", MaxFileSize)
	}
	return Unmarshal(b)
}

// reader walks a byte slice, remembering what it was reading for errors.
type reader struct {
	b   []byte
	off int
}

func (r *reader) take(n int, what string) ([]byte, error) {
	if len(r.b)-r.off < n {
		return nil, formatErr("truncated in %s at offset %d: need %d bytes, have %d", what, r.off, n, len(r.b)-r.off)
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p, nil
}

// Unmarshal decodes a model from the bytes of a .mulm file.
func Unmarshal(b []byte) (*Model, error) {
	le := binary.LittleEndian
	r := &reader{b: b}
	hdr, err := r.take(12, "header")
	if err != nil {
		return nil, err
	}
	if string(hdr[:4]) != fileMagic {
		return nil, formatErr("bad magic %q, want %q", hdr[:4], fileMagic)
	}
	if v := le.Uint16(hdr[4:]); v != fileVersion {
		return nil, formatErr("unsupported version %d, want %d", v, fileVersion)
	}
	if f := le.Uint16(hdr[6:]); f != 0 {
		return nil, formatErr("flags %#04x, want 0", f)
	}
	nl, maxLen, ctx, nc := int(hdr[8]), int(hdr[9]), int(hdr[10]), int(hdr[11])
	switch {
	case nl < 1 || nl > MaxLayers:
		return nil, formatErr("%d layers, want 1..%d", nl, MaxLayers)
	case maxLen < 1:
		return nil, formatErr("generation limit 0, want 1..%d", MaxMaxLen)
	case ctx != contextLen:
		return nil, formatErr("context length %d, want %d", ctx, contextLen)
	case nc < 2:
		return nil, formatErr("charset size %d, want 2..%d", nc, MaxCharset)
	}
	// The checksum covers everything before it; check it before the
	// layers so that a corrupted size reads as corruption.
	if len(b) < 16 {
		return nil, formatErr("truncated: %d bytes", len(b))
	}
	if got, want := le.Uint32(b[len(b)-4:]), crc32.ChecksumIEEE(b[:len(b)-4]); got != want {
		return nil, formatErr("checksum %08x does not match the contents (%08x): corrupted or truncated", got, want)
	}
	r.b = b[:len(b)-4]
	charset, err := r.take(nc, "charset")
	if err != nil {
		return nil, err
	}
	if err := ValidCharset(charset); err != nil {
		return nil, formatErr("%v", err)
	}
	layers := make([]quant.Layer, nl)
	want := 256
	for i := range layers {
		what := func(f string) string { return fmt.Sprintf("layer %d %s", i+1, f) }
		d, err := r.take(6, what("header"))
		if err != nil {
			return nil, err
		}
		l := quant.Layer{In: int(le.Uint16(d)), Out: int(le.Uint16(d[2:])), Shift: d[4]}
		switch {
		case l.In != want:
			return nil, formatErr("layer %d has %d inputs, want %d", i+1, l.In, want)
		case l.Out < 1 || l.Out > quant.MaxWidth:
			return nil, formatErr("layer %d has %d outputs, want 1..%d", i+1, l.Out, quant.MaxWidth)
		case l.Shift > 15:
			return nil, formatErr("layer %d shift %d, want 0..15", i+1, l.Shift)
		case d[5] != 0:
			return nil, formatErr("layer %d reserved byte %#02x, want 0", i+1, d[5])
		}
		stride := quant.RowBytes(l.In)
		packed, err := r.take(l.Out*stride, what("weights"))
		if err != nil {
			return nil, err
		}
		if pad := stride*4 - l.In; pad > 0 {
			mask := byte(0xFF) << (2 * (4 - pad)) // the padding codes' bits
			for o := range l.Out {
				if last := packed[o*stride+stride-1]; last&mask != 0xAA&mask {
					return nil, formatErr("layer %d row %d: padding codes are not 2", i+1, o)
				}
			}
		}
		if l.W, err = quant.Unpack(packed, l.Out, l.In); err != nil {
			return nil, formatErr("layer %d: %v", i+1, err)
		}
		bias, err := r.take(2*l.Out, what("biases"))
		if err != nil {
			return nil, err
		}
		l.Bias = make([]int16, l.Out)
		for o := range l.Bias {
			l.Bias[o] = int16(le.Uint16(bias[2*o:]))
		}
		layers[i] = l
		want = l.Out
	}
	if want != nc {
		return nil, formatErr("last layer has %d outputs but the charset has %d entries", want, nc)
	}
	if r.off != len(r.b) {
		return nil, formatErr("%d bytes of trailing data after the last layer", len(r.b)-r.off)
	}
	m, err := New(charset, layers, maxLen)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	return m, nil
}
