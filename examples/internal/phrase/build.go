package phrase

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Pair is one training example.
type Pair struct {
	Q, A string
}

// Class is one response and its candidate queries. Each group holds the
// variants (fillers, punctuation, spellings) of one base phrasing; the
// sampler takes from the groups in turn, so every base phrasing is
// represented before any gets a second variant.
type Class struct {
	Resp   string
	Groups [][]string
	// Cap, when positive, overrides Options.Cap for this class.
	Cap int
}

// Phrasings returns how many base phrasings (non-empty groups) c has.
func (c Class) Phrasings() int {
	n := 0
	for _, g := range c.Groups {
		if len(g) > 0 {
			n++
		}
	}
	return n
}

// Options control [Build].
type Options struct {
	// Cap is the most lines one class may get.
	Cap int
	// TypoRatio is how many typo lines to add per clean line.
	TypoRatio float64
	// MinPerClass tops small classes up with extra typo lines, but never
	// beyond MaxTypoRatio typo lines per clean line.
	MinPerClass  int
	MaxTypoRatio float64
	// Exclude holds keys (see [Key]) that must not be emitted, e.g. the
	// queries of the training set when building the held-out set.
	Exclude map[string]bool
}

// Build samples a class-balanced, conflict-free data set. A query whose
// [Key] is produced by two classes is dropped from both; typo variants are
// only kept when their key belongs to no class at all. The result is
// shuffled.
func Build(r *rand.Rand, classes []Class, o Options) []Pair {
	// Clean the pools: normalise, validate, de-duplicate within a class.
	pools := make([][][]string, len(classes))
	owners := make(map[string]int) // key -> owning class, -1 when shared
	for ci, c := range classes {
		seen := make(map[string]bool)
		for _, g := range c.Groups {
			var clean []string
			for _, q := range g {
				q = Norm(q)
				if seen[q] || ValidQuery(q) != nil || o.Exclude[Key(q)] {
					continue
				}
				seen[q] = true
				clean = append(clean, q)
				if prev, ok := owners[Key(q)]; ok && prev != ci {
					owners[Key(q)] = -1
				} else {
					owners[Key(q)] = ci
				}
			}
			pools[ci] = append(pools[ci], clean)
		}
	}

	emitted := make(map[string]bool)
	var out []Pair
	for ci, c := range classes {
		// Drop shared keys, then shuffle inside and across groups.
		var groups [][]string
		total := 0
		for _, g := range pools[ci] {
			g = slices.DeleteFunc(slices.Clone(g), func(q string) bool { return owners[Key(q)] != ci })
			if len(g) == 0 {
				continue
			}
			r.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
			groups = append(groups, g)
			total += len(g)
		}
		r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })

		limit := o.Cap
		if c.Cap > 0 {
			limit = c.Cap
		}
		cleanMax := int(math.Round(float64(limit) / (1 + o.TypoRatio)))
		nClean := min(total, cleanMax)
		var picked []string
		for round := 0; len(picked) < nClean; round++ {
			for _, g := range groups {
				if round < len(g) && len(picked) < nClean {
					picked = append(picked, g[round])
				}
			}
		}

		nTypo := int(math.Round(float64(nClean) * o.TypoRatio))
		if nClean == cleanMax {
			nTypo = limit - nClean // a full class: fill it to the cap
		}
		nTypo = max(nTypo, o.MinPerClass-nClean)
		nTypo = min(nTypo, limit-nClean, int(math.Round(float64(nClean)*max(o.MaxTypoRatio, o.TypoRatio))))
		var sources []string
		for _, q := range picked {
			emitted[Key(q)] = true
			if len(q) >= 4 {
				sources = append(sources, q)
			}
		}
		var typos []string
		for try := 0; len(typos) < nTypo && len(sources) > 0 && try < 50*nTypo; try++ {
			t := Norm(Typo(r, sources[r.IntN(len(sources))]))
			k := Key(t)
			if _, owned := owners[k]; owned || emitted[k] || o.Exclude[k] || ValidQuery(t) != nil {
				continue
			}
			emitted[k] = true
			typos = append(typos, t)
		}
		for _, q := range append(picked, typos...) {
			out = append(out, Pair{Q: q, A: c.Resp})
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// Keys returns the set of query keys of pairs.
func Keys(pairs []Pair) map[string]bool {
	m := make(map[string]bool, len(pairs))
	for _, p := range pairs {
		m[Key(p.Q)] = true
	}
	return m
}

// Counts returns the number of pairs per response, in the order of classes.
func Counts(pairs []Pair, classes []Class) []int {
	idx := make(map[string]int)
	for i, c := range classes {
		idx[c.Resp] = i
	}
	n := make([]int, len(classes))
	for _, p := range pairs {
		n[idx[p.A]]++
	}
	return n
}

// Summary is a table of per-response counts of a training and a held-out
// set, responses in order of first appearance in train.
func Summary(train, heldout []Pair) string {
	var order []string
	nt, nh := map[string]int{}, map[string]int{}
	for _, p := range train {
		if nt[p.A] == 0 {
			order = append(order, p.A)
		}
		nt[p.A]++
	}
	for _, p := range heldout {
		if nt[p.A] == 0 && nh[p.A] == 0 {
			order = append(order, p.A)
		}
		nh[p.A]++
	}
	slices.Sort(order)
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %6s %6s %6s\n", "response", "train", "%", "held")
	for _, a := range order {
		fmt.Fprintf(&b, "%-12s %6d %5.1f%% %6d\n", a, nt[a], 100*float64(nt[a])/float64(max(1, len(train))), nh[a])
	}
	fmt.Fprintf(&b, "%-12s %6d %6s %6d\n", "total", len(train), "", len(heldout))
	return b.String()
}
