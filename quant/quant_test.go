package quant

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestPackByHand(t *testing.T) {
	// Row 0: -2 -1 0 1 | 1 → codes 0 1 2 3 | 3 2 2 2 → 0b11100100, 0b10101011
	// Row 1: 0 0 0 0 | -2 → 0xAA, 0b10101000
	w := []int8{-2, -1, 0, 1, 1, 0, 0, 0, 0, -2}
	got, err := Pack(w, 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0xE4, 0xAB, 0xAA, 0xA8}
	if !bytes.Equal(got, want) {
		t.Fatalf("Pack = %x, want %x", got, want)
	}
	back, err := Unpack(got, 2, 5)
	if err != nil || !slices.Equal(back, w) {
		t.Fatalf("Unpack = %v, %v", back, err)
	}
	if _, err := Pack([]int8{2}, 1, 1); err == nil || !strings.Contains(err.Error(), "[0][0] = 2") {
		t.Fatalf("Pack of 2: err = %v", err)
	}
	if _, err := Unpack([]byte{1, 2, 3}, 1, 5); err == nil {
		t.Fatal("Unpack of the wrong length succeeded")
	}
}

func TestPackRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 200 {
		r, c := 1+rng.IntN(9), 1+rng.IntN(300)
		w := make([]int8, r*c)
		for i := range w {
			w[i] = int8(rng.IntN(4)) - 2
		}
		p, err := Pack(w, r, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != r*RowBytes(c) {
			t.Fatalf("%d bytes for %d×%d", len(p), r, c)
		}
		got, _ := Unpack(p, r, c)
		if !slices.Equal(got, w) {
			t.Fatalf("round trip differs for %d×%d", r, c)
		}
	}
}

func TestCodes(t *testing.T) {
	for w, c := range map[int8]byte{-2: 0, -1: 1, 0: 2, 1: 3} {
		if Code(w) != c || Weight(c) != w {
			t.Errorf("Code(%d) = %d, Weight(%d) = %d", w, Code(w), c, Weight(c))
		}
	}
}

func TestPercentileLikeNumpy(t *testing.T) {
	xs := make([]float32, 100)
	for i := range xs {
		xs[99-i] = float32(i + 1) // 100..1, unsorted
	}
	// numpy.percentile(range(1,101), 95) = 95.05
	if p := Percentile(xs, 95); p < 95.0499 || p > 95.0501 {
		t.Fatalf("Percentile = %v, want 95.05", p)
	}
	if xs[0] != 100 {
		t.Fatal("Percentile modified its input")
	}
	if p := Percentile([]float32{3}, 95); p != 3 {
		t.Fatalf("single value: %v", p)
	}
}

func TestQuantize(t *testing.T) {
	// |w| = 0.1 … 2.0 in steps of 0.1 (20 values): the 95th percentile is
	// at position 18.05: 1.9 + 0.05·0.1 = 1.905.
	w := make([]float32, 20)
	for i := range w {
		w[i] = float32(i+1) / 10
		if i%2 == 1 {
			w[i] = -w[i]
		}
	}
	q, scale := QuantizeWeights(w)
	if scale < 1.9049 || scale > 1.9051 {
		t.Fatalf("scale %v, want 1.905", scale)
	}
	// round(w/1.905): 0.1→0 … 0.9→0 (0.47), 1.0→1 (0.52), −2.0→−1 (−1.05)
	want := []int8{0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1}
	if !slices.Equal(q, want) {
		t.Fatalf("weights %v, want %v", q, want)
	}
	// Clamping: +5 → +1, −9 → −2. Half to even: 0.5 → 0, 1.5 → 2 → clamp 1, −2.5 → −2.
	for _, c := range []struct {
		w, s float32
		want int8
	}{{5, 1, 1}, {-9, 1, -2}, {0.5, 1, 0}, {-0.5, 1, 0}, {-1.5, 1, -2}, {-2.5, 1, -2}, {0.75, 0.5, 1}} {
		if got := QuantizeWeight(c.w, c.s); got != c.want {
			t.Errorf("QuantizeWeight(%v, %v) = %d, want %d", c.w, c.s, got, c.want)
		}
	}
	for _, c := range []struct {
		b    float32
		want int16
	}{{0.015625, 0}, {0.046875, 2}, {-0.046875, -2}, {0.1, 3}, {2000, 32767}, {-2000, -32768}} {
		if got := QuantizeBias(c.b); got != c.want {
			t.Errorf("QuantizeBias(%v) = %d, want %d", c.b, got, c.want)
		}
	}
}

func TestLayerValidate(t *testing.T) {
	l := Layer{In: 2, Out: 1, W: []int8{0, 1}, Bias: []int16{0}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		l    Layer
		want string
	}{
		{Layer{In: 0, Out: 1}, "0 inputs"},
		{Layer{In: 1, Out: 257}, "257 outputs"},
		{Layer{In: 1, Out: 1, W: []int8{0, 0}, Bias: []int16{0}}, "2 weights"},
		{Layer{In: 1, Out: 1, W: []int8{-3}, Bias: []int16{0}}, "weight [0][0] = -3"},
		{Layer{In: 1, Out: 1, W: []int8{0}}, "0 biases"},
	} {
		if err := c.l.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate = %v, want %q", err, c.want)
		}
	}
}
