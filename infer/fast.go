package infer

import (
	"iter"

	"mulm/quant"
	"mulm/trigram"
)

// The fast path is input-stationary: for every non-zero input x[i] it adds
// x[i], −x[i] or −2·x[i] into the accumulators of the outputs whose weight
// from i is +1, −1 or −2, walking lists built once at load. Zero inputs and
// zero weights cost nothing. The query's share of layer 1 does not change
// while a reply is generated, so it is computed once per reply. Wrapping
// 16-bit addition is associative and commutative, so the result is
// bit-identical to DenseLayer's.

// fastLayer is a layer unpacked for the fast path.
type fastLayer struct {
	in, out int
	shift   uint8
	relu    bool
	bias    accs
	// For input i, idx[off[2i]:off[2i+1]] are the outputs with weight +1
	// and idx[off[2i+1]:off[2i+2]] those with weight −1 or −2, a −2 output
	// being listed twice (−2·x = −x − x).
	off []int32
	idx []uint8
	// pad[k], for the first layer only, is the contribution to every
	// accumulator of the context n-grams that lie wholly in the padding
	// when k < 8 characters have been generated: those n-grams are the
	// same in every reply, so a step walks only the 3k columns of the
	// n-grams that touch a generated character.
	pad [trigram.ContextLen]accs
}

func buildFast(layers []quant.Layer) []fastLayer {
	fl := make([]fastLayer, len(layers))
	for li := range layers {
		l := &layers[li]
		f := &fl[li]
		f.in, f.out, f.shift, f.relu = l.In, l.Out, l.Shift, li < len(layers)-1
		for o, b := range l.Bias {
			f.bias[o] = int32(b)
		}
		f.off = make([]int32, 2*l.In+1)
		for i := range l.In {
			f.off[2*i] = int32(len(f.idx))
			for o := range l.Out {
				if l.W[o*l.In+i] == 1 {
					f.idx = append(f.idx, uint8(o))
				}
			}
			f.off[2*i+1] = int32(len(f.idx))
			for o := range l.Out {
				for range max(0, -int(l.W[o*l.In+i])) {
					f.idx = append(f.idx, uint8(o))
				}
			}
		}
		f.off[2*l.In] = int32(len(f.idx))
	}
	if len(fl) > 0 && fl[0].in == trigram.InputSize {
		var w [trigram.ContextLen]byte
		trigram.FillWindow(&w, nil)
		for k := range trigram.ContextLen {
			fl[0].addContext(&fl[0].pad[k], &w, 0, trigram.ContextLen-k)
		}
	}
	return fl
}

// addContext adds into acc the context n-grams of window w that start at
// or after from and end before to: 1-, 2- and 3-grams, each adding
// trigram.Weight to one context bucket.
func (f *fastLayer) addContext(acc *accs, w *[trigram.ContextLen]byte, from, to int) {
	for n := 1; n <= 3; n++ {
		for i := from; i+n <= to; i++ {
			h := uint16(7 * i)
			for _, b := range w[i : i+n] {
				h = h*31 + uint16(b)
			}
			f.add(acc, trigram.Buckets+int(h%trigram.Buckets), trigram.Weight)
		}
	}
}

// addGenerated adds the context n-grams of window w that touch one of the
// k last (generated) characters: those ending at position 8−k or later.
func (f *fastLayer) addGenerated(acc *accs, w *[trigram.ContextLen]byte, k int) {
	first := trigram.ContextLen - k // position of the oldest generated character
	for n := 1; n <= 3; n++ {
		for i := max(0, first-n+1); i+n <= trigram.ContextLen; i++ {
			h := uint16(7 * i)
			for _, b := range w[i : i+n] {
				h = h*31 + uint16(b)
			}
			f.add(acc, trigram.Buckets+int(h%trigram.Buckets), trigram.Weight)
		}
	}
}

// add adds input i with value x into acc: x into the outputs of its +1
// list, then −x into those of its −1 list, eight at a time.
func (f *fastLayer) add(acc *accs, i int, x int32) {
	o := f.off[2*i : 2*i+3]
	part, rest := f.idx[o[0]:o[1]], f.idx[o[1]:o[2]]
	for k := 0; ; k++ {
		for len(part) >= 8 {
			acc[part[0]] += x
			acc[part[1]] += x
			acc[part[2]] += x
			acc[part[3]] += x
			acc[part[4]] += x
			acc[part[5]] += x
			acc[part[6]] += x
			acc[part[7]] += x
			part = part[8:]
		}
		for _, j := range part {
			acc[j] += x
		}
		if k == 1 {
			return
		}
		part, x = rest, -x
	}
}

// finish shifts (and rectifies) the accumulators into y and lists the
// indices of the non-zero outputs in nz, returning how many there are. It
// is branch-free: v &^ (v >> 15) is 0 for negative v (ReLU), and every
// index is written to nz but only counted when its value is not zero.
func (f *fastLayer) finish(y *[quant.MaxWidth]int16, acc *accs, nz *[quant.MaxWidth]uint8) int {
	a := acc[:f.out]
	ys := y[:len(a)]
	var relu int16 // all ones for hidden layers
	if f.relu {
		relu = -1
	}
	n := 0
	if f.shift == quant.DefaultShift { // the common case, with a constant shift
		for o, w := range a {
			v := int16(w) >> quant.DefaultShift
			v &^= v >> 15 & relu
			ys[o] = v
			nz[uint8(n)] = uint8(o)
			n += int(uint16(v|-v) >> 15)
		}
		return n
	}
	s := f.shift & 15 // shifts are 0..15 (validated); the mask spares Go's shift-overflow code
	for o, w := range a {
		v := int16(w) >> s
		v &^= v >> 15 & relu
		ys[o] = v
		nz[uint8(n)] = uint8(o)
		n += int(uint16(v|-v) >> 15)
	}
	return n
}

// accs are accumulators. They are 32 bits wide so that Go adds into memory
// in one instruction; only their low 16 bits are ever used (finish
// truncates), and since 2^16 divides 2^32 the result is exactly the
// wrapping 16-bit sum of the contract.
type accs [quant.MaxWidth]int32

// state is the scratch of one reply in progress.
type state struct {
	q1  accs // layer 1 accumulators: bias + query part
	acc accs
	act [2][quant.MaxWidth]int16
	nz  [quant.MaxWidth]uint8 // indices of the non-zero entries of the current act
	nnz int
	win [trigram.ContextLen]byte // last generated characters, lower-cased
	n   int                      // characters generated so far
}

// begin starts a reply to query: computes the query's share of layer 1 and
// clears the context window.
func (m *Model) begin(s *state, query string) {
	f := &m.fast[0]
	var q [trigram.Buckets]int16
	trigram.EncodeQuery(&q, query)
	s.q1 = f.bias
	for i, x := range q {
		if x != 0 {
			f.add(&s.q1, i, int32(x))
		}
	}
	for i := range s.win {
		s.win[i] = ' '
	}
	s.n = 0
}

// next runs the model once for the current context and returns the argmax
// index. When st is not nil every layer's output is copied into it.
func (m *Model) next(s *state, st *Step) int {
	f := &m.fast[0]
	k := min(s.n, trigram.ContextLen)
	if k < trigram.ContextLen {
		pad := &f.pad[k]
		for o, q := range s.q1[:f.out] {
			s.acc[o] = q + pad[o]
		}
	} else {
		s.acc = s.q1
	}
	f.addGenerated(&s.acc, &s.win, k)
	s.nnz = f.finish(&s.act[0], &s.acc, &s.nz)
	cur := 0
	for li := 1; ; li++ {
		if st != nil {
			st.Layers = append(st.Layers, append([]int16(nil), s.act[cur][:f.out]...))
		}
		if li == len(m.fast) {
			break
		}
		f = &m.fast[li]
		s.acc = f.bias
		act := &s.act[cur]
		for _, i := range s.nz[:s.nnz] {
			f.add(&s.acc, int(i), int32(act[i]))
		}
		s.nnz = f.finish(&s.act[1-cur], &s.acc, &s.nz)
		cur = 1 - cur
	}
	return Argmax(s.act[cur][:f.out])
}

// push appends a generated character to the context window.
func (s *state) push(c byte) {
	copy(s.win[:], s.win[1:])
	s.win[len(s.win)-1] = trigram.Lower(c)
	s.n++
}

// AppendReply appends the reply to query to dst and returns the extended
// slice. With enough capacity in dst it does not allocate.
func (m *Model) AppendReply(dst []byte, query string) []byte {
	s := m.pool.Get().(*state)
	m.begin(s, query)
	for range m.maxLen {
		k := m.next(s, nil)
		if k == m.EOS() {
			break
		}
		c := m.charset[k]
		dst = append(dst, c)
		s.push(c)
	}
	m.pool.Put(s)
	return dst
}

// Reply returns the model's reply to query, generated with the fast path.
func (m *Model) Reply(query string) string {
	var buf [DefaultMaxLen]byte
	return string(m.AppendReply(buf[:0], query))
}

// Trace generates the reply to query with the fast path and records every
// step. It gives the same result as DenseTrace.
func (m *Model) Trace(query string) Trace {
	s := new(state)
	m.begin(s, query)
	tr := Trace{Query: query}
	var generated []byte
	for range m.maxLen {
		st := Step{Input: make([]int16, trigram.InputSize)}
		trigram.Encode((*[trigram.InputSize]int16)(st.Input), query, generated)
		k := m.next(s, &st)
		st.Next = k
		tr.Steps = append(tr.Steps, st)
		if k == m.EOS() {
			break
		}
		generated = append(generated, m.charset[k])
		s.push(m.charset[k])
	}
	tr.Reply = string(generated)
	return tr
}

// Chars streams the reply to query one character at a time, as it is
// generated. Stopping the iteration early stops the generation.
func (m *Model) Chars(query string) iter.Seq[byte] {
	return func(yield func(byte) bool) {
		s := m.pool.Get().(*state)
		defer m.pool.Put(s)
		m.begin(s, query)
		for range m.maxLen {
			k := m.next(s, nil)
			if k == m.EOS() || !yield(m.charset[k]) {
				return
			}
			s.push(m.charset[k])
		}
	}
}
