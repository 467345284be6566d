package qat

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"mulm/eval"
	"mulm/infer"
	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

// Metrics describe one epoch.
type Metrics struct {
	Epoch    int
	Loss     float64 // weighted cross-entropy of the training pass
	FloatAcc float64 // per-character accuracy of the training (float) pass
	IntAcc   float64 // per-character accuracy of the exact integer model
	Overflow float64 // share of the integer model's accumulators outside int16
	Alpha    float64 // quantization phase at the end of the epoch
	LR       float64
	// Exact is the sequence exact-match on the training pairs and ValExact
	// on the held-out pairs (−1 when there are none or when not evaluated).
	Exact, ValExact float64
	Elapsed         time.Duration
}

// Score is what the best model is chosen by: the held-out exact-match if
// there is a held-out set, the training one otherwise.
func (m Metrics) Score() float64 {
	if m.ValExact >= 0 {
		return m.ValExact
	}
	return m.Exact
}

// Trainer trains a Net. Create it with NewTrainer, run it with Run.
type Trainer struct {
	cfg        Config
	net        *Net
	train, val []dataset.Pair
	// trainEval is what the training exact-match is measured on: train,
	// or a fixed sample of its queries when it has more than
	// MaxEvalQueries; statEx likewise for the integer statistics.
	trainEval []dataset.Pair
	statEx    []int32 // nil: every example
	ex        *examples
	eff       *effective
	shards    []*worker // one per batch shard: scratch and gradient
	adamM     []float32
	adamV     []float32
	steps     int64
	epoch     int // epochs done
	rng       *rand.Rand
	exLoss    []float32 // with Config.EasyKeep: each example's cross-entropy when last trained
	src       *rand.PCG
	start     time.Time
	prior     time.Duration // time spent before a resume
	lastEvalP float64       // progress at the last evaluation (−1: none yet)
	// evalCost is the measured (or, before the first evaluation,
	// estimated) duration of one evaluation: the time reserved for the
	// final one before the Deadline.
	evalCost time.Duration

	mu        sync.Mutex
	best      *Net
	bestM     Metrics
	hasBest   bool
	last      Metrics
	bestHook  func(*infer.Model, Metrics)
	epochHook func(Metrics)
	// test hooks
	afterBatch func()
	afterEpoch func(Metrics)
}

// NewTrainer prepares training of net (nil: a new model with cfg.Hidden)
// on train, choosing the best model on val when val is not empty.
func NewTrainer(cfg Config, net *Net, charset []byte, train, val []dataset.Pair) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.defaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(train) == 0 {
		return nil, errors.New("qat: no training pairs")
	}
	src := rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)
	t := &Trainer{cfg: cfg, train: train, val: val, src: src, rng: rand.New(src), lastEvalP: -1}
	if net == nil {
		var err error
		net, err = NewNet(cfg.Hidden, charset, cfg.MaxLen, cfg.InitSigma, t.rng)
		if err != nil {
			return nil, err
		}
	} else if string(net.Charset) != string(charset) && charset != nil {
		return nil, fmt.Errorf("qat: the model's charset %q differs from the data's %q", net.Charset, charset)
	}
	if err := dataset.CheckCharset(train, net.Charset); err != nil {
		return nil, err
	}
	if err := dataset.CheckCharset(val, net.Charset); err != nil {
		return nil, err
	}
	last := time.Now()
	ex, err := buildExamples(train, net.Charset, cfg.ClassBalance, func(done int) error {
		if !cfg.Deadline.IsZero() && time.Now().After(cfg.Deadline) {
			return fmt.Errorf("qat: %w: preparing the examples outlasted the deadline (-time) at pair %d of %d", ErrNoTime, done, len(train))
		}
		if time.Since(last) >= cfg.Progress {
			last = time.Now()
			t.logf("  preparing examples: %d of %d pairs\n", done, len(train))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.net, t.ex = net, ex
	t.trainEval = sampleQueries(train, MaxEvalQueries)
	if n := len(ex.ex); n > MaxStatExamples {
		for i := range MaxStatExamples {
			t.statEx = append(t.statEx, int32(i*n/MaxStatExamples))
		}
	}
	t.eff = newEffective(net)
	for range cfg.Shards {
		t.shards = append(t.shards, newWorker(net, t.eff))
	}
	t.adamM = make([]float32, len(net.p))
	t.adamV = make([]float32, len(net.p))
	return t, nil
}

// Net is the model being trained (its current master weights).
func (t *Trainer) Net() *Net { return t.net }

// Examples is the number of distinct training examples (input → next
// character) after deduplication.
func (t *Trainer) Examples() int { return len(t.ex.ex) }

// OnBest sets a function called (from Run's goroutine) every time a new
// best model is found.
func (t *Trainer) OnBest(f func(*infer.Model, Metrics)) { t.bestHook = f }

// OnEpoch sets a function called (from Run's goroutine) with every
// epoch's metrics, after its evaluation.
func (t *Trainer) OnEpoch(f func(Metrics)) { t.epochHook = f }

// Best returns the best integer model so far and its metrics (nil before
// the first evaluation). It is safe to call from another goroutine.
func (t *Trainer) Best() (*infer.Model, Metrics) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.hasBest {
		return nil, Metrics{}
	}
	m, err := t.best.Model()
	if err != nil {
		return nil, Metrics{}
	}
	return m, t.bestM
}

// finishReserve is what a deadline keeps back, beyond the final
// evaluation, for writing the model (and a plot) and exiting.
const finishReserve = 150 * time.Millisecond

// limit is the wall time (counted as elapsed) at which training stops: the
// time limit, or earlier when the deadline minus the final evaluation's
// cost comes first; 0 for none. The evaluation's cost is taken 1.5 times
// (the last one measured may have had the machine to itself, the final
// one may not), plus finishReserve: a -time 90s run measured 90.31 s with
// the plain cost reserved.
func (t *Trainer) limit() time.Duration {
	l := t.cfg.TimeLimit
	if !t.cfg.Deadline.IsZero() {
		d := t.elapsed() + time.Until(t.cfg.Deadline) - t.evalCost*3/2 - finishReserve
		if l == 0 || d < l {
			l = max(d, 1)
		}
	}
	return l
}

// progress is how far along the run is, 0..1.
func (t *Trainer) progress(epochFrac float64) float64 {
	p := epochFrac / float64(t.cfg.Epochs)
	if t.cfg.TimeLimit > 0 {
		p = max(p, float64(t.elapsed())/float64(t.limit()))
	}
	return min(1, p)
}

func (t *Trainer) elapsed() time.Duration { return t.prior + time.Since(t.start) }

// timeUp says whether the time limit or the deadline stops the run.
func (t *Trainer) timeUp() bool {
	l := t.limit()
	return l > 0 && t.elapsed() >= l
}

func (t *Trainer) alpha(p float64) float64 {
	if p >= t.cfg.QuantRamp {
		return 1
	}
	return t.cfg.QuantStart + (1-t.cfg.QuantStart)*p/t.cfg.QuantRamp
}

func (t *Trainer) lrScale(p float64) float64 {
	warm := 0.02
	if p < warm && t.cfg.Epochs > 1 {
		return (p + 0.002) / (warm + 0.002)
	}
	f := t.cfg.MinLRFrac
	return f + (1-f)*0.5*(1+math.Cos(math.Pi*min(1, (p-warm)/(1-warm))))
}

func (t *Trainer) logf(format string, args ...any) {
	if t.cfg.Log != nil {
		fmt.Fprintf(t.cfg.Log, format, args...)
	}
}

// Limits of the per-epoch evaluation on large data: the training
// exact-match is measured on an evenly spread sample of at most
// MaxEvalQueries distinct queries, IntAcc and Overflow on at most
// MaxStatExamples examples. The held-out set is always evaluated whole.
const (
	MaxEvalQueries  = 50_000
	MaxStatExamples = 200_000
)

// sampleQueries returns pairs, or, when they have more than max distinct
// queries, the pairs of max evenly spread ones.
func sampleQueries(pairs []dataset.Pair, max int) []dataset.Pair {
	qs := eval.Queries(pairs)
	if len(qs) <= max {
		return pairs
	}
	keep := make(map[string]bool, max)
	for i := range max {
		keep[qs[i*len(qs)/max]] = true
	}
	var out []dataset.Pair
	for _, p := range pairs {
		if keep[p.Query] {
			out = append(out, p)
		}
	}
	return out
}

// ErrNoTime is returned by Run when the deadline leaves no time to train
// and evaluate even once.
var ErrNoTime = errors.New("not enough time")

// Run trains until the epochs or the time are used up or ctx is done, and
// returns the last epoch's metrics. The best model is kept (see Best) even
// when Run stops early; a cancelled ctx is not an error.
func (t *Trainer) Run(ctx context.Context) (Metrics, error) {
	t.start = time.Now()
	if t.evalCost == 0 {
		t.evalCost = t.estimateEvalCost()
	}
	if !t.cfg.Deadline.IsZero() {
		if left := time.Until(t.cfg.Deadline); t.evalCost >= left {
			return Metrics{}, fmt.Errorf("qat: %w: evaluating the model once takes about %s, more than the %s left before the deadline (-time)",
				ErrNoTime, t.evalCost.Round(100*time.Millisecond), max(0, left).Round(100*time.Millisecond))
		}
	}
	p0 := t.progress(float64(t.epoch)) // > 0 when resuming: the ETA counts only this session
	n := t.net
	order := make([]int32, len(t.ex.ex))
	t.logf("training %v on %d pairs (%d distinct examples, %d parameters), %d held out, %d shards on %d workers\n",
		n.Sizes, len(t.train), len(t.ex.ex), len(n.p), len(t.val), len(t.shards), t.goroutines())
	if len(t.trainEval) < len(t.train) || t.statEx != nil {
		t.logf("large data: training exact-match on %d of the %d pairs (a fixed sample of %d queries), integer accuracy on %d of the %d examples\n",
			len(t.trainEval), len(t.train), MaxEvalQueries, min(len(t.ex.ex), MaxStatExamples), len(t.ex.ex))
	}
	done := func() bool {
		return ctx.Err() != nil || t.epoch >= t.cfg.Epochs || t.timeUp()
	}
	for !done() {
		epochStart := time.Now()
		lastProgress := epochStart
		order = t.epochOrder(order[:0])
		t.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss, wsum, right float64
		var p, a, lr float64
		nb := (len(order) + t.cfg.Batch - 1) / t.cfg.Batch
		// The schedule of the next batch, computed by the previous one,
		// whose update also set the effective weights for it.
		var next struct {
			ok       bool
			p, a, lr float64
		}
		for b := 0; b < nb; b++ {
			if ctx.Err() != nil || t.timeUp() {
				break
			}
			if next.ok {
				p, a, lr = next.p, next.a, next.lr
			} else {
				p = t.progress(float64(t.epoch) + float64(b)/float64(nb))
				a = t.alpha(p)
				lr = t.cfg.LR * t.lrScale(p)
				t.ranges(len(n.p), func(lo, hi int) { t.eff.set(n, float32(a), lo, hi) })
			}
			batch := order[b*t.cfg.Batch : min(len(order), (b+1)*t.cfg.Batch)]
			h := &hyper{invT: float32(1 / t.cfg.Temperature), smooth: float32(t.cfg.LabelSmoothing),
				penalty: float32(t.cfg.OverflowPenalty), floorBlnd: float32(a),
				drop: float32(t.cfg.InputDrop), dropSeed: t.cfg.Seed*0x2545f4914f6cdd1d ^ uint64(t.steps)<<20}
			if t.cfg.Noise > 0 && p < t.cfg.NoiseStop {
				h.noise = float32(t.cfg.Noise)
				h.noiseSeed = t.cfg.Seed*0x9fb21c651e98df25 ^ uint64(t.epoch+1)*0xc2b2ae3d27d4eb4f
			}
			t.batch(batch, h)
			bw := 0.0
			for _, w := range t.shards {
				loss += w.loss
				wsum += w.wsum
				right += w.right
				bw += w.wsum
			}
			next.p = t.progress(float64(t.epoch) + float64(b+1)/float64(nb))
			next.a = t.alpha(next.p)
			next.lr = t.cfg.LR * t.lrScale(next.p)
			next.ok = t.update(lr, bw, float32(next.a))
			if t.afterBatch != nil {
				t.afterBatch()
			}
			if time.Since(lastProgress) >= t.cfg.Progress {
				lastProgress = time.Now()
				t.logf("  epoch %d: %d/%d batches, loss %.4f, acc %.2f%%, phase %.2f\n",
					t.epoch+1, b+1, nb, loss/wsum, 100*right/wsum, a)
			}
		}
		if wsum == 0 {
			break
		}
		t.epoch++
		m := Metrics{Epoch: t.epoch, Loss: loss / wsum, FloatAcc: right / wsum, Alpha: a, LR: lr,
			IntAcc: -1, Overflow: -1, Exact: -1, ValExact: -1}
		last := done()
		if t.dueForEval(last) {
			t.evaluate(&m)
		}
		m.Elapsed = t.elapsed()
		t.last = m
		if t.afterEpoch != nil {
			t.afterEpoch(m)
		}
		if t.epochHook != nil {
			t.epochHook(m)
		}
		eta := "-"
		if !last {
			p := t.progress(float64(t.epoch))
			left := time.Duration(float64(time.Since(t.start)) * (1 - p) / max(p-p0, 1e-9))
			if l := t.limit(); l > 0 {
				left = min(left, l-t.elapsed())
			}
			eta = left.Round(time.Second).String()
		}
		pct := func(x float64, prec int) string {
			if x < 0 {
				return "-"
			}
			return fmt.Sprintf("%.*f%%", prec, 100*x)
		}
		exact := pct(m.Exact, 2)
		if m.ValExact >= 0 {
			exact += " val " + pct(m.ValExact, 2)
		}
		t.logf("epoch %d: loss %.4f  acc float %s int %s  exact %s  overflow %s  phase %.2f  lr %.4f  %s (epoch %s) eta %s\n",
			m.Epoch, m.Loss, pct(m.FloatAcc, 2), pct(m.IntAcc, 2), exact, pct(m.Overflow, 4), m.Alpha, m.LR,
			m.Elapsed.Round(time.Second), time.Since(epochStart).Round(10*time.Millisecond), eta)
	}
	return t.last, nil
}

// epochOrder appends the examples the next epoch trains, in index order,
// to order: all of them, or with Config.EasyKeep the hard ones and a
// random share of the easy ones.
func (t *Trainer) epochOrder(order []int32) []int32 {
	n := len(t.ex.ex)
	if t.cfg.EasyKeep == 0 {
		for i := range n {
			order = append(order, int32(i))
		}
		return order
	}
	if t.exLoss == nil {
		t.exLoss = make([]float32, n)
		for i := range t.exLoss {
			t.exLoss[i] = float32(math.Inf(1)) // not trained yet: hard
		}
	}
	for i, l := range t.exLoss {
		if l >= EasyLoss || t.rng.Float64() < t.cfg.EasyKeep {
			order = append(order, int32(i))
		}
	}
	return order
}

// dueForEval says whether the epoch just finished is evaluated (see
// Config.EvalEvery); last is whether it ends the run.
func (t *Trainer) dueForEval(last bool) bool {
	if last {
		return true
	}
	if t.cfg.EvalEvery > 0 {
		return t.epoch%t.cfg.EvalEvery == 0
	}
	p := t.progress(float64(t.epoch))
	step := EvalStep
	if p >= t.cfg.QuantRamp {
		step = EvalStep / 2
	}
	if t.lastEvalP < 0 || p-t.lastEvalP >= step-1e-9 {
		t.lastEvalP = p
		return true
	}
	return false
}

// goroutines is how many goroutines share the shards.
func (t *Trainer) goroutines() int { return max(1, min(t.cfg.Workers, len(t.shards))) }

// each runs f(k) for k = 0..n-1 on the worker goroutines (k is the
// goroutine-independent unit of work: the result must not depend on
// which goroutine runs which k).
func (t *Trainer) each(n int, f func(k int)) {
	G := min(t.cfg.Workers, n)
	if G <= 1 {
		for k := range n {
			f(k)
		}
		return
	}
	var wg sync.WaitGroup
	for g := range G {
		wg.Go(func() {
			for k := g; k < n; k += G {
				f(k)
			}
		})
	}
	wg.Wait()
}

// ranges runs f over 0..n split into one contiguous range per worker
// goroutine, for element-wise work (whose result does not depend on the
// split).
func (t *Trainer) ranges(n int, f func(lo, hi int)) {
	G := max(1, t.cfg.Workers)
	t.each(G, func(g int) { f(n*g/G, n*(g+1)/G) })
}

// batch computes the gradient of one mini-batch: shard k sums the
// gradients of its fixed contiguous share of the batch, whichever
// goroutine runs it, and update adds the shards in order, so the result
// depends on the number of shards but not on the number of workers.
func (t *Trainer) batch(idx []int32, h *hyper) {
	S := len(t.shards)
	t.each(S, func(k int) {
		wk := t.shards[k]
		wk.reset()
		for _, j := range idx[len(idx)*k/S : len(idx)*(k+1)/S] {
			wk.step(t.ex, &t.ex.ex[j], h)
			if t.exLoss != nil {
				t.exLoss[j] = wk.ce // each example once per batch: no race
			}
		}
	})
}

// update sums the shards' gradients in a fixed order and takes one AdamW
// step, in parallel over parameter ranges, and sets the effective weights
// for the next batch's quantization phase nextAlpha (as effective.set
// does, in the same pass). It reports whether it did (not without weight).
func (t *Trainer) update(lr, wsum float64, nextAlpha float32) bool {
	if wsum == 0 {
		return false
	}
	t.steps++
	c1 := 1 - math.Pow(b1, float64(t.steps))
	c2 := 1 - math.Pow(b2, float64(t.steps))
	nw := t.net.numWeights()
	scale := float32(1 / wsum)
	lrW := float32(lr / c1)
	lrB := float32(lr * t.cfg.BiasLR / t.cfg.LR / c1)
	decay := float32(1 - lr*t.cfg.WeightDecay)
	ic2 := float32(1 / math.Sqrt(c2))
	var gs [MaxShards][]float32
	for k, w := range t.shards {
		gs[k] = w.g
	}
	args := &adamArgs{p: t.net.p, eff: t.eff.p, m: t.adamM, v: t.adamV, g: gs[:len(t.shards)], nw: nw,
		scale: scale, lrW: lrW, lrB: lrB, decay: decay, ic2: ic2, alpha: nextAlpha}
	t.ranges(len(t.net.p), func(lo, hi int) { adamRange(args, lo, hi) })
	return true
}

// statChunks is how many fixed parts the integer statistics are summed
// in (in order, so that they do not depend on the worker count).
const statChunks = 16

// statCount is how many examples intStats scores.
func (t *Trainer) statCount() int {
	if t.statEx != nil {
		return len(t.statEx)
	}
	return len(t.ex.ex)
}

// intStats scores every training example with the exact integer model
// (infer's fast path, the engine the parity suite proves identical to the
// Z80's): the weighted share of targets that are the argmax, and the share
// of accumulators that leave int16.
func (t *Trainer) intStats(m *infer.Model) (acc, overflow float64) {
	var rights, wsums [statChunks]float64
	var overs [statChunks]int
	n := t.statCount()
	t.each(statChunks, func(c int) {
		var x [trigram.InputSize]int16
		out := make([]int16, len(t.net.Charset))
		for j := n * c / statChunks; j < n*(c+1)/statChunks; j++ {
			e := &t.ex.ex[j]
			if t.statEx != nil {
				e = &t.ex.ex[t.statEx[j]]
			}
			wsums[c] += float64(e.w)
			t.ex.encode(&x, e)
			arg, over := m.Forward(out, x[:])
			overs[c] += over
			for k := e.tg; k < e.tg+int32(e.ntg); k++ {
				if int(t.ex.tcls[k]) == arg {
					rights[c] += float64(t.ex.tw[k])
				}
			}
		}
	})
	var r, ws float64
	var o int
	for c := range statChunks {
		r += rights[c]
		ws += wsums[c]
		o += overs[c]
	}
	width := 0
	for _, s := range t.net.Sizes[1:] {
		width += s
	}
	return r / ws, float64(o) / float64(max(1, n*width))
}

// estimateEvalCost times the evaluation of a sample of the examples and
// queries and extrapolates to all of them.
func (t *Trainer) estimateEvalCost() time.Duration {
	m, err := t.net.Model()
	if err != nil {
		return 0
	}
	start := time.Now()
	const sample = 256
	var x [trigram.InputSize]int16
	out := make([]int16, len(t.net.Charset))
	ne := min(sample, len(t.ex.ex))
	for j := range ne {
		t.ex.encode(&x, &t.ex.ex[j])
		m.Forward(out, x[:])
	}
	perEx := time.Since(start) / time.Duration(max(1, ne))
	qs := append(eval.Queries(t.trainEval), eval.Queries(t.val)...)
	start = time.Now()
	nq := min(sample/4, len(qs))
	for _, q := range qs[:nq] {
		m.Reply(q)
	}
	perQ := time.Since(start) / time.Duration(max(1, nq))
	G := time.Duration(max(1, t.cfg.Workers))
	return (perEx*time.Duration(t.statCount()) + perQ*time.Duration(len(qs))) / G
}

// better says whether an epoch measured m beats the best so far, b: one
// whose training exact-match reaches Config.MinExact beats one whose does
// not; otherwise the higher Score wins, then the higher training
// exact-match.
func (t *Trainer) better(m, b Metrics) bool {
	if ok, bok := m.Exact >= t.cfg.MinExact, b.Exact >= t.cfg.MinExact; ok != bok {
		return ok
	}
	return m.Score() > b.Score() || m.Score() == b.Score() && m.Exact > b.Exact
}

// evaluate fills in the integer metrics and keeps the best model. It is
// not cancelled with the run: a stopped run still evaluates what it
// trained, so that there is a best model to save.
func (t *Trainer) evaluate(m *Metrics) {
	start := time.Now()
	model, err := t.net.Model()
	if err != nil {
		panic(err) // Layers always builds a valid model
	}
	m.IntAcc, m.Overflow = t.intStats(model)
	opt := eval.Options{Workers: t.cfg.Workers, Interval: t.cfg.Progress, Progress: func(done, total int) {
		t.logf("  evaluating epoch %d: %d/%d queries\n", m.Epoch, done, total)
	}}
	r, _ := eval.EvaluateContext(context.Background(), model, t.trainEval, opt)
	m.Exact = r.ExactMatch()
	if len(t.val) > 0 {
		r, _ := eval.EvaluateContext(context.Background(), model, t.val, opt)
		m.ValExact = r.ExactMatch()
	}
	t.evalCost = time.Since(start)
	t.mu.Lock()
	better := !t.hasBest || t.better(*m, t.bestM)
	if better {
		t.best, t.bestM, t.hasBest = t.net.Clone(), *m, true
	}
	t.mu.Unlock()
	if better && t.bestHook != nil {
		t.bestHook(model, *m)
	}
}
