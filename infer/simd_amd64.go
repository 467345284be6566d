//go:build goexperiment.simd && amd64

package infer

import (
	"math/bits"
	"simd/archsimd"

	"mulm/quant"
	"mulm/trigram"
)

// The SIMD engine is the fast path's input-stationary pass with the
// accumulators held as int16 vectors: for every non-zero input x[i] it
// adds x[i]·W[·][i] (the weights from input i, stored as a column of int16
// padded to a whole number of vectors) into all accumulators at once.
// Vector int16 addition and multiplication wrap exactly as the contract's
// 16-bit arithmetic does, and wrapping addition is associative, so the
// query share (once per reply) and the padding share (once per model) are
// precomputed as in the fast path. AVX-512 uses 32 lanes and finds the
// non-zero outputs with a mask; AVX2 uses 16 lanes and a scalar scan.

// simdLayer is a layer laid out for the SIMD engine.
type simdLayer struct {
	in, out, stride int // stride: out rounded up to 32
	shift           uint64
	relu            bool
	bias            []int16   // stride entries, zero past out
	cols            []int16   // in × stride: column i holds the weights from input i
	pad             [][]int16 // first layer: the padding share for k < ContextLen generated characters
}

type simdNet struct{ layers []simdLayer }

// simdState is the scratch of one reply in progress.
type simdState struct {
	q   [trigram.Buckets]int16 // the query buckets
	q1  [256]int16             // first layer: bias + query share
	acc [256]int16
	act [2][256]int16
	nz  [256]uint8
	nnz int
	ctx context
	window
}

func buildSIMD(m *Model) *simdNet {
	sn := &simdNet{}
	for li := range m.layers {
		l := &m.layers[li]
		s := simdLayer{in: l.In, out: l.Out, stride: (l.Out + 31) &^ 31, shift: uint64(l.Shift), relu: li < len(m.layers)-1}
		s.bias = make([]int16, s.stride)
		copy(s.bias, l.Bias)
		s.cols = make([]int16, l.In*s.stride)
		for o := range l.Out {
			for i, w := range l.Row(o) {
				s.cols[i*s.stride+o] = int16(w)
			}
		}
		if li == 0 {
			// The fast path's padding shares are exact sums; their low 16
			// bits are the wrapping sums.
			for _, p := range m.fast[0].pad[:trigram.ContextLen] {
				v := make([]int16, s.stride)
				for o := range l.Out {
					v[o] = int16(p[o])
				}
				s.pad = append(s.pad, v)
			}
		}
		sn.layers = append(sn.layers, s)
	}
	return sn
}

// kernel is one instruction set's pair of primitives.
type kernel struct {
	// add sets acc[:l.stride] to init (+ pad when not nil) plus x[i]·column
	// i for every i in ids.
	add func(l *simdLayer, acc *[256]int16, init, pad []int16, ids []uint8, x *[256]int16)
	// finish shifts (and rectifies) acc into y and lists the non-zero
	// outputs in nz, returning how many.
	finish func(l *simdLayer, y, acc *[256]int16, nz *[256]uint8) int
}

var avx512Kernel = kernel{add512, finish512}
var avx2Kernel = kernel{add256, finish256}

func add512(l *simdLayer, acc *[256]int16, init, pad []int16, ids []uint8, x *[256]int16) {
	st := l.stride
	k := 0
	for ; k+128 <= st; k += 128 {
		a0 := load512(init, pad, k)
		a1 := load512(init, pad, k+32)
		a2 := load512(init, pad, k+64)
		a3 := load512(init, pad, k+96)
		for _, i := range ids {
			v := archsimd.BroadcastInt16x32(x[i])
			col := l.cols[int(i)*st+k:]
			col = col[:128]
			a0 = a0.Add(archsimd.LoadInt16x32((*[32]int16)(col[0:32])).Mul(v))
			a1 = a1.Add(archsimd.LoadInt16x32((*[32]int16)(col[32:64])).Mul(v))
			a2 = a2.Add(archsimd.LoadInt16x32((*[32]int16)(col[64:96])).Mul(v))
			a3 = a3.Add(archsimd.LoadInt16x32((*[32]int16)(col[96:128])).Mul(v))
		}
		a0.Store((*[32]int16)(acc[k : k+32]))
		a1.Store((*[32]int16)(acc[k+32 : k+64]))
		a2.Store((*[32]int16)(acc[k+64 : k+96]))
		a3.Store((*[32]int16)(acc[k+96 : k+128]))
	}
	if k+64 <= st {
		a0 := load512(init, pad, k)
		a1 := load512(init, pad, k+32)
		for _, i := range ids {
			v := archsimd.BroadcastInt16x32(x[i])
			col := l.cols[int(i)*st+k:]
			col = col[:64]
			a0 = a0.Add(archsimd.LoadInt16x32((*[32]int16)(col[0:32])).Mul(v))
			a1 = a1.Add(archsimd.LoadInt16x32((*[32]int16)(col[32:64])).Mul(v))
		}
		a0.Store((*[32]int16)(acc[k : k+32]))
		a1.Store((*[32]int16)(acc[k+32 : k+64]))
		k += 64
	}
	if k+32 <= st {
		a0 := load512(init, pad, k)
		for _, i := range ids {
			v := archsimd.BroadcastInt16x32(x[i])
			col := l.cols[int(i)*st+k:]
			a0 = a0.Add(archsimd.LoadInt16x32((*[32]int16)(col[0:32])).Mul(v))
		}
		a0.Store((*[32]int16)(acc[k : k+32]))
	}
}

// load512 is init[k:k+32], plus pad[k:k+32] when pad is not nil.
func load512(init, pad []int16, k int) archsimd.Int16x32 {
	a := archsimd.LoadInt16x32((*[32]int16)(init[k : k+32]))
	if pad != nil {
		a = a.Add(archsimd.LoadInt16x32((*[32]int16)(pad[k : k+32])))
	}
	return a
}

// load256 is init[k:k+16], plus pad[k:k+16] when pad is not nil.
func load256(init, pad []int16, k int) archsimd.Int16x16 {
	a := archsimd.LoadInt16x16((*[16]int16)(init[k : k+16]))
	if pad != nil {
		a = a.Add(archsimd.LoadInt16x16((*[16]int16)(pad[k : k+16])))
	}
	return a
}

func add256(l *simdLayer, acc *[256]int16, init, pad []int16, ids []uint8, x *[256]int16) {
	st := l.stride
	for k := 0; k+64 <= st; k += 64 {
		a0, a1 := load256(init, pad, k), load256(init, pad, k+16)
		a2, a3 := load256(init, pad, k+32), load256(init, pad, k+48)
		for _, i := range ids {
			v := archsimd.BroadcastInt16x16(x[i])
			col := l.cols[int(i)*st+k:]
			col = col[:64]
			a0 = a0.Add(archsimd.LoadInt16x16((*[16]int16)(col[0:16])).Mul(v))
			a1 = a1.Add(archsimd.LoadInt16x16((*[16]int16)(col[16:32])).Mul(v))
			a2 = a2.Add(archsimd.LoadInt16x16((*[16]int16)(col[32:48])).Mul(v))
			a3 = a3.Add(archsimd.LoadInt16x16((*[16]int16)(col[48:64])).Mul(v))
		}
		a0.Store((*[16]int16)(acc[k : k+16]))
		a1.Store((*[16]int16)(acc[k+16 : k+32]))
		a2.Store((*[16]int16)(acc[k+32 : k+48]))
		a3.Store((*[16]int16)(acc[k+48 : k+64]))
	}
	if k := st &^ 63; k < st { // one block of 32 left
		a0, a1 := load256(init, pad, k), load256(init, pad, k+16)
		for _, i := range ids {
			v := archsimd.BroadcastInt16x16(x[i])
			col := l.cols[int(i)*st+k:]
			col = col[:32]
			a0 = a0.Add(archsimd.LoadInt16x16((*[16]int16)(col[0:16])).Mul(v))
			a1 = a1.Add(archsimd.LoadInt16x16((*[16]int16)(col[16:32])).Mul(v))
		}
		a0.Store((*[16]int16)(acc[k : k+16]))
		a1.Store((*[16]int16)(acc[k+16 : k+32]))
	}
}

func finish512(l *simdLayer, y, acc *[256]int16, nz *[256]uint8) int {
	zero := archsimd.BroadcastInt16x32(0)
	n := 0
	for k := 0; k+32 <= l.stride; k += 32 {
		a := archsimd.LoadInt16x32((*[32]int16)(acc[k : k+32]))
		if l.shift == quant.DefaultShift {
			a = a.ShiftAllRight(quant.DefaultShift) // a constant count is one instruction
		} else {
			a = a.ShiftAllRight(l.shift)
		}
		if l.relu {
			a = a.Max(zero)
		}
		a.Store((*[32]int16)(y[k : k+32]))
		m := a.NotEqual(zero).ToBits()
		if rest := l.out - k; rest < 32 {
			m &= 1<<rest - 1 // lanes past out are never inputs
		}
		for m != 0 {
			nz[uint8(n)] = uint8(k + bits.TrailingZeros32(m))
			n++
			m &= m - 1
		}
	}
	return n
}

func finish256(l *simdLayer, y, acc *[256]int16, nz *[256]uint8) int {
	zero := archsimd.BroadcastInt16x16(0)
	for k := 0; k+16 <= l.stride; k += 16 {
		a := archsimd.LoadInt16x16((*[16]int16)(acc[k : k+16]))
		if l.shift == quant.DefaultShift {
			a = a.ShiftAllRight(quant.DefaultShift)
		} else {
			a = a.ShiftAllRight(l.shift)
		}
		if l.relu {
			a = a.Max(zero)
		}
		a.Store((*[16]int16)(y[k : k+16]))
	}
	return listNonZero(nz, y[:l.out])
}

// simdBegin starts a reply: the query's share of layer 1, an empty window.
func (m *Model) simdBegin(kn *kernel, s *simdState, query string) {
	l := &m.simd.layers[0]
	trigram.EncodeQuery(&s.q, query)
	copy(s.act[0][:], s.q[:])
	n := listNonZero(&s.nz, s.q[:])
	kn.add(l, &s.q1, l.bias, nil, s.nz[:n], &s.act[0])
	archsimd.ClearAVXUpperBits()
	s.clear()
}

// simdNext runs the model once for the current context and returns the
// argmax; with st not nil it records the input vector the step used (the
// query buckets simdBegin counted, the context buckets of the padding share
// and of the n-grams walked) and every layer's outputs.
func (m *Model) simdNext(kn *kernel, s *simdState, st *Step) int {
	l := &m.simd.layers[0]
	k := min(s.n, trigram.ContextLen)
	var pad []int16
	if k < trigram.ContextLen {
		pad = l.pad[k]
	}
	s.ctx.reset()
	forNGrams(&s.win, trigram.ContextLen-k, func(_, _ int, input uint8) { s.ctx.count(input) })
	kn.add(l, &s.acc, s.q1[:], pad, s.ctx.ids[:s.ctx.n], &s.ctx.x)
	if st != nil { // the input this step used, as the fast path records it
		st.Input = m.fast[0].usedInput(&s.q, &s.ctx, k)
	}
	s.nnz = kn.finish(l, &s.act[0], &s.acc, &s.nz)
	cur := 0
	for li := 1; ; li++ {
		if st != nil {
			st.Layers = append(st.Layers, append([]int16(nil), s.act[cur][:l.out]...))
		}
		if li == len(m.simd.layers) {
			break
		}
		l = &m.simd.layers[li]
		kn.add(l, &s.acc, l.bias, nil, s.nz[:s.nnz], &s.act[cur])
		s.nnz = kn.finish(l, &s.act[1-cur], &s.acc, &s.nz)
		cur = 1 - cur
	}
	// The caller's code is SSE; leave the upper register halves clean.
	archsimd.ClearAVXUpperBits()
	return Argmax(s.act[cur][:l.out])
}

func (m *Model) simdAppendReply(kn *kernel, dst []byte, query string) []byte {
	s := m.simdPool.Get().(*simdState)
	m.simdBegin(kn, s, query)
	for range m.maxLen {
		k := m.simdNext(kn, s, nil)
		if k == m.EOS() {
			break
		}
		c := m.charset[k]
		dst = append(dst, c)
		s.push(c)
	}
	m.simdPool.Put(s)
	return dst
}

func (m *Model) simdTrace(kn *kernel, query string) Trace {
	s := new(simdState)
	m.simdBegin(kn, s, query)
	return m.traceSteps(query, func(st *Step, _ []byte) int { return m.simdNext(kn, s, st) }, s.push)
}

// simdImplementations are the SIMD engines, fastest first, with whether
// this CPU runs them.
func simdImplementations() []Implementation {
	mk := func(name string, kn *kernel, ok bool, feature string) Implementation {
		im := Implementation{Name: name,
			Trace:       func(m *Model, q string) Trace { return m.simdTrace(kn, q) },
			AppendReply: func(m *Model, dst []byte, q string) []byte { return m.simdAppendReply(kn, dst, q) }}
		if !ok {
			im.Unavailable = "this CPU lacks " + feature
		}
		return im
	}
	return []Implementation{
		mk("simd-avx512", &avx512Kernel, archsimd.X86.AVX512(), "AVX-512 (F, BW, VL)"),
		mk("simd-avx2", &avx2Kernel, archsimd.X86.AVX2(), "AVX2"),
	}
}

// bestKernel is the fastest kernel this CPU runs, nil for none.
func bestKernel() *kernel {
	switch {
	case archsimd.X86.AVX512():
		return &avx512Kernel
	case archsimd.X86.AVX2():
		return &avx2Kernel
	}
	return nil
}
