package qat

import "math"

// The Adam constants.
const b1, b2, eps = 0.9, 0.999, 1e-8

// adamArgs are one AdamW step's operands: the parameters, the effective
// weights to set for the next batch, the moments, the shards' gradients
// (summed in order), and the step's scalars.
type adamArgs struct {
	p, eff, m, v []float32
	g            [][]float32
	nw           int // p[:nw] are weights, the rest biases
	scale        float32
	lrW, lrB     float32
	decay, ic2   float32
	alpha        float32 // quantization phase of the next batch
}

// adamGeneric takes the step for parameters lo..hi.
func adamGeneric(a *adamArgs, lo, hi int) {
	p, eff := a.p, a.eff
	g0 := a.g[0]
	for i := lo; i < hi; i++ {
		g := g0[i]
		for _, gk := range a.g[1:] {
			g += gk[i]
		}
		g *= a.scale
		m := b1*a.m[i] + (1-b1)*g
		v := b2*a.v[i] + (1-b2)*g*g
		a.m[i], a.v[i] = m, v
		den := float32(math.Sqrt(float64(v)))*a.ic2 + eps
		var q float32
		if i < a.nw {
			x := p[i]*a.decay - a.lrW*m/den
			p[i] = max(wMin, min(wMax, x))
			q = float32(QuantW(p[i]))
		} else {
			p[i] -= a.lrB * m / den
			q = float32(QuantB(p[i]))
		}
		if a.alpha == 1 {
			eff[i] = q
		} else {
			eff[i] = p[i] + a.alpha*(q-p[i])
		}
	}
}

// axpyGeneric adds a·x to y (len(x) ≥ len(y)).
func axpyGeneric(y, x []float32, a float32) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}

// dotGeneric is Σ x·y over len(x) (len(y) ≥ len(x)).
func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}
