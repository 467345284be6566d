package z80ref

import (
	"math/rand/v2"
	"testing"

	"mulm/infer"
	"mulm/quant"
)

// randomLayer returns a layer with weights in −2..1 where each weight is
// non-zero with probability nz, and biases in −bmax..bmax.
func randomLayer(r *rand.Rand, in, out int, shift uint8, nz float64, bmax int) quant.Layer {
	l := quant.Layer{In: in, Out: out, Shift: shift, W: make([]int8, in*out), Bias: make([]int16, out)}
	for k := range l.W {
		if r.Float64() < nz {
			l.W[k] = []int8{-2, -1, 1}[r.IntN(3)]
		}
	}
	for o := range l.Bias {
		l.Bias[o] = int16(r.IntN(2*bmax+1) - bmax)
	}
	return l
}

// randomModel returns a model 256 → hidden... → len(charset) with random
// weights; charset is printable, its last entry is EOS.
func randomModel(t testing.TB, r *rand.Rand, hidden []int, nchars, maxLen int, nz float64) *infer.Model {
	t.Helper()
	cs := make([]byte, nchars)
	for i := range cs {
		cs[i] = byte(' ' + i%95)
	}
	cs[nchars-1] = 0
	sizes := append(append([]int{256}, hidden...), nchars)
	var layers []quant.Layer
	for i := 0; i+1 < len(sizes); i++ {
		layers = append(layers, randomLayer(r, sizes[i], sizes[i+1], quant.DefaultShift, nz, 8))
	}
	m, err := infer.New(cs, layers, maxLen)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
