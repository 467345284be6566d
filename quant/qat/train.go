package qat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"mulm/infer"
	"mulm/quant/qat/dataset"
)

// Config holds the training hyper-parameters. Zero fields take the
// defaults that DefaultConfig documents.
type Config struct {
	Hidden []int // hidden widths; default 256,192,128
	MaxLen int   // generation limit of the model; default 50

	// Epochs is the length of the run; with TimeLimit the run also ends
	// when the time is up, and the schedules follow whichever of the two
	// is further along.
	Epochs    int
	TimeLimit time.Duration

	Batch       int     // examples per step; default 64
	LR          float64 // Adam step for weights (integer units); default 0.01
	BiasLR      float64 // Adam step for biases (accumulator units); default 0.5
	MinLRFrac   float64 // cosine decay to this fraction of LR; default 0.02
	WeightDecay float64 // decoupled, on weights only; default 1e-4
	Seed        uint64
	Workers     int // goroutines; default runtime.NumCPU()

	// Temperature divides the integer logits before the softmax of the
	// loss; default 4.
	Temperature    float64
	LabelSmoothing float64
	// OverflowPenalty weighs the squared excess of accumulators beyond
	// ±30000 (relative); default 1.
	OverflowPenalty float64
	// QuantStart is the share of quantization at the start (default 0.3);
	// it reaches 1 at QuantRamp of the run (default 0.8) and stays there.
	// The shift's floor is phased in the same way.
	QuantStart, QuantRamp float64
	// InitSigma is the standard deviation of the initial weights in
	// integer units (default 0.5). Ignored when resuming.
	InitSigma float64
	// InputDrop drops each query trigram bucket of a training example
	// with this probability (a regularizer for unseen phrasings).
	InputDrop float64
	// ClassBalance weighs each pair by (largest class / its class)^k.
	ClassBalance float64
	// EvalEvery evaluates the sequence exact-match every n epochs (and at
	// the end); default 1.
	EvalEvery int

	Log      io.Writer     // per-epoch log; nil: none
	Progress time.Duration // progress line interval inside an epoch; default 5s
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	var c Config
	c.defaults()
	return c
}

func (c *Config) defaults() {
	if len(c.Hidden) == 0 {
		c.Hidden = []int{256, 192, 128}
	}
	def := func(p *float64, v float64) {
		if *p == 0 {
			*p = v
		}
	}
	if c.MaxLen == 0 {
		c.MaxLen = infer.DefaultMaxLen
	}
	if c.Epochs == 0 {
		c.Epochs = 100
		if c.TimeLimit > 0 {
			c.Epochs = math.MaxInt32
		}
	}
	if c.Batch == 0 {
		c.Batch = 64
	}
	def(&c.LR, 0.01)
	def(&c.BiasLR, 0.5)
	def(&c.MinLRFrac, 0.02)
	def(&c.WeightDecay, 1e-4)
	def(&c.Temperature, 4)
	def(&c.OverflowPenalty, 1)
	def(&c.QuantStart, 0.3)
	def(&c.QuantRamp, 0.8)
	def(&c.InitSigma, 0.5)
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	if c.EvalEvery <= 0 {
		c.EvalEvery = 1
	}
	if c.Progress == 0 {
		c.Progress = 5 * time.Second
	}
}

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
	ex         *examples
	eff        *effective
	workers    []*worker
	adamM      []float32
	adamV      []float32
	steps      int64
	epoch      int // epochs done
	rng        *rand.Rand
	src        *rand.PCG
	start      time.Time
	prior      time.Duration // time spent before a resume

	mu       sync.Mutex
	best     *Net
	bestM    Metrics
	hasBest  bool
	last     Metrics
	bestHook func(*infer.Model, Metrics)
	// test hooks
	afterBatch func()
	afterEpoch func(Metrics)
}

// NewTrainer prepares training of net (nil: a new model with cfg.Hidden)
// on train, choosing the best model on val when val is not empty.
func NewTrainer(cfg Config, net *Net, charset []byte, train, val []dataset.Pair) (*Trainer, error) {
	cfg.defaults()
	if len(train) == 0 {
		return nil, errors.New("qat: no training pairs")
	}
	src := rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)
	t := &Trainer{cfg: cfg, train: train, val: val, src: src, rng: rand.New(src)}
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
	ex, err := buildExamples(train, net.Charset, cfg.ClassBalance)
	if err != nil {
		return nil, err
	}
	t.net, t.ex = net, ex
	t.eff = newEffective(net)
	for range cfg.Workers {
		t.workers = append(t.workers, newWorker(net, t.eff))
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

// progress is how far along the run is, 0..1.
func (t *Trainer) progress(epochFrac float64) float64 {
	p := epochFrac / float64(t.cfg.Epochs)
	if t.cfg.TimeLimit > 0 {
		p = max(p, float64(t.elapsed())/float64(t.cfg.TimeLimit))
	}
	return min(1, p)
}

func (t *Trainer) elapsed() time.Duration { return t.prior + time.Since(t.start) }

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

// Run trains until the epochs or the time are used up or ctx is done, and
// returns the last epoch's metrics. The best model is kept (see Best) even
// when Run stops early; a cancelled ctx is not an error.
func (t *Trainer) Run(ctx context.Context) (Metrics, error) {
	t.start = time.Now()
	p0 := t.progress(float64(t.epoch)) // > 0 when resuming: the ETA counts only this session
	n := t.net
	order := make([]int32, len(t.ex.ex))
	t.logf("training %v on %d pairs (%d distinct examples, %d parameters), %d held out, %d workers\n",
		n.Sizes, len(t.train), len(t.ex.ex), len(n.p), len(t.val), len(t.workers))
	done := func() bool {
		return ctx.Err() != nil || t.epoch >= t.cfg.Epochs || t.cfg.TimeLimit > 0 && t.elapsed() >= t.cfg.TimeLimit
	}
	for !done() {
		epochStart := time.Now()
		lastProgress := epochStart
		for i := range order {
			order[i] = int32(i)
		}
		t.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var loss, wsum, right float64
		var p, a, lr float64
		nb := (len(order) + t.cfg.Batch - 1) / t.cfg.Batch
		for b := 0; b < nb; b++ {
			if ctx.Err() != nil || t.cfg.TimeLimit > 0 && t.elapsed() >= t.cfg.TimeLimit {
				break
			}
			p = t.progress(float64(t.epoch) + float64(b)/float64(nb))
			a = t.alpha(p)
			lr = t.cfg.LR * t.lrScale(p)
			batch := order[b*t.cfg.Batch : min(len(order), (b+1)*t.cfg.Batch)]
			h := &hyper{invT: float32(1 / t.cfg.Temperature), smooth: float32(t.cfg.LabelSmoothing),
				penalty: float32(t.cfg.OverflowPenalty), floorBlnd: float32(a),
				drop: float32(t.cfg.InputDrop), dropSeed: t.cfg.Seed*0x2545f4914f6cdd1d ^ uint64(t.steps)<<20}
			t.parallel(func(w int, lo, hi int) { t.eff.set(n, float32(a), lo, hi) }, len(n.p))
			t.batch(batch, h)
			bw := 0.0
			for _, w := range t.workers {
				loss += w.loss
				wsum += w.wsum
				right += w.right
				bw += w.wsum
			}
			t.update(lr, bw)
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
		if t.epoch%t.cfg.EvalEvery == 0 || last {
			t.evaluate(&m)
		}
		m.Elapsed = t.elapsed()
		t.last = m
		if t.afterEpoch != nil {
			t.afterEpoch(m)
		}
		eta := "-"
		if !last {
			p := t.progress(float64(t.epoch))
			left := time.Duration(float64(time.Since(t.start)) * (1 - p) / max(p-p0, 1e-9))
			if t.cfg.TimeLimit > 0 {
				left = min(left, t.cfg.TimeLimit-t.elapsed())
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

// parallel runs f over len n split into one contiguous range per worker.
func (t *Trainer) parallel(f func(w, lo, hi int), n int) {
	W := len(t.workers)
	if W == 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range W {
		lo, hi := n*w/W, n*(w+1)/W
		wg.Go(func() { f(w, lo, hi) })
	}
	wg.Wait()
}

// batch computes the gradient of one mini-batch: each worker takes a fixed
// contiguous share, so the sum (in update) is deterministic.
func (t *Trainer) batch(idx []int32, h *hyper) {
	t.parallel(func(w, lo, hi int) {
		wk := t.workers[w]
		wk.reset()
		for _, j := range idx[lo:hi] {
			wk.step(t.ex, &t.ex.ex[j], h)
		}
	}, len(idx))
}

// update sums the workers' gradients in a fixed order and takes one AdamW
// step, in parallel over parameter ranges.
func (t *Trainer) update(lr, wsum float64) {
	if wsum == 0 {
		return
	}
	t.steps++
	const b1, b2, eps = 0.9, 0.999, 1e-8
	c1 := 1 - math.Pow(b1, float64(t.steps))
	c2 := 1 - math.Pow(b2, float64(t.steps))
	nw := t.net.numWeights()
	scale := float32(1 / wsum)
	lrW := float32(lr / c1)
	lrB := float32(lr * t.cfg.BiasLR / t.cfg.LR / c1)
	decay := float32(1 - lr*t.cfg.WeightDecay)
	ic2 := float32(1 / math.Sqrt(c2))
	t.parallel(func(_, lo, hi int) {
		p := t.net.p
		g0 := t.workers[0].g
		for i := lo; i < hi; i++ {
			g := g0[i]
			for _, w := range t.workers[1:] {
				g += w.g[i]
			}
			g *= scale
			m := b1*t.adamM[i] + (1-b1)*g
			v := b2*t.adamV[i] + (1-b2)*g*g
			t.adamM[i], t.adamV[i] = m, v
			den := float32(math.Sqrt(float64(v)))*ic2 + eps
			if i < nw {
				x := p[i]*decay - lrW*m/den
				p[i] = max(wMin, min(wMax, x))
			} else {
				p[i] -= lrB * m / den
			}
		}
	}, len(t.net.p))
}

// evaluate fills in the integer metrics and keeps the best model.
func (t *Trainer) evaluate(m *Metrics) {
	ls := t.net.Layers()
	in := newIntNet(ls)
	W := len(t.workers)
	rights := make([]float64, W)
	overs := make([]int, W)
	totals := make([]int, W)
	t.parallel(func(w, lo, hi int) {
		rights[w], overs[w], totals[w] = in.stats(t.ex, lo, hi)
	}, len(t.ex.ex))
	var r float64
	var o, tot int
	for w := range W {
		r += rights[w]
		o += overs[w]
		tot += totals[w]
	}
	m.IntAcc = r / t.ex.wsum
	m.Overflow = float64(o) / float64(max(tot, 1))
	model, err := infer.New(t.net.Charset, ls, t.net.MaxLen)
	if err != nil {
		panic(err) // Layers always builds a valid model
	}
	m.Exact = Evaluate(model, t.train, W).ExactMatch()
	if len(t.val) > 0 {
		m.ValExact = Evaluate(model, t.val, W).ExactMatch()
	}
	t.mu.Lock()
	better := !t.hasBest || m.Score() > t.bestM.Score() ||
		m.Score() == t.bestM.Score() && m.Exact > t.bestM.Exact
	if better {
		t.best, t.bestM, t.hasBest = t.net.Clone(), *m, true
	}
	t.mu.Unlock()
	if better && t.bestHook != nil {
		t.bestHook(model, *m)
	}
}
