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
// the exact integer model.
func (m *Model) Forward(out []int16, x []int16) (next, overflows int) {
	if len(x) != trigram.InputSize || len(out) != len(m.charset) {
		panic(fmt.Sprintf("infer: Forward with %d inputs and %d outputs, want %d and %d",
			len(x), len(out), trigram.InputSize, len(m.charset)))
	}
	s := m.pool.Get().(*state)
	defer m.pool.Put(s)
	n := 0
	for i, v := range x {
		s.act[1][i] = v
		s.nz[uint8(n)] = uint8(i)
		n += int(uint16(v|-v) >> 15)
	}
	cur := 1
	for li := range m.fast {
		f := &m.fast[li]
		s.acc = f.bias
		f.addInputs(&s.acc, s.nz[:n], &s.act[cur])
		overflows += outside16(s.acc[:f.out])
		n = f.finish(&s.act[1-cur], &s.acc, &s.nz)
		cur = 1 - cur
	}
	f := &m.fast[len(m.fast)-1]
	copy(out, s.act[cur][:f.out])
	return Argmax(s.act[cur][:f.out]), overflows
}

// outside16 counts the accumulators outside the int16 range. The fast
// path's 32-bit accumulators hold the exact sums (no layer can reach 2^31),
// so this is the number of wrap-arounds the contract performs.
func outside16(a []int32) int {
	n := 0
	for _, v := range a {
		if v != int32(int16(v)) {
			n++
		}
	}
	return n
}
