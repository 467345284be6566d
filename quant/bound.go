package quant

import (
	"math"
	"runtime"
	"sync"

	"mulm/trigram"
)

// Domain is the set of input vectors the symbolic analysis bounds over: the
// query buckets of every query of at most MaxQuery trigram windows (its
// trimmed length) and the context buckets of every 8-byte context window
// over an alphabet.
type Domain struct {
	// MaxQuery is the most query windows, 0..trigram.MaxQueryLen. The
	// query buckets are then non-negative multiples of trigram.Weight
	// summing to at most trigram.Weight·MaxQuery; the analysis relaxes
	// them to that scaled simplex (sound: every real query lies in it).
	MaxQuery int
	// Alphabet holds the bytes, already lower-cased, that may fill the
	// context window: the model's generated characters and the padding
	// space. Every 8-byte window over it is considered, which includes
	// every window generation can produce; the context part of a linear
	// bound is then maximized exactly by dynamic programming over the 21
	// n-grams. Nil means any byte: the context buckets are then relaxed
	// to non-negative values summing to exactly 32·21.
	Alphabet []byte
}

// ModelDomain is the domain of every input a model with the given charset
// (EOS last, never generated) can see, for queries of at most maxQuery
// windows.
func ModelDomain(charset []byte, maxQuery int) Domain {
	seen := [256]bool{' ': true}
	alpha := []byte{' '}
	for _, c := range charset[:max(0, len(charset)-1)] {
		c = trigram.Lower(c)
		if !seen[c] {
			seen[c] = true
			alpha = append(alpha, c)
		}
	}
	return Domain{MaxQuery: maxQuery, Alphabet: alpha}
}

// policies is the number of lower relaxations tried for unstable neurons.
const policies = 2

// relax is the linear relaxation of one hidden neuron's output
// y = max(0, acc >> shift) in terms of its accumulator:
// lA[p]·acc + lB[p] ≤ y ≤ uA·acc + uB, for each lower-bound policy p.
type relax struct {
	lA, lB [policies]float64
	uA, uB float64
}

// relaxNeuron relaxes y = max(0, floor(acc/2^s)) for acc in [lo, hi]. A
// neuron that can wrap outputs anything in [0, 32767>>s].
func relaxNeuron(lo, hi int64, s uint8) relax {
	d := float64(int64(1) << s)
	errB := (d - 1) / d // floor(a/d) ≥ a/d − (d−1)/d for integer a
	var r relax
	switch {
	case lo < math.MinInt16 || hi > math.MaxInt16:
		r.uB = float64(int64(math.MaxInt16) >> s)
		return r
	case hi < int64(d): // floor(acc/d) ≤ 0: the output is 0
		return r
	case lo >= 0:
		r.uA = 1 / d
		for p := range policies {
			r.lA[p], r.lB[p] = 1/d, -errB
		}
		return r
	}
	// Unstable: max(0, a/d) is convex and above y; its chord from lo to
	// hi is an upper bound. Below, y ≥ t·(a/d − errB) for every t in
	// [0, 1] (a mix of y ≥ 0 and y ≥ a/d − errB). Which t is best depends
	// on the bound being computed, so two are tried and the tightest
	// result kept: t = 0 and the chord's own slope (CROWN's choice).
	// (DeepPoly's t = 1 when the positive side is the larger, tried as a
	// third, narrowed the mean bound of the example guess model's layers
	// by under 0.5 % for half as much time again.)
	l, h := float64(lo), float64(hi)
	k := (h / d) / (h - l)
	r.uA, r.uB = k, -k*l
	ts := [policies]float64{0, k * d}
	for p, t := range ts {
		r.lA[p], r.lB[p] = t/d, -t*errB
	}
	return r
}

// AnalyzeSymbolic bounds every accumulator of a model over the domain by
// symbolic linear bound propagation (DeepPoly-style back-substitution):
// each accumulator's upper and lower bounds are linear functions of the
// model's inputs, built by replacing every hidden neuron with the linear
// relaxation of its shift and ReLU (exact up to the shift's rounding for
// neurons whose accumulator keeps one sign; for the others several lower
// relaxations are tried and the tightest bound kept) and substituting back down to the input vector, where
// the linear function is maximized over the domain: exactly over the
// context windows, over the query simplex for the query. The second
// layer's bounds are also computed by the vertex bound (see vertex.go:
// convexity puts the worst case at a vertex of the query simplex, where
// the first layer's neurons are nearly fixed) and the tighter kept. A neuron whose
// bounds leave the int16 range may wrap; later layers then take its
// output as anything it could print. The bounds are sound: every
// accumulator of every input in the domain lies inside them, and when no
// neuron is flagged no input in the domain wraps.
func AnalyzeSymbolic(layers []Layer, d Domain) OverflowReport {
	var rep OverflowReport
	ctx := newContextMax(d.Alphabet)
	relaxes := make([][]relax, len(layers))
	var vp *vertexPrep
	for li := range layers {
		l := &layers[li]
		lr := LayerReport{Neurons: make([]Range, l.Out)}
		if li == 1 && ctx != nil && len(rep.Layers[0].Wrapping) == 0 {
			vp = newVertexPrep(&layers[0], rep.Layers[0], d, ctx)
		}
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for w := range workers {
			wg.Go(func() {
				for o := w; o < l.Out; o += workers {
					lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
					for p := range policies {
						lo = max(lo, -boundOne(layers, relaxes, li, o, -1, p, d, ctx))
						hi = min(hi, boundOne(layers, relaxes, li, o, 1, p, d, ctx))
					}
					if li == 1 && vp != nil {
						lo = max(lo, -roundBound(vp.bound(l, o, -1, refineVertices)))
						hi = min(hi, roundBound(vp.bound(l, o, 1, refineVertices)))
					}
					lr.Neurons[o] = Range{Min: lo, Max: hi, CanWrap: lo < math.MinInt16 || hi > math.MaxInt16}
				}
			})
		}
		wg.Wait()
		relaxes[li] = make([]relax, l.Out)
		for o, r := range lr.Neurons {
			if r.CanWrap {
				lr.Wrapping = append(lr.Wrapping, o)
			}
			if o == 0 || r.Min < lr.Min {
				lr.Min = r.Min
			}
			if o == 0 || r.Max > lr.Max {
				lr.Max = r.Max
			}
			relaxes[li][o] = relaxNeuron(r.Min, r.Max, l.Shift)
		}
		rep.Layers = append(rep.Layers, lr)
	}
	return rep
}

// boundOne returns an upper bound of sign·acc for neuron o of layer li
// (sign ±1), an integer, using the given lower-relaxation policy.
func boundOne(layers []Layer, relaxes [][]relax, li, o int, sign float64, policy int, d Domain, ctx *contextMax) int64 {
	l := &layers[li]
	coef := make([]float64, l.In)
	for i, w := range l.Row(o) {
		coef[i] = sign * float64(w)
	}
	c := sign * float64(l.Bias[o])
	for k := li - 1; k >= 0; k-- {
		// coef is over layer k's outputs y; replace each y by the side of
		// its relaxation that bounds coef·y from above, then y's
		// accumulator by its bias plus weights times layer k−1's outputs.
		lk := &layers[k]
		next := make([]float64, lk.In)
		for j, cj := range coef {
			if cj == 0 {
				continue
			}
			r := relaxes[k][j]
			var a float64
			if cj > 0 {
				a, c = cj*r.uA, c+cj*r.uB
			} else {
				a, c = cj*r.lA[policy], c+cj*r.lB[policy]
			}
			if a == 0 {
				continue
			}
			c += a * float64(lk.Bias[j])
			for i, w := range lk.Row(j) {
				if w != 0 {
					next[i] += a * float64(w)
				}
			}
		}
		coef = next
	}
	return roundBound(c + maxQuery(coef[:trigram.Buckets], d.MaxQuery) + ctx.max(coef[trigram.Buckets:]))
}

// roundBound turns a float upper bound of an accumulator into an integer
// one: accumulators are integers, so it rounds down; float sums of
// integers and slopes ≤ 1 over a few thousand terms err far below the
// margin added first.
func roundBound(v float64) int64 { return int64(math.Floor(v + 1e-3 + 1e-9*math.Abs(v))) }

// refineVertices is how many query vertices the second layer's vertex
// bound examines exactly per neuron and round (the rest by a cheaper
// bound).
const refineVertices = 8

// maxQuery is the largest coef·q over the query simplex: all the mass on
// the largest coefficient, or none.
func maxQuery(coef []float64, n int) float64 {
	best := 0.0
	for _, c := range coef {
		best = max(best, c)
	}
	return best * float64(trigram.Weight*n)
}

// contextMax maximizes a linear function of the context buckets over every
// 8-byte window over an alphabet: the function is a sum over the 21
// n-grams, each depending on at most three consecutive bytes, so dynamic
// programming over positions with the last two bytes as state is exact.
type contextMax struct {
	a int
	// b1[p][x], b2[p][x*a+y] and b3[p][(y*a+z)*a+x] are the buckets of the
	// 1-, 2- and 3-grams starting at p over alphabet indices (x, y, z the
	// bytes at p, p+1, p+2; b3 keeps x innermost for the programme's inner
	// loop).
	b1, b2, b3 [][]uint8
}

func newContextMax(alpha []byte) *contextMax {
	if alpha == nil {
		return nil
	}
	a := len(alpha)
	cm := &contextMax{a: a}
	bucket := func(p int, bs ...byte) uint8 {
		h := uint16(7 * p)
		for _, b := range bs {
			h = h*31 + uint16(b)
		}
		return uint8(h % trigram.Buckets)
	}
	for p := 0; p < trigram.ContextLen; p++ {
		t := make([]uint8, a)
		for x := range a {
			t[x] = bucket(p, alpha[x])
		}
		cm.b1 = append(cm.b1, t)
	}
	for p := 0; p+2 <= trigram.ContextLen; p++ {
		t := make([]uint8, a*a)
		for x := range a {
			for y := range a {
				t[x*a+y] = bucket(p, alpha[x], alpha[y])
			}
		}
		cm.b2 = append(cm.b2, t)
	}
	for p := 0; p+3 <= trigram.ContextLen; p++ {
		t := make([]uint8, a*a*a)
		for x := range a {
			for y := range a {
				for z := range a {
					t[(y*a+z)*a+x] = bucket(p, alpha[x], alpha[y], alpha[z])
				}
			}
		}
		cm.b3 = append(cm.b3, t)
	}
	return cm
}

// max returns the largest Σ coef[b]·32 over the window's n-grams b.
func (cm *contextMax) max(coef []float64) float64 {
	if cm == nil { // any bytes: exactly 21 n-grams on the best bucket
		best := math.Inf(-1)
		for _, c := range coef {
			best = max(best, c)
		}
		return best * trigram.Weight * trigram.ContextWindows
	}
	coef = coef[:trigram.Buckets]
	a := cm.a
	// v[y*a+x]: the best sum of the n-grams that end at or before the
	// current position p, given byte x at p−1 and y at p.
	v := make([]float64, a*a)
	for x := range a {
		for y := range a {
			v[y*a+x] = coef[cm.b1[0][x]] + coef[cm.b1[1][y]] + coef[cm.b2[0][x*a+y]]
		}
	}
	nv := make([]float64, a*a)
	s3 := make([]float64, a)
	for p := 2; p < trigram.ContextLen; p++ {
		b1, b2, b3 := cm.b1[p], cm.b2[p-1], cm.b3[p-2]
		for y := range a {
			vy := v[y*a : y*a+a]
			for z := range a {
				// The 3-gram (x, y, z) and its predecessor state (x, y).
				for x, b := range b3[(y*a+z)*a : (y*a+z)*a+a] {
					s3[x] = coef[b]
				}
				best := math.Inf(-1)
				for x, vx := range vy {
					best = max(best, vx+s3[x])
				}
				nv[z*a+y] = best + coef[b1[z]] + coef[b2[y*a+z]]
			}
		}
		v, nv = nv, v
	}
	best := math.Inf(-1)
	for _, s := range v {
		best = max(best, s)
	}
	return best * trigram.Weight
}
