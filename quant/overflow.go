package quant

import (
	"fmt"
	"io"

	"mulm/trigram"
)

// InputGroup describes a run of inputs [Start, End) that are non-negative
// and together sum to at most Mass (exactly Mass when Exact is set). The
// trigram encoders produce two such groups: the query buckets (at most
// 32·255) and the context buckets (exactly 32·21).
type InputGroup struct {
	Start, End int
	Mass       int64
	Exact      bool
}

// TrigramInputs are the groups of the encoders' input vector.
func TrigramInputs() []InputGroup {
	return []InputGroup{
		{Start: 0, End: trigram.Buckets, Mass: trigram.Weight * trigram.MaxQueryLen},
		{Start: trigram.Buckets, End: trigram.InputSize, Mass: trigram.Weight * trigram.ContextWindows, Exact: true},
	}
}

// Range is the interval [Min, Max] that a neuron's accumulator (bias plus
// weighted sum, before the shift, computed without wrapping) can take.
// CanWrap is set when the interval leaves the int16 range, i.e. when some
// input might make the 16-bit accumulator wrap.
type Range struct {
	Min, Max int64
	CanWrap  bool
}

// LayerReport gathers the ranges of one layer's neurons.
type LayerReport struct {
	Neurons  []Range
	Min, Max int64 // over all neurons
	Wrapping []int // indices of neurons that can wrap
}

// OverflowReport is the result of AnalyzeOverflow.
type OverflowReport struct {
	Layers []LayerReport
}

// CanWrap reports whether any neuron of any layer can wrap.
func (r *OverflowReport) CanWrap() bool {
	for _, l := range r.Layers {
		if len(l.Wrapping) > 0 {
			return true
		}
	}
	return false
}

// AnalyzeOverflow bounds every accumulator of a model over all inputs the
// groups allow. For the first layer each group is a scaled simplex, so the
// largest sum puts the group's whole mass on its largest weight (or on none
// when no weight is positive and the mass need not be spent); the bounds are
// exact for the group model. Later layers use interval arithmetic on the
// previous layer's output intervals: y = acc >> shift, then ReLU for hidden
// layers; a neuron that can wrap may output anything in
// [−32768 >> shift, 32767 >> shift]. Interval arithmetic ignores that
// neurons share their inputs, so deeper layers' bounds are loose: a neuron
// flagged there can wrap only if its inputs reach their extremes together.
func AnalyzeOverflow(layers []Layer, groups []InputGroup) OverflowReport {
	var rep OverflowReport
	var lo, hi []int64 // the previous layer's output intervals
	for li := range layers {
		l := &layers[li]
		lr := LayerReport{Neurons: make([]Range, l.Out)}
		nlo, nhi := make([]int64, l.Out), make([]int64, l.Out)
		for o := range l.Out {
			row := l.Row(o)
			r := Range{Min: int64(l.Bias[o]), Max: int64(l.Bias[o])}
			if li == 0 {
				for _, g := range groups {
					wmin, wmax := int64(Max), int64(Min)
					for _, w := range row[g.Start:min(g.End, l.In)] {
						wmin, wmax = min(wmin, int64(w)), max(wmax, int64(w))
					}
					if !g.Exact {
						wmin, wmax = min(wmin, 0), max(wmax, 0)
					}
					r.Min += g.Mass * wmin
					r.Max += g.Mass * wmax
				}
			} else {
				for i, w := range row {
					a, b := int64(w)*lo[i], int64(w)*hi[i]
					r.Min += min(a, b)
					r.Max += max(a, b)
				}
			}
			r.CanWrap = r.Min < -32768 || r.Max > 32767
			if r.CanWrap {
				lr.Wrapping = append(lr.Wrapping, o)
				nlo[o], nhi[o] = -32768>>l.Shift, 32767>>l.Shift
			} else {
				nlo[o], nhi[o] = r.Min>>l.Shift, r.Max>>l.Shift
			}
			if li < len(layers)-1 {
				nlo[o], nhi[o] = max(nlo[o], 0), max(nhi[o], 0)
			}
			lr.Neurons[o] = r
			if o == 0 || r.Min < lr.Min {
				lr.Min = r.Min
			}
			if o == 0 || r.Max > lr.Max {
				lr.Max = r.Max
			}
		}
		rep.Layers = append(rep.Layers, lr)
		lo, hi = nlo, nhi
	}
	return rep
}

// WriteText prints the report: one line per layer with the accumulator
// range and the neurons that can wrap.
func (r *OverflowReport) WriteText(w io.Writer) error {
	for i, l := range r.Layers {
		status := "cannot wrap"
		if n := len(l.Wrapping); n > 0 {
			status = fmt.Sprintf("%d of %d neurons can wrap", n, len(l.Neurons))
			if n <= 8 {
				status += fmt.Sprintf(" %v", l.Wrapping)
			}
		}
		if _, err := fmt.Fprintf(w, "layer %d: %d neurons, accumulator in [%d, %d]: %s\n",
			i+1, len(l.Neurons), l.Min, l.Max, status); err != nil {
			return err
		}
	}
	return nil
}
