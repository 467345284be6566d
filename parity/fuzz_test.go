package parity

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"mulm/internal/randmodel"
)

// FuzzEncoders feeds arbitrary queries to every implementation of one
// model; the traces start with both encoders' outputs, so a difference
// in either shows as a differing input vector.
func FuzzEncoders(f *testing.F) {
	for _, q := range edgeQueries {
		f.Add(q)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{8}, Charset: []byte("A z\x01\x7f\x80\xffQ?\x00"), MaxLen: 4})
	is := impls(f, m)
	f.Fuzz(func(t *testing.T, q string) {
		checkQueries(t, m, is, q)
	})
}

// FuzzReply builds a small random model from the fuzzer's seed and
// options and compares whole replies step by step.
func FuzzReply(f *testing.F) {
	f.Add(uint64(1), uint8(0), "hello")
	f.Add(uint64(2), uint8(1), "how are you")
	f.Add(uint64(3), uint8(2), "")
	f.Add(uint64(4), uint8(3), "\xff\x80 wrap")
	f.Add(uint64(5), uint8(7), "ZZZZZZZZZZZZZZZZZZZZZZZZ")
	f.Fuzz(func(t *testing.T, seed uint64, shape uint8, q string) {
		rng := rand.New(rand.NewPCG(seed, uint64(shape)))
		hidden := [][]int{nil, {1}, {5, 3}, {9}, {33}, {4, 4, 4}, {64}, {17, 2}}[shape%8]
		m := randmodel.Model(rng, randmodel.Options{
			Hidden:      hidden,
			Wrap:        shape&8 != 0,
			RandomShift: shape&16 != 0,
			Density:     []float64{0.27, 0.6, 1, 0.05}[shape>>5&3],
			MaxLen:      1 + int(seed%8),
		})
		checkQueries(t, m, impls(t, m), q)
	})
}

// FuzzLayer runs one random layer alone on every Z80 engine and compares
// it with infer.DenseLayer. seed and shape pick the layer: shape's bits
// 0-2 its inputs (256 makes it the first layer, the fast engine's split
// path), bits 3-5 its outputs, bit 6 hidden (ReLU; forced for 1 output),
// seed the weight pattern, the shift (0 and 15 often) and the biases. The
// input vector is data read as little-endian int16 values, repeated to
// the layer's width (all zero when data is shorter than two bytes).
func FuzzLayer(f *testing.F) {
	le := func(vs ...int16) []byte {
		var b []byte
		for _, v := range vs {
			b = append(b, byte(v), byte(uint16(v)>>8))
		}
		return b
	}
	f.Add(uint64(1), uint8(0), le(32767))                 // all max: wraps
	f.Add(uint64(2), uint8(0x0D), le(-32768))             // all min
	f.Add(uint64(3), uint8(0x12), le(-1, -3, -5, -7))     // negative: floors
	f.Add(uint64(4), uint8(0x5B), []byte{})               // zero
	f.Add(uint64(5), uint8(0x24), le(1, 127, 128, 255))   // the fast 8-bit paths, 2x past a byte
	f.Add(uint64(6), uint8(0x68), le(256, 0, -256, 1000)) // the fast 16-bit path
	f.Add(uint64(7), uint8(0x30), le(0, 0, 0, 32))        // sparse, bucket-like
	f.Add(uint64(8), uint8(0x3F), le(16384, -16384))
	f.Fuzz(func(t *testing.T, seed uint64, shape uint8, data []byte) {
		rng := rand.New(rand.NewPCG(seed, uint64(shape)))
		in := []int{256, 1, 3, 4, 5, 17, 64, 256}[shape&7]
		out := []int{1, 2, 3, 4, 5, 9, 64, 255}[shape>>3&7]
		hidden := shape&64 != 0 || out < 2
		shift := uint8(rng.IntN(16))
		if rng.IntN(3) == 0 {
			shift = []uint8{0, 15}[rng.IntN(2)]
		}
		pattern := weightPatterns[rng.IntN(len(weightPatterns))]
		l := patternLayer(rng, in, out, shift, pattern)
		m, li, err := layerModel(l, hidden)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]int16, in)
		if n := len(data) / 2; n > 0 {
			for i := range x {
				k := 2 * (i % n)
				x[i] = int16(uint16(data[k]) | uint16(data[k+1])<<8)
			}
		}
		what := fmt.Sprintf("%d->%d shift %d %s hidden %v", in, out, shift, pattern, hidden)
		for _, tg := range targets() {
			e, _, err := refusable(m, tg)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if e != nil {
				checkLayer(t, e, li, x, what, nil)
			}
		}
	})
}
