package inspect

import (
	"math"

	"mulm/infer"
	"mulm/quant"
)

// Accumulators returns, for every step of tr and every layer, each
// neuron's accumulator computed without wrapping: bias plus weights times
// the layer's inputs as the engine saw them (the trace's input vector for
// the first layer, the previous layer's recorded outputs after that). A
// value outside the int16 range is an accumulator that wrapped.
func Accumulators(layers []quant.Layer, tr infer.Trace) [][][]int64 {
	out := make([][][]int64, len(tr.Steps))
	for s, st := range tr.Steps {
		in := st.Input
		for li := range layers {
			out[s] = append(out[s], layerAcc(&layers[li], in))
			if li < len(st.Layers) {
				in = st.Layers[li]
			}
		}
	}
	return out
}

func layerAcc(l *quant.Layer, x []int16) []int64 {
	acc := make([]int64, l.Out)
	for o := range acc {
		acc[o] = int64(l.Bias[o])
	}
	for i, v := range x[:l.In] {
		if v == 0 {
			continue
		}
		for o := range l.Out {
			if w := l.W[o*l.In+i]; w != 0 {
				acc[o] += int64(w) * int64(v)
			}
		}
	}
	return acc
}

// Wraps reports whether an accumulator lies outside the int16 range.
func Wraps(acc int64) bool { return acc < math.MinInt16 || acc > math.MaxInt16 }

// excess is how far an accumulator is from wrapping, as a share of the
// int16 range: above 1 means it wrapped.
func excess(acc int64) float64 {
	if acc < 0 {
		return float64(-acc) / 32768
	}
	return float64(acc) / 32767
}
