package qat

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"mulm/quant/qat/dataset"
)

// TestWorkersDoNotChangeTheModel: the worker count changes only the speed,
// for the default shards and for more shards than workers.
func TestWorkersDoNotChangeTheModel(t *testing.T) {
	for _, shards := range []int{0, 3} {
		cfg := tinyConfig()
		cfg.Epochs, cfg.Shards, cfg.InputDrop = 6, shards, 0.2
		var ref []float32
		var refM Metrics
		for _, w := range []int{1, 2, 3, 4} {
			cfg.Workers = w
			tr, p := trainParams(t, cfg, 0)
			_, bm := tr.Best()
			bm.Elapsed = 0
			if ref == nil {
				ref, refM = p, bm
				continue
			}
			if !slices.Equal(p, ref) {
				t.Errorf("shards %d: %d workers give other weights than 1 worker", shards, w)
			}
			if bm != refM {
				t.Errorf("shards %d: %d workers give other metrics than 1 worker:\n%+v\n%+v", shards, w, bm, refM)
			}
		}
	}
}

// TestDefaultsAgree: the documented defaults, which mulm train's flags
// show, are those a zero Config gets.
func TestDefaultsAgree(t *testing.T) {
	d := DefaultConfig()
	if !slices.Equal(d.Hidden, []int{256, 192, 128}) || d.Seed != 0 || d.Batch != 64 || d.Shards != 2 || d.LR != 0.01 {
		t.Fatalf("defaults %+v", d)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		mod  func(*Config)
		want string
	}{
		{func(c *Config) { c.LR = math.NaN() }, "LR (-lr) is NaN"},
		{func(c *Config) { c.LR = -1 }, "LR (-lr) is -1, want a finite number ≥ 0"},
		{func(c *Config) { c.LR = math.Inf(1) }, "LR (-lr) is +Inf"},
		{func(c *Config) { c.InputDrop = 2 }, "InputDrop (-drop) is 2, want a number in [0, 1)"},
		{func(c *Config) { c.Noise = 1.5 }, "Noise (-noise) is 1.5, want a finite number in [0, 1]"},
		{func(c *Config) { c.NoiseStop = -0.1 }, "NoiseStop (-noise-stop) is -0.1"},
		{func(c *Config) { c.MinExact = 2 }, "MinExact (-min-exact) is 2"},
		{func(c *Config) { c.Batch = -3 }, "Batch (-batch) is -3, want 1..1048576"},
		{func(c *Config) { c.Epochs = -1 }, "Epochs (-epochs) is -1"},
		{func(c *Config) { c.Hidden = make([]int, 16) }, "Hidden (-hidden) has 16 layers, want at most 15"},
		{func(c *Config) { c.Hidden = []int{64, 300} }, "Hidden (-hidden) width 300 (layer 2) is outside 1..256"},
		{func(c *Config) { c.Hidden = []int{64, 0} }, "width 0 (layer 2)"},
		{func(c *Config) { c.MaxLen = 256 }, "MaxLen (-max-len) is 256"},
		{func(c *Config) { c.QuantRamp = 1.5 }, "QuantRamp (-quant-ramp) is 1.5, want a finite number in [0, 1]"},
		{func(c *Config) { c.TimeLimit = -time.Second }, "TimeLimit (-time) is -1s"},
		{func(c *Config) { c.Shards = 65 }, "Shards (-shards) is 65"},
		{func(c *Config) { c.WeightDecay = 200 }, "LR×WeightDecay (-lr × -wd) is 4"},
	} {
		cfg := tinyConfig()
		c.mod(&cfg)
		_, err := NewTrainer(cfg, nil, dataset.DeriveCharset(tinyPairs), tinyPairs, nil)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
		if _, err := Resume(strings.NewReader("whatever"), cfg, tinyPairs, nil); !errors.Is(err, ErrConfig) {
			t.Errorf("Resume does not validate (%q): %v", c.want, err)
		}
	}
	if err := (&Config{}).Validate(); err != nil {
		t.Errorf("zero Config: %v", err)
	}
	d := DefaultConfig()
	if err := d.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestResumeReader resumes from an io.Reader holding a checkpoint.
func TestResumeReader(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 4
	half, _ := trainParams(t, cfg, 2)
	var buf bytes.Buffer
	if err := half.WriteCheckpoint(&buf); err != nil {
		t.Fatal(err)
	}
	tr, err := Resume(&buf, cfg, tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tr.epoch != 2 || !slices.Equal(tr.net.p, half.net.p) {
		t.Fatalf("resumed at epoch %d, same weights %v", tr.epoch, slices.Equal(tr.net.p, half.net.p))
	}
	if _, err := Resume(strings.NewReader("MULMQAT\ngarbage"), cfg, tinyPairs, nil); err == nil {
		t.Fatal("garbage checkpoint accepted")
	}
}

// TestDeadline: Run returns by the deadline, its final evaluation
// included, though the epochs would last far longer.
func TestDeadline(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs, cfg.TimeLimit = 0, time.Hour
	cfg.Deadline = time.Now().Add(400 * time.Millisecond)
	tr, err := NewTrainer(cfg, nil, dataset.DeriveCharset(tinyPairs), tinyPairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	last, _ := tr.Run(context.Background())
	if late := time.Since(cfg.Deadline); late > 300*time.Millisecond {
		t.Fatalf("Run returned %v after the deadline", late)
	}
	if _, bm := tr.Best(); last.Epoch < 1 || bm.Exact < 0 {
		t.Fatalf("no evaluated model: %+v", bm)
	}
	// The schedule followed the deadline, not the hour: it is complete.
	// (The last batch's phase is not checked: on a loaded machine a pause
	// between two batches can jump past the rest of the schedule.)
	if p := tr.progress(float64(last.Epoch)); p != 1 {
		t.Fatalf("progress %v at the deadline, want 1", p)
	}
}

// TestEvalSchedule: with EvalEvery 0 a 100-epoch run is evaluated at
// epoch 1, every 5 epochs while quantization is phased in, and every epoch
// from 80 % on (QuantRamp); with EvalEvery n, every n epochs and at the end.
func TestEvalSchedule(t *testing.T) {
	for _, c := range []struct {
		every int
		want  []int
	}{
		// Every 5 epochs, every 2.5 (rounded up) once quantization is full
		// at epoch 80, and the last.
		{0, []int{1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 56, 61, 66, 71, 76, 80, 83, 86, 89, 92, 95, 98, 100}},
		{30, []int{30, 60, 90, 100}},
	} {
		tr := &Trainer{cfg: Config{Epochs: 100, EvalEvery: c.every}, lastEvalP: -1}
		tr.cfg.defaults()
		var got []int
		for e := 1; e <= 100; e++ {
			tr.epoch = e
			if tr.dueForEval(e == 100) {
				got = append(got, e)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("EvalEvery %d: evaluated at %v, want %v", c.every, got, c.want)
		}
	}
}

// TestTooLargeRefusedUpFront: data beyond what the trainer holds in 2 GB
// is refused before any example is built, with the reason.
func TestTooLargeRefusedUpFront(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 17 MB of pairs")
	}
	p := dataset.Pair{Query: "HELLO THERE", Response: strings.Repeat("A", 49)}
	pairs := make([]dataset.Pair, maxSteps/50+1)
	for i := range pairs {
		pairs[i] = p
	}
	_, err := NewTrainer(tinyConfig(), nil, []byte("A\x00"), pairs, nil)
	if err == nil || !strings.Contains(err.Error(), "the trainer takes at most 15000000") {
		t.Fatalf("error %v", err)
	}
}
