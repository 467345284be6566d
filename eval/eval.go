package eval

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"mulm/infer"
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

// Options tune EvaluateContext and RepliesContext. The zero value uses one
// goroutine per CPU and reports no progress.
type Options struct {
	Workers int // goroutines; ≤ 0: one per CPU
	// Progress, when not nil, is called about every Interval (default 5 s)
	// with the number of distinct queries answered so far and their total.
	// It is called from the calling goroutine.
	Progress func(done, total int)
	Interval time.Duration
}

// A Responder answers queries: an *infer.Model (bit for bit what the Z80
// prints) or a Nearest. AppendReply appends the reply to query to dst; it
// must be safe for concurrent use.
type Responder interface {
	AppendReply(dst []byte, query string) []byte
}

// Evaluate generates the reply to every distinct query with m and compares
// it with every pair's response, using up to workers goroutines (≤ 0: one
// per CPU).
func Evaluate(m Responder, pairs []dataset.Pair, workers int) *Report {
	r, _ := EvaluateContext(context.Background(), m, pairs, Options{Workers: workers})
	return r
}

// EvaluateContext is Evaluate with progress reports; it stops early with
// ctx's error when ctx is done.
func EvaluateContext(ctx context.Context, m Responder, pairs []dataset.Pair, opt Options) (*Report, error) {
	replies, err := RepliesContext(ctx, m, pairs, opt)
	if err != nil {
		return nil, err
	}
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
	return r, nil
}

// Replies maps every distinct query of pairs to m's reply.
func Replies(m Responder, pairs []dataset.Pair, workers int) map[string]string {
	r, _ := RepliesContext(context.Background(), m, pairs, Options{Workers: workers})
	return r
}

// Queries returns the distinct queries of pairs in their first order.
func Queries(pairs []dataset.Pair) []string {
	var qs []string
	seen := map[string]bool{}
	for _, p := range pairs {
		if !seen[p.Query] {
			seen[p.Query] = true
			qs = append(qs, p.Query)
		}
	}
	return qs
}

// RepliesContext is Replies with progress reports; it stops early with
// ctx's error when ctx is done.
func RepliesContext(ctx context.Context, m Responder, pairs []dataset.Pair, opt Options) (map[string]string, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	qs := Queries(pairs)
	out := make([]string, len(qs))
	var next atomic.Int64 // queries are handed out in chunks
	var done atomic.Int64
	const chunk = 64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var buf [infer.MaxMaxLen]byte
			for ctx.Err() == nil {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(qs) {
					return
				}
				hi := min(lo+chunk, len(qs))
				for i := lo; i < hi; i++ {
					out[i] = string(m.AppendReply(buf[:0], qs[i]))
				}
				done.Add(int64(hi - lo))
			}
		})
	}
	if opt.Progress != nil {
		every := opt.Interval
		if every <= 0 {
			every = 5 * time.Second
		}
		stop := make(chan struct{})
		go func() { wg.Wait(); close(stop) }()
		tick := time.NewTicker(every)
	wait:
		for {
			select {
			case <-stop:
				break wait
			case <-tick.C:
				opt.Progress(int(done.Load()), len(qs))
			}
		}
		tick.Stop()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	replies := make(map[string]string, len(qs))
	for i, q := range qs {
		replies[q] = out[i]
	}
	return replies, nil
}
