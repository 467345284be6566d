package inspect

import (
	"math/rand/v2"

	"mulm/eval"
	"mulm/infer"
	"mulm/quant"
	"mulm/quant/qat/dataset"
)

// SensitivityOptions steer Sensitivity. The zero value is usable.
type SensitivityOptions struct {
	// Ks are the perturbation rates: one weight code in k is moved to a
	// neighbouring code (default 64, 16, 4).
	Ks []int
	// Seeds is how many random perturbations are averaged per rate
	// (default 3); seed i picks which codes move and in which direction.
	Seeds int
	// Workers bounds the evaluation's goroutines (≤ 0: one per CPU).
	Workers int
}

// SensitivityPoint is the exact-match with one code in K moved: the mean,
// lowest and highest over the seeds.
type SensitivityPoint struct {
	K               int
	Moved           int // codes moved, summed over the seeds
	ExactMatch      float64
	Lowest, Highest float64
}

// LayerSensitivity is one layer's exact-match under perturbation, the
// other layers untouched.
type LayerSensitivity struct {
	Layer    int     // 0-based
	Baseline float64 // exact-match of the unperturbed model
	Seeds    int     // perturbations averaged per point
	Points   []SensitivityPoint
}

// Perturb returns a copy of l in which each weight, with probability 1/k,
// moves to a neighbouring code (−2↔−1↔0↔+1; from an end code inward), and
// the number moved.
func Perturb(l quant.Layer, k int, rng *rand.Rand) (quant.Layer, int) {
	l = l.Clone()
	moved := 0
	for i, w := range l.W {
		if rng.IntN(k) != 0 {
			continue
		}
		switch {
		case w == quant.Min:
			w++
		case w == quant.Max:
			w--
		case rng.IntN(2) == 0:
			w++
		default:
			w--
		}
		l.W[i] = w
		moved++
	}
	return l, moved
}

// Sensitivity measures, for every layer of m, the sequence exact-match on
// pairs (as mulm eval computes it, eval.Evaluate) with that layer's weights
// perturbed by Perturb at each rate and the other layers untouched,
// averaged over several seeded perturbations.
func Sensitivity(m *infer.Model, pairs []dataset.Pair, opt SensitivityOptions) []LayerSensitivity {
	ks := opt.Ks
	if len(ks) == 0 {
		ks = []int{64, 16, 4}
	}
	if opt.Seeds <= 0 {
		opt.Seeds = 3
	}
	base := eval.Evaluate(m, pairs, opt.Workers).ExactMatch()
	layers := m.Layers()
	var out []LayerSensitivity
	for li := range layers {
		ls := LayerSensitivity{Layer: li, Baseline: base, Seeds: opt.Seeds}
		for _, k := range ks {
			pt := SensitivityPoint{K: k, Lowest: 1}
			for seed := range opt.Seeds {
				rng := rand.New(rand.NewPCG(uint64(seed), uint64(li)<<32|uint64(k)))
				p, moved := Perturb(layers[li], k, rng)
				tweaked := append([]quant.Layer(nil), layers...)
				tweaked[li] = p
				pm, err := infer.New(m.Charset(), tweaked, m.MaxLen())
				if err != nil { // cannot happen: the shape and code range are kept
					panic(err)
				}
				em := eval.Evaluate(pm, pairs, opt.Workers).ExactMatch()
				pt.Moved += moved
				pt.ExactMatch += em / float64(opt.Seeds)
				pt.Lowest, pt.Highest = min(pt.Lowest, em), max(pt.Highest, em)
			}
			ls.Points = append(ls.Points, pt)
		}
		out = append(out, ls)
	}
	return out
}
