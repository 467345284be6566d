package qat

import (
	"runtime"
	"sync"

	"mulm/infer"
	"mulm/quant"
	"mulm/quant/qat/dataset"
)

// Report is the sequence exact-match of an integer model on a set of pairs.
type Report struct {
	Pairs   int     // pairs evaluated
	Matched int     // pairs whose generated reply equals the response
	Ceiling float64 // best achievable: majority response of each query
	// PerClass maps each response to its pairs and matches.
	PerClass map[string]ClassReport
	// Confusion[r][g] counts pairs expecting r that got g.
	Confusion map[string]map[string]int
}

// ClassReport is the exact-match of one response class.
type ClassReport struct{ Pairs, Matched int }

// ExactMatch returns Matched/Pairs (1 for an empty set).
func (r *Report) ExactMatch() float64 {
	if r.Pairs == 0 {
		return 1
	}
	return float64(r.Matched) / float64(r.Pairs)
}

// Evaluate generates the reply to every distinct query with m (bit for bit
// what the Z80 prints) and compares it with every pair's response, using
// up to workers goroutines (≤ 0: one per CPU).
func Evaluate(m *infer.Model, pairs []dataset.Pair, workers int) *Report {
	replies := Replies(m, pairs, workers)
	r := &Report{Pairs: len(pairs), Ceiling: dataset.Ceiling(pairs),
		PerClass: map[string]ClassReport{}, Confusion: map[string]map[string]int{}}
	for _, p := range pairs {
		got := replies[p.Query]
		c := r.PerClass[p.Response]
		c.Pairs++
		if got == p.Response {
			c.Matched++
			r.Matched++
		}
		r.PerClass[p.Response] = c
		if r.Confusion[p.Response] == nil {
			r.Confusion[p.Response] = map[string]int{}
		}
		r.Confusion[p.Response][got]++
	}
	return r
}

// Replies maps every distinct query of pairs to m's reply.
func Replies(m *infer.Model, pairs []dataset.Pair, workers int) map[string]string {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var qs []string
	seen := map[string]bool{}
	for _, p := range pairs {
		if !seen[p.Query] {
			seen[p.Query] = true
			qs = append(qs, p.Query)
		}
	}
	out := make([]string, len(qs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(qs); i += workers {
				out[i] = m.Reply(qs[i])
			}
		})
	}
	wg.Wait()
	replies := make(map[string]string, len(qs))
	for i, q := range qs {
		replies[q] = out[i]
	}
	return replies
}

// intNet is the integer model laid out for sparse evaluation of the
// training examples (weights transposed).
type intNet struct {
	wt   [][]int8
	b    [][]int16
	outs []int
}

func newIntNet(ls []quant.Layer) *intNet {
	n := &intNet{}
	for _, l := range ls {
		wt := make([]int8, l.In*l.Out)
		for o := range l.Out {
			for i := range l.In {
				wt[i*l.Out+o] = l.W[o*l.In+i]
			}
		}
		n.wt = append(n.wt, wt)
		n.b = append(n.b, l.Bias)
		n.outs = append(n.outs, l.Out)
	}
	return n
}

// intStats runs the exact integer model (wrapping int16 accumulators) on
// examples ex[lo:hi] and returns the weighted count of targets that are
// the argmax and the number of accumulators (of all) that left the int16
// range.
func (n *intNet) stats(ex *examples, lo, hi int) (right float64, over, total int) {
	var acc [quant.MaxWidth]int32
	var x [2][quant.MaxWidth]int16
	for j := lo; j < hi; j++ {
		e := &ex.ex[j]
		cur := 0
		var prevN int
		for l := range n.wt {
			out := n.outs[l]
			for o := range out {
				acc[o] = int32(n.b[l][o])
			}
			wt := n.wt[l]
			if l == 0 {
				for k := e.in; k < e.in+e.nin; k++ {
					i := int(ex.idx[k])
					v := int32(ex.val[k])
					row := wt[i*out : i*out+out]
					for o, w := range row {
						acc[o] += int32(w) * v
					}
				}
			} else {
				for i := range prevN {
					v := int32(x[cur][i])
					if v == 0 {
						continue
					}
					row := wt[i*out : i*out+out]
					for o, w := range row {
						acc[o] += int32(w) * v
					}
				}
			}
			nxt := 1 - cur
			for o := range out {
				a := acc[o]
				if a > 32767 || a < -32768 {
					over++
				}
				y := int16(a) >> Shift
				if l+1 < len(n.wt) && y < 0 {
					y = 0
				}
				x[nxt][o] = y
			}
			total += out
			cur, prevN = nxt, out
		}
		arg := infer.Argmax(x[cur][:prevN])
		for k := e.tg; k < e.tg+e.ntg; k++ {
			if int(ex.tcls[k]) == arg {
				right += float64(ex.tw[k])
			}
		}
	}
	return right, over, total
}
