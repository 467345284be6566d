package qat

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"time"

	"mulm/infer"
	"mulm/quant"
)

// ErrConfig is wrapped by every error Config.Validate returns.
var ErrConfig = errors.New("invalid training setting")

// Config holds the training hyper-parameters. Zero fields take the
// defaults that DefaultConfig documents; negative or non-finite values are
// errors (see Validate).
type Config struct {
	Hidden []int // hidden widths; default 256,192,128
	MaxLen int   // generation limit of the model; default 50

	// Epochs is the length of the run; with TimeLimit the run also ends
	// when the time is up, and the schedules follow whichever of the two
	// is further along.
	Epochs    int
	TimeLimit time.Duration
	// Deadline, when not zero, is when Run must have returned: it stops
	// training early enough to finish the final evaluation by then (the
	// evaluation's cost is measured, and reserved with a margin), and with
	// TimeLimit the schedules end at the deadline too.
	Deadline time.Time

	Batch       int     // examples per step; default 64
	LR          float64 // Adam step for weights (integer units); default 0.01
	BiasLR      float64 // Adam step for biases (accumulator units); default 0.5
	MinLRFrac   float64 // cosine decay to this fraction of LR; default 0.02
	WeightDecay float64 // decoupled, on weights only; default 1e-4
	Seed        uint64  // default 0
	// Shards is the number of parts each mini-batch is split into; every
	// part's gradient is summed on its own and the parts are added in
	// order, so the model depends on Shards but never on Workers. Default 2.
	Shards  int
	Workers int // goroutines; default runtime.NumCPU(); only the speed depends on it

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
	// Noise, when not 0, perturbs each training pair's query with this
	// probability per epoch (a new draw from the seed every epoch): a
	// letter dropped, doubled, swapped or replaced, two words run
	// together, a space put inside a word, a word left out, or two
	// neighbouring words swapped. The examples keep their targets. Noise
	// stops at NoiseStop of the run (default 0.8, when quantization is
	// full by default), so that the last part of the run fits the clean
	// phrasings.
	Noise, NoiseStop float64
	// ClassBalance weighs each pair by (largest class / its class)^k.
	ClassBalance float64
	// EasyKeep, when not 0, samples by difficulty: an epoch trains every
	// example whose cross-entropy was at least EasyLoss when it was last
	// trained, and each of the others (the easy ones) with probability
	// EasyKeep, drawn from the seed. 0, the default, trains every example
	// every epoch.
	EasyKeep float64
	// EvalEvery evaluates the sequence exact-match every n epochs (and at
	// the end). 0, the default, evaluates whenever the run has advanced
	// EvalStep since the last evaluation, EvalStep/2 once quantization is
	// full (the models that can be the best): every epoch of a run of 40
	// epochs or fewer, and never most of the time of a run whose epochs
	// are short (Config.EasyKeep) next to an evaluation.
	EvalEvery int

	// MinExact, when not 0, restricts the choice of the best model on a
	// held-out set to epochs whose training exact-match is at least
	// MinExact (0..1): any such epoch beats every other one, and among
	// them (or, until one reaches it, among all) the usual rule holds.
	MinExact float64

	Log      io.Writer     // per-epoch log; nil: none
	Progress time.Duration // progress line interval inside an epoch; default 5s
}

// EasyLoss is the cross-entropy (nats, at the training temperature) below
// which an example counts as easy for Config.EasyKeep: its target has
// probability above e^−0.05 ≈ 95 %.
const EasyLoss = 0.05

// EvalStep is how far a run advances between evaluations while
// quantization is still being phased in, twice as far as after (with
// Config.EvalEvery 0).
const EvalStep = 0.05

// MaxShards is the largest Config.Shards.
const MaxShards = 64

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
	def(&c.NoiseStop, 0.8)
	if c.Shards == 0 {
		c.Shards = 2
	}
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	if c.Progress == 0 {
		c.Progress = 5 * time.Second
	}
}

// Validate reports the first setting outside its range, naming the field
// and the mulm train flag that sets it. Zero values (the defaults) are
// valid. NewTrainer and Resume call it.
func (c *Config) Validate() error {
	bad := func(field, flag string, v any, want string) error {
		return fmt.Errorf("%w: %s (%s) is %v, want %s", ErrConfig, field, flag, v, want)
	}
	if len(c.Hidden) > infer.MaxLayers-1 {
		return fmt.Errorf("%w: Hidden (-hidden) has %d layers, want at most %d (a model holds %d layers with the output layer)",
			ErrConfig, len(c.Hidden), infer.MaxLayers-1, infer.MaxLayers)
	}
	for i, w := range c.Hidden {
		if w < 1 || w > quant.MaxWidth {
			return fmt.Errorf("%w: Hidden (-hidden) width %d (layer %d) is outside 1..%d", ErrConfig, w, i+1, quant.MaxWidth)
		}
	}
	ints := []struct {
		field, flag string
		v, lo, hi   int
	}{
		{"MaxLen", "-max-len", c.MaxLen, 0, infer.MaxMaxLen},
		{"Epochs", "-epochs", c.Epochs, 0, math.MaxInt32},
		{"Batch", "-batch", c.Batch, 0, 1 << 20},
		{"Shards", "-shards", c.Shards, 0, MaxShards},
		{"EvalEvery", "-eval-every", c.EvalEvery, 0, math.MaxInt32},
	}
	for _, x := range ints {
		if x.v < x.lo || x.v > x.hi {
			return bad(x.field, x.flag, x.v, fmt.Sprintf("%d..%d (0: the default)", max(x.lo, 1), x.hi))
		}
	}
	if c.TimeLimit < 0 {
		return bad("TimeLimit", "-time", c.TimeLimit, "≥ 0 (0: no limit)")
	}
	floats := []struct {
		field, flag string
		v, lo, hi   float64
		openHi      bool // hi excluded
	}{
		{"LR", "-lr", c.LR, 0, math.Inf(1), false},
		{"BiasLR", "-bias-lr", c.BiasLR, 0, math.Inf(1), false},
		{"MinLRFrac", "-min-lr", c.MinLRFrac, 0, 1, false},
		{"WeightDecay", "-wd", c.WeightDecay, 0, math.Inf(1), false},
		{"Temperature", "-temp", c.Temperature, 0, math.Inf(1), false},
		{"LabelSmoothing", "-smooth", c.LabelSmoothing, 0, 1, true},
		{"OverflowPenalty", "-overflow-penalty", c.OverflowPenalty, 0, math.Inf(1), false},
		{"QuantStart", "-quant-start", c.QuantStart, 0, 1, false},
		{"QuantRamp", "-quant-ramp", c.QuantRamp, 0, 1, false},
		{"InitSigma", "-init", c.InitSigma, 0, math.Inf(1), false},
		{"InputDrop", "-drop", c.InputDrop, 0, 1, true},
		{"Noise", "-noise", c.Noise, 0, 1, false},
		{"NoiseStop", "-noise-stop", c.NoiseStop, 0, 1, false},
		{"ClassBalance", "-balance", c.ClassBalance, 0, math.Inf(1), false},
		{"EasyKeep", "-easy-keep", c.EasyKeep, 0, 1, false},
		{"MinExact", "-min-exact", c.MinExact, 0, 1, false},
	}
	for _, x := range floats {
		ok := !math.IsNaN(x.v) && !math.IsInf(x.v, 0) && x.v >= x.lo && (x.v < x.hi || !x.openHi && x.v == x.hi)
		if !ok {
			want := fmt.Sprintf("a finite number in [%g, %g]", x.lo, x.hi)
			switch {
			case math.IsInf(x.hi, 1):
				want = fmt.Sprintf("a finite number ≥ %g", x.lo)
			case x.openHi:
				want = fmt.Sprintf("a number in [%g, %g)", x.lo, x.hi)
			}
			return bad(x.field, x.flag, x.v, want)
		}
	}
	if c.LR*c.WeightDecay >= 1 {
		return fmt.Errorf("%w: LR×WeightDecay (-lr × -wd) is %g, want < 1 (the decay would flip the weights' sign)", ErrConfig, c.LR*c.WeightDecay)
	}
	return nil
}
