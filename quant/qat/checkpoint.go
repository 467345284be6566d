package qat

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"mulm/infer"
	"mulm/internal/atomicfile"
	"mulm/quant"
	"mulm/quant/qat/dataset"
)

// checkpointMagic starts every float checkpoint file. A checkpoint is this
// magic followed by one gob-encoded checkpoint value; checkpointVersion is
// bumped whenever that struct changes incompatibly.
const (
	checkpointMagic   = "MULMQAT\n"
	checkpointVersion = 1
)

// checkpoint is the float state of a run: the master weights, the Adam
// moments, the schedule's position, the shuffling generator, the best
// model so far and, with Config.EasyKeep, the examples' recorded losses.
type checkpoint struct {
	Version      int
	Sizes        []int
	Charset      []byte
	MaxLen       int
	Params       []float32 // Net.p: all weights (transposed, In×Out) then all biases
	AdamM, AdamV []float32
	Steps        int64
	Epoch        int
	Elapsed      time.Duration
	RNG          []byte // rand.PCG state
	Best         []float32
	BestMetrics  Metrics
	ExLoss       []float32 // Config.EasyKeep's per-example losses; nil: none yet
}

// WriteCheckpoint writes the trainer's state.
func (t *Trainer) WriteCheckpoint(w io.Writer) error {
	rng, err := t.src.MarshalBinary()
	if err != nil {
		return err
	}
	t.mu.Lock()
	c := checkpoint{Version: checkpointVersion, Sizes: t.net.Sizes, Charset: t.net.Charset, MaxLen: t.net.MaxLen,
		Params: t.net.p, AdamM: t.adamM, AdamV: t.adamV, Steps: t.steps, Epoch: t.epoch,
		Elapsed: t.elapsed(), RNG: rng, ExLoss: t.exLoss}
	if t.hasBest {
		c.Best, c.BestMetrics = t.best.p, t.bestM
	}
	t.mu.Unlock()
	if _, err := io.WriteString(w, checkpointMagic); err != nil {
		return err
	}
	return gob.NewEncoder(w).Encode(&c)
}

// SaveCheckpoint writes the trainer's state to a file, all or nothing
// (through a temporary file that is removed on failure).
func (t *Trainer) SaveCheckpoint(path string) error {
	return atomicfile.Write(path, t.WriteCheckpoint)
}

// readCheckpoint decodes a checkpoint (after the magic) and checks that it
// describes a valid model; it returns the checkpoint and its master model.
func readCheckpoint(r io.Reader) (*checkpoint, *Net, error) {
	var c checkpoint
	if err := gob.NewDecoder(r).Decode(&c); err != nil {
		return nil, nil, fmt.Errorf("qat: reading checkpoint: %w", err)
	}
	if c.Version != checkpointVersion {
		return nil, nil, fmt.Errorf("qat: checkpoint version %d, want %d", c.Version, checkpointVersion)
	}
	for _, s := range c.Sizes {
		if s < 1 || s > quant.MaxWidth {
			return nil, nil, fmt.Errorf("qat: checkpoint layer width %d outside 1..%d", s, quant.MaxWidth)
		}
	}
	if len(c.Sizes) < 2 || len(c.Params) != numParams(c.Sizes) || len(c.AdamM) != len(c.Params) ||
		len(c.AdamV) != len(c.Params) || c.Best != nil && len(c.Best) != len(c.Params) {
		return nil, nil, fmt.Errorf("qat: checkpoint sizes do not match")
	}
	n := &Net{Sizes: c.Sizes, Charset: c.Charset, MaxLen: c.MaxLen, p: c.Params}
	n.WT, n.B = views(n.Sizes, n.p)
	if err := n.check(); err != nil {
		return nil, nil, err
	}
	// Charset and generation limit must make a valid integer model, or
	// the first evaluation would fail.
	if _, err := n.Model(); err != nil {
		return nil, nil, fmt.Errorf("qat: checkpoint: %w", err)
	}
	return &c, n, nil
}

// ResumeFile is Resume reading the file at path; errors name the file.
func ResumeFile(path string, cfg Config, train, val []dataset.Pair) (*Trainer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := Resume(f, cfg, train, val)
	if err != nil && !errors.Is(err, ErrConfig) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, err
}

// Resume continues training from a float checkpoint (written by
// WriteCheckpoint: weights, optimizer state, schedule position, shuffling
// state and best model), or fine-tunes a .mulm model (its integer weights
// become the master weights; a new schedule starts), read from r.
// cfg.Hidden is ignored: the shape comes from the file.
func Resume(r io.Reader, cfg Config, train, val []dataset.Pair) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	br := bufio.NewReader(r)
	if head, _ := br.Peek(len(checkpointMagic)); string(head) != checkpointMagic {
		m, err := infer.Load(br)
		if err != nil {
			return nil, err
		}
		n, err := FromModel(m)
		if err != nil {
			return nil, err
		}
		return NewTrainer(cfg, n, n.Charset, train, val)
	}
	br.Discard(len(checkpointMagic))
	c, n, err := readCheckpoint(br)
	if err != nil {
		return nil, err
	}
	t, err := NewTrainer(cfg, n, n.Charset, train, val)
	if err != nil {
		return nil, err
	}
	copy(t.adamM, c.AdamM)
	copy(t.adamV, c.AdamV)
	t.steps, t.epoch, t.prior = c.Steps, c.Epoch, c.Elapsed
	if err := t.src.UnmarshalBinary(c.RNG); err != nil {
		return nil, err
	}
	if len(c.ExLoss) == len(t.ex.ex) { // else other data: every example starts hard
		t.exLoss = c.ExLoss
	}
	if c.Best != nil {
		b := &Net{Sizes: c.Sizes, Charset: c.Charset, MaxLen: c.MaxLen, p: c.Best}
		b.WT, b.B = views(b.Sizes, b.p)
		t.best, t.bestM, t.hasBest = b, c.BestMetrics, true
	}
	return t, nil
}
