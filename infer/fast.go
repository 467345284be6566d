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
// in one instruction; only their low 16 bits are ever used (the finish
// functions truncate), and since 2^16 divides 2^32 the result is exactly
// the wrapping 16-bit sum of the contract.
type accs [quant.MaxWidth]int32

// inputLists are the outputs an input adds into with + and with −. Both
// have a multiple of eight entries: they are padded with junk
// accumulators, and in a layer of 256 outputs, which has none to spare,
// corr·x sets its junk accumulator (output 255) right.
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
	// wide is set for a layer of 256 outputs: its lists are padded with
	// output 255, whose own weights are then left out of the lists and
	// which inputLists.corr sets right. Other layers pad their lists with
	// the accumulators past out, never read, in turn: consecutive
	// read-modify-writes of one accumulator would wait for each other.
	wide bool
	// lists[i] holds the outputs input i adds into; it is an array so
	// that a uint8 input index needs no bounds check. All lists of a
	// layer share one backing array.
	lists [quant.MaxWidth]inputLists
	// pad[k], for the first layer only (nil elsewhere), is the share of
	// the context n-grams that lie wholly in the padding when k < 8
	// characters have been generated (pad[8] is zero): a step then walks
	// only the n-grams that touch a generated character (at most 3k of
	// the 21). padIn[k] are the context inputs (bucket counts) pad[k] was
	// computed from.
	pad   []accs
	padIn [][trigram.Buckets]int16
}

// wideJunk is the junk accumulator of a layer of 256 outputs.
const wideJunk = quant.MaxWidth - 1

func buildFast(layers []quant.Layer) []fastLayer {
	fl := make([]fastLayer, len(layers))
	for li := range layers {
		l := &layers[li]
		f := &fl[li]
		f.in, f.out, f.shift, f.relu = l.In, l.Out, l.Shift, li < len(layers)-1
		for o, b := range l.Bias {
			f.bias[o] = int32(b)
		}
		f.wide = l.Out == quant.MaxWidth
		listed := l.Out // outputs listed: all but a wide layer's junk one
		if f.wide {
			listed--
		}
		var idx []uint8
		// add lists the outputs whose weight from input i satisfies want.
		add := func(i int, want func(w int8) bool) {
			for o := range listed {
				if want(l.W[o*l.In+i]) {
					idx = append(idx, uint8(o))
				}
			}
		}
		// end pads a list to a multiple of eight entries and returns
		// where it ends and how many entries it added.
		spare, turn := quant.MaxWidth-l.Out, 0
		end := func() (int, int32) {
			n := int32(0)
			for ; len(idx)%8 != 0; n++ {
				if f.wide {
					idx = append(idx, wideJunk)
				} else {
					idx = append(idx, uint8(l.Out+turn%spare))
					turn++
				}
			}
			return len(idx), n
		}
		off := make([]int, 2*l.In+1)
		corr := make([]int32, l.In)
		for i := range l.In {
			add(i, func(w int8) bool { return w == 1 })
			var np, nm int32
			off[2*i+1], np = end()
			// An output with weight −2 is listed twice, the second time
			// after all the others: two read-modify-writes of one
			// accumulator back to back would wait for each other.
			add(i, func(w int8) bool { return w < 0 })
			add(i, func(w int8) bool { return w < -1 })
			off[2*i+2], nm = end()
			if f.wide { // the junk accumulator's weight, minus the padding's share
				corr[i] = int32(l.W[wideJunk*l.In+i]) - np + nm
			}
		}
		for i := range l.In {
			a, b, c := off[2*i], off[2*i+1], off[2*i+2]
			f.lists[i] = inputLists{idx[a:b:b], idx[b:c:c], corr[i]}
		}
	}
	{ // New checks that the first layer takes the trigram input vector.
		var w [trigram.ContextLen]byte
		trigram.FillWindow(&w, nil)
		var c context
		fl[0].pad = make([]accs, trigram.ContextLen+1)
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
// time, and, in a layer of 256 outputs, corr·x into the junk accumulator.
// The lists are walked from their end, the form in which Go proves every
// index in range.
func (f *fastLayer) addInputs(acc *accs, ids []uint8, x *[quant.MaxWidth]int16) {
	_, _, all := acc[0], x[0], &f.lists // nil checks once, not once per input
	for _, i := range ids {
		v := int32(x[i])
		plus, minus := all[i].plus, all[i].minus
		for j := len(plus) - 8; j >= 0; j -= 8 {
			b := plus[j:]
			acc[b[0]] += v
			acc[b[1]] += v
			acc[b[2]] += v
			acc[b[3]] += v
			acc[b[4]] += v
			acc[b[5]] += v
			acc[b[6]] += v
			acc[b[7]] += v
		}
		for j := len(minus) - 8; j >= 0; j -= 8 {
			b := minus[j:]
			acc[b[0]] -= v
			acc[b[1]] -= v
			acc[b[2]] -= v
			acc[b[3]] -= v
			acc[b[4]] -= v
			acc[b[5]] -= v
			acc[b[6]] -= v
			acc[b[7]] -= v
		}
	}
	if f.wide {
		for _, i := range ids {
			acc[wideJunk] += all[i].corr * int32(x[i])
		}
	}
}

// finish completes a hidden layer: y[o] = int16(acc[o] + base[o]) >>
// shift, where acc holds the shares walked and base the rest (the bias;
// for the first layer, whose acc starts from the bias and query share, the
// padding share). It lists in nz the indices of the positive outputs and
// returns how many there are. The ReLU is implied rather than applied: y
// keeps the negative values, which the next layer never reads since it
// walks only the inputs nz lists (a trace records max(y, 0)). It is
// branch-free: every index is written to nz but only counted when its
// value is positive, which the sign bit of −y says.
func (f *fastLayer) finish(y *[quant.MaxWidth]int16, acc, base *accs, nz *[quant.MaxWidth]uint8) int {
	_, _ = y[0], nz[0] // nil checks once, not once per output
	b := base[:f.out]
	a := acc[:len(b)]
	n := 0
	if f.shift == quant.DefaultShift { // the common case, with a constant shift
		for o, w := range a {
			v := int32(int16(w+b[o])) >> quant.DefaultShift
			y[o] = int16(v)
			nz[uint8(n)] = uint8(o)
			n += int(uint32(-v) >> 31)
		}
		return n
	}
	s := f.shift & 15 // shifts are 0..15 (validated); the mask spares Go's shift-overflow code
	for o, w := range a {
		v := int32(int16(w+b[o])) >> s
		y[o] = int16(v)
		nz[uint8(n)] = uint8(o)
		n += int(uint32(-v) >> 31)
	}
	return n
}

// logits completes the output layer as finish does a hidden one, without
// the ReLU, and returns the argmax, the lowest index winning a tie (as
// Argmax).
func (f *fastLayer) logits(y *[quant.MaxWidth]int16, acc, base *accs) int {
	b := base[:f.out]
	a := acc[:len(b)]
	s := f.shift & 15
	best, top := 0, int16(-1<<15)
	for o, w := range a {
		v := int16(w+b[o]) >> s
		y[o] = v
		if v > top {
			best, top = o, v
		}
	}
	return best
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
	q1  accs                   // layer 1 accumulators: bias + query share
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
	// The first layer walks the n-grams that touch a generated character,
	// those ending at position 8−k or later, from the query share; the
	// padding share is added as it finishes.
	copy(s.acc[:f.out], s.q1[:f.out])
	s.ctx.reset()
	forNGrams(&s.win, trigram.ContextLen-k, func(_, _ int, input uint8) { s.ctx.count(input) })
	f.addInputs(&s.acc, s.ctx.ids[:s.ctx.n], &s.ctx.x)
	if st != nil {
		st.Input = f.usedInput(&s.q, &s.ctx, k)
	}
	base := &f.pad[k]
	cur := 0
	for li := 0; ; li++ {
		if !f.relu {
			next := f.logits(&s.act[cur], &s.acc, base)
			if st != nil {
				st.Layers = append(st.Layers, append([]int16(nil), s.act[cur][:f.out]...))
			}
			return next
		}
		s.nnz = f.finish(&s.act[cur], &s.acc, base, &s.nz)
		if st != nil {
			st.Layers = append(st.Layers, relu(s.act[cur][:f.out]))
		}
		f = &m.fast[li+1]
		clear(s.acc[:f.out])
		f.addInputs(&s.acc, s.nz[:s.nnz], &s.act[cur])
		base = &f.bias
		cur = 1 - cur
	}
}

// relu returns a copy of a hidden layer's outputs as finish leaves them,
// with the ReLU applied.
func relu(y []int16) []int16 {
	r := make([]int16, len(y))
	for i, v := range y {
		r[i] = max(v, 0)
	}
	return r
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
