package z80ref

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/quant"
)

var replyQueries = []string{
	"hello", "", "   ", "  Are you a ROBOT?  ", "x", "what is your name",
	strings.Repeat("long query ", 30), // more than 255 bytes: cut
	"\x80\xff bytes", "TAB\there",
}

// checkReplies compares whole replies, step by step, with DenseTrace, on
// every engine kind.
func checkReplies(t *testing.T, name string, m *infer.Model, queries []string) {
	t.Helper()
	for _, k := range Engines() {
		checkRepliesKind(t, name+" ("+k.String()+")", m, queries, k)
	}
}

func checkRepliesKind(t *testing.T, name string, m *infer.Model, queries []string, k EngineKind) {
	t.Helper()
	e, err := NewEngine(m, k)
	if err != nil {
		t.Fatal(err)
	}
	checkRepliesEngine(t, name, e, queries)
}

// checkRepliesEngine is checkRepliesKind on engine e (of e's model).
func checkRepliesEngine(t *testing.T, name string, e *Engine, queries []string) {
	t.Helper()
	m := e.Image().Model()
	for _, q := range queries {
		got, st, err := e.Trace(q)
		if err != nil {
			t.Fatal(err)
		}
		want := m.DenseTrace(q)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%s, query %q (-want +got):\n%s", name, q, d)
		}
		if len(st.Steps) != len(got.Steps) || st.Begin == 0 {
			t.Fatalf("%s: stats %+v for %d steps", name, st, len(got.Steps))
		}
		sum := st.Begin
		for _, s := range st.Steps {
			sum += s
		}
		if sum > st.Total || st.Total > sum+100 {
			t.Fatalf("%s: Begin + Steps = %d, Total %d", name, sum, st.Total)
		}
	}
}

func TestReplySmallRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		hidden         []int
		nchars, maxLen int
		nz             float64
	}{
		{nil, 2, 1, 0.3},
		{[]int{1}, 3, 10, 0.5},
		{[]int{8}, 10, 20, 0.3},
		{[]int{16, 12}, 10, 20, 0.3},
		{[]int{5, 3, 7}, 12, 20, 0.3},
		{[]int{4, 255}, 255, 30, 0.3},
		{[]int{256}, 40, 255, 0.1},
	} {
		m := randomModel(t, r, tc.hidden, tc.nchars, tc.maxLen, tc.nz)
		qs := replyQueries
		if tc.maxLen > 50 {
			qs = qs[:3] // long replies: keep the run short
		}
		checkReplies(t, "random "+joinInts(m.Sizes(), "-"), m, qs)
	}
}

// TestReplyWrap uses dense weights, large biases and shift 0 so that the
// accumulators of every layer wrap and go negative. (90 % dense 256x256
// weights do not fit the fast engine's index lists: {256, 256, 7} runs on
// the compact engine only.)
func TestReplyWrap(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, sizes := range [][]int{{256, 64, 32, 20}, {256, 256, 7}, {256, 128, 7}} {
		var layers []quant.Layer
		for i := 0; i+1 < len(sizes); i++ {
			layers = append(layers, randomLayer(r, sizes[i], sizes[i+1], uint8(r.IntN(3)), 0.9, 32000))
		}
		cs := []byte("abcdefghijklmnopqrstuvwxyz")[:sizes[len(sizes)-1]]
		cs[len(cs)-1] = 0
		m, err := infer.New(cs, layers, 25)
		if err != nil {
			t.Fatal(err)
		}
		if sizes[1] == 256 {
			checkRepliesKind(t, "wrap "+joinInts(sizes, "-"), m, replyQueries[:6], Compact)
			continue
		}
		checkReplies(t, "wrap "+joinInts(sizes, "-"), m, replyQueries[:6])
	}
}

// TestTinychatShape measures a random model of the tinychat shape with
// about 27 % non-zero weights.
func TestTinychatShape(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	m := randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27)
	for _, k := range Engines() {
		e, err := NewEngine(m, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range benchQueries[:3] {
			got, st, err := e.Trace(q)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(m.DenseTrace(q), got); d != "" {
				t.Fatalf("%s, query %q (-want +got):\n%s", k, q, d)
			}
			t.Logf("%s %q: %d steps, begin %d, %d T-states per step", k, q, len(st.Steps), st.Begin, st.PerChar())
		}
	}
}
