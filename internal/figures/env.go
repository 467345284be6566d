package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"mulm/bench"
	"mulm/eval"
	"mulm/infer"
	"mulm/infer/npz"
	"mulm/internal/chatapp"
	"mulm/quant"
	"mulm/quant/qat/dataset"
	"mulm/trigram"
	"mulm/z80ref"
)

// errAbsent marks a figure that needs the original project's files in
// ../shared/reference, which are absent.
var errAbsent = errors.New("the original's files in ../shared/reference are absent")

// env computes the measurements figures are made of, each once. It is
// used from one goroutine.
type env struct {
	root    string // the repository root
	models  map[string]*infer.Model
	benches map[string][]z80ref.BenchRow
	evals   map[string]*eval.Report
}

func newEnv(root string) *env {
	return &env{root: root, models: map[string]*infer.Model{}, benches: map[string][]z80ref.BenchRow{},
		evals: map[string]*eval.Report{}}
}

// Model files by name: our example models and the original's.
var modelFiles = map[string]string{
	"tinychat":      "examples/tinychat/model.mulm",
	"guess":         "examples/guess/model.mulm",
	"orig-tinychat": "../shared/reference/tinychat-model.npz",
	"orig-guess":    "../shared/reference/guess-model.npz",
}

// shared reports whether path lies in ../shared.
func shared(path string) bool { return strings.HasPrefix(path, "../shared/") }

// file returns the path of a repository file, or errAbsent for a missing
// file of ../shared.
func (e *env) file(path string) (string, error) {
	p := filepath.Join(e.root, path)
	if _, err := os.Stat(p); err != nil {
		if shared(path) {
			return "", fmt.Errorf("%s: %w", path, errAbsent)
		}
		return "", err
	}
	return p, nil
}

func (e *env) model(name string) (*infer.Model, error) {
	if m := e.models[name]; m != nil {
		return m, nil
	}
	path, ok := modelFiles[name]
	if !ok {
		return nil, fmt.Errorf("no model %q", name)
	}
	p, err := e.file(path)
	if err != nil {
		return nil, err
	}
	var m *infer.Model
	if strings.HasSuffix(p, ".npz") {
		m, err = npz.ReadFile(p)
	} else {
		m, err = infer.ReadFile(p)
	}
	if err != nil {
		return nil, err
	}
	e.models[name] = m
	return m, nil
}

// z80 is the CP/M measurement of engine k on model name over the
// benchmark queries (z80ref.BenchAll, as "mulm bench" prints it).
func (e *env) z80(name string, k z80ref.EngineKind) (z80ref.BenchResult, error) {
	return e.z80On(name, k, z80ref.CPM)
}

// z80On is z80 on platform p.
func (e *env) z80On(name string, k z80ref.EngineKind, p z80ref.Platform) (z80ref.BenchResult, error) {
	m, err := e.model(name)
	if err != nil {
		return z80ref.BenchResult{}, err
	}
	rows, ok := e.benches[name]
	if !ok {
		if rows, err = z80ref.BenchAll(m, bench.Queries()); err != nil {
			return z80ref.BenchResult{}, err
		}
		e.benches[name] = rows
	}
	for _, r := range rows {
		if r.Kind == k && r.Platform == p {
			if r.Err != nil {
				return z80ref.BenchResult{}, r.Err
			}
			return r.Result, nil
		}
	}
	return z80ref.BenchResult{}, fmt.Errorf("no %v engine on %v", k, p)
}

// eval is "mulm eval -model M -data D": model name on data file path.
func (e *env) eval(name, path string) (*eval.Report, error) {
	key := name + "\x00" + path
	if r := e.evals[key]; r != nil {
		return r, nil
	}
	m, err := e.model(name)
	if err != nil {
		return nil, err
	}
	p, err := e.file(path)
	if err != nil {
		return nil, err
	}
	set, err := dataset.ReadFiles([]string{p}, dataset.Options{MaxResponseLen: m.MaxLen()})
	if err != nil {
		return nil, err
	}
	r := eval.Evaluate(m, set.Pairs, 0)
	e.evals[key] = r
	return r, nil
}

// nearest is "mulm eval -nearest TRAIN -data D -buckets N".
func (e *env) nearest(train, data string, buckets int) (*eval.Report, error) {
	key := "nearest\x00" + train + "\x00" + data + "\x00" + strconv.Itoa(buckets)
	if r := e.evals[key]; r != nil {
		return r, nil
	}
	var sets [2][]dataset.Pair
	for i, path := range []string{train, data} {
		p, err := e.file(path)
		if err != nil {
			return nil, err
		}
		set, err := dataset.ReadFiles([]string{p}, dataset.Options{})
		if err != nil {
			return nil, err
		}
		sets[i] = set.Pairs
	}
	n, err := eval.NewNearestBuckets(sets[0], buckets)
	if err != nil {
		return nil, err
	}
	r := eval.Evaluate(n, sets[1], 0)
	e.evals[key] = r
	return r, nil
}

// z80Chat is what "go run ./examples/NAME -z80 -q QUERY" prints for
// model name: the reply and its seconds and T-states at 4 MHz.
func (e *env) z80Chat(name, query string) (string, error) {
	m, err := e.model(name)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	if err := chatapp.Chat(m, chatapp.Options{Z80: true, Query: query}, strings.NewReader(""), &out); err != nil {
		return "", err
	}
	return out.String(), nil
}

// zeroInputCost is the T-states a zero input costs engine k's layer
// loop: the slope of Engine.Layer's T-states, on an all-zero input vector,
// between a layer of 64 and one of 192 inputs (8 outputs, zero weights).
func zeroInputCost(k z80ref.EngineKind) (uint64, error) {
	cost := func(in int) (uint64, error) {
		zero := func(in, out int) quant.Layer {
			return quant.Layer{In: in, Out: out, Shift: 2, W: make([]int8, in*out), Bias: make([]int16, out)}
		}
		m, err := infer.New([]byte("ab\x00"), []quant.Layer{zero(trigram.InputSize, in), zero(in, 8), zero(8, 3)}, 1)
		if err != nil {
			return 0, err
		}
		e, err := z80ref.NewEngine(m, k)
		if err != nil {
			return 0, err
		}
		_, t, err := e.Layer(1, make([]int16, in))
		return t, err
	}
	a, err := cost(64)
	if err != nil {
		return 0, err
	}
	b, err := cost(192)
	if err != nil {
		return 0, err
	}
	if (b-a)%128 != 0 {
		return 0, fmt.Errorf("the %v engine's zero inputs do not cost the same each: %d T-states for 128 more", k, b-a)
	}
	return (b - a) / 128, nil
}
