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
	bias    []int16
	// For input i, idx[off[2i]:off[2i+1]] are the outputs with weight +1
	// and idx[off[2i+1]:off[2i+2]] those with weight −1 or −2, a −2 output
	// being listed twice (−2·x = −x − x).
	off []int32
	idx []uint8
	// ctx0 is, for the first layer only, the contribution of the empty
	// context (eight spaces) to every accumulator: the first step of every
	// reply starts from it instead of walking 21 context columns.
	ctx0 [quant.MaxWidth]int16
}

func buildFast(layers []quant.Layer) []fastLayer {
	fl := make([]fastLayer, len(layers))
	for li := range layers {
		l := &layers[li]
		f := &fl[li]
		f.in, f.out, f.shift, f.relu = l.In, l.Out, l.Shift, li < len(layers)-1
		f.bias = l.Bias
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
		fl[0].addContext(&fl[0].ctx0, &w)
	}
	return fl
}

// addContext adds the context buckets of window w into acc: 21 n-grams,
// each adding trigram.Weight to one context bucket.
func (f *fastLayer) addContext(acc *[quant.MaxWidth]int16, w *[trigram.ContextLen]byte) {
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= trigram.ContextLen; i++ {
			h := uint16(7 * i)
			for _, b := range w[i : i+n] {
				h = h*31 + uint16(b)
			}
			f.add(acc, trigram.Buckets+int(h%trigram.Buckets), trigram.Weight)
		}
	}
}

// add adds input i with value x into acc.
func (f *fastLayer) add(acc *[quant.MaxWidth]int16, i int, x int16) {
	o := f.off[2*i : 2*i+3]
	addTo(acc, f.idx[o[0]:o[1]], x)
	addTo(acc, f.idx[o[1]:o[2]], -x)
}

// addTo adds x to acc[j] for every j in ids, eight at a time.
func addTo(acc *[quant.MaxWidth]int16, ids []uint8, x int16) {
	for len(ids) >= 8 {
		acc[ids[0]] += x
		acc[ids[1]] += x
		acc[ids[2]] += x
		acc[ids[3]] += x
		acc[ids[4]] += x
		acc[ids[5]] += x
		acc[ids[6]] += x
		acc[ids[7]] += x
		ids = ids[8:]
	}
	for _, j := range ids {
		acc[j] += x
	}
}

// finish shifts (and rectifies) the accumulators into y. ReLU is
// branch-free: v &^ (v >> 15) is 0 for negative v and v otherwise.
func (f *fastLayer) finish(y, acc *[quant.MaxWidth]int16) {
	s := f.shift
	if f.relu {
		for o := range f.out {
			v := acc[o] >> s
			y[o] = v &^ (v >> 15)
		}
		return
	}
	for o := range f.out {
		y[o] = acc[o] >> s
	}
}

// state is the scratch of one reply in progress.
type state struct {
	q1  [quant.MaxWidth]int16 // layer 1 accumulators: bias + query part
	acc [quant.MaxWidth]int16
	act [2][quant.MaxWidth]int16
	win [trigram.ContextLen]byte // last generated characters, lower-cased
	n   int                      // characters generated so far
}

// begin starts a reply to query: computes the query's share of layer 1 and
// clears the context window.
func (m *Model) begin(s *state, query string) {
	f := &m.fast[0]
	var q [trigram.Buckets]int16
	trigram.EncodeQuery(&q, query)
	copy(s.q1[:f.out], f.bias)
	for i, x := range q {
		if x != 0 {
			f.add(&s.q1, i, x)
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
	s.acc = s.q1
	if s.n == 0 {
		for o := range f.out {
			s.acc[o] += f.ctx0[o]
		}
	} else {
		f.addContext(&s.acc, &s.win)
	}
	f.finish(&s.act[0], &s.acc)
	cur := 0
	for li := 1; ; li++ {
		if st != nil {
			st.Layers = append(st.Layers, append([]int16(nil), s.act[cur][:f.out]...))
		}
		if li == len(m.fast) {
			break
		}
		f = &m.fast[li]
		copy(s.acc[:f.out], f.bias)
		for i, x := range s.act[cur][:f.in] {
			if x != 0 {
				f.add(&s.acc, i, x)
			}
		}
		f.finish(&s.act[1-cur], &s.acc)
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
