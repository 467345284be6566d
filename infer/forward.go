package infer

import (
	"fmt"

	"mulm/trigram"
)

// Forward runs the model once, with the fast path, on an arbitrary input
// vector x (trigram.InputSize entries, as trigram.Encode makes them) and
// writes the last layer's outputs to out (which must have one entry per
// charset entry). It returns the argmax (what a reply would generate next)
// and how many accumulators, over all layers, left the int16 range before
// the contract's wrap-around. Forward does not allocate and is safe for
// concurrent use; the trainer uses it to score every training example with
// the exact integer model. On the empty model it returns 0, 0.
func (m *Model) Forward(out []int16, x []int16) (next, overflows int) {
	if m.empty() {
		return 0, 0
	}
	if len(x) != trigram.InputSize || len(out) != len(m.charset) {
		panic(fmt.Sprintf("infer: Forward with %d inputs and %d outputs, want %d and %d",
			len(x), len(out), trigram.InputSize, len(m.charset)))
	}
	s := m.pool.Get().(*state)
	defer m.pool.Put(s)
	return m.forward(s, out, x, nil)
}

// forward is Forward with the scratch s; with st not nil it records every
// layer's outputs.
func (m *Model) forward(s *state, out []int16, x []int16, st *Step) (next, overflows int) {
	copy(s.act[1][:], x)
	n := listNonZero(&s.nz, x)
	cur := 1
	for li := range m.fast {
		f := &m.fast[li]
		clear(s.acc[:f.out])
		f.addInputs(&s.acc, s.nz[:n], &s.act[cur])
		overflows += outside16(s.acc[:f.out], &f.bias)
		cur = 1 - cur
		if !f.relu {
			next = f.logits(&s.act[cur], &s.acc, &f.bias)
			copy(out, s.act[cur][:f.out])
		} else {
			n = f.finish(&s.act[cur], &s.acc, &f.bias, &s.nz)
		}
		if st != nil {
			y := s.act[cur][:f.out]
			if f.relu {
				st.Layers = append(st.Layers, relu(y))
			} else {
				st.Layers = append(st.Layers, append([]int16(nil), y...))
			}
		}
	}
	return next, overflows
}

// forwardTrace generates a reply by encoding every step's whole input
// vector and running forward on it: the implementation "forward" of the
// registry, which proves the trainer's integer engine.
func (m *Model) forwardTrace(query string) Trace {
	s := new(state)
	out := make([]int16, len(m.charset))
	return m.traceSteps(query, func(st *Step, generated []byte) int {
		st.Input = make([]int16, trigram.InputSize)
		trigram.Encode((*[trigram.InputSize]int16)(st.Input), query, generated)
		k, _ := m.forward(s, out, st.Input, st)
		return k
	}, nil)
}

// outside16 counts the accumulators outside the int16 range: the sums of
// the shares walked (a) and the bias. The fast path's 32-bit accumulators
// hold the exact sums (no layer can reach 2^31: at most 32767 + 256·32768·2),
// so this is the number of wrap-arounds the contract performs.
func outside16(a []int32, bias *accs) int {
	n := 0
	for o, v := range a {
		v += bias[o]
		if v != int32(int16(v)) {
			n++
		}
	}
	return n
}
