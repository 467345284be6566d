package parity

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/z80ref"
)

// impl is one implementation of the contract: it answers a query with a
// full trace.
type impl struct {
	name  string
	trace func(q string) (infer.Trace, error)
}

// z80Kinds are the Z80 engines under test.
var z80Kinds = []z80ref.EngineKind{z80ref.Compact, z80ref.Fast}

// impls returns every implementation for model m except the dense Go
// path, which is the reference.
func impls(t testing.TB, m *infer.Model) []impl {
	t.Helper()
	out := []impl{{"go-fast", func(q string) (infer.Trace, error) { return m.Trace(q), nil }}}
	for _, k := range z80Kinds {
		e, err := z80ref.NewEngine(m, k)
		var te *z80ref.TPAError
		var me *z80ref.ModelError
		if errors.As(err, &te) || errors.As(err, &me) {
			// Beyond this engine's capacity (the fast engine's index
			// lists need about a byte per non-zero weight): the other
			// engines still run the model.
			t.Logf("%v engine skipped for %v: %s", k, m.Sizes(), strings.SplitN(err.Error(), "\n", 2)[0])
			continue
		}
		if err != nil {
			t.Fatalf("z80 %v engine: %v", k, err)
		}
		out = append(out, impl{"z80-" + k.String(), func(q string) (infer.Trace, error) {
			tr, _, err := e.Trace(q)
			return tr, err
		}})
	}
	return out
}

// firstDiff describes the first difference between the reference trace
// and another one: step, stage, neuron and values; "" when they agree.
func firstDiff(ref, got infer.Trace) string {
	for s := range min(len(ref.Steps), len(got.Steps)) {
		a, b := ref.Steps[s], got.Steps[s]
		if d := vecDiff(a.Input, b.Input); d != "" {
			stage := "query encoder"
			if i := strings.Index(d, "["); i >= 0 {
				var n int
				fmt.Sscanf(d[i+1:], "%d", &n)
				if n >= 128 {
					stage = "context encoder"
				}
			}
			return fmt.Sprintf("step %d, %s: input %s", s, stage, d)
		}
		for l := range min(len(a.Layers), len(b.Layers)) {
			if d := vecDiff(a.Layers[l], b.Layers[l]); d != "" {
				return fmt.Sprintf("step %d, layer %d: output %s", s, l+1, d)
			}
		}
		if len(a.Layers) != len(b.Layers) {
			return fmt.Sprintf("step %d: %d layers, want %d", s, len(b.Layers), len(a.Layers))
		}
		if a.Next != b.Next {
			return fmt.Sprintf("step %d: argmax %d, want %d", s, b.Next, a.Next)
		}
	}
	if len(ref.Steps) != len(got.Steps) {
		return fmt.Sprintf("%d steps, want %d", len(got.Steps), len(ref.Steps))
	}
	if ref.Reply != got.Reply {
		return fmt.Sprintf("reply %q, want %q", got.Reply, ref.Reply)
	}
	return ""
}

func vecDiff(want, got []int16) string {
	if len(want) != len(got) {
		return fmt.Sprintf("has %d entries, want %d", len(got), len(want))
	}
	for i := range want {
		if want[i] != got[i] {
			return fmt.Sprintf("[%d] = %d, want %d", i, got[i], want[i])
		}
	}
	return ""
}

// checkQuery runs q through every implementation and compares each trace
// with the dense reference.
func checkQuery(t testing.TB, m *infer.Model, is []impl, q string) {
	t.Helper()
	ref := m.DenseTrace(q)
	for _, im := range is {
		got, err := im.trace(q)
		if err != nil {
			t.Fatalf("%s, query %q: %v", im.name, q, err)
		}
		if d := firstDiff(ref, got); d != "" {
			t.Fatalf("%s, query %q: %s\n(-dense +%s):\n%s", im.name, q, d, im.name, cmp.Diff(ref, got))
		}
	}
}
