package quant

import "fmt"

// MaxWidth is the largest number of inputs or outputs of a layer: the Z80
// engines count neurons in one byte.
const MaxWidth = 256

// DefaultShift is the arithmetic right shift applied to every accumulator
// unless a model says otherwise.
const DefaultShift = 2

// Layer is one quantized fully connected layer: Out neurons, each
// acc = Bias[o] + Σ W[o*In+i]·x[i] in wrapping 16-bit arithmetic, then
// acc >> Shift (arithmetic). Hidden layers apply ReLU after the shift; the
// model, not the layer, knows which layer is the last.
type Layer struct {
	In, Out int
	Shift   uint8
	W       []int8  // Out×In weights, row-major by output neuron, each in [Min, Max]
	Bias    []int16 // Out biases
}

// Validate reports the first thing wrong with l: sizes outside 1..MaxWidth,
// slice lengths that do not match, weights outside [Min, Max] or a shift
// of 16 or more.
func (l *Layer) Validate() error {
	switch {
	case l.In < 1 || l.In > MaxWidth:
		return fmt.Errorf("%d inputs, want 1..%d", l.In, MaxWidth)
	case l.Out < 1 || l.Out > MaxWidth:
		return fmt.Errorf("%d outputs, want 1..%d", l.Out, MaxWidth)
	case l.Shift > 15:
		return fmt.Errorf("shift %d, want 0..15", l.Shift)
	case len(l.W) != l.In*l.Out:
		return fmt.Errorf("%d weights, want %d×%d = %d", len(l.W), l.Out, l.In, l.In*l.Out)
	case len(l.Bias) != l.Out:
		return fmt.Errorf("%d biases, want %d", len(l.Bias), l.Out)
	}
	for k, w := range l.W {
		if w < Min || w > Max {
			return fmt.Errorf("weight [%d][%d] = %d, want %d..%d", k/l.In, k%l.In, w, Min, Max)
		}
	}
	return nil
}

// Clone returns a deep copy of l.
func (l Layer) Clone() Layer {
	l.W = append([]int8(nil), l.W...)
	l.Bias = append([]int16(nil), l.Bias...)
	return l
}

// Row returns the weights of output neuron o.
func (l *Layer) Row(o int) []int8 { return l.W[o*l.In : (o+1)*l.In] }
