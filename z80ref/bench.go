package z80ref

import (
	"errors"
	"fmt"
	"slices"

	"mulm/infer"
)

// BenchResult is an engine's measurement on a set of queries: T-states on
// the emulated Z80 (BDOS calls free), which are exact and the same on
// every host.
type BenchResult struct {
	Kind     EngineKind
	Platform Platform
	// FileBytes is the size of the program file.
	FileBytes int
	// Startup is INIT's T-states, once per program run.
	Startup uint64
	// Queries are the queries measured and Stats their replies' T-states,
	// in the same order.
	Queries []string
	Stats   []Stats
	// Chars is the number of characters printed over all replies.
	Chars int
}

// Bench answers every query on the engine, checks that each reply equals
// the model's (infer.Model.Reply: a difference is a parity failure and an
// error) and returns the T-states.
func (e *Engine) Bench(queries []string) (BenchResult, error) {
	im := e.img
	r := BenchResult{Kind: im.Kind, Platform: im.Platform, FileBytes: len(im.File), Queries: queries}
	if len(queries) == 0 {
		return r, fmt.Errorf("z80ref: Bench: no queries")
	}
	var err error
	if r.Startup, err = e.Startup(); err != nil {
		return r, err
	}
	for _, q := range queries {
		tr, st, err := e.Trace(q)
		if err != nil {
			return r, err
		}
		if want := im.model.Reply(q); tr.Reply != want {
			return r, fmt.Errorf("z80ref: the %s engine on %s answered %q with %q, want %q (parity failure)",
				im.Kind, im.Platform, q, tr.Reply, want)
		}
		r.Chars += len(tr.Reply)
		r.Stats = append(r.Stats, st)
	}
	return r, nil
}

// PerChar returns every reply's mean T-states per generation step
// (Stats.PerChar), sorted.
func (r BenchResult) PerChar() []uint64 {
	per := make([]uint64, len(r.Stats))
	for i, st := range r.Stats {
		per[i] = st.PerChar()
	}
	slices.Sort(per)
	return per
}

// Median is the median over the replies of the T-states per generation
// step (the upper one for an even count).
func (r BenchResult) Median() uint64 {
	per := r.PerChar()
	return per[len(per)/2]
}

// Worst is the largest of the replies' T-states per generation step.
func (r BenchResult) Worst() uint64 {
	per := r.PerChar()
	return per[len(per)-1]
}

// BeginMedian is the median of the once-per-reply work (Stats.Begin).
func (r BenchResult) BeginMedian() uint64 {
	b := make([]uint64, len(r.Stats))
	for i, st := range r.Stats {
		b[i] = st.Begin
	}
	slices.Sort(b)
	return b[len(b)/2]
}

// BenchRow is one engine on one platform: its measurement, or why it
// cannot hold the model (Err, matching ErrDoesNotFit).
type BenchRow struct {
	Kind     EngineKind
	Platform Platform
	Result   BenchResult
	Err      error
}

// BenchAll measures every engine of Engines on every platform of
// Platforms for m on queries. An engine that cannot hold m is a row with
// Err set; any other failure (a reply that differs from m.Reply among
// them) is an error.
func BenchAll(m *infer.Model, queries []string) ([]BenchRow, error) {
	var rows []BenchRow
	for _, p := range Platforms() {
		for _, k := range Engines() {
			row := BenchRow{Kind: k, Platform: p}
			e, err := NewEngineFor(m, k, p)
			if errors.Is(err, ErrDoesNotFit) {
				row.Err = err
				rows = append(rows, row)
				continue
			}
			if err != nil {
				return rows, err
			}
			if row.Result, err = e.Bench(queries); err != nil {
				return rows, err
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}
