package infer_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"mulm/infer"
	"mulm/internal/randmodel"
)

// TestForwardEqualsDense checks Forward against DenseLayer applied layer by
// layer to arbitrary input vectors (not only encoder outputs), and its
// overflow count against exact sums computed here in int64, on wrapping
// and non-wrapping models with random shifts.
func TestForwardEqualsDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	wrapped := 0
	for trial := range 40 {
		m := randmodel.Model(rng, randmodel.Options{
			Hidden:      [][]int{{}, {7}, {64, 32}, {256, 192, 128}}[trial%4],
			Wrap:        rng.IntN(2) == 0,
			RandomShift: rng.IntN(2) == 0,
			Density:     []float64{0.05, 0.3, 0.9}[rng.IntN(3)],
			MaxLen:      5,
		})
		x := make([]int16, 256)
		for i := range x {
			if rng.IntN(4) == 0 {
				x[i] = int16(rng.IntN(1 << 12))
				if rng.IntN(3) == 0 {
					x[i] = -x[i]
				}
			}
		}
		in := x
		over := 0
		for li, l := range m.Layers() {
			y := make([]int16, l.Out)
			infer.DenseLayer(y, &l, in, li+1 < m.NumLayers())
			for o := range l.Out {
				s := int64(l.Bias[o])
				for i, w := range l.Row(o) {
					s += int64(w) * int64(in[i])
				}
				if s < -32768 || s > 32767 {
					over++
				}
			}
			in = y
		}
		out := make([]int16, len(m.Charset()))
		next, gotOver := m.Forward(out, x)
		if !slices.Equal(out, in) || next != infer.Argmax(in) || gotOver != over {
			t.Fatalf("trial %d: Forward = %v, next %d, %d overflows; dense %v, next %d, %d overflows",
				trial, out, next, gotOver, in, infer.Argmax(in), over)
		}
		wrapped += over
	}
	if wrapped == 0 {
		t.Fatal("no accumulator overflowed: the overflow count is untested")
	}
}

func TestForwardDoesNotAllocate(t *testing.T) {
	m := randmodel.Model(rand.New(rand.NewPCG(1, 1)), randmodel.Options{Hidden: []int{256, 192, 128}})
	x := make([]int16, 256)
	x[3], x[200] = 32, 64
	out := make([]int16, len(m.Charset()))
	m.Forward(out, x)
	if n := testing.AllocsPerRun(50, func() { m.Forward(out, x) }); n != 0 {
		t.Fatalf("Forward allocates %v times", n)
	}
}
