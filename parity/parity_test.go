package parity

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/infer/npz"
	"mulm/internal/randmodel"
	"mulm/quant"
	"mulm/trigram"
)

// edgeQueries are the encoders' interesting cases.
var edgeQueries = []string{
	"", " ", "   ", "a", "A", "hi", "HELLO", "Hello World", "  padded  ",
	"two  spaces", "\x00", "\x01\x02\x1f", "\x7f\x80\xff", "ünïcödé", "tab\there",
	"!!!???", "0123456789", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	strings.Repeat("x", trigram.MaxQueryLen), strings.Repeat("ab", 200),
	strings.Repeat(" ", 300) + "late", "@[`{", "AZaz",
}

// encoderReply is what the encoder model of TestEncoders prints to
// every query: bytes of every kind (upper and lower case, space, control,
// DEL, 80h and above, punctuation).
const encoderReply = "A z\x01\x7f\x80\xffQ?"

// encoderModel returns a one-layer model that prints encoderReply to any
// query: its query weights are zero, and output j has +1 weights from the
// context buckets of the unigram, bigram and trigram that end the window
// after the reply's first j characters (spaces before the first), so that
// each step's context picks the next character and, after the last, EOS.
func encoderModel(t *testing.T) *infer.Model {
	t.Helper()
	cs := append([]byte(encoderReply), 0)
	l := quant.Layer{In: trigram.InputSize, Out: len(cs), Shift: 2,
		W: make([]int8, trigram.InputSize*len(cs)), Bias: make([]int16, len(cs))}
	for j := range cs {
		var w [trigram.ContextLen]byte
		trigram.FillWindow(&w, []byte(encoderReply[:j]))
		for n := 1; n <= 3; n++ {
			l.W[j*l.In+trigram.Buckets+trigram.ContextBucket(&w, trigram.ContextLen-n, n)] = 1
		}
	}
	m, err := infer.New(cs, []quant.Layer{l}, 12)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEncoders runs the edge-case and random queries through every
// implementation on a model whose output is forced to a fixed reply of
// bytes of every kind (encoderReply), so that the query encoder sees
// every kind of query and the context encoder every kind of character.
func TestEncoders(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := encoderModel(t)
	queries := append([]string(nil), edgeQueries...)
	for range 40 {
		queries = append(queries, randmodel.Query(rng, 80, true))
	}
	for _, q := range queries {
		if got := m.DenseTrace(q).Reply; got != encoderReply {
			t.Fatalf("the encoder model answers %q with %q, want %q", q, got, encoderReply)
		}
	}
	checkAll(t, m, "the encoder model", queries)
}

// traceStats counts, in the reference traces of m for queries (the traces
// every implementation is compared with), the accumulators that wrap and
// the negative accumulators whose floor shift drops set bits in a layer
// whose output no ReLU clamps (the last layer).
func traceStats(m *infer.Model, queries []string) (wrapped, floored int) {
	layers := m.Layers()
	var steps []infer.Step
	for _, q := range queries {
		steps = append(steps, m.DenseTrace(q).Steps...)
	}
	for _, st := range steps {
		x := st.Input
		for li := range layers {
			l := &layers[li]
			last := li == len(layers)-1
			for o := range l.Out {
				exact, acc := exactAcc(l, x, o)
				if exact != int(acc) {
					wrapped++
				}
				if last && l.Shift > 0 && acc < 0 && acc&(1<<l.Shift-1) != 0 {
					floored++
				}
			}
			x = st.Layers[li]
		}
	}
	return wrapped, floored
}

// TestRandomModels compares whole replies, step by step, on random models
// of several shapes, including ones whose accumulators wrap and ones with
// random shifts.
func TestRandomModels(t *testing.T) {
	cases := []struct {
		hidden  []int
		wrap    bool
		shifts  bool
		density float64
		queries int
	}{
		{nil, false, false, 0.27, 6},
		{[]int{1}, false, false, 0.5, 6},
		{[]int{3, 5}, true, false, 0.9, 6},
		{[]int{7}, false, true, 0.27, 6},
		{[]int{64, 32}, true, true, 0.27, 4},
		{[]int{255, 4}, false, false, 0.27, 3},
		{[]int{256}, true, false, 1, 3},
		{[]int{256, 192, 128}, false, false, 0.27, 3},
		// Wider: more shapes, wrapping and random shifts together, the
		// extremes of density.
		// One-wide layers carry too little to wrap: random shifts
		// through bottlenecks.
		{[]int{1, 1}, false, true, 0.5, 8},
		{[]int{5}, true, true, 1, 8},
		{[]int{4, 4, 4, 4}, false, true, 0.6, 8},
		{[]int{128, 64}, true, true, 0.27, 6},
		{[]int{255}, false, true, 0.05, 4},
		{[]int{256, 256}, true, false, 0.1, 3},
		{[]int{17, 3, 200}, true, true, 0.4, 8},
	}
	totalWrapped, totalFloored := 0, 0
	for i, c := range cases {
		// Each case draws from its own stream, so that editing one case
		// leaves the others' models as they are.
		rng := rand.New(rand.NewPCG(4, uint64(i)))
		m := randmodel.Model(rng, randmodel.Options{Hidden: c.hidden, Wrap: c.wrap, RandomShift: c.shifts,
			Density: c.density, MaxLen: 1 + rng.IntN(12)})
		var queries []string
		for range c.queries {
			queries = append(queries, randmodel.Query(rng, 40, i%2 == 0))
		}
		what := fmt.Sprintf("case %d (hidden %v, wrap %v, shifts %v, density %v)", i, c.hidden, c.wrap, c.shifts, c.density)
		t.Run(fmt.Sprintf("%d", i), func(t *testing.T) {
			// What the compared traces exercise: a case meant to wrap
			// must wrap in them.
			wrapped, floored := traceStats(m, queries)
			t.Logf("%s: %d accumulators wrapped, %d negative sums floored in the traces compared", what, wrapped, floored)
			if c.wrap && wrapped == 0 {
				t.Errorf("%s is meant to wrap, but no accumulator wrapped in the traces compared", what)
			}
			totalWrapped += wrapped
			totalFloored += floored
			checkAll(t, m, what, queries)
		})
	}
	if totalWrapped == 0 || totalFloored == 0 {
		t.Errorf("the traces compared have %d wrapping accumulators and %d floored negative sums; want both", totalWrapped, totalFloored)
	}
}

// TestLayerExtremes drives a one-layer model with weights and biases at
// the extremes: all −2, all +1, int16 limits, so the accumulators wrap
// several times and the floor shift sees large negative sums.
func TestLayerExtremes(t *testing.T) {
	for _, c := range []struct {
		name          string
		w             int8
		bias          int16
		wraps, floors bool
	}{{"all -2", -2, -32768, true, false}, {"all +1", 1, 32767, true, false}, {"all -1", -1, 0, false, true}, {"zero", 0, -1, false, true}} {
		w := make([]int8, 256*3)
		for i := range w {
			w[i] = c.w
		}
		l := quant.Layer{In: 256, Out: 3, Shift: 2, W: w, Bias: []int16{c.bias, c.bias + 1, c.bias - 1}}
		m, err := infer.New([]byte("ab\x00"), []quant.Layer{l}, 5)
		if err != nil {
			t.Fatal(err)
		}
		queries := []string{"hello", strings.Repeat("e", 255), "a b c d e f", ""}
		t.Run(c.name, func(t *testing.T) {
			wrapped, floored := traceStats(m, queries)
			t.Logf("%d accumulators wrapped, %d negative sums floored in the traces compared", wrapped, floored)
			if c.wraps && wrapped == 0 {
				t.Errorf("no accumulator wrapped in the traces compared")
			}
			if c.floors && floored == 0 {
				t.Errorf("no negative sum was floored in the traces compared")
			}
			checkAll(t, m, c.name, queries)
		})
	}
}

func refModel(t *testing.T, name string) *infer.Model {
	t.Helper()
	path := "../../shared/reference/" + name + "-model.npz"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("reference model absent: %v", err)
	}
	m, err := npz.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReferenceModels compares the original's shipped models on typical
// queries.
func TestReferenceModels(t *testing.T) {
	for _, c := range []struct {
		name    string
		queries []string
	}{
		{"tinychat", []string{"hello", "are you a robot", "what is your name", "how are you", "asdf", "tell me a joke"}},
		{"guess", []string{"is it alive", "is it a chair", "can you sit on it", "hello"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := refModel(t, c.name)
			checkAll(t, m, "the original "+c.name, c.queries)
		})
	}
}

// TestCOMChat runs the complete CP/M program: the text it prints for a
// list of queries must equal Reply for each.
func TestCOMChat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{32, 16}, MaxLen: 10})
	queries := []string{"hello", "how are you", "what is your name", "ZZZ top", "a"}
	checkCOM(t, m, queries)
}

func TestCOMChatReference(t *testing.T) {
	m := refModel(t, "tinychat")
	checkCOM(t, m, []string{"hello", "are you a robot", "what is your name", "how are you", "good night"})
}
