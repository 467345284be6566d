package quant

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestOverflowByHand checks bounds worked out by hand on a 256→2→1 model.
func TestOverflowByHand(t *testing.T) {
	w1 := make([]int8, 2*256)
	// Neuron 0: +1 on query bucket 3 and context bucket 130, −2 on
	// context bucket 200. Query part in [0, 8160]; context part in
	// [672·−2, 672·1] = [−1344, 672] (the mass must be spent, and the
	// other context weights are 0, so the bounds are −1344 and 672).
	w1[3], w1[130], w1[200] = 1, 1, -2
	// Neuron 1: every weight −2: query [−16320, 0], context exactly −1344.
	for i := 256; i < 512; i++ {
		w1[i] = -2
	}
	l1 := Layer{In: 256, Out: 2, Shift: 2, W: w1, Bias: []int16{10, -5}}
	// Layer 2: +1, +1. Inputs after >>2 and ReLU: n0 in [0, (10+8160+672)>>2]
	// = [0, 2210]; n1 in [0, max(0, −1349>>2)] = [0, 0]. acc in [7, 2217].
	l2 := Layer{In: 2, Out: 1, Shift: 2, W: []int8{1, 1}, Bias: []int16{7}}
	rep := AnalyzeOverflow([]Layer{l1, l2}, TrigramInputs())
	want := [][]Range{
		{{Min: 10 - 1344, Max: 10 + 8160 + 672}, {Min: -5 - 16320 - 1344, Max: -5 - 1344}},
		{{Min: 7, Max: 7 + 2210}},
	}
	for li, l := range rep.Layers {
		for o, r := range l.Neurons {
			if r != want[li][o] {
				t.Errorf("layer %d neuron %d: %+v, want %+v", li+1, o, r, want[li][o])
			}
		}
	}
	if rep.CanWrap() {
		t.Error("CanWrap on a model that cannot wrap")
	}
	// Now make layer 2 wrap: a bias near the top.
	l2.Bias[0] = 32000
	rep = AnalyzeOverflow([]Layer{l1, l2}, TrigramInputs())
	if !rep.CanWrap() || len(rep.Layers[1].Wrapping) != 1 {
		t.Fatalf("bias 32000 + 2210 should be flagged: %+v", rep.Layers[1])
	}
	var sb strings.Builder
	rep.WriteText(&sb)
	if !strings.Contains(sb.String(), "layer 2: 1 neurons, accumulator in [32000, 34210]: 1 of 1 neurons can wrap [0]") {
		t.Errorf("report text:\n%s", sb.String())
	}
}

// TestOverflowBoundsHold samples inputs the groups allow and checks that
// every exact accumulator lies inside the reported range, and that the
// first layer's bounds are reached by the extreme inputs.
func TestOverflowBoundsHold(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	sizes := []int{256, 40, 30, 5}
	var layers []Layer
	for k := 1; k < len(sizes); k++ {
		l := Layer{In: sizes[k-1], Out: sizes[k], Shift: 2, W: make([]int8, sizes[k-1]*sizes[k]), Bias: make([]int16, sizes[k])}
		for i := range l.W {
			l.W[i] = int8(rng.IntN(4)) - 2
		}
		for i := range l.Bias {
			l.Bias[i] = int16(rng.IntN(2001) - 1000)
		}
		layers = append(layers, l)
	}
	groups := TrigramInputs()
	rep := AnalyzeOverflow(layers, groups)
	for trial := range 300 {
		x := make([]int64, 256)
		// Random windows: up to 255 query windows, exactly 21 context ones.
		for range rng.IntN(256) {
			x[rng.IntN(128)] += 32
		}
		for range 21 {
			x[128+rng.IntN(128)] += 32
		}
		if trial == 0 { // all mass on one bucket each
			clear(x)
			x[0], x[128] = 32*255, 32*21
		}
		for li := range layers {
			l := &layers[li]
			y := make([]int64, l.Out)
			for o := range l.Out {
				acc := int64(l.Bias[o])
				for i, w := range l.Row(o) {
					acc += int64(w) * x[i]
				}
				r := rep.Layers[li].Neurons[o]
				if acc < r.Min || acc > r.Max {
					t.Fatalf("layer %d neuron %d: acc %d outside [%d, %d]", li+1, o, acc, r.Min, r.Max)
				}
				v := int64(int16(acc)) >> l.Shift
				if li < len(layers)-1 {
					v = max(v, 0)
				}
				y[o] = v
			}
			x = y
		}
	}
	// Layer 1's maximum is reached: put each group's mass on the bucket of
	// the neuron's largest weight.
	l := &layers[0]
	for o := range 5 {
		row := l.Row(o)
		x := make([]int64, 256)
		for _, g := range groups {
			best := g.Start
			for i := g.Start; i < g.End; i++ {
				if row[i] > row[best] {
					best = i
				}
			}
			if g.Exact || row[best] > 0 {
				x[best] = g.Mass
			}
		}
		acc := int64(l.Bias[o])
		for i, w := range row {
			acc += int64(w) * x[i]
		}
		if acc != rep.Layers[0].Neurons[o].Max {
			t.Errorf("neuron %d: extreme input gives %d, bound %d", o, acc, rep.Layers[0].Neurons[o].Max)
		}
	}
}
