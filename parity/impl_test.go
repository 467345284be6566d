package parity

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/quant"
	"mulm/z80ref"
)

// impl is one implementation of the contract under test: a Go
// implementation other than the dense reference, or a Z80 engine on a
// platform. It answers a query with a full trace.
type impl struct {
	name  string
	trace func(q string) (infer.Trace, error)
}

// target is a Z80 engine on a platform.
type target struct {
	k z80ref.EngineKind
	p z80ref.Platform
}

func (tg target) String() string { return tg.k.String() + "/" + tg.p.String() }

// targets returns every Z80 engine on every platform, from z80ref's
// registry.
func targets() []target {
	var ts []target
	for _, p := range z80ref.Platforms() {
		for _, k := range z80ref.Engines() {
			ts = append(ts, target{k, p})
		}
	}
	return ts
}

// mustHold is the capacity table: for every Z80 engine on every platform,
// the models it must hold. An engine that refuses a model its row says it
// must hold fails the test; any other refusal is a visible skip with the
// engine's reason. A target without a row fails every test that meets
// it: a new engine or platform states here what it promises.
var mustHold = map[string]struct {
	promise string
	holds   func(m *infer.Model) bool
}{
	"compact/cpm": {"every model whose packed weights plus 600 bytes a layer (descriptor, biases) take at most 50,000 bytes",
		func(m *infer.Model) bool { return packedBytes(m)+600*m.NumLayers() <= 50_000 }},
	"fast/cpm": {"every model where no input has 256 weights of one value and whose packed weights, plus for " +
		"every layer the excess of its index lists (3 bytes an input, 1 a non-zero weight) over its packed weights, " +
		"plus 1,600 bytes a layer (descriptor, biases, pointer pages) take at most 50,000 bytes " +
		"(the original tinychat and guess models: 48,258 and 49,829)",
		func(m *infer.Model) bool { return fastBytes(m)+1_600*m.NumLayers() <= 50_000 && maxSameWeight(m) < 256 }},
	"dense/cpm": {"every model of the trainer's shape 256->256->192->128->n, n <= 64, whatever its weights",
		func(m *infer.Model) bool {
			s := m.Sizes()
			return len(s) == 5 && s[0] == 256 && s[1] == 256 && s[2] == 192 && s[3] == 128 && s[4] <= 64
		}},
	"dense/zx48": {"every model of at most three layers whose packed weights take at most 12,000 bytes " +
		"(no 256→256→192→128 model fits the 48K's 41 KB with the dense engine's tables)",
		func(m *infer.Model) bool { return m.NumLayers() <= 3 && packedBytes(m) <= 12_000 }},
	"compact/zx48": {"every model no wider than the original tinychat (256→256→192→128→40) in any layer",
		func(m *infer.Model) bool { return noWider(m, []int{256, 256, 192, 128, 40}) }},
	"fast/zx48": {"every model where no input has 256 weights of one value and whose fast-engine bytes (as for " +
		"fast/cpm) plus 1,600 bytes a layer take at most 35,000 bytes (the 48K's 41,304 less the code, the fixed " +
		"buffers and the stack)",
		func(m *infer.Model) bool { return fastBytes(m)+1_600*m.NumLayers() <= 35_000 && maxSameWeight(m) < 256 }},
}

// noWider reports whether m has at most len(sizes)−1 layers, each with at
// most the inputs and outputs sizes gives.
func noWider(m *infer.Model, sizes []int) bool {
	ls := m.Layers()
	if len(ls) > len(sizes)-1 {
		return false
	}
	for i, l := range ls {
		if l.In > sizes[i] || l.Out > sizes[i+1] {
			return false
		}
	}
	return true
}

// packedBytes is the size of m's 2-bit weights packed column by column.
func packedBytes(m *infer.Model) int {
	n := 0
	for _, l := range m.Layers() {
		n += l.In * quant.RowBytes(l.Out)
	}
	return n
}

// fastBytes is what the fast engine's weights need in memory: the packed
// weights, which it expands in place, plus for every layer the excess of
// its index lists (3 count bytes an input, 1 byte a non-zero weight) over
// its packed weights.
func fastBytes(m *infer.Model) int {
	n := 0
	for _, l := range m.Layers() {
		packed := l.In * quant.RowBytes(l.Out)
		lists := 3 * l.In
		for _, w := range l.W {
			if w != 0 {
				lists++
			}
		}
		n += packed + max(0, lists-packed)
	}
	return n
}

// maxSameWeight is the most weights of one non-zero value that one input
// of a layer has.
func maxSameWeight(m *infer.Model) int {
	most := 0
	for _, l := range m.Layers() {
		for i := range l.In {
			count := map[int8]int{}
			for o := range l.Out {
				if w := l.W[o*l.In+i]; w != 0 {
					count[w]++
					most = max(most, count[w])
				}
			}
		}
	}
	return most
}

// buildEngine builds target tg's engine for m. When the engine cannot
// hold m and the capacity table allows it to refuse m, it skips the test
// visibly with the engine's reason; it fails the test when the table says
// the engine must hold m, when the target has no row, or on any other
// error. what describes m in messages.
func buildEngine(t testing.TB, m *infer.Model, tg target, what string) *z80ref.Engine {
	t.Helper()
	if err := tg.p.Available(); err != nil {
		t.Skipf("%v: the %s machine is unavailable: %v", tg, tg.p, err)
	}
	e, why, err := refusable(m, tg)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if e == nil {
		t.Skipf("%v engine cannot hold %s (%v): %s", tg, what, m.Sizes(), why)
	}
	return e
}

// buildImage builds the program of m for target tg, as z80ref.Build
// does; a machine that is unavailable, or a model the engine cannot hold,
// fails or skips as buildEngine says (the capacity table).
func buildImage(t testing.TB, m *infer.Model, tg target, what string) *z80ref.Image {
	t.Helper()
	if err := tg.p.Available(); err != nil {
		t.Skipf("%v: the %s machine is unavailable: %v", tg, tg.p, err)
	}
	img, err := z80ref.Build(m, z80ref.BuildOptions{Kind: tg.k, Platform: tg.p})
	if errors.Is(err, z80ref.ErrDoesNotFit) {
		buildEngine(t, m, tg, what)
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return img
}

// forEachImpl runs check once for every implementation of model m other
// than the dense reference, each as its own subtest named after it: the
// Go implementations ("go-fast") and every Z80 engine on every platform
// ("z80-fast-cpm"). An unavailable Go implementation, or an engine that
// cannot hold m where the capacity table allows it, is a visible skip.
func forEachImpl(t *testing.T, m *infer.Model, what string, check func(t *testing.T, im impl)) {
	t.Helper()
	for _, gi := range infer.Implementations()[1:] {
		t.Run("go-"+gi.Name, func(t *testing.T) {
			if gi.Unavailable != "" {
				t.Skipf("Go %s implementation unavailable: %s", gi.Name, gi.Unavailable)
			}
			check(t, impl{"go-" + gi.Name, func(q string) (infer.Trace, error) { return gi.Trace(m, q), nil }})
		})
	}
	for _, tg := range targets() {
		name := "z80-" + tg.k.String() + "-" + tg.p.String()
		t.Run(name, func(t *testing.T) {
			e := buildEngine(t, m, tg, what)
			check(t, impl{name, func(q string) (infer.Trace, error) {
				tr, _, err := e.Trace(q)
				return tr, err
			}})
		})
	}
}

// impls returns every implementation of m other than the dense reference,
// for the fuzz targets (where subtests cannot run): an unavailable Go
// implementation or an engine the capacity table allows to refuse m is
// left out (and logged); an engine that must hold m and does not fails.
func impls(t testing.TB, m *infer.Model) []impl {
	t.Helper()
	var out []impl
	for _, gi := range infer.Implementations()[1:] {
		if gi.Unavailable != "" {
			t.Logf("Go %s implementation unavailable: %s", gi.Name, gi.Unavailable)
			continue
		}
		out = append(out, impl{"go-" + gi.Name, func(q string) (infer.Trace, error) { return gi.Trace(m, q), nil }})
	}
	for _, tg := range targets() {
		e, why, err := refusable(m, tg)
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			t.Logf("%v engine cannot hold %v: %s", tg, m.Sizes(), why)
			continue
		}
		out = append(out, impl{"z80-" + tg.k.String() + "-" + tg.p.String(), func(q string) (infer.Trace, error) {
			tr, _, err := e.Trace(q)
			return tr, err
		}})
	}
	return out
}

// refusable builds tg's engine for m. When the engine cannot hold m it
// returns nil and the engine's reason if the capacity table allows the
// refusal, else an error saying what the table promises.
func refusable(m *infer.Model, tg target) (*z80ref.Engine, string, error) {
	if err := tg.p.Available(); err != nil {
		return nil, fmt.Sprintf("the %s machine is unavailable: %v", tg.p, err), nil
	}
	e, err := z80ref.NewEngineFor(m, tg.k, tg.p)
	if err == nil {
		return e, "", nil
	}
	if !errors.Is(err, z80ref.ErrDoesNotFit) {
		return nil, "", fmt.Errorf("%v engine: %w", tg, err)
	}
	row, ok := mustHold[tg.String()]
	if !ok {
		return nil, "", fmt.Errorf("%v: no row in the capacity table mustHold; add what the engine must hold", tg)
	}
	why := strings.SplitN(err.Error(), "\n", 2)[0]
	if row.holds(m) {
		return nil, "", fmt.Errorf("%v engine refused %v, which it must hold (%s): %s", tg, m.Sizes(), row.promise, why)
	}
	return nil, why, nil
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

// checkQuery runs q through implementation im and compares its trace with
// the dense reference.
func checkQuery(t testing.TB, m *infer.Model, im impl, q string) {
	t.Helper()
	ref := m.DenseTrace(q)
	got, err := im.trace(q)
	if err != nil {
		t.Fatalf("%s, query %q: %v", im.name, q, err)
	}
	if d := firstDiff(ref, got); d != "" {
		t.Fatalf("%s, query %q: %s\n(-dense +%s):\n%s", im.name, q, d, im.name, cmp.Diff(ref, got))
	}
}

// checkAll compares, in every implementation of m (forEachImpl), the trace
// of each query with the dense reference.
func checkAll(t *testing.T, m *infer.Model, what string, queries []string) {
	t.Helper()
	forEachImpl(t, m, what, func(t *testing.T, im impl) {
		for _, q := range queries {
			checkQuery(t, m, im, q)
		}
	})
}

// checkQueries is checkQuery for every implementation in is.
func checkQueries(t testing.TB, m *infer.Model, is []impl, q string) {
	t.Helper()
	for _, im := range is {
		checkQuery(t, m, im, q)
	}
}
