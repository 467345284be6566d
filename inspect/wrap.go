package inspect

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"strings"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
)

// Worst is the accumulator farthest from zero, relative to the int16
// limit on its side, that a search found in one layer.
type Worst struct {
	Query  string // the query
	Step   int    // the generation step (0: the first character)
	Neuron int
	Acc    int64 // the accumulator without wrapping
}

// Wraps reports whether the worst accumulator wrapped.
func (w Worst) Wraps() bool { return Wraps(w.Acc) }

// WrapSearch is the result of SearchWrap.
type WrapSearch struct {
	Layers []Worst // per layer
	Evals  int     // queries evaluated
}

// Wrapping returns the first layer in which a query wrapped an
// accumulator, or −1.
func (s *WrapSearch) Wrapping() int {
	for i, w := range s.Layers {
		if w.Wraps() {
			return i
		}
	}
	return -1
}

// SearchOptions steer SearchWrap. The zero value is usable.
type SearchOptions struct {
	// Seeds are extra starting queries (for example the model's training
	// queries); every printable ASCII character repeated to MaxLen is
	// always tried.
	Seeds []string
	// Evals is the budget of queries to evaluate (default 2000).
	Evals int
	// MaxLen is the longest query tried (default trigram.MaxQueryLen).
	MaxLen int
	// Seed seeds the random mutations.
	Seed uint64
	// Alphabet is the bytes queries are made of (default printable ASCII;
	// upper-case letters are left out, the encoder folds them). AllBytes()
	// gives every byte but the space and the upper-case letters.
	Alphabet []byte
}

// AllBytes returns every byte value the query encoder tells apart, but the
// space (which is trimmed at the ends): for a search over every query the
// Go engine accepts, not only those one can type. Each call returns a new
// slice.
func AllBytes() []byte {
	var b []byte
	for c := 0; c < 256; c++ {
		if c != ' ' && (c < 'A' || c > 'Z') {
			b = append(b, byte(c))
		}
	}
	return b
}

// printable is the default alphabet of the search: printable ASCII without
// the space and the upper case letters (the encoder folds them to lower
// case).
var printable = func() []byte {
	var b []byte
	for c := byte('!'); c <= '~'; c++ {
		if c < 'A' || c > 'Z' {
			b = append(b, c)
		}
	}
	return b
}()

// Evaluate answers query with m and returns, per layer, the accumulator
// farthest from zero over every step of the reply (relative to the int16
// limit on its side).
func Evaluate(m *infer.Model, query string) []Worst {
	layers := m.Layers()
	return evaluate(m, layers, query)
}

func evaluate(m *infer.Model, layers []quant.Layer, query string) []Worst {
	tr := m.Trace(query)
	ws := make([]Worst, len(layers))
	for li := range ws {
		ws[li].Query = query
	}
	for s, accs := range Accumulators(layers, tr) {
		for li, acc := range accs {
			for o, a := range acc {
				if excess(a) > excess(ws[li].Acc) {
					ws[li] = Worst{Query: query, Step: s, Neuron: o, Acc: a}
				}
			}
		}
	}
	return ws
}

// SearchWrap searches for queries that make m's accumulators wrap: a
// falsifier for the overflow certificate. It starts from every printable
// character repeated (one letter repeated piles all windows into one
// bucket, the largest input a bucket can get) and the seeds, and then
// climbs: random mutations (a character, all occurrences of a character,
// a repeated short pattern, the length) are kept when they raise the
// largest accumulator relative to the int16 limits. It returns, per layer,
// the worst accumulator found.
func SearchWrap(m *infer.Model, opt SearchOptions) WrapSearch {
	if opt.Evals <= 0 {
		opt.Evals = 2000
	}
	if opt.MaxLen <= 0 || opt.MaxLen > trigram.MaxQueryLen {
		opt.MaxLen = trigram.MaxQueryLen
	}
	layers := m.Layers()
	rng := rand.New(rand.NewPCG(opt.Seed, 14))
	res := WrapSearch{Layers: make([]Worst, len(layers))}
	type cand struct {
		q     string
		score float64
	}
	bestFirst := func(a, b cand) int { return cmp.Compare(b.score, a.score) } // scores are never NaN
	// One pool of climbers per layer, each scored by that layer's worst
	// accumulator, so that a layer that wraps early does not hide the
	// others.
	pools := make([][]cand, len(layers))
	try := func(q string) []Worst {
		res.Evals++
		ws := evaluate(m, layers, q)
		for li, w := range ws {
			if excess(w.Acc) > excess(res.Layers[li].Acc) || res.Layers[li].Query == "" {
				res.Layers[li] = w
			}
		}
		return ws
	}
	fill := func(p string) string {
		if p == "" {
			return p
		}
		return strings.Repeat(p, opt.MaxLen/len(p)+1)[:opt.MaxLen]
	}
	var starts []string
	alpha := opt.Alphabet
	if len(alpha) == 0 {
		alpha = printable
	}
	for _, c := range alpha {
		starts = append(starts, fill(string(c)))
	}
	for _, s := range opt.Seeds {
		starts = append(starts, s, fill(s+" "))
	}
	for _, q := range starts {
		if res.Evals >= opt.Evals {
			break
		}
		for li, w := range try(q) {
			pools[li] = append(pools[li], cand{q, excess(w.Acc)})
		}
	}
	for li := range pools {
		slices.SortStableFunc(pools[li], bestFirst)
		pools[li] = pools[li][:min(len(pools[li]), 6)]
	}
	// Pairs of the best single characters: alternating, and one run after
	// the other (filled first: a seed may be shorter than half a query).
	var pairs []string
	for li := range pools {
		for _, a := range pools[li][:min(len(pools[li]), 3)] {
			for _, b := range pools[li][:min(len(pools[li]), 3)] {
				if a.q != b.q && len(a.q) > 0 && len(b.q) > 0 {
					pairs = append(pairs, fill(a.q[:1]+b.q[:1]), fill(a.q)[:opt.MaxLen/2]+fill(b.q)[:opt.MaxLen-opt.MaxLen/2])
				}
			}
		}
	}
	for _, q := range pairs {
		if res.Evals >= opt.Evals {
			break
		}
		for li, w := range try(q) {
			if i := slices.IndexFunc(pools[li], func(c cand) bool { return c.score < excess(w.Acc) }); i >= 0 {
				pools[li][len(pools[li])-1] = cand{q, excess(w.Acc)}
				slices.SortStableFunc(pools[li], bestFirst)
			}
		}
	}
	for round := 0; res.Evals < opt.Evals && len(pools[0]) > 0; round++ {
		li := round % len(pools)
		i := rng.IntN(len(pools[li]))
		q := mutate(rng, pools[li][i].q, alpha, fill)
		if s := excess(try(q)[li].Acc); s > pools[li][i].score {
			pools[li][i] = cand{q, s}
		}
	}
	return res
}

func mutate(rng *rand.Rand, q string, alpha []byte, fill func(string) string) string {
	b := []byte(q)
	rc := func() byte { return alpha[rng.IntN(len(alpha))] }
	switch k := rng.IntN(6); {
	case k == 5 && len(b) > 1: // a block of one character replaced by another's run
		i := rng.IntN(len(b))
		j := i + 1 + rng.IntN(len(b)-i)
		c := b[rng.IntN(len(b))]
		for x := i; x < j; x++ {
			b[x] = c
		}
	case k == 0 && len(b) > 0: // one character
		b[rng.IntN(len(b))] = rc()
	case k == 1 && len(b) > 0: // every occurrence of one character
		from, to := b[rng.IntN(len(b))], rc()
		for i := range b {
			if b[i] == from {
				b[i] = to
			}
		}
	case k == 2: // a repeated short pattern
		p := make([]byte, 1+rng.IntN(4))
		for i := range p {
			p[i] = rc()
		}
		return fill(string(p))
	case k == 3 && len(b) > 1: // shorter
		b = b[:1+rng.IntN(len(b)-1)]
	default: // a run of one character somewhere
		if len(b) == 0 {
			return string(rc())
		}
		c, at := rc(), rng.IntN(len(b))
		for i := at; i < min(len(b), at+1+rng.IntN(16)); i++ {
			b[i] = c
		}
	}
	return strings.Trim(string(b), " ")
}
