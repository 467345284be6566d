package infer_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/internal/randmodel"
	"mulm/quant"
)

func sameModel(t *testing.T, a, b *infer.Model) {
	t.Helper()
	if diff := cmp.Diff(a.Charset(), b.Charset()); diff != "" {
		t.Fatalf("charset differs:\n%s", diff)
	}
	if a.MaxLen() != b.MaxLen() {
		t.Fatalf("max len %d != %d", a.MaxLen(), b.MaxLen())
	}
	if diff := cmp.Diff(a.Layers(), b.Layers()); diff != "" {
		t.Fatalf("layers differ:\n%s", diff)
	}
}

func TestFileRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, hidden := range [][]int{{}, {1}, {3, 5}, {256, 192, 128}, {255, 7}} {
		m := randmodel.Model(rng, randmodel.Options{Hidden: hidden, RandomShift: true, Wrap: true, MaxLen: 1 + rng.IntN(255)})
		var buf bytes.Buffer
		n, err := m.WriteTo(&buf)
		if err != nil || n != int64(buf.Len()) {
			t.Fatalf("WriteTo = %d, %v", n, err)
		}
		got, err := infer.Load(&buf)
		if err != nil {
			t.Fatal(err)
		}
		sameModel(t, m, got)
	}
	path := filepath.Join(t.TempDir(), "m.mulm")
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{9}})
	if err := infer.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	got, err := infer.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, m, got)
}

// TestFileLayout checks the byte layout against the documented format,
// built here by hand for a one-layer model.
func TestFileLayout(t *testing.T) {
	w := make([]int8, 2*256)
	w[0], w[1], w[2], w[3] = -2, -1, 0, 1 // codes 0,1,2,3 → byte 0b11100100
	w[256+255] = -1                       // row 1, last weight: byte 63 bits 6..7 = 1
	l := quant.Layer{In: 256, Out: 2, Shift: 3, W: w, Bias: []int16{-2, 300}}
	m, err := infer.New([]byte{'Y', 0}, []quant.Layer{l}, 42)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	want = append(want, "MULM"...)
	want = append(want, 1, 0, 0, 0, 1, 42, 8, 2, 'Y', 0)
	want = append(want, 0, 1, 2, 0, 3, 0) // in 256, out 2, shift 3
	row0 := bytes.Repeat([]byte{0xAA}, 64)
	row0[0] = 0xE4
	row1 := bytes.Repeat([]byte{0xAA}, 64)
	row1[63] = 0x6A // codes 2,2,2,1
	want = append(want, row0...)
	want = append(want, row1...)
	want = append(want, 0xFE, 0xFF, 0x2C, 0x01)
	want = binary.LittleEndian.AppendUint32(want, crc32.ChecksumIEEE(want))
	if !bytes.Equal(got, want) {
		t.Fatalf("layout:\n got %x\nwant %x", got, want)
	}
}

// reseal recomputes the checksum after a test edits a file's bytes.
func reseal(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
	return b
}

func TestLoadRejects(t *testing.T) {
	// A model with 3-input padding: hidden width 5 → next layer rows of 2 bytes.
	rng := rand.New(rand.NewPCG(13, 14))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{5}, Charset: []byte("ab\x00")})
	good, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	// Offsets: header 12, charset 3 → layer 1 header at 15; its weights
	// 5 rows × 64 bytes, biases 10 → layer 2 header at 15+6+320+10 = 351,
	// rows of 2 bytes, the second byte holding 1 weight and 3 padding codes.
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "truncated in header"},
		{"magic", edit(func(b []byte) []byte { b[0] = 'X'; return reseal(b) }), "bad magic"},
		{"version", edit(func(b []byte) []byte { b[4] = 2; return reseal(b) }), "unsupported version 2"},
		{"flags", edit(func(b []byte) []byte { b[6] = 1; return reseal(b) }), "flags"},
		{"layers", edit(func(b []byte) []byte { b[8] = 0; return reseal(b) }), "0 layers"},
		{"maxlen", edit(func(b []byte) []byte { b[9] = 0; return reseal(b) }), "generation limit 0"},
		{"context", edit(func(b []byte) []byte { b[10] = 4; return reseal(b) }), "context length 4"},
		{"charset size", edit(func(b []byte) []byte { b[11] = 1; return reseal(b) }), "charset size 1"},
		{"checksum", edit(func(b []byte) []byte { b[100] ^= 1; return b }), "checksum"},
		{"truncated", good[:len(good)-7], "checksum"},
		{"inputs", edit(func(b []byte) []byte { b[15] = 1; return reseal(b) }), "layer 1 has 257 inputs, want 256"},
		{"chain", edit(func(b []byte) []byte { b[351] = 6; return reseal(b) }), "layer 2 has 6 inputs, want 5"},
		{"shift", edit(func(b []byte) []byte { b[19] = 16; return reseal(b) }), "layer 1 shift 16"},
		{"reserved", edit(func(b []byte) []byte { b[20] = 1; return reseal(b) }), "layer 1 reserved byte"},
		{"padding", edit(func(b []byte) []byte { b[351+6+1] ^= 0x40; return reseal(b) }), "layer 2 row 0: padding"},
		{"trailing", reseal(append(bytes.Clone(good), 0)), "trailing data"},
		{"short layer", edit(func(b []byte) []byte {
			b = append(b[:351+6+3], 0, 0, 0, 0)
			return reseal(b)
		}), "truncated in layer 2 weights"},
		{"outputs", edit(func(b []byte) []byte { b[11] = 2; b = append(b[:14], b[15:]...); return reseal(b) }), "last layer has 3 outputs but the charset has 2"},
	}
	for _, c := range cases {
		_, err := infer.Unmarshal(c.b)
		if err == nil || !errors.Is(err, infer.ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want ErrFormat containing %q", c.name, err, c.want)
		}
	}
}

func TestReadFileNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.mulm")
	if err := os.WriteFile(path, []byte("MULMxx"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := infer.ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want it to name %s", err, path)
	}
}

func FuzzLoad(f *testing.F) {
	rng := rand.New(rand.NewPCG(15, 16))
	for _, h := range [][]int{{}, {5}, {3, 2}} {
		b, _ := randmodel.Model(rng, randmodel.Options{Hidden: h, Charset: []byte("ab\x00")}).MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte("MULM"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Let the fuzzer reach past the checksum: also try the input with
		// a fresh checksum.
		for _, in := range [][]byte{b, resealed(b)} {
			m, err := infer.Unmarshal(in)
			if err != nil {
				if !errors.Is(err, infer.ErrFormat) {
					t.Fatalf("error does not wrap ErrFormat: %v", err)
				}
				continue
			}
			out, err := m.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, in) {
				t.Fatalf("accepted file does not round-trip")
			}
			m.Reply("hi")
		}
	})
}

func resealed(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	return reseal(bytes.Clone(b))
}
