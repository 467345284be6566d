package infer

import (
	"iter"

	"mulm/quant"
	"mulm/trigram"
)

// The fast path is input-stationary: for every non-zero input x[i] it adds
// x[i] into the accumulators of the outputs whose weight from i is +1 and
// −x[i] into those whose weight is −1 (an output with weight −2 is listed
// there twice), walking lists built once at load. Zero inputs and zero
// weights cost nothing. The query's share of layer 1 does not change while
// a reply is generated, so it is computed once per reply; the context
// n-grams that lie wholly in the padding of a short reply are the same in
// every reply, so their share is computed once at load. Wrapping 16-bit
// addition is associative and commutative, so the result is bit-identical
// to DenseLayer's.

// accs are accumulators. They are 32 bits wide so that Go adds into memory
// in one instruction; only their low 16 bits are ever used (finish
// truncates), and since 2^16 divides 2^32 the result is exactly the
// wrapping 16-bit sum of the contract.
type accs [quant.MaxWidth]int32

// inputLists are the outputs an input adds into with + and with −.
// Both have a multiple of eight entries: they are padded with the
// layer's junk accumulator, and corr·x corrects that accumulator.
type inputLists struct {
	plus, minus []uint8
	corr        int32
}

// fastLayer is a layer unpacked for the fast path.
type fastLayer struct {
	in, out int
	shift   uint8
	relu    bool
	bias    accs
	// junk is the accumulator the lists are padded with: slot out, never
	// read, when the layer has fewer than 256 outputs; else output 255,
	// whose own weights are then left out of the lists and which
	// inputLists.corr sets right.
	junk uint8
	// lists[i] holds the outputs input i adds into. All lists share one
	// backing array.
	lists []inputLists
	// pad[k], for the first layer only (nil elsewhere), is the share of
	// the context n-grams that lie wholly in the padding when k < 8
	// characters have been generated: a step then walks only the n-grams
	// that touch a generated character (at most 3k of the 21). padIn[k]
	// are the context inputs (bucket counts) pad[k] was computed from.
	pad   []accs
	padIn [][trigram.Buckets]int16
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
		// Every list is padded with the junk accumulator to a multiple of
		// eight, so that addInputs has no remainder loop.
		f.junk = uint8(min(l.Out, quant.MaxWidth-1))
		listed := l.Out // outputs listed: all but the junk one
		if l.Out == quant.MaxWidth {
			listed--
		}
		var idx []uint8
		fill := func() int32 {
			n := int32(0)
			for len(idx)%8 != 0 {
				idx = append(idx, f.junk)
				n++
			}
			return n
		}
		off := make([]int, 2*l.In+1)
		corr := make([]int32, l.In)
		for i := range l.In {
			off[2*i] = len(idx)
			for o := range listed {
				if l.W[o*l.In+i] == 1 {
					idx = append(idx, uint8(o))
				}
			}
			np := fill()
			off[2*i+1] = len(idx)
			// An output with weight −2 is listed twice, the second time
			// after all the others: two read-modify-writes of one
			// accumulator back to back would wait for each other.
			for o := range listed {
				if l.W[o*l.In+i] < 0 {
					idx = append(idx, uint8(o))
				}
			}
			for o := range listed {
				if l.W[o*l.In+i] < -1 {
					idx = append(idx, uint8(o))
				}
			}
			nm := fill()
			if listed < l.Out { // the junk accumulator is output 255: its weight, minus the padding's share
				corr[i] = int32(l.W[int(f.junk)*l.In+i]) - np + nm
			}
		}
		off[2*l.In] = len(idx)
		f.lists = make([]inputLists, l.In)
		for i := range f.lists {
			a, b, c := off[2*i], off[2*i+1], off[2*i+2]
			f.lists[i] = inputLists{idx[a:b:b], idx[b:c:c], corr[i]}
		}
	}
	{ // New checks that the first layer takes the trigram input vector.
		var w [trigram.ContextLen]byte
		trigram.FillWindow(&w, nil)
		var c context
		fl[0].pad = make([]accs, trigram.ContextLen)
		fl[0].padIn = make([][trigram.Buckets]int16, trigram.ContextLen)
		for k := range trigram.ContextLen {
			// The padding n-grams are those that do not touch the last k
			// positions: the complement of what next walks.
			c.reset()
			forNGrams(&w, 0, func(i, n int, b uint8) {
				if i+n <= trigram.ContextLen-k {
					c.count(b)
				}
			})
			fl[0].addInputs(&fl[0].pad[k], c.ids[:c.n], &c.x)
			copy(fl[0].padIn[k][:], c.x[trigram.Buckets:])
		}
	}
	return fl
}

// forNGrams calls fn for every context n-gram of window w that ends at
// position end or later (n = 1, 2, 3; start i; its input index
// 128 + bucket, the bucket trigram.ContextBucket's).
func forNGrams(w *[trigram.ContextLen]byte, end int, fn func(i, n int, input uint8)) {
	for n := 1; n <= 3; n++ {
		for i := max(0, end-n+1); i+n <= trigram.ContextLen; i++ {
			fn(i, n, uint8(trigram.Buckets+trigram.ContextBucket(w, i, n)))
		}
	}
}

// context gathers context inputs: their values (x) and the list of the
// non-zero ones (ids).
type context struct {
	x   [quant.MaxWidth]int16
	ids [trigram.ContextWindows]uint8
	n   int
}

func (c *context) count(input uint8) {
	if c.x[input] == 0 {
		c.ids[c.n] = input
		c.n++
	}
	c.x[input] += trigram.Weight
}

func (c *context) reset() {
	for _, i := range c.ids[:c.n] {
		c.x[i] = 0
	}
	c.n = 0
}

// addInputs adds inputs ids, with values x[id], into acc: for each, x into
// the outputs of its + list and −x into those of its − list, eight at a
// time, and corr·x into the junk accumulator.
func (f *fastLayer) addInputs(acc *accs, ids []uint8, x *[quant.MaxWidth]int16) {
	junk := f.junk
	for _, i := range ids {
		v := int32(x[i])
		lists := &f.lists[i]
		acc[junk] += lists.corr * v
		part := lists.plus
		for range 2 {
			for len(part) >= 8 {
				acc[part[0]] += v
				acc[part[1]] += v
				acc[part[2]] += v
				acc[part[3]] += v
				acc[part[4]] += v
				acc[part[5]] += v
				acc[part[6]] += v
				acc[part[7]] += v
				part = part[8:]
			}
			part, v = lists.minus, -v
		}
	}
}

// finish shifts (and rectifies) the accumulators into y and, for a hidden
// layer, lists the indices of the non-zero outputs in nz, returning how
// many there are (the output layer's values feed no layer: it returns 0
// and leaves nz alone). It is branch-free: every index is written to nz
// but only counted when its value is not zero; after ReLU a value v is
// not negative, so the sign bit of −v says whether it is zero.
func (f *fastLayer) finish(y *[quant.MaxWidth]int16, acc *accs, nz *[quant.MaxWidth]uint8) int {
	a := acc[:f.out]
	ys := y[:len(a)]
	s := f.shift & 15 // shifts are 0..15 (validated); the mask spares Go's shift-overflow code
	if !f.relu {
		if f.shift == quant.DefaultShift { // the common case, with a constant shift
			for o, w := range a {
				ys[o] = int16(w) >> quant.DefaultShift
			}
		} else {
			for o, w := range a {
				ys[o] = int16(w) >> s
			}
		}
		return 0
	}
	n := 0
	if f.shift == quant.DefaultShift {
		for o, w := range a {
			v := max(int16(w)>>quant.DefaultShift, 0)
			ys[o] = v
			nz[uint8(n)] = uint8(o)
			n += int(uint32(-int32(v)) >> 31)
		}
		return n
	}
	for o, w := range a {
		v := max(int16(w)>>s, 0)
		ys[o] = v
		nz[uint8(n)] = uint8(o)
		n += int(uint32(-int32(v)) >> 31)
	}
	return n
}

// listNonZero lists in nz the indices of the non-zero entries of x
// (len(x) ≤ 256) and returns how many there are. It is branch-free: every
// index is written but only counted when its value is not zero, which the
// sign bit of v|−v says.
func listNonZero(nz *[quant.MaxWidth]uint8, x []int16) int {
	n := 0
	for i, v := range x {
		nz[uint8(n)] = uint8(i)
		n += int(uint16(v|-v) >> 15)
	}
	return n
}

// state is the scratch of one reply in progress.
type state struct {
	q   [trigram.Buckets]int16 // the query buckets
	q1  accs                   // layer 1 accumulators: bias + query part
	acc accs
	act [2][quant.MaxWidth]int16
	nz  [quant.MaxWidth]uint8 // indices of the non-zero entries of the current act
	nnz int
	ctx context
	window
}

// window is a reply's context window, shared by the fast path and the SIMD
// engine.
type window struct {
	win [trigram.ContextLen]byte // last generated characters, lower-cased
	n   int                      // characters generated so far
}

// clear empties the window: all spaces, nothing generated.
func (w *window) clear() {
	for i := range w.win {
		w.win[i] = ' '
	}
	w.n = 0
}

// begin starts a reply to query: computes the query's share of layer 1 and
// clears the context window.
func (m *Model) begin(s *state, query string) {
	f := &m.fast[0]
	trigram.EncodeQuery(&s.q, query)
	copy(s.act[0][:], s.q[:])
	n := listNonZero(&s.nz, s.q[:])
	s.q1 = f.bias
	f.addInputs(&s.q1, s.nz[:n], &s.act[0])
	s.clear()
}

// next runs the model once for the current context and returns the argmax
// index. When st is not nil the input vector the step used (the query
// buckets begin counted, the context buckets of the padding share and of
// the n-grams walked) and every layer's output are recorded in it.
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
	// The n-grams that touch a generated character: those ending at
	// position 8−k or later.
	s.ctx.reset()
	forNGrams(&s.win, trigram.ContextLen-k, func(_, _ int, input uint8) { s.ctx.count(input) })
	f.addInputs(&s.acc, s.ctx.ids[:s.ctx.n], &s.ctx.x)
	if st != nil {
		st.Input = f.usedInput(&s.q, &s.ctx, k)
	}
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
		f.addInputs(&s.acc, s.nz[:s.nnz], &s.act[cur])
		s.nnz = f.finish(&s.act[1-cur], &s.acc, &s.nz)
		cur = 1 - cur
	}
	return Argmax(s.act[cur][:f.out])
}

// usedInput is the input vector a step used, for its trace: the query
// buckets q the reply began with, and the context buckets of the padding
// share for k generated characters plus those of the n-grams walked (ctx).
// f is the first layer.
func (f *fastLayer) usedInput(q *[trigram.Buckets]int16, c *context, k int) []int16 {
	in := make([]int16, trigram.InputSize)
	copy(in, q[:])
	ctx := in[trigram.Buckets:]
	copy(ctx, c.x[trigram.Buckets:])
	if k < trigram.ContextLen {
		for i, v := range f.padIn[k] {
			ctx[i] += v
		}
	}
	return in
}

// push appends a generated character to the context window.
func (w *window) push(c byte) {
	copy(w.win[:], w.win[1:])
	w.win[len(w.win)-1] = trigram.Lower(c)
	w.n++
}

// AppendReply appends the reply to query to dst and returns the extended
// slice. With enough capacity in dst it does not allocate. It runs the
// SIMD engine when the build has it (GOEXPERIMENT=simd on amd64) and the
// CPU supports it, else the portable fast path; both give DenseTrace's
// reply bit for bit.
func (m *Model) AppendReply(dst []byte, query string) []byte {
	if m.empty() {
		return dst
	}
	if m.simdKernel != nil {
		return m.simdAppendReply(m.simdKernel, dst, query)
	}
	return m.fastAppendReply(dst, query)
}

// fastAppendReply is AppendReply on the portable fast path. It and
// simdAppendReply keep their own generation loop rather than traceSteps'
// so that each step of the Reply hot path is a direct (inlinable) call.
func (m *Model) fastAppendReply(dst []byte, query string) []byte {
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
// step: the input vector the fast path used, every layer's outputs and
// the argmax. It gives the same result as DenseTrace.
func (m *Model) Trace(query string) Trace {
	if m.empty() {
		return Trace{Query: query}
	}
	s := new(state)
	m.begin(s, query)
	return m.traceSteps(query, func(st *Step, _ []byte) int { return m.next(s, st) }, s.push)
}

// Chars streams the reply to query one character at a time, as it is
// generated. Stopping the iteration early stops the generation.
func (m *Model) Chars(query string) iter.Seq[byte] {
	return func(yield func(byte) bool) {
		if m.empty() {
			return
		}
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
