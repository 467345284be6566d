package infer

import (
	"mulm/quant"
	"mulm/trigram"
)

// DenseLayer computes one layer exactly as the contract reads: for every
// output neuron o, acc = Bias[o] + Σ W[o][i]·x[i] with every addition
// wrapping in 16-bit two's complement, then y[o] = acc >> Shift (arithmetic,
// rounding toward −∞), then max(y, 0) when relu is set. x must have l.In
// entries and y l.Out.
func DenseLayer(y []int16, l *quant.Layer, x []int16, relu bool) {
	x = x[:l.In]
	y = y[:l.Out]
	for o := range y {
		acc := l.Bias[o]
		for i, w := range l.Row(o) {
			acc += int16(w) * x[i] // int16 arithmetic wraps, as the Z80's does
		}
		acc >>= l.Shift
		if relu && acc < 0 {
			acc = 0
		}
		y[o] = acc
	}
}

// Argmax returns the index of the largest value; the lowest index wins a
// tie.
func Argmax(v []int16) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// DenseTrace generates the reply to query with the plain dense forward
// path, recording every step. It is the reference the other engines are
// checked against; it allocates freely.
func (m *Model) DenseTrace(query string) Trace {
	if m.empty() {
		return Trace{Query: query}
	}
	return m.traceSteps(query, func(st *Step, generated []byte) int {
		var x [trigram.InputSize]int16
		trigram.Encode(&x, query, generated)
		st.Input = append([]int16(nil), x[:]...)
		in := st.Input
		for li := range m.layers {
			l := &m.layers[li]
			y := make([]int16, l.Out)
			DenseLayer(y, l, in, li < len(m.layers)-1)
			st.Layers = append(st.Layers, y)
			in = y
		}
		return Argmax(in)
	}, nil)
}

// traceSteps is the generation loop every engine's Trace shares: step
// fills one Step for the reply generated so far and returns the chosen
// index; push (if not nil) feeds each generated character to the engine's
// state. The loop stops at EOS or the model's length limit.
func (m *Model) traceSteps(query string, step func(st *Step, generated []byte) int, push func(c byte)) Trace {
	tr := Trace{Query: query}
	var generated []byte
	for range m.maxLen {
		var st Step
		st.Next = step(&st, generated)
		tr.Steps = append(tr.Steps, st)
		if st.Next == m.EOS() {
			break
		}
		c := m.charset[st.Next]
		generated = append(generated, c)
		if push != nil {
			push(c)
		}
	}
	tr.Reply = string(generated)
	return tr
}
