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

// TestEncoders runs the edge-case and random queries through every
// implementation on a model whose output is forced to a fixed reply, so
// that the context encoder sees characters of every kind too.
func TestEncoders(t *testing.T) {
	// A one-layer model whose biases spell the charset in turn would need
	// context; instead make a random model with a charset of odd bytes and
	// let it talk: the context encoder sees whatever it generates.
	rng := rand.New(rand.NewPCG(1, 1))
	cs := []byte("A z\x01\x7f\x80\xffQ?\x00")
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{12}, Charset: cs, MaxLen: 12})
	queries := append([]string(nil), edgeQueries...)
	for range 40 {
		queries = append(queries, randmodel.Query(rng, 80, true))
	}
	forEachImpl(t, m, "the encoder model", func(t *testing.T, im impl) {
		for _, q := range queries {
			checkQuery(t, m, im, q)
		}
	})
}

// TestRandomModels compares whole replies, step by step, on random models
// of several shapes, including ones whose accumulators wrap and ones with
// random shifts.
func TestRandomModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
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
		{[]int{1, 1}, true, true, 0.5, 8},
		{[]int{5}, true, true, 1, 8},
		{[]int{4, 4, 4, 4}, false, true, 0.6, 8},
		{[]int{128, 64}, true, true, 0.27, 6},
		{[]int{255}, false, true, 0.05, 4},
		{[]int{256, 256}, true, false, 0.1, 3},
		{[]int{17, 3, 200}, true, true, 0.4, 8},
	}
	for i, c := range cases {
		m := randmodel.Model(rng, randmodel.Options{Hidden: c.hidden, Wrap: c.wrap, RandomShift: c.shifts,
			Density: c.density, MaxLen: 1 + rng.IntN(12)})
		var queries []string
		for range c.queries {
			queries = append(queries, randmodel.Query(rng, 40, i%2 == 0))
		}
		what := fmt.Sprintf("case %d (hidden %v, wrap %v, shifts %v, density %v)", i, c.hidden, c.wrap, c.shifts, c.density)
		t.Run(fmt.Sprintf("%d", i), func(t *testing.T) {
			forEachImpl(t, m, what, func(t *testing.T, im impl) {
				for _, q := range queries {
					checkQuery(t, m, im, q)
				}
			})
		})
	}
}

// TestWrapIsExercised makes sure the wrapping models above really wrap
// somewhere in the traces compared: otherwise the parity on wrapping would
// be vacuous.
func TestWrapIsExercised(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	// Skip the first two cases' models, as TestRandomModels draws them.
	for range 2 {
		randmodel.Model(rng, randmodel.Options{Hidden: []int{1}})
	}
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{64}, Wrap: true})
	wrapped := false
	for _, q := range []string{"hello", "how are you", "zz"} {
		tr := m.DenseTrace(q)
		for _, st := range tr.Steps {
			x := st.Input
			for li := range m.NumLayers() {
				l := m.Layer(li)
				for o := range l.Out {
					exact := int(l.Bias[o])
					for i, w := range l.Row(o) {
						exact += int(w) * int(x[i])
					}
					if exact < -32768 || exact > 32767 {
						wrapped = true
					}
				}
				x = st.Layers[li]
			}
		}
	}
	if !wrapped {
		t.Fatal("no accumulator wrapped")
	}
}

// TestLayerExtremes drives a one-layer model with weights and biases at
// the extremes: all −2, all +1, int16 limits, so the accumulators wrap
// several times and the floor shift sees large negative sums.
func TestLayerExtremes(t *testing.T) {
	for _, c := range []struct {
		name string
		w    int8
		bias int16
	}{{"all -2", -2, -32768}, {"all +1", 1, 32767}, {"all -1", -1, 0}, {"zero", 0, -1}} {
		w := make([]int8, 256*3)
		for i := range w {
			w[i] = c.w
		}
		l := quant.Layer{In: 256, Out: 3, Shift: 2, W: w, Bias: []int16{c.bias, c.bias + 1, c.bias - 1}}
		m, err := infer.New([]byte("ab\x00"), []quant.Layer{l}, 5)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(c.name, func(t *testing.T) {
			forEachImpl(t, m, c.name, func(t *testing.T, im impl) {
				for _, q := range []string{"hello", strings.Repeat("e", 255), "a b c d e f", ""} {
					checkQuery(t, m, im, q)
				}
			})
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
			forEachImpl(t, m, "the original "+c.name, func(t *testing.T, im impl) {
				for _, q := range c.queries {
					checkQuery(t, m, im, q)
				}
			})
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
