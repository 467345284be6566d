//go:build goexperiment.simd && amd64

package qat

import (
	"math"
	"simd/archsimd"

	"mulm/quant"
)

// The float kernels with simd/archsimd. They give the portable kernels'
// results bit for bit, so that a seed gives one model whatever the build:
// axpy is element-wise (a separate multiply and add per element, as Go
// computes y[i] += a*x[i] on amd64, never a fused multiply-add), and dot
// keeps the portable version's four partial sums (lane j sums the
// elements ≡ j mod 4 in order) and their final pairing.

var (
	hasAVX512 = archsimd.X86.AVX512()
	hasAVX    = archsimd.X86.AVX()
)

// simdKernels names the float kernels in use.
var simdKernels = func() string {
	switch {
	case hasAVX512:
		return "AVX-512"
	case hasAVX:
		return "AVX"
	}
	return "portable (no AVX)"
}()

func axpy(y, x []float32, a float32) {
	if !hasAVX512 {
		axpyGeneric(y, x, a)
		return
	}
	x = x[:len(y)]
	va := archsimd.BroadcastFloat32x16(a)
	i := 0
	for ; i+16 <= len(y); i += 16 {
		yv := archsimd.LoadFloat32x16((*[16]float32)(y[i : i+16]))
		xv := archsimd.LoadFloat32x16((*[16]float32)(x[i : i+16]))
		yv.Add(xv.Mul(va)).Store((*[16]float32)(y[i : i+16]))
	}
	// The scalar float code around (SSE) would otherwise run with dirty
	// upper register halves, which makes every SSE instruction slow.
	archsimd.ClearAVXUpperBits()
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}

func dot(x, y []float32) float32 {
	if !hasAVX {
		return dotGeneric(x, y)
	}
	y = y[:len(x)]
	var s archsimd.Float32x4
	i := 0
	for ; i+4 <= len(x); i += 4 {
		xv := archsimd.LoadFloat32x4((*[4]float32)(x[i : i+4]))
		yv := archsimd.LoadFloat32x4((*[4]float32)(y[i : i+4]))
		s = s.Add(xv.Mul(yv))
	}
	var l [4]float32
	s.Store(&l)
	for ; i < len(x); i++ {
		l[0] += x[i] * y[i]
	}
	return (l[0] + l[1]) + (l[2] + l[3])
}

// adamRange is adamGeneric with AVX-512 on whole vectors of 16: the same
// operations in the same order on float32 (the square root of a float32
// computed in float64 and rounded is the correctly rounded float32 square
// root that VSQRTPS gives; rounding to an integer is exact in either
// width), so the results are identical.
func adamRange(a *adamArgs, lo, hi int) {
	if !hasAVX512 {
		adamGeneric(a, lo, hi)
		return
	}
	// Weights [lo, min(hi, nw)), then biases [max(lo, nw), hi).
	wHi := min(hi, a.nw)
	// blend is decided here: a float comparison inside the loops would be
	// an SSE instruction among AVX ones, which this CPU makes slow.
	blend := a.alpha != 1
	if lo < wHi {
		adamVec(a, lo, wHi, true, blend)
	}
	if bLo := max(lo, a.nw); bLo < hi {
		adamVec(a, bLo, hi, false, blend)
	}
	archsimd.ClearAVXUpperBits()
}

func adamVec(a *adamArgs, lo, hi int, weights, blend bool) {
	vb1, vb1c := archsimd.BroadcastFloat32x16(b1), archsimd.BroadcastFloat32x16(1-b1)
	vb2, vb2c := archsimd.BroadcastFloat32x16(b2), archsimd.BroadcastFloat32x16(1-b2)
	veps, vic2 := archsimd.BroadcastFloat32x16(eps), archsimd.BroadcastFloat32x16(a.ic2)
	vscale, vdecay := archsimd.BroadcastFloat32x16(a.scale), archsimd.BroadcastFloat32x16(a.decay)
	vlrW, vlrB := archsimd.BroadcastFloat32x16(a.lrW), archsimd.BroadcastFloat32x16(a.lrB)
	vwMin, vwMax := archsimd.BroadcastFloat32x16(wMin), archsimd.BroadcastFloat32x16(wMax)
	vqMin, vqMax := archsimd.BroadcastFloat32x16(quant.Min), archsimd.BroadcastFloat32x16(quant.Max)
	vbMin, vbMax := archsimd.BroadcastFloat32x16(math.MinInt16), archsimd.BroadcastFloat32x16(math.MaxInt16)
	valpha, vzero := archsimd.BroadcastFloat32x16(a.alpha), archsimd.BroadcastFloat32x16(0)
	g0 := a.g[0]
	i := lo
	for ; i+16 <= hi; i += 16 {
		g := archsimd.LoadFloat32x16((*[16]float32)(g0[i : i+16]))
		for _, gk := range a.g[1:] {
			g = g.Add(archsimd.LoadFloat32x16((*[16]float32)(gk[i : i+16])))
		}
		g = g.Mul(vscale)
		m := vb1.Mul(archsimd.LoadFloat32x16((*[16]float32)(a.m[i : i+16]))).Add(vb1c.Mul(g))
		v := vb2.Mul(archsimd.LoadFloat32x16((*[16]float32)(a.v[i : i+16]))).Add(vb2c.Mul(g).Mul(g))
		m.Store((*[16]float32)(a.m[i : i+16]))
		v.Store((*[16]float32)(a.v[i : i+16]))
		den := v.Sqrt().Mul(vic2).Add(veps)
		p := archsimd.LoadFloat32x16((*[16]float32)(a.p[i : i+16]))
		var q archsimd.Float32x16
		if weights {
			x := p.Mul(vdecay).Sub(vlrW.Mul(m).Div(den))
			p = vwMin.Max(vwMax.Min(x))
			q = vqMin.Max(vqMax.Min(p.RoundToEvenScaled(0)))
		} else {
			p = p.Sub(vlrB.Mul(m).Div(den))
			q = vbMin.Max(vbMax.Min(p.RoundToEvenScaled(0)))
		}
		p.Store((*[16]float32)(a.p[i : i+16]))
		q = q.Add(vzero) // −0 → +0: the portable Q(w) is an integer, never −0
		if blend {
			q = p.Add(valpha.Mul(q.Sub(p)))
		}
		q.Store((*[16]float32)(a.eff[i : i+16]))
	}
	if i < hi {
		archsimd.ClearAVXUpperBits()
		adamGeneric(a, i, hi)
	}
}
