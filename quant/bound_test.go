package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"mulm/trigram"
)

// exactAcc computes every layer's accumulators without wrapping, the next
// layer's inputs as the engine computes them (wrapping, shift, ReLU).
func exactAcc(layers []Layer, x []int16) [][]int64 {
	var out [][]int64
	in := x
	for li := range layers {
		l := &layers[li]
		acc := make([]int64, l.Out)
		y := make([]int16, l.Out)
		for o := range acc {
			acc[o] = int64(l.Bias[o])
			for i, w := range l.Row(o) {
				acc[o] += int64(w) * int64(in[i])
			}
			v := int16(acc[o]) >> l.Shift
			if li < len(layers)-1 && v < 0 {
				v = 0
			}
			y[o] = v
		}
		out = append(out, acc)
		in = y
	}
	return out
}

func randLayers(rng *rand.Rand, sizes []int, density float64, bias int) []Layer {
	var layers []Layer
	for k := 1; k < len(sizes); k++ {
		l := Layer{In: sizes[k-1], Out: sizes[k], Shift: 2, W: make([]int8, sizes[k-1]*sizes[k]), Bias: make([]int16, sizes[k])}
		for i := range l.W {
			if rng.Float64() < density {
				l.W[i] = int8(rng.IntN(4)) - 2
			}
		}
		for i := range l.Bias {
			l.Bias[i] = int16(rng.IntN(2*bias+1) - bias)
		}
		layers = append(layers, l)
	}
	return layers
}

// TestSymbolicBoundsHold runs real encoded queries and contexts over the
// domain through random models and checks that every accumulator lies in
// the symbolic bounds, for several query lengths.
func TestSymbolicBoundsHold(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	charset := []byte("AB CD?\x00")
	letters := []byte("abcdxyz? ")
	for _, maxQ := range []int{0, 3, 40, 255} {
		layers := randLayers(rng, []int{256, 24, 16, 12, 7}, 0.3, 40)
		d := ModelDomain(charset, maxQ)
		rep := AnalyzeSymbolic(layers, d)
		for range 400 {
			n := rng.IntN(maxQ + 1)
			q := make([]byte, n)
			c := letters[rng.IntN(len(letters)-1)]
			for i := range q {
				if rng.IntN(4) == 0 {
					q[i] = letters[rng.IntN(len(letters))]
				} else {
					q[i] = c
				}
			}
			var w [trigram.ContextLen]byte
			for i := range w {
				w[i] = d.Alphabet[rng.IntN(len(d.Alphabet))]
			}
			var x [trigram.InputSize]int16
			trigram.EncodeQuery((*[trigram.Buckets]int16)(x[:trigram.Buckets]), string(q))
			trigram.EncodeWindow((*[trigram.Buckets]int16)(x[trigram.Buckets:]), &w)
			for li, acc := range exactAcc(layers, x[:]) {
				for o, a := range acc {
					r := rep.Layers[li].Neurons[o]
					if a < r.Min || a > r.Max {
						t.Fatalf("maxQ %d: layer %d neuron %d: accumulator %d outside the bound [%d, %d] (query %q, context %q)",
							maxQ, li+1, o, a, r.Min, r.Max, q, w)
					}
				}
				if len(rep.Layers[li].Wrapping) > 0 {
					break // later layers see wrapped inputs; their bounds still hold but are loose
				}
			}
		}
	}
}

// TestContextMaxExact compares the dynamic programme with every window over
// a three-letter alphabet.
func TestContextMaxExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []byte(" ab")
	cm := newContextMax(alpha)
	coef := make([]float64, trigram.Buckets)
	for i := range coef {
		coef[i] = float64(rng.IntN(9) - 4)
	}
	best := math.Inf(-1)
	var w [trigram.ContextLen]byte
	var v [trigram.Buckets]int16
	var rec func(p int)
	rec = func(p int) {
		if p == trigram.ContextLen {
			trigram.EncodeWindow(&v, &w)
			s := 0.0
			for i, x := range v {
				s += coef[i] * float64(x)
			}
			best = max(best, s)
			return
		}
		for _, c := range alpha {
			w[p] = c
			rec(p + 1)
		}
	}
	rec(0)
	if got := cm.max(coef); got != best {
		t.Fatalf("dynamic programme %v, brute force %v", got, best)
	}
}

// TestSymbolicCancellation checks bounds worked out by hand on a network
// whose hidden neuron is always active, so the relaxation is exact up to
// the shift's rounding.
func TestSymbolicCancellation(t *testing.T) {
	w1 := make([]int8, 256)
	for i := range 128 {
		w1[i] = 1 // the query's mass: 0 … 8160
	}
	l1 := Layer{In: 256, Out: 1, Shift: 2, W: w1, Bias: []int16{100}}
	l2 := Layer{In: 1, Out: 2, Shift: 2, W: []int8{1, -1}, Bias: []int16{0, 0}}
	l3 := Layer{In: 2, Out: 1, Shift: 0, W: []int8{1, 1}, Bias: []int16{0}}
	// y1 = (100 + q + 672·0) >> 2 in [25, 2065]; layer 2: +y1 and −y1,
	// so after ReLU y2 = (y1>>2, 0); layer 3 sums them: at most 516.
	rep := AnalyzeSymbolic([]Layer{l1, l2, l3}, ModelDomain([]byte("A\x00"), trigram.MaxQueryLen))
	if r := rep.Layers[0].Neurons[0]; r.Min != 100 || r.Max != 100+8160 {
		t.Errorf("layer 1: %+v, want [100, 8260]", r)
	}
	if r := rep.Layers[1].Neurons[1]; r.Max > 0 || r.Min < -2065-1 {
		t.Errorf("layer 2 neuron 1: %+v, want within [-2066, 0]", r)
	}
	if r := rep.Layers[2].Neurons[0]; r.Max < 516 || r.Max > 517 || r.Min < 0 {
		t.Errorf("layer 3: %+v, want max 516 (or one more for rounding)", r)
	}
}

// TestVertexBoundTighter: on random two-layer models whose first-layer
// neurons are mostly unstable, the vertex bound of the second layer must
// beat plain back-substitution on most neurons (and it is sound: see
// TestSymbolicBoundsHold, which runs through it).
func TestVertexBoundTighter(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	layers := randLayers(rng, []int{256, 64, 16}, 0.3, 0)
	for i := range layers[0].Bias {
		layers[0].Bias[i] = int16(rng.IntN(4001) - 2000)
	}
	d := ModelDomain([]byte("AB C\x00"), 255)
	ctx := newContextMax(d.Alphabet)
	rep := AnalyzeSymbolic(layers[:1], d)
	relaxes := [][]relax{make([]relax, 64)}
	for o, r := range rep.Layers[0].Neurons {
		relaxes[0][o] = relaxNeuron(r.Min, r.Max, 2)
	}
	vp := newVertexPrep(&layers[0], rep.Layers[0], d, ctx)
	better, worse := 0, 0
	for o := range 16 {
		for _, sign := range []float64{1, -1} {
			deep := int64(math.MaxInt64)
			for p := range policies {
				deep = min(deep, boundOne(layers, relaxes, 1, o, sign, p, d, ctx))
			}
			v := roundBound(vp.bound(&layers[1], o, sign, refineVertices))
			switch {
			case v < deep:
				better++
			case v > deep:
				worse++
			}
		}
	}
	t.Logf("vertex bound tighter on %d, looser on %d of 32", better, worse)
	if better < 24 {
		t.Errorf("the vertex bound is tighter on %d of 32 bounds (looser on %d), want most", better, worse)
	}
}
