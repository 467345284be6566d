package qat

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// skipPortable skips a comparison with the portable kernels when this build
// runs them: it would compare them with themselves.
func skipPortable(t *testing.T) {
	if strings.HasPrefix(simdKernels, "portable") {
		t.Skipf("kernels: %s, nothing to compare (test with GOEXPERIMENT=simd on amd64)", simdKernels)
	}
}

// TestKernelsMatchPortable: the kernels of this build (SIMD with
// GOEXPERIMENT=simd) give the portable kernels' results bit for bit, on
// every length around the vector widths and on values of mixed
// magnitudes, so that a seed gives one model in every build.
func TestKernelsMatchPortable(t *testing.T) {
	skipPortable(t)
	rng := rand.New(rand.NewPCG(1, 2))
	val := func() float32 {
		return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3)))
	}
	for n := 0; n <= 70; n++ {
		for range 20 {
			x, y := make([]float32, n), make([]float32, n)
			for i := range x {
				x[i], y[i] = val(), val()
			}
			a := val()
			y1, y2 := append([]float32(nil), y...), append([]float32(nil), y...)
			axpy(y1, x, a)
			axpyGeneric(y2, x, a)
			for i := range y1 {
				if math.Float32bits(y1[i]) != math.Float32bits(y2[i]) {
					t.Fatalf("%s axpy, n=%d: element %d is %v, portable %v", simdKernels, n, i, y1[i], y2[i])
				}
			}
			if d1, d2 := dot(x, y), dotGeneric(x, y); math.Float32bits(d1) != math.Float32bits(d2) {
				t.Fatalf("%s dot, n=%d: %v, portable %v", simdKernels, n, d1, d2)
			}
		}
	}
	t.Logf("kernels: %s", simdKernels)
}

// TestAdamMatchesPortable: this build's AdamW step gives the portable
// step's parameters, moments and effective weights bit for bit, on
// gradients, moments and parameters that hit the clamps, rounding ties,
// zeros of both signs, and ranges that straddle the weight/bias boundary.
func TestAdamMatchesPortable(t *testing.T) {
	skipPortable(t)
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(vs ...float32) float32 { return vs[rng.IntN(len(vs))] }
	for trial := range 200 {
		n := 1 + rng.IntN(100)
		nw := rng.IntN(n + 1)
		shards := 1 + rng.IntN(3)
		mk := func() []float32 { return make([]float32, n) }
		p, m, v := mk(), mk(), mk()
		var g [][]float32
		for range shards {
			g = append(g, mk())
		}
		for i := range n {
			p[i] = pick(0, float32(math.Copysign(0, -1)), 0.5, -0.5, 1.5, -2.5, 2.4999, float32(rng.NormFloat64()*2), float32(rng.NormFloat64()*40000))
			m[i] = float32(rng.NormFloat64() * 0.01)
			v[i] = float32(rng.Float64() * 1e-4)
			for k := range g {
				g[k][i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(5)-2)))
			}
		}
		args := func(p, m, v, eff []float32) *adamArgs {
			return &adamArgs{p: p, eff: eff, m: m, v: v, g: g, nw: nw, scale: 0.02, lrW: 0.01, lrB: 0.5,
				decay: 0.9999, ic2: 1.3, alpha: pick(1, 0.3, 0.77)}
		}
		clone := func(s []float32) []float32 { return append([]float32(nil), s...) }
		a1 := args(clone(p), clone(m), clone(v), mk())
		a2 := args(clone(p), clone(m), clone(v), mk())
		a2.alpha = a1.alpha
		lo := rng.IntN(n)
		hi := lo + rng.IntN(n-lo+1)
		adamRange(a1, lo, hi)
		adamGeneric(a2, lo, hi)
		for _, c := range []struct {
			name string
			x, y []float32
		}{{"p", a1.p, a2.p}, {"m", a1.m, a2.m}, {"v", a1.v, a2.v}, {"eff", a1.eff, a2.eff}} {
			for i := range c.x {
				if math.Float32bits(c.x[i]) != math.Float32bits(c.y[i]) {
					t.Fatalf("trial %d (%s): %s[%d] = %v, portable %v (nw %d, range %d..%d)", trial, simdKernels, c.name, i, c.x[i], c.y[i], nw, lo, hi)
				}
			}
		}
	}
}

func BenchmarkAdam(b *testing.B) {
	const n = 145000
	mk := func() []float32 { return make([]float32, n) }
	a := &adamArgs{p: mk(), eff: mk(), m: mk(), v: mk(), g: [][]float32{mk(), mk()}, nw: 140000, scale: 0.02, lrW: 0.01, lrB: 0.5, decay: 0.9999, ic2: 1.3, alpha: 0.5}
	for i := range n {
		a.p[i], a.g[0][i], a.g[1][i] = float32(i%7)-3, 0.001*float32(i%13), -0.002*float32(i%5)
	}
	b.Run(simdKernels, func(b *testing.B) {
		for b.Loop() {
			adamRange(a, 0, n)
		}
	})
	b.Run("portable", func(b *testing.B) {
		for b.Loop() {
			adamGeneric(a, 0, n)
		}
	})
}
