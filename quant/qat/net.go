package qat

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
)

// Shift is the right shift every layer applies to its accumulator; the
// trainer mirrors it exactly.
const Shift = quant.DefaultShift

// Clipping range of the master weights: just outside the quantization
// grid's outer rounding boundaries (−2.5 and 1.5), so that a weight pinned
// at a bound still quantizes to −2 or +1 and can move back at once.
const (
	wMin = quant.Min - 0.5 + 1e-3
	wMax = quant.Max + 0.5 - 1e-3
)

// Net is the float32 master model. Weights are kept in integer units: the
// integer weight is clamp(round(w), −2, 1), so a fully quantized forward
// pass of a Net is the integer model itself, with no per-layer scale to
// reconcile. Biases are in accumulator units (the integer bias is round(b)).
type Net struct {
	// Sizes are the widths: 256 inputs, the hidden layers, the charset.
	Sizes []int
	// WT[l] holds layer l's weights transposed, In×Out row-major (the
	// weights of input i to every output are contiguous).
	WT [][]float32
	// B[l] holds layer l's Out biases.
	B       [][]float32
	Charset []byte
	MaxLen  int

	// p holds every parameter: all layers' weights, then all biases; WT
	// and B are views into it.
	p []float32
}

// numWeights is how many of the flat parameters are weights (the rest are
// biases).
func (n *Net) numWeights() int {
	k := 0
	for l := 0; l+1 < len(n.Sizes); l++ {
		k += n.Sizes[l] * n.Sizes[l+1]
	}
	return k
}

// views carves per-layer weight and bias slices out of a flat parameter
// vector laid out as Net.p.
func views(sizes []int, p []float32) (wt, b [][]float32) {
	off := 0
	for l := 0; l+1 < len(sizes); l++ {
		k := sizes[l] * sizes[l+1]
		wt = append(wt, p[off:off+k:off+k])
		off += k
	}
	for l := 0; l+1 < len(sizes); l++ {
		k := sizes[l+1]
		b = append(b, p[off:off+k:off+k])
		off += k
	}
	return wt, b
}

func numParams(sizes []int) int {
	k := 0
	for l := 0; l+1 < len(sizes); l++ {
		k += (sizes[l] + 1) * sizes[l+1]
	}
	return k
}

func (n *Net) alloc() {
	n.p = make([]float32, numParams(n.Sizes))
	n.WT, n.B = views(n.Sizes, n.p)
}

// NumLayers is the number of layers.
func (n *Net) NumLayers() int { return len(n.Sizes) - 1 }

// NewNet makes a model with the given hidden widths and random weights
// drawn from N(0, sigma²) in integer units (sigma ≤ 0 means 0.5), biases
// zero.
func NewNet(hidden []int, charset []byte, maxLen int, sigma float64, rng *rand.Rand) (*Net, error) {
	sizes := append(append([]int{trigram.InputSize}, hidden...), len(charset))
	for i, s := range sizes {
		if s < 1 || s > quant.MaxWidth {
			return nil, fmt.Errorf("qat: layer width %d (position %d) outside 1..%d", s, i, quant.MaxWidth)
		}
	}
	if len(charset) < 2 || len(charset) > infer.MaxCharset {
		return nil, fmt.Errorf("qat: charset of %d entries, want 2..%d", len(charset), infer.MaxCharset)
	}
	if maxLen < 1 || maxLen > infer.MaxMaxLen {
		return nil, fmt.Errorf("qat: generation limit %d outside 1..%d", maxLen, infer.MaxMaxLen)
	}
	if sigma <= 0 {
		sigma = 0.5
	}
	n := &Net{Sizes: sizes, Charset: append([]byte(nil), charset...), MaxLen: maxLen}
	n.alloc()
	for _, w := range n.WT {
		for i := range w {
			w[i] = float32(max(wMin, min(wMax, rng.NormFloat64()*sigma)))
		}
	}
	return n, nil
}

// Clone returns a deep copy.
func (n *Net) Clone() *Net {
	c := &Net{Sizes: append([]int(nil), n.Sizes...), Charset: append([]byte(nil), n.Charset...), MaxLen: n.MaxLen}
	c.alloc()
	copy(c.p, n.p)
	return c
}

// QuantW is the integer weight of a master weight.
func QuantW(w float32) int8 {
	return int8(max(quant.Min, min(quant.Max, math.RoundToEven(float64(w)))))
}

// QuantB is the integer bias of a master bias.
func QuantB(b float32) int16 {
	return int16(max(math.MinInt16, min(math.MaxInt16, math.RoundToEven(float64(b)))))
}

// Layers returns the integer layers of the fully quantized model.
func (n *Net) Layers() []quant.Layer {
	var ls []quant.Layer
	for l := range n.WT {
		in, out := n.Sizes[l], n.Sizes[l+1]
		q := quant.Layer{In: in, Out: out, Shift: Shift, W: make([]int8, in*out), Bias: make([]int16, out)}
		for i := range in {
			for o := range out {
				q.W[o*in+i] = QuantW(n.WT[l][i*out+o])
			}
		}
		for o := range out {
			q.Bias[o] = QuantB(n.B[l][o])
		}
		ls = append(ls, q)
	}
	return ls
}

// Model exports the fully quantized integer model.
func (n *Net) Model() (*infer.Model, error) {
	return infer.New(n.Charset, n.Layers(), n.MaxLen)
}

// FromModel makes a master model whose quantization is exactly m, to
// fine-tune a trained model. Layers must use the shift Shift.
func FromModel(m *infer.Model) (*Net, error) {
	n := &Net{Sizes: m.Sizes(), Charset: m.Charset(), MaxLen: m.MaxLen()}
	n.alloc()
	for l, q := range m.Layers() {
		if q.Shift != Shift {
			return nil, fmt.Errorf("qat: layer shift %d, the trainer supports only %d", q.Shift, Shift)
		}
		for o := range q.Out {
			for i := range q.In {
				n.WT[l][i*q.Out+o] = float32(q.W[o*q.In+i])
			}
			n.B[l][o] = float32(q.Bias[o])
		}
	}
	return n, n.check()
}

func (n *Net) check() error {
	if len(n.Sizes) < 2 || n.Sizes[0] != trigram.InputSize {
		return errors.New("qat: model must take 256 inputs")
	}
	if len(n.WT) != len(n.Sizes)-1 || len(n.B) != len(n.WT) {
		return errors.New("qat: layer count mismatch")
	}
	for l := range n.WT {
		if len(n.WT[l]) != n.Sizes[l]*n.Sizes[l+1] || len(n.B[l]) != n.Sizes[l+1] {
			return fmt.Errorf("qat: layer %d has the wrong size", l+1)
		}
	}
	if n.Sizes[len(n.Sizes)-1] != len(n.Charset) {
		return errors.New("qat: output width differs from the charset")
	}
	return nil
}

// effective holds the weights a forward pass uses at quantization phase
// alpha: (1−alpha)·w + alpha·Q(w), likewise for biases, laid out as Net.
type effective struct {
	WT, B [][]float32
	p     []float32
}

func newEffective(n *Net) *effective {
	e := &effective{p: make([]float32, len(n.p))}
	e.WT, e.B = views(n.Sizes, e.p)
	return e
}

// set recomputes the effective weights of n at phase alpha for the
// parameters lo..hi.
func (e *effective) set(n *Net, alpha float32, lo, hi int) {
	nw := n.numWeights()
	for i := lo; i < hi; i++ {
		w := n.p[i]
		var q float32
		if i < nw {
			q = float32(QuantW(w))
		} else {
			q = float32(QuantB(w))
		}
		if alpha == 1 {
			e.p[i] = q
		} else {
			e.p[i] = w + alpha*(q-w)
		}
	}
}
