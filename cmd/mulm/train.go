package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mulm/infer"
	"mulm/internal/atomicfile"
	"mulm/quant/qat"
	"mulm/quant/qat/dataset"
)

// widthsFlag is a flag of comma-separated integers.
type widthsFlag []int

func (l *widthsFlag) String() string {
	var s []string
	for _, v := range *l {
		s = append(s, strconv.Itoa(v))
	}
	return strings.Join(s, ",")
}

func (l *widthsFlag) Set(s string) error {
	*l = nil
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return err
		}
		*l = append(*l, v)
	}
	return nil
}

// dataFilesFlag is a repeatable or comma-separated list of files.
type dataFilesFlag []string

func (l *dataFilesFlag) String() string { return strings.Join(*l, ",") }
func (l *dataFilesFlag) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		if f != "" {
			*l = append(*l, f)
		}
	}
	return nil
}

// errInterrupted ends a run that a signal cut short; mulm exits 130 (as a
// shell does for a process ended by Ctrl+C) after saving.
var errInterrupted = errors.New("interrupted")

// errLoadTime is returned when reading the data outlasts -time.
var errLoadTime = errors.New("reading the data took longer than -time")

// loadDataPairs parses data files, prints every rejected line to stderr and
// returns the pairs.
func loadDataPairs(files []string, opt dataset.Options, stderr io.Writer) ([]dataset.Pair, error) {
	return readData(files, opt, stderr, nil, time.Time{})
}

// readData is loadDataPairs that every few seconds logs how far it is to
// progress (nil: silent) and gives up with errLoadTime at deadline (zero:
// none).
func readData(files []string, opt dataset.Options, stderr, progress io.Writer, deadline time.Time) ([]dataset.Pair, error) {
	last := time.Now()
	opt.Progress = func(name string, read, size int64) error {
		if !deadline.IsZero() && time.Now().After(deadline) {
			return fmt.Errorf("%s: %w", name, errLoadTime)
		}
		if progress != nil && time.Since(last) >= 5*time.Second {
			last = time.Now()
			fmt.Fprintf(progress, "  reading %s: %.1f of %.1f MB\n", name, float64(read)/1e6, float64(size)/1e6)
		}
		return nil
	}
	set, err := dataset.ReadFiles(files, opt)
	if err != nil {
		return nil, err
	}
	for _, r := range set.Rejected {
		fmt.Fprintf(stderr, "%s\n", r)
	}
	if len(set.Rejected) > 0 {
		fmt.Fprintf(stderr, "%d lines rejected, %d pairs kept\n", len(set.Rejected), len(set.Pairs))
	}
	return set.Pairs, nil
}

// writeModelAtomic writes m to path all or nothing, so that a kill (a
// second Ctrl+C) never leaves a truncated model nor a temporary file.
func writeModelAtomic(path string, m *infer.Model) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := m.WriteTo(w)
		return err
	})
}

func runTrain(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	start := time.Now()
	fs := newFlags("train", stderr)
	var data, heldout dataFilesFlag
	cfg := qat.DefaultConfig()
	hidden := widthsFlag(cfg.Hidden)
	fs.Var(&data, "data", "training data `file`s (query|response lines, gzip ok); repeat or comma-separate")
	fs.Var(&heldout, "heldout", "held-out data `file`s: the best model is chosen by exact-match on them")
	valFrac := fs.Float64("val-frac", 0, "hold out this `fraction` of the training queries when -heldout is not given")
	fs.Var(&hidden, "hidden", "hidden layer `widths`")
	charset := fs.String("charset", "", "explicit output `characters` (EOS added); default: derived from the responses")
	out := fs.String("o", "model.mulm", "write the best model to `file`")
	ckpt := fs.String("checkpoint", "", "write a float checkpoint (for -resume) to `file` at the end")
	resume := fs.String("resume", "", "continue from a float checkpoint or fine-tune a .mulm `file`")
	fs.IntVar(&cfg.Epochs, "epochs", 0, "number of `epochs` (default 100, or unlimited with -time)")
	fs.DurationVar(&cfg.TimeLimit, "time", 0, "bound the whole run (reading, training, final evaluation) to this wall `time`; schedules follow the clock")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "random `seed`")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "mini-batch `size`")
	fs.IntVar(&cfg.Shards, "shards", cfg.Shards, "gradient `shards` per batch (the model depends on them, not on -workers)")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "Adam learning `rate` of the weights (integer units)")
	fs.Float64Var(&cfg.BiasLR, "bias-lr", cfg.BiasLR, "Adam learning `rate` of the biases (accumulator units)")
	fs.Float64Var(&cfg.MinLRFrac, "min-lr", cfg.MinLRFrac, "cosine decay to this `fraction` of -lr")
	fs.Float64Var(&cfg.WeightDecay, "wd", cfg.WeightDecay, "decoupled weight `decay`")
	fs.Float64Var(&cfg.Temperature, "temp", cfg.Temperature, "softmax `temperature` over the integer logits")
	fs.Float64Var(&cfg.LabelSmoothing, "smooth", 0, "label `smoothing`")
	fs.Float64Var(&cfg.InputDrop, "drop", 0, "drop each query trigram bucket with this `probability` while training")
	fs.Float64Var(&cfg.Noise, "noise", 0, "perturb each training query with this `probability` per epoch (a typo, a space lost or added, a word left out, two words swapped)")
	fs.Float64Var(&cfg.NoiseStop, "noise-stop", cfg.NoiseStop, "`fraction` of the run after which -noise stops (the rest trains the clean queries)")
	fs.Float64Var(&cfg.MinExact, "min-exact", 0, "with -heldout, choose the best model among the epochs whose training exact-match is at least this `fraction` (0..1)")
	fs.Float64Var(&cfg.EasyKeep, "easy-keep", 0, "sample by difficulty: train examples already learnt (cross-entropy < 0.05) with this `probability` per epoch (0: all)")
	fs.Float64Var(&cfg.ClassBalance, "balance", 0, "class weighting `exponent`: pairs weigh (largest class/class size)^k")
	fs.Float64Var(&cfg.QuantStart, "quant-start", cfg.QuantStart, "quantization `share` at the start")
	fs.Float64Var(&cfg.QuantRamp, "quant-ramp", cfg.QuantRamp, "`fraction` of the run after which quantization is full")
	fs.Float64Var(&cfg.InitSigma, "init", cfg.InitSigma, "initial weight standard `deviation` (integer units)")
	fs.Float64Var(&cfg.OverflowPenalty, "overflow-penalty", cfg.OverflowPenalty, "`weight` of the int16 overflow penalty")
	fs.IntVar(&cfg.Workers, "workers", 0, "`goroutines` (default: one per CPU; changes only the speed)")
	fs.IntVar(&cfg.EvalEvery, "eval-every", 0, "evaluate exact-match every `n` epochs (0: every epoch once fully quantized, every 5 % of the run before)")
	maxLen := fs.Int("max-len", infer.DefaultMaxLen, "most `characters` in a reply")
	quiet := fs.Bool("q", false, "no per-epoch log")
	plotFile := fs.String("plot", "", "draw exact-match and loss against wall time and epoch into a PNG `file` at the end")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if len(data) == 0 {
		return errors.New("-data is required")
	}
	cfg.Hidden, cfg.MaxLen = hidden, *maxLen
	// Everything that can be checked is checked before the data is read.
	if err := cfg.Validate(); err != nil {
		return err
	}
	if !(*valFrac >= 0 && *valFrac < 1) { // NaN too
		return fmt.Errorf("-val-frac is %v, want a fraction in [0, 1)", *valFrac)
	}
	if cfg.MinExact > 0 && len(heldout) == 0 && *valFrac == 0 {
		// Without a held-out set the best epoch is the one with the best
		// training exact-match anyway: the flag would change nothing.
		return errors.New("-min-exact needs -heldout or -val-frac (without a held-out set the best training exact-match is chosen anyway)")
	}
	if *ckpt != "" && filepath.Clean(*ckpt) == filepath.Clean(*out) {
		return fmt.Errorf("-checkpoint and -o are the same file %s", *out)
	}
	for _, o := range []struct{ flag, path string }{{"-o", *out}, {"-checkpoint", *ckpt}, {"-plot", *plotFile}} {
		if o.path == "" {
			continue
		}
		if err := atomicfile.CheckWritable(o.path); err != nil {
			return fmt.Errorf("%s: %w", o.flag, err)
		}
	}
	if cfg.TimeLimit > 0 {
		cfg.Deadline = start.Add(cfg.TimeLimit)
	}
	var progress io.Writer
	if !*quiet {
		cfg.Log, progress = stdout, stdout
	}
	opt := dataset.Options{MaxResponseLen: *maxLen}
	var cs []byte // the model's charset, EOS last
	if *charset != "" {
		var err error
		if cs, err = dataset.ExplicitCharset(*charset); err != nil {
			return err
		}
		opt.Charset = cs[:len(cs)-1]
	}
	train, err := readData(data, opt, stderr, progress, cfg.Deadline)
	if err != nil {
		return err
	}
	var val []dataset.Pair
	if len(heldout) > 0 {
		if val, err = readData(heldout, opt, stderr, progress, cfg.Deadline); err != nil {
			return err
		}
	} else if *valFrac > 0 {
		train, val = dataset.Split(train, *valFrac, cfg.Seed)
	}
	var tr *qat.Trainer
	if *resume != "" {
		// The shape, charset and generation limit come from the file.
		if tr, err = qat.ResumeFile(*resume, cfg, train, val); err != nil {
			return err
		}
		if cs != nil && string(tr.Net().Charset) != string(cs) {
			return fmt.Errorf("-charset %q differs from the charset %q of %s", cs[:len(cs)-1], tr.Net().Charset[:len(tr.Net().Charset)-1], *resume)
		}
	} else {
		if cs == nil {
			cs = dataset.DeriveCharset(append(slices.Clip(train), val...))
		}
		if tr, err = qat.NewTrainer(cfg, nil, cs, train, val); err != nil {
			return err
		}
	}
	if !*quiet {
		fmt.Fprintf(stdout, "read the data and prepared %d examples in %s\n", tr.Examples(), time.Since(start).Round(100*time.Millisecond))
	}
	// Ctrl+C and SIGTERM stop the run, which then saves the best model
	// and the checkpoint; a second signal kills the process as usual (the
	// best model so far is already on disk: it is written every time it
	// improves, all or nothing).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	tr.OnBest(func(m *infer.Model, _ qat.Metrics) {
		if err := writeModelAtomic(*out, m); err != nil {
			fmt.Fprintf(stderr, "mulm train: %v\n", err)
		}
	})
	var history []qat.Metrics
	tr.OnEpoch(func(m qat.Metrics) { history = append(history, m) })
	last, err := tr.Run(ctx)
	if err != nil {
		return err
	}
	if *plotFile != "" {
		title := "mulm train -data " + strings.Join(data, ",")
		if err := writePlot(*plotFile, title, history); err != nil {
			return fmt.Errorf("-plot: %w", err)
		}
	}
	interrupted := ctx.Err() != nil
	if interrupted {
		fmt.Fprintln(stderr, "interrupted; saving the best model")
	}
	if *ckpt != "" {
		if err := tr.SaveCheckpoint(*ckpt); err != nil {
			return err
		}
	}
	best, bm := tr.Best()
	if best == nil {
		return errors.New("no model was evaluated")
	}
	if err := writeModelAtomic(*out, best); err != nil {
		return err
	}
	vs := ""
	if bm.ValExact >= 0 {
		vs = fmt.Sprintf(", held-out exact-match %.2f%%", 100*bm.ValExact)
	}
	fmt.Fprintf(stdout, "best: epoch %d, training exact-match %.2f%%%s; %d epochs, %s in all; wrote %s\n",
		bm.Epoch, 100*bm.Exact, vs, last.Epoch, time.Since(start).Round(time.Second), *out)
	if interrupted {
		return errInterrupted
	}
	return nil
}
