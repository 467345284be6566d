package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"mulm/infer"
	"mulm/trigram"
)

// ErrNotInCharset is returned by Probe when the wanted reply has a
// character the model cannot print.
var ErrNotInCharset = errors.New("inspect: the wanted reply has a character outside the model's charset")

// ProbeOptions steer Probe. The zero value is usable.
type ProbeOptions struct {
	// Words are dictionary words; each is tried alone and in every
	// template.
	Words []string
	// Templates turn a word into a query: "%s" is replaced by the word
	// (default "%s", "is it a %s", "is it %s").
	Templates []string
	// Beam is the character-level beam width (default 24) and MaxLen its
	// longest string (default 12); Alphabet its characters (default a–z
	// and space).
	Beam, MaxLen int
	Alphabet     string
	// Keep is how many hits of each kind to report (default 10).
	Keep int
}

// ProbeHit is a query and how surely the model gives the wanted reply:
// Margin is the smallest, over the reply's characters and its EOS, of the
// wanted logit minus the best other one (ties broken as the argmax
// breaks them); the model answers the wanted reply exactly when Margin ≥ 0.
type ProbeHit struct {
	Query  string
	Margin int
}

// ProbeResult is what Probe found.
type ProbeResult struct {
	// Buckets is the bucket-space solution: query bucket counts (in
	// windows) that make the model answer the wanted reply, found by
	// greedily adding the window that raises the margin most.
	Buckets      map[int]int
	BucketMargin int
	// Mapped are the dictionary queries whose buckets overlap the
	// bucket-space solution most, with their real margins.
	Mapped []ProbeHit
	// Words are the dictionary queries that give the wanted reply, best
	// margin first; WordsTried counts the queries tried.
	Words      []ProbeHit
	WordsTried int
	// Chars is the character-level beam search's best strings.
	Chars []ProbeHit
}

type prober struct {
	m      *infer.Model
	target []int                    // charset index per step, EOS last
	ctx    [][trigram.Buckets]int16 // context buckets per step
}

func newProber(m *infer.Model, want string) (*prober, error) {
	cs := m.Charset()
	p := &prober{m: m}
	if len(want) > m.MaxLen() {
		return nil, fmt.Errorf("inspect: the wanted reply is %d characters, the model's limit %d", len(want), m.MaxLen())
	}
	// A reply of MaxLen characters ends at the limit, not with EOS.
	steps := len(want) + 1
	if len(want) == m.MaxLen() {
		steps--
	}
	for i := range steps {
		t := len(cs) - 1
		if i < len(want) {
			t = bytes.IndexByte(cs[:len(cs)-1], want[i])
			if t < 0 {
				return nil, fmt.Errorf("%w: %q at %d", ErrNotInCharset, want[i], i)
			}
		}
		p.target = append(p.target, t)
		var c [trigram.Buckets]int16
		trigram.EncodeContext(&c, []byte(want[:i]))
		p.ctx = append(p.ctx, c)
	}
	return p, nil
}

// margin is the teacher-forced margin of query buckets q.
func (p *prober) margin(q *[trigram.Buckets]int16) int {
	worst := math.MaxInt
	var x [trigram.InputSize]int16
	copy(x[:], q[:])
	in := make([]int16, len(p.m.Charset())) // the logits
	for s, t := range p.target {
		copy(x[trigram.Buckets:], p.ctx[s][:])
		p.m.Forward(in, x[:])
		best := math.MinInt
		for j, v := range in {
			switch {
			case j < t:
				best = max(best, int(v)+1)
			case j > t:
				best = max(best, int(v))
			}
		}
		worst = min(worst, int(in[t])-best)
	}
	return worst
}

func (p *prober) marginOf(query string) int {
	var q [trigram.Buckets]int16
	trigram.EncodeQuery(&q, query)
	return p.margin(&q)
}

// Probe searches, from the weights alone, for queries that make m answer
// want: first in bucket space (which windows the query should hold), then
// in real strings: the dictionary words closest to the bucket solution,
// every dictionary word in every template, and a character-level beam
// search on the margin.
func Probe(m *infer.Model, want string, opt ProbeOptions) (*ProbeResult, error) {
	p, err := newProber(m, want)
	if err != nil {
		return nil, err
	}
	if len(opt.Templates) == 0 {
		opt.Templates = []string{"%s", "is it a %s", "is it %s"}
	}
	if opt.Beam <= 0 {
		opt.Beam = 24
	}
	if opt.MaxLen <= 0 {
		opt.MaxLen = 12
	}
	if opt.Alphabet == "" {
		opt.Alphabet = "abcdefghijklmnopqrstuvwxyz "
	}
	if opt.Keep <= 0 {
		opt.Keep = 10
	}
	res := &ProbeResult{}

	// Bucket space: greedily add windows.
	var q [trigram.Buckets]int16
	cur := p.margin(&q)
	res.Buckets = map[int]int{}
	for step := 0; step < 40 && cur < 16; step++ {
		bestB, bestM := -1, cur
		for b := range trigram.Buckets {
			q[b] += trigram.Weight
			if mg := p.margin(&q); mg > bestM {
				bestB, bestM = b, mg
			}
			q[b] -= trigram.Weight
		}
		if bestB < 0 {
			break
		}
		q[bestB] += trigram.Weight
		res.Buckets[bestB]++
		cur = bestM
	}
	res.BucketMargin = cur

	// Every dictionary query, in parallel, with the fast engine.
	var queries []string
	for _, w := range opt.Words {
		for _, t := range opt.Templates {
			queries = append(queries, strings.ReplaceAll(t, "%s", w))
		}
	}
	res.WordsTried = len(queries)
	overlap := make([]int, len(queries))
	hit := make([]bool, len(queries))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			var v [trigram.Buckets]int16
			for i := w; i < len(queries); i += workers {
				hit[i] = m.Reply(queries[i]) == want
				trigram.EncodeQuery(&v, queries[i])
				for b, n := range res.Buckets {
					overlap[i] += min(int(v[b]/trigram.Weight), n)
				}
			}
		})
	}
	wg.Wait()
	for i, h := range hit {
		if h {
			res.Words = append(res.Words, ProbeHit{queries[i], p.marginOf(queries[i])})
		}
	}
	sortHits(res.Words)
	res.Words = res.Words[:min(len(res.Words), opt.Keep)]
	order := make([]int, len(queries))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return overlap[b] - overlap[a] })
	for _, i := range order[:min(len(order), opt.Keep)] {
		res.Mapped = append(res.Mapped, ProbeHit{queries[i], p.marginOf(queries[i])})
	}

	// Character-level beam search on the margin.
	beam := []ProbeHit{{"", p.marginOf("")}}
	seen := map[string]bool{"": true}
	var all []ProbeHit
	for range opt.MaxLen {
		var next []ProbeHit
		for _, h := range beam {
			for _, c := range []byte(opt.Alphabet) {
				s := h.Query + string(c)
				if seen[s] || strings.HasPrefix(s, " ") || strings.Contains(s, "  ") {
					continue
				}
				seen[s] = true
				next = append(next, ProbeHit{s, p.marginOf(s)})
			}
		}
		sortHits(next)
		beam = next[:min(len(next), opt.Beam)]
		all = append(all, beam...)
	}
	sortHits(all)
	for _, h := range all {
		if len(res.Chars) == opt.Keep {
			break
		}
		if t := strings.TrimSpace(h.Query); t == h.Query {
			res.Chars = append(res.Chars, h)
		}
	}
	return res, nil
}

func sortHits(h []ProbeHit) {
	slices.SortStableFunc(h, func(a, b ProbeHit) int {
		if a.Margin != b.Margin {
			return b.Margin - a.Margin
		}
		return len(a.Query) - len(b.Query)
	})
}
