package infer_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/internal/randmodel"
)

// TestEmptyModel: the zero Model and a nil *Model are the empty model; no
// method panics and nothing writes a file Load would reject.
func TestEmptyModel(t *testing.T) {
	for name, m := range map[string]*infer.Model{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			if r := m.Reply("hi"); r != "" {
				t.Errorf("Reply %q", r)
			}
			if b := m.AppendReply([]byte("x"), "hi"); string(b) != "x" {
				t.Errorf("AppendReply %q", b)
			}
			for c := range m.Chars("hi") {
				t.Errorf("Chars yielded %q", c)
			}
			if tr := m.Trace("hi"); tr.Reply != "" || len(tr.Steps) != 0 {
				t.Errorf("Trace %+v", tr)
			}
			if tr := m.DenseTrace("hi"); tr.Reply != "" || len(tr.Steps) != 0 {
				t.Errorf("DenseTrace %+v", tr)
			}
			if m.Sizes() != nil || m.Charset() != nil || m.Layers() != nil || m.NumLayers() != 0 || m.MaxLen() != 0 || m.EOS() != -1 {
				t.Errorf("Sizes %v Charset %q Layers %d NumLayers %d MaxLen %d EOS %d", m.Sizes(), m.Charset(), len(m.Layers()), m.NumLayers(), m.MaxLen(), m.EOS())
			}
			if b, err := m.MarshalBinary(); !errors.Is(err, infer.ErrEmpty) || b != nil {
				t.Errorf("MarshalBinary = %d bytes, %v; want ErrEmpty", len(b), err)
			}
			var buf bytes.Buffer
			if n, err := m.WriteTo(&buf); !errors.Is(err, infer.ErrEmpty) || n != 0 || buf.Len() != 0 {
				t.Errorf("WriteTo = %d, %v", n, err)
			}
		})
	}
	if _, err := infer.Load(nil); err == nil {
		t.Error("Load(nil) gave no error")
	}
}

// TestCharsetRule: Load rejects a charset with a control byte or a
// duplicate (and MarshalBinary does not write one); the EOS byte is free.
func TestCharsetRule(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		cs, err string
	}{
		{"AB\x00", ""},
		{" ~\xff", ""},
		{"A\x07\x00", "charset entry 1 is byte 0x07"},
		{"A\x80\x00", "charset entry 1 is byte 0x80"},
		{"ABA\x00", "charset entry 2 'A' is a duplicate"},
	} {
		m := randmodel.Model(rng, randmodel.Options{Hidden: []int{3}, Charset: []byte(tc.cs)})
		_, err := m.MarshalBinary()
		if tc.err == "" {
			if err != nil {
				t.Errorf("%q: MarshalBinary: %v", tc.cs, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: MarshalBinary error %v, want %q", tc.cs, err, tc.err)
		}
		// The same file written by hand: Load rejects it with ErrFormat.
		good := randmodel.Model(rng, randmodel.Options{Hidden: []int{3}, Charset: append([]byte("XYZ"[:len(tc.cs)-1]), 0)})
		b, err := good.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		copy(b[12:], tc.cs)
		_, err = infer.Load(bytes.NewReader(reseal(b)))
		if !errors.Is(err, infer.ErrFormat) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: Load error %v, want ErrFormat and %q", tc.cs, err, tc.err)
		}
	}
	if err := infer.ValidCharset(slices.Repeat([]byte{'A'}, 1)); err == nil {
		t.Error("a 1-entry charset is valid")
	}
}
