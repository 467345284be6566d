package quant

import (
	"math"
	"slices"

	"mulm/trigram"
)

// The second layer's accumulator is b + Σ_j w_j·y_j with y_j the first
// layer's outputs, each a ReLU of an affine function a_j of the input. To
// bound it from above, replace y_j by relu(a_j/d) ≥ y_j where w_j > 0 (a
// convex function) and by a linear lower bound t_j·(a_j/d − e) ≤ y_j where
// w_j < 0. The sum is then convex in the input, so its maximum over the
// domain is reached at an extreme point: a vertex of the query simplex
// (no query, or all windows in one bucket) together with some context
// window. For each of the 129 vertices the context is then handled as in
// the symbolic bound: the ReLUs are linear or relaxed over the narrow range
// the context alone moves them, and the linear function of the context
// buckets is maximized exactly. This is far tighter than back-substitution
// over the whole simplex, where a first-layer neuron's range spans every
// bucket's extreme at once. The lower bound is the same with signs
// flipped.

// vertexPrep holds what the vertex bound needs of the first layer.
type vertexPrep struct {
	l1         *Layer
	d, e       float64     // 2^shift and the floor's error (d−1)/d
	g          [][]float64 // g[v][j]: bias plus query part of a_j at vertex v
	hmin, hmax []float64   // the context part's range per neuron
	rows       [][]float64 // the context weights per neuron
	lo, hi     []int64     // a_j's range over the domain
	ctx        *contextMax
}

func newVertexPrep(l1 *Layer, r LayerReport, d Domain, ctx *contextMax) *vertexPrep {
	p := &vertexPrep{l1: l1, ctx: ctx, d: float64(int64(1) << l1.Shift)}
	p.e = (p.d - 1) / p.d
	mass := float64(trigram.Weight * d.MaxQuery)
	nv := 1 + trigram.Buckets
	p.g = make([][]float64, nv)
	for v := range nv {
		p.g[v] = make([]float64, l1.Out)
		for j := range l1.Out {
			p.g[v][j] = float64(l1.Bias[j])
			if v > 0 {
				p.g[v][j] += mass * float64(l1.W[j*l1.In+v-1])
			}
		}
	}
	for j := range l1.Out {
		row := make([]float64, trigram.Buckets)
		neg := make([]float64, trigram.Buckets)
		for i := range row {
			row[i] = float64(l1.W[j*l1.In+trigram.Buckets+i])
			neg[i] = -row[i]
		}
		p.rows = append(p.rows, row)
		p.hmax = append(p.hmax, ctx.max(row))
		p.hmin = append(p.hmin, -ctx.max(neg))
		p.lo = append(p.lo, r.Neurons[j].Min)
		p.hi = append(p.hi, r.Neurons[j].Max)
	}
	return p
}

// bound returns an upper bound of sign·acc for neuron o of l2.
func (p *vertexPrep) bound(l2 *Layer, o int, sign float64, refine int) float64 {
	n1 := p.l1.Out
	w := make([]float64, n1)
	var nz []int // the first-layer neurons this one reads
	for j := range n1 {
		w[j] = sign * float64(l2.W[o*l2.In+j])
		if w[j] != 0 {
			nz = append(nz, j)
		}
	}
	best := math.Inf(1)
	for _, t := range p.slopes(w, nz) {
		best = min(best, p.boundWith(w, nz, t, refine))
	}
	return best + sign*float64(l2.Bias[o])
}

// slopes proposes lower-relaxation slopes t (one per first-layer neuron,
// in {0, 1}) for the linear terms. A t that is exact at one vertex is poor
// at others, and the bound is the worst vertex, so t should minimize the
// maximum over vertices; that is the minimum over t of a weighted sum
// over vertices for the worst weights, found here by multiplicative
// weights (for a weighted sum each neuron's best t is a sign test). The
// context's share is estimated per neuron by its lowest value. Every t in
// [0, 1] is sound; the candidates are DeepPoly's choice, the best found
// and the average of all rounds (which multiplicative weights makes tend
// to the minimax choice).
func (p *vertexPrep) slopes(w []float64, nz []int) [][]float64 {
	n1, nv := len(w), len(p.g)
	deep := make([]float64, n1)
	for j := range n1 {
		if p.hi[j] > -p.lo[j] {
			deep[j] = 1
		}
	}
	lambda := make([]float64, nv)
	for v := range lambda {
		lambda[v] = 1 / float64(nv)
	}
	t := make([]float64, n1)
	b := make([]float64, nv)
	bestT, bestMax := slices.Clone(deep), math.Inf(1)
	avg := make([]float64, n1)
	const rounds = 60
	for range rounds {
		for _, j := range nz {
			t[j] = 0
			if w[j] >= 0 {
				continue
			}
			s := 0.0
			for v, l := range lambda {
				s += l * ((p.g[v][j]+p.hmin[j])/p.d - p.e)
			}
			if s > 0 {
				t[j] = 1
			}
		}
		// The decoupled bound at every vertex.
		worst, spread := math.Inf(-1), 0.0
		for v := range nv {
			s, g := 0.0, p.g[v]
			for _, j := range nz {
				switch wj := w[j]; {
				case wj > 0:
					s += wj * max(0, (g[j]+p.hmax[j])/p.d)
				case t[j] != 0:
					s += wj * ((g[j]+p.hmin[j])/p.d - p.e)
				}
			}
			b[v] = s
			worst = max(worst, s)
		}
		if worst < bestMax {
			bestMax = worst
			copy(bestT, t)
		}
		for j := range avg {
			avg[j] += t[j] / rounds
		}
		for _, x := range b {
			spread = max(spread, worst-x)
		}
		if spread == 0 {
			break
		}
		// Shift weight towards the worst vertices.
		sum := 0.0
		for v := range lambda {
			lambda[v] *= math.Exp(4 * (b[v] - worst) / spread)
			sum += lambda[v]
		}
		for v := range lambda {
			lambda[v] /= sum
		}
	}
	return [][]float64{deep, bestT, avg}
}

// boundWith is the vertex bound for slopes t.
func (p *vertexPrep) boundWith(w []float64, nz []int, t []float64, refine int) float64 {
	nv := len(p.g)
	cheap := make([]float64, nv)
	order := make([]int, nv)
	coef := make([]float64, trigram.Buckets)
	// The linear terms' context part, the same at every vertex.
	for _, j := range nz {
		if w[j] < 0 && t[j] != 0 {
			a := w[j] * t[j] / p.d
			for i, r := range p.rows[j] {
				coef[i] += a * r
			}
		}
	}
	lin := p.ctx.max(coef)
	for v := range nv {
		s, g := lin, p.g[v]
		for _, j := range nz {
			switch wj := w[j]; {
			case wj > 0:
				s += wj * max(0, (g[j]+p.hmax[j])/p.d)
			default:
				s += wj * t[j] * (g[j]/p.d - p.e)
			}
		}
		cheap[v] = s
		order[v] = v
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case cheap[a] > cheap[b]:
			return -1
		case cheap[a] < cheap[b]:
			return 1
		}
		return a - b
	})
	// Refine the most promising vertices: one linear function of the
	// context each, maximized exactly; the others keep the cheap bound.
	bound := math.Inf(-1)
	k := 0
	for ; k < min(refine, nv); k++ {
		v := order[k]
		if cheap[v] <= bound {
			return bound
		}
		bound = max(bound, p.refined(w, nz, t, v, coef))
	}
	if k < nv {
		bound = max(bound, cheap[order[k]])
	}
	return bound
}

// refined bounds the convex sum at vertex v by one linear function of the
// context buckets; linCoef is the linear terms' share of that function.
func (p *vertexPrep) refined(w []float64, nz []int, t []float64, v int, linCoef []float64) float64 {
	coef := slices.Clone(linCoef)
	c := 0.0
	for _, j := range nz {
		wj, g := w[j], p.g[v][j]
		switch {
		case wj < 0:
			c += wj * t[j] * (g/p.d - p.e)
		case wj > 0:
			lo, hi := g+p.hmin[j], g+p.hmax[j]
			var k, b float64 // relu(z/d) ≤ k·h + b for z = g + h, h in range
			switch {
			case hi <= 0:
				continue
			case lo >= 0:
				k, b = 1/p.d, g/p.d
			default: // the chord from (lo, 0) to (hi, hi/d)
				k = (hi / p.d) / (hi - lo)
				b = k * (g - lo)
			}
			c += wj * b
			for i, r := range p.rows[j] {
				coef[i] += wj * k * r
			}
		}
	}
	return c + p.ctx.max(coef)
}
