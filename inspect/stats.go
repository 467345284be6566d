package inspect

import (
	"slices"

	"mulm/infer"
	"mulm/quant"
)

// WeightStats counts one layer's weight codes.
type WeightStats struct {
	In, Out int
	// Codes[k] counts the weights with code k (weight k−2): −2, −1, 0, +1.
	Codes [4]int
}

// NonZero is the share of non-zero weights.
func (w WeightStats) NonZero() float64 {
	n := w.In * w.Out
	if n == 0 {
		return 0
	}
	return float64(n-w.Codes[2]) / float64(n)
}

// Weights returns the code counts of every layer.
func Weights(m *infer.Model) []WeightStats {
	var out []WeightStats
	for _, l := range m.Layers() {
		s := WeightStats{In: l.In, Out: l.Out}
		for _, w := range l.W {
			s.Codes[quant.Code(w)]++
		}
		out = append(out, s)
	}
	return out
}

// LayerActivity is what one layer did over a set of queries.
type LayerActivity struct {
	// Outputs and NonZero count the layer's outputs over every step of
	// every reply, and those that were not zero.
	Outputs, NonZero int
	// Min and Max are each neuron's lowest and highest accumulator
	// (without wrapping).
	Min, Max []int64
	// Wrapped counts the accumulators outside the int16 range.
	Wrapped int
}

// NonZeroShare is NonZero/Outputs.
func (a LayerActivity) NonZeroShare() float64 {
	if a.Outputs == 0 {
		return 0
	}
	return float64(a.NonZero) / float64(a.Outputs)
}

// Activity answers every query and gathers, per layer, the share of
// non-zero outputs and every neuron's accumulator range.
func Activity(m *infer.Model, queries []string) []LayerActivity {
	layers := m.Layers()
	out := make([]LayerActivity, len(layers))
	for li, l := range layers {
		out[li].Min = make([]int64, l.Out)
		out[li].Max = make([]int64, l.Out)
	}
	first := true
	for _, q := range queries {
		tr := m.Trace(q)
		accs := Accumulators(layers, tr)
		for s, st := range tr.Steps {
			for li, y := range st.Layers {
				a := &out[li]
				a.Outputs += len(y)
				for o, v := range y {
					if v != 0 {
						a.NonZero++
					}
					acc := accs[s][li][o]
					if first {
						a.Min[o], a.Max[o] = acc, acc
					}
					a.Min[o], a.Max[o] = min(a.Min[o], acc), max(a.Max[o], acc)
					if Wraps(acc) {
						a.Wrapped++
					}
				}
			}
			first = false
		}
	}
	return out
}

// Candidate is one output character and its logit.
type Candidate struct {
	Char  byte // the charset entry; EOS is flagged
	EOS   bool
	Logit int16
}

// StepView is one generated character of a query: the input vector and the
// best candidates, best first.
type StepView struct {
	Input []int16
	Top   []Candidate
}

// QueryView is a query's reply, step by step.
type QueryView struct {
	Query, Reply string
	Steps        []StepView
}

// View answers query and returns, per step, its input vector and the top
// candidates with their logits (ties in charset order, as the argmax).
func View(m *infer.Model, query string, top int) QueryView {
	tr := m.Trace(query)
	cs := m.Charset()
	v := QueryView{Query: query, Reply: tr.Reply}
	for _, st := range tr.Steps {
		logits := st.Layers[len(st.Layers)-1]
		idx := make([]int, len(logits))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return int(logits[b]) - int(logits[a]) })
		sv := StepView{Input: st.Input}
		for _, i := range idx[:min(top, len(idx))] {
			sv.Top = append(sv.Top, Candidate{Char: cs[i], EOS: i == len(cs)-1, Logit: logits[i]})
		}
		v.Steps = append(v.Steps, sv)
	}
	return v
}
