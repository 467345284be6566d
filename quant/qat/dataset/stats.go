package dataset

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
)

// Class is one distinct response and how many pairs have it.
type Class struct {
	Response string
	Count    int
}

// Classes counts pairs per response, most frequent first (ties by
// response).
func Classes(pairs []Pair) []Class {
	n := map[string]int{}
	for _, p := range pairs {
		n[p.Response]++
	}
	out := make([]Class, 0, len(n))
	for r, c := range n {
		out = append(out, Class{r, c})
	}
	slices.SortFunc(out, func(a, b Class) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Response, b.Response)
	})
	return out
}

// Majority maps each query to its most frequent response (ties: the
// lexically smallest) and to how many pairs have that query and that
// response.
func Majority(pairs []Pair) map[string]Class {
	per := map[string]map[string]int{}
	for _, p := range pairs {
		m := per[p.Query]
		if m == nil {
			m = map[string]int{}
			per[p.Query] = m
		}
		m[p.Response]++
	}
	out := make(map[string]Class, len(per))
	for q, m := range per {
		best := Class{}
		for r, c := range m {
			if c > best.Count || c == best.Count && r < best.Response {
				best = Class{r, c}
			}
		}
		out[q] = best
	}
	return out
}

// Ceiling is the highest sequence exact-match any model can reach on
// pairs: answering every query with its majority response. An empty set
// has ceiling 1.
func Ceiling(pairs []Pair) float64 {
	if len(pairs) == 0 {
		return 1
	}
	n := 0
	for _, c := range Majority(pairs) {
		n += c.Count
	}
	return float64(n) / float64(len(pairs))
}

// Contradictions lists the queries that have more than one response, with
// their responses sorted.
func Contradictions(pairs []Pair) map[string][]string {
	per := map[string]map[string]bool{}
	for _, p := range pairs {
		if per[p.Query] == nil {
			per[p.Query] = map[string]bool{}
		}
		per[p.Query][p.Response] = true
	}
	out := map[string][]string{}
	for q, m := range per {
		if len(m) > 1 {
			var rs []string
			for r := range m {
				rs = append(rs, r)
			}
			slices.Sort(rs)
			out[q] = rs
		}
	}
	return out
}

// Balance resamples pairs so that every response class has target pairs:
// larger classes are subsampled without replacement, smaller ones keep all
// their pairs and are topped up by sampling them again. The result is
// deterministic for a seed and grouped by class in Classes order, each
// class's pairs in file order. A target ≤ 0 gives no pairs.
func Balance(pairs []Pair, target int, seed uint64) []Pair {
	if target <= 0 {
		return nil
	}
	byClass := map[string][]Pair{}
	for _, p := range pairs {
		byClass[p.Response] = append(byClass[p.Response], p)
	}
	var out []Pair
	for _, c := range Classes(pairs) {
		ps := byClass[c.Response]
		h := fnv.New64a()
		h.Write([]byte(c.Response))
		rng := rand.New(rand.NewPCG(seed, h.Sum64()))
		idx := rng.Perm(len(ps))
		var pick []int
		if len(ps) >= target {
			pick = idx[:target]
		} else {
			pick = append(pick, idx...)
			for len(pick) < target {
				pick = append(pick, rng.IntN(len(ps)))
			}
		}
		slices.Sort(pick)
		for _, i := range pick {
			out = append(out, ps[i])
		}
	}
	return out
}

// Split holds out about frac of the distinct queries (all their pairs) for
// validation. Which queries are held out depends only on the query text
// and the seed, not on the order of pairs. frac ≤ 0 holds out nothing.
func Split(pairs []Pair, frac float64, seed uint64) (train, val []Pair) {
	if frac <= 0 {
		return pairs, nil
	}
	var s [8]byte
	for i := range s {
		s[i] = byte(seed >> (8 * i))
	}
	for _, p := range pairs {
		h := fnv.New64a()
		h.Write(s[:])
		h.Write([]byte(p.Query))
		// Finalize (splitmix64) so that nearby queries spread evenly.
		x := h.Sum64()
		x ^= x >> 30
		x *= 0xbf58476d1ce4e5b9
		x ^= x >> 27
		x *= 0x94d049bb133111eb
		x ^= x >> 31
		if float64(x>>11)/(1<<53) < frac {
			val = append(val, p)
		} else {
			train = append(train, p)
		}
	}
	return train, val
}
