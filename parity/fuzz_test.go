package parity

import (
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
		checkQuery(t, m, is, q)
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
		checkQuery(t, m, impls(t, m), q)
	})
}
