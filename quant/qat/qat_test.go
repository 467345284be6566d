package qat

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"mulm/eval"
	"mulm/infer"
	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

var testCharset = []byte(" ABEHIKNOSWY?\x00")

func randomNet(t *testing.T, hidden []int, seed uint64, sigma, biasRange float64) *Net {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	n, err := NewNet(hidden, testCharset, 20, sigma, rng)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range n.B {
		for o := range b {
			b[o] = float32((rng.Float64()*2 - 1) * biasRange)
		}
	}
	return n
}

func randomQuery(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz ?!'"
	b := make([]byte, 2+rng.IntN(30))
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}

// exampleOf wraps one dense input vector as a single-example set.
func exampleOf(x []int16) *examples {
	e := &examples{}
	ex := example{pair: -1, w: 1, ntg: 1}
	for i, v := range x {
		if v != 0 {
			e.idx = append(e.idx, int32(i))
			e.val = append(e.val, float32(v))
		}
	}
	ex.nin = uint16(len(e.idx))
	e.tcls, e.tw = []uint8{0}, []float32{1}
	e.ex = []example{ex}
	return e
}

// TestMirror proves that the fully quantized float forward pass is the
// integer model: every activation of every layer, and the argmax, equal
// what infer computes, step by step of generated replies.
func TestMirror(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for k, hidden := range [][]int{{256, 192, 128}, {64, 48}, {17}} {
		n := randomNet(t, hidden, uint64(k), 0.7, 300)
		m, err := n.Model()
		if err != nil {
			t.Fatal(err)
		}
		eff := newEffective(n)
		eff.set(n, 1, 0, len(n.p))
		w := newWorker(n, eff)
		h := &hyper{invT: 1, floorBlnd: 1}
		steps, nonzero := 0, 0
		for range 60 {
			tr := m.Trace(randomQuery(rng))
			for _, st := range tr.Steps {
				ex := exampleOf(st.Input)
				z := w.forward(ex, &ex.ex[0], h)
				for l := range st.Layers {
					for o, v := range st.Layers[l] {
						if float32(v) != w.act[l][o] {
							t.Fatalf("hidden %v, layer %d, neuron %d: float %v, integer %d", hidden, l+1, o, w.act[l][o], v)
						}
						if v != 0 {
							nonzero++
						}
					}
				}
				if arg := infer.Argmax(st.Layers[len(st.Layers)-1]); argmaxF(z) != arg || arg != st.Next {
					t.Fatalf("argmax %d, integer %d", argmaxF(z), st.Next)
				}
				steps++
			}
		}
		if steps < 60 || nonzero < steps {
			t.Fatalf("degenerate test: %d steps, %d non-zero activations", steps, nonzero)
		}
	}
}

func argmaxF(z []float32) int {
	b := 0
	for i, v := range z {
		if v > z[b] {
			b = i
		}
	}
	return b
}

// lossOf runs one example and returns its loss.
func lossOf(w *worker, ex *examples, h *hyper) float64 {
	w.reset()
	w.step(ex, &ex.ex[0], h)
	return w.loss
}

// TestGradient checks the backward pass against central finite
// differences of the loss on a tiny model in float mode (no quantization,
// no floor), including the overflow penalty.
func TestGradient(t *testing.T) {
	for _, tc := range []struct {
		name    string
		bias    float32 // added to layer 1 neuron 0's bias
		penalty float32
	}{{"plain", 0, 0}, {"overflow", 34000, 2000}} {
		n := randomNet(t, []int{8, 6}, 11, 0.6, 20)
		n.B[0][0] += tc.bias
		var x [trigram.InputSize]int16
		trigram.Encode(&x, "how are you", []byte("FI"))
		ex := exampleOf(x[:])
		ex.tcls, ex.tw = []uint8{3, 5}, []float32{2, 1}
		ex.ex[0].ntg, ex.ex[0].w = 2, 3
		eff := newEffective(n)
		h := &hyper{invT: 1 / 2000.0, smooth: 0.1, penalty: tc.penalty}
		if tc.bias == 0 {
			h.invT = 1 / 8.0
		}
		w := newWorker(n, eff)
		eff.set(n, 0, 0, len(n.p))
		lossOf(w, ex, h)
		if tc.penalty > 0 && w.over == 0 {
			t.Fatal("overflow case does not overflow")
		}
		grad := append([]float32(nil), w.g...)
		rng := rand.New(rand.NewPCG(1, 2))
		checked := 0
		biasIdx := len(n.p) - len(n.B[0]) - len(n.B[1]) - len(n.B[2]) // B[0][0]
		for k := range 400 {
			i := rng.IntN(len(n.p))
			if k == 0 {
				i = biasIdx
			}
			// Only parameters with an effect: weights of non-zero inputs.
			if grad[i] == 0 && rng.IntN(10) > 0 && k > 0 {
				continue
			}
			old := n.p[i]
			const eps = 1e-2
			var lp, lm float64
			var nzp, nzm [][]int32
			up, down := old+eps, old-eps // as float32: the real step
			n.p[i] = up
			eff.set(n, 0, 0, len(n.p))
			lp = lossOf(w, ex, h)
			nzp = cloneNZ(w.nz)
			n.p[i] = down
			eff.set(n, 0, 0, len(n.p))
			lm = lossOf(w, ex, h)
			nzm = cloneNZ(w.nz)
			n.p[i] = old
			if !sameNZ(nzp, nzm) {
				continue // a ReLU kink between the two points
			}
			num := (lp - lm) / float64(up-down)
			an := float64(grad[i])
			if d := math.Abs(num - an); d > 2e-3*max(1, math.Abs(num)) && d > 0.05*math.Abs(num) {
				t.Errorf("%s: parameter %d: analytic %g, numeric %g", tc.name, i, an, num)
			}
			checked++
		}
		if checked < 50 {
			t.Fatalf("%s: only %d parameters checked", tc.name, checked)
		}
	}
}

func cloneNZ(nz [][]int32) [][]int32 {
	var c [][]int32
	for _, s := range nz {
		c = append(c, slices.Clone(s))
	}
	return c
}

func sameNZ(a, b [][]int32) bool {
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

var tinyPairs = []dataset.Pair{
	{Query: "HELLO", Response: "HI"}, {Query: "HI THERE", Response: "HI"},
	{Query: "ARE YOU A BOT", Response: "YES"}, {Query: "ARE YOU HUMAN", Response: "NO"},
	{Query: "HOW ARE YOU", Response: "OK"}, {Query: "WHY", Response: "WHY?"},
	{Query: "GOODBYE", Response: "BYE"}, {Query: "SEE YOU", Response: "BYE"},
	{Query: "IS IT SNOWING", Response: "NO"}, {Query: "WHO ARE YOU", Response: "A BOT"},
}

func tinyConfig() Config {
	return Config{Hidden: []int{48, 32}, Epochs: 60, Batch: 8, LR: 0.02, Seed: 3, Workers: 2, MaxLen: 10}
}

func TestTinyTrainingReachesExactMatch(t *testing.T) {
	cs := dataset.DeriveCharset(tinyPairs)
	tr, err := NewTrainer(tinyConfig(), nil, cs, tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	tr.cfg.Log = &log
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, met := tr.Best()
	if met.Exact != 1 {
		t.Fatalf("best exact-match %v, want 1\n%s", met.Exact, log.String())
	}
	// The exported best model really answers every query (checked again
	// independently of the trainer's bookkeeping).
	for _, p := range tinyPairs {
		if got := m.Reply(p.Query); got != p.Response {
			t.Errorf("%q: %q, want %q", p.Query, got, p.Response)
		}
	}
	if !strings.Contains(log.String(), "exact 100.00%") || !strings.Contains(log.String(), "eta") {
		t.Errorf("log lacks the per-epoch figures:\n%s", log.String())
	}
	if t.Failed() {
		return
	}
	// Evaluate on the pairs plus a contradicting one: the model (checked
	// perfect above) answers HELLO with HI, so BYE misses once.
	pairs := append(slices.Clone(tinyPairs), dataset.Pair{Query: "HELLO", Response: "BYE"})
	r := eval.Evaluate(m, pairs, 2)
	if r.Pairs != 11 || r.Matched != 10 || r.Ceiling != 10.0/11 {
		t.Fatalf("report %+v", r)
	}
	if c := r.PerClass["BYE"]; c.Pairs != 3 || c.Matched != 2 {
		t.Fatalf("class BYE %+v", c)
	}
	if c := r.PerClass["HI"]; c.Pairs != 2 || c.Matched != 2 {
		t.Fatalf("class HI %+v", c)
	}
	if r.Confusion["BYE"]["HI"] != 1 || r.Confusion["BYE"]["BYE"] != 2 || len(r.Confusion["BYE"]) != 2 {
		t.Fatalf("confusion %v", r.Confusion["BYE"])
	}
}

// TestSchedule checks the quantization phase and learning-rate schedule
// against hand-computed values (defaults: 30 % → 100 % over the first
// 80 %, 2 % warm-up, cosine decay to 2 %).
func TestSchedule(t *testing.T) {
	tr := &Trainer{cfg: Config{Epochs: 60}}
	tr.cfg.defaults()
	for _, c := range []struct{ p, alpha, lr float64 }{
		{0, 0.3, 0.002 / 0.022},
		{0.02, 0.3 + 0.7*0.025, 1},
		{0.4, 0.65, 0.02 + 0.98*0.5*(1+math.Cos(math.Pi*0.38/0.98))},
		{0.51, 0.3 + 0.7*0.6375, 0.51},
		{0.8, 1, 0.02 + 0.98*0.5*(1+math.Cos(math.Pi*0.78/0.98))},
		{1, 1, 0.02},
	} {
		if a := tr.alpha(c.p); math.Abs(a-c.alpha) > 1e-12 {
			t.Errorf("alpha(%v) = %v, want %v", c.p, a, c.alpha)
		}
		if l := tr.lrScale(c.p); math.Abs(l-c.lr) > 1e-12 {
			t.Errorf("lrScale(%v) = %v, want %v", c.p, l, c.lr)
		}
	}
	if p := tr.progress(30); p != 0.5 {
		t.Errorf("progress(30 of 60 epochs) = %v", p)
	}
}

// TestBuildExamples checks deduplication and class weighting on a
// hand-worked case: HELLO→HI twice and HELLO→HO once give the inputs
// (HELLO,""), (HELLO,"H"), (HELLO,"HI"), (HELLO,"HO").
func TestBuildExamples(t *testing.T) {
	pairs := []dataset.Pair{{Query: "HELLO", Response: "HI"}, {Query: "hello", Response: "HI"}, {Query: "HELLO", Response: "HO"}}
	cs := []byte("HIO\x00") // H=0 I=1 O=2 EOS=3
	for _, tc := range []struct {
		balance float64
		want    [][]float32 // per example, the weight of classes H, I, O, EOS
	}{
		{0, [][]float32{{3, 0, 0, 0}, {0, 2, 1, 0}, {0, 0, 0, 2}, {0, 0, 0, 1}}},
		// HO is the smaller class (1 vs 2): its pairs weigh 2.
		{1, [][]float32{{4, 0, 0, 0}, {0, 2, 2, 0}, {0, 0, 0, 2}, {0, 0, 0, 2}}},
		{0.5, [][]float32{{2 + math.Sqrt2, 0, 0, 0}, {0, 2, math.Sqrt2, 0}, {0, 0, 0, 2}, {0, 0, 0, math.Sqrt2}}},
	} {
		ex, err := buildExamples(pairs, cs, tc.balance, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(ex.ex) != len(tc.want) {
			t.Fatalf("balance %v: %d examples, want %d", tc.balance, len(ex.ex), len(tc.want))
		}
		var total float64
		for j, e := range ex.ex {
			got := make([]float32, len(cs))
			for k := e.tg; k < e.tg+int32(e.ntg); k++ {
				got[ex.tcls[k]] = ex.tw[k]
			}
			var sum float32
			for c := range got {
				sum += tc.want[j][c]
				if math.Abs(float64(got[c]-tc.want[j][c])) > 1e-6 {
					t.Errorf("balance %v: example %d targets %v, want %v", tc.balance, j, got, tc.want[j])
					break
				}
			}
			if math.Abs(float64(e.w-sum)) > 1e-5 {
				t.Errorf("balance %v: example %d weight %v, want %v", tc.balance, j, e.w, sum)
			}
			total += float64(sum)
			// The stored input is the encoder's (dense → sparse).
			var x [trigram.InputSize]int16
			trigram.Encode(&x, "HELLO", []byte([]string{"", "H", "HI", "HO"}[j]))
			var buf inputBuf
			idx, val := ex.input(&buf, &e)
			nz := 0
			for i, v := range x {
				if v != 0 {
					if nz >= len(idx) || idx[nz] != int32(i) || val[nz] != float32(v) {
						t.Fatalf("example %d: sparse input differs from the encoder at %d", j, i)
					}
					nz++
				}
			}
			if nz != int(e.nin) || nz != len(idx) {
				t.Fatalf("example %d: %d inputs, encoder has %d", j, e.nin, nz)
			}
		}
		if math.Abs(ex.wsum-total) > 1e-4 {
			t.Errorf("balance %v: wsum %v, want %v", tc.balance, ex.wsum, total)
		}
	}
	if _, err := buildExamples([]dataset.Pair{{Query: "QQ", Response: "X", File: "f", Line: 9}}, cs, 0, nil); err == nil || !strings.Contains(err.Error(), "f:9") {
		t.Errorf("character outside the charset: %v", err)
	}
}

// TestCancelKeepsBest: stopping in the middle of the first epoch (Ctrl+C)
// still evaluates what was trained, so there is a best model to save.
func TestCancelKeepsBest(t *testing.T) {
	tr, err := NewTrainer(tinyConfig(), nil, dataset.DeriveCharset(tinyPairs), tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := 0
	tr.afterBatch = func() {
		if batches++; batches == 2 {
			cancel()
		}
	}
	last, err := tr.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if batches != 2 || last.Epoch != 1 {
		t.Fatalf("ran %d batches, last epoch %d; want 2 and 1", batches, last.Epoch)
	}
	if m, bm := tr.Best(); m == nil || bm.Epoch != 1 || bm.Exact < 0 {
		t.Fatalf("no best model after cancel: %v %+v", m, bm)
	}
}

func trainParams(t *testing.T, cfg Config, stopAfter int) (*Trainer, []float32) {
	t.Helper()
	cs := dataset.DeriveCharset(tinyPairs)
	tr, err := NewTrainer(cfg, nil, cs, tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if stopAfter > 0 {
		tr.afterEpoch = func(m Metrics) {
			if m.Epoch == stopAfter {
				cancel()
			}
		}
	}
	tr.Run(ctx)
	return tr, slices.Clone(tr.net.p)
}

// seededVariant trains cfg, base's configuration with one seeded feature
// (name) turned on, and fails unless that run differs from base and is the
// same with one worker as with cfg.Workers (≠ 1). It returns its parameters.
func seededVariant(t *testing.T, cfg Config, base []float32, name string) []float32 {
	t.Helper()
	_, a := trainParams(t, cfg, 0)
	if slices.Equal(a, base) {
		t.Fatalf("%s has no effect", name)
	}
	cfg.Workers = 1
	_, b := trainParams(t, cfg, 0)
	if !slices.Equal(a, b) {
		t.Fatalf("%s run depends on the workers or is not reproducible", name)
	}
	return a
}

func TestDeterministic(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 8
	_, a := trainParams(t, cfg, 0)
	_, b := trainParams(t, cfg, 0)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different weights")
	}
	cfg.Seed++
	_, c := trainParams(t, cfg, 0)
	if slices.Equal(a, c) {
		t.Fatal("different seed, same weights")
	}
	// Input dropout is part of the seeded state too, and changes the run.
	cfg.InputDrop = 0.3
	seededVariant(t, cfg, c, "dropout")
}

func TestCheckpointResume(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 10
	_, full := trainParams(t, cfg, 0)
	half, _ := trainParams(t, cfg, 4)
	var buf bytes.Buffer
	if err := half.WriteCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	tr := resumeSaved(t, half, cfg)
	if tr.epoch != 4 {
		t.Fatalf("resumed at epoch %d, want 4", tr.epoch)
	}
	if _, bm := tr.Best(); bm.Epoch == 0 {
		t.Fatal("best model not restored")
	}
	tr.Run(context.Background())
	if !slices.Equal(tr.net.p, full) {
		t.Fatal("resumed run differs from the uninterrupted one")
	}
	// Fine-tuning from a .mulm starts from exactly its integer weights.
	m, _ := tr.Best()
	mp := t.TempDir() + "/m.mulm"
	if err := infer.WriteFile(mp, m); err != nil {
		t.Fatal(err)
	}
	ft, err := ResumeFile(mp, cfg, tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := ft.net.Model()
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2 bytes.Buffer
	m.WriteTo(&b1)
	m2.WriteTo(&b2)
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatal("FromModel does not reproduce the model")
	}
	// A damaged checkpoint is an error.
	bad := buf.Bytes()[:buf.Len()/2]
	if _, _, err := readCheckpoint(bytes.NewReader(bad[len(checkpointMagic):])); err == nil {
		t.Fatal("truncated checkpoint accepted")
	}
}

// TestEasyKeepResume: the examples' recorded losses are part of the
// checkpoint, so a resumed EasyKeep run is the uninterrupted one.
func TestEasyKeepResume(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.EasyKeep = 30, 0.25
	_, full := trainParams(t, cfg, 0)
	half, _ := trainParams(t, cfg, 15)
	if !slices.ContainsFunc(half.exLoss, func(l float32) bool { return l < EasyLoss }) {
		t.Fatal("no easy example after 15 epochs: the test checks nothing")
	}
	tr := resumeSaved(t, half, cfg)
	tr.Run(context.Background())
	if !slices.Equal(tr.net.p, full) {
		t.Fatal("resumed EasyKeep run differs from the uninterrupted one")
	}
}

// resumeSaved saves tr's checkpoint to a file and resumes a run from it
// with cfg on tinyPairs.
func resumeSaved(t *testing.T, tr *Trainer, cfg Config) *Trainer {
	t.Helper()
	path := t.TempDir() + "/run.ckpt"
	if err := tr.SaveCheckpoint(path); err != nil {
		t.Fatal(err)
	}
	r, err := ResumeFile(path, cfg, tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEasyKeep checks sampling by difficulty: seeded (one model per seed,
// whatever the workers), a real change of the run, epochs that keep every
// hard example and drop easy ones, and training that still converges.
func TestEasyKeep(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 30 // long enough for examples to become easy
	_, plain := trainParams(t, cfg, 0)
	cfg.EasyKeep = 0.25
	seededVariant(t, cfg, plain, "EasyKeep")

	cfg = tinyConfig()
	cfg.EasyKeep = 0.25
	cs := dataset.DeriveCharset(tinyPairs)
	tr, err := NewTrainer(cfg, nil, cs, tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, met := tr.Best(); met.Exact != 1 {
		t.Fatalf("best exact-match %v with EasyKeep, want 1", met.Exact)
	}
	easy := 0
	for _, l := range tr.exLoss {
		if l < EasyLoss {
			easy++
		}
	}
	if easy == 0 {
		t.Fatalf("no easy example after training: %v", tr.exLoss)
	}
	order := tr.epochOrder(nil)
	in := make(map[int32]bool)
	for _, j := range order {
		in[j] = true
	}
	for j, l := range tr.exLoss {
		if l >= EasyLoss && !in[int32(j)] {
			t.Fatalf("hard example %d (loss %v) left out", j, l)
		}
	}
	if n := len(tr.ex.ex); len(order) >= n || len(order) < n-easy {
		t.Fatalf("epoch of %d of %d examples with %d easy: want fewer, not fewer than the hard ones", len(order), n, easy)
	}
}
