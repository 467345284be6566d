package parity

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/internal/randmodel"
	"mulm/quant"
	"mulm/trigram"
	"mulm/z80ref"
)

// weight patterns of the layers under test.
var weightPatterns = []string{"zero", "sparse", "typical", "dense", "full", "all -2", "all +1", "rows"}

// patternLayer returns a layer in → out with the given weight pattern:
// random weights of density 0, 5 %, 27 %, 60 % or 100 %, every weight −2
// or +1, or "rows" (a third of the rows all −2, a third all +1, the rest
// random at 60 %). Biases are anywhere in int16, with the extremes
// and small values mixed in.
func patternLayer(rng *rand.Rand, in, out int, shift uint8, pattern string) quant.Layer {
	l := quant.Layer{In: in, Out: out, Shift: shift, W: make([]int8, in*out), Bias: make([]int16, out)}
	random := func(w []int8, density float64) {
		for k := range w {
			if rng.Float64() < density {
				w[k] = []int8{-2, -1, 1}[rng.IntN(3)]
			}
		}
	}
	fill := func(w []int8, v int8) {
		for k := range w {
			w[k] = v
		}
	}
	switch pattern {
	case "zero":
	case "sparse":
		random(l.W, 0.05)
	case "typical":
		random(l.W, 0.27)
	case "dense":
		random(l.W, 0.6)
	case "full":
		random(l.W, 1)
	case "all -2":
		fill(l.W, -2)
	case "all +1":
		fill(l.W, 1)
	case "rows":
		for o := range out {
			switch row := l.Row(o); o % 3 {
			case 0:
				fill(row, -2)
			case 1:
				fill(row, 1)
			default:
				random(row, 0.6)
			}
		}
	default:
		panic("unknown pattern " + pattern)
	}
	for o := range l.Bias {
		switch rng.IntN(6) {
		case 0:
			l.Bias[o] = []int16{-32768, 32767, -1, 0, 1}[rng.IntN(5)]
		case 1:
			l.Bias[o] = int16(rng.IntN(17) - 8)
		default:
			l.Bias[o] = int16(rng.Uint32())
		}
	}
	return l
}

// inputKinds name the input vectors every layer is run on.
var inputKinds = []string{"small", "full", "max", "min", "negative", "zero", "relu", "bytes"}

// layerInput returns an input vector of n values of the given kind:
// "small" sparse values in −50..199, "full" anything in int16, "max" all
// 32767, "min" all −32768, "negative" anything below 0, "zero" all 0,
// "relu" sparse 0..1999 as ReLU outputs, "bytes" 1..255 and zeros (the
// fast engine's 8-bit paths, 2x past a byte from 128 on).
func layerInput(rng *rand.Rand, n int, kind string) []int16 {
	x := make([]int16, n)
	for i := range x {
		switch kind {
		case "small":
			if rng.IntN(3) == 0 {
				x[i] = int16(rng.IntN(250) - 50)
			}
		case "full":
			x[i] = int16(rng.Uint32())
		case "max":
			x[i] = 32767
		case "min":
			x[i] = -32768
		case "negative":
			x[i] = -1 - int16(rng.IntN(32768))
		case "zero":
		case "relu":
			if rng.IntN(2) == 0 {
				x[i] = int16(rng.IntN(2000))
			}
		case "bytes":
			if rng.IntN(4) > 0 {
				x[i] = int16(1 + rng.IntN(255))
			}
		default:
			panic("unknown input kind " + kind)
		}
	}
	return x
}

// summarize describes an input vector briefly: its size, how many are
// non-zero, its range and its first values.
func summarize(x []int16) string {
	nz, lo, hi := 0, int16(32767), int16(-32768)
	for _, v := range x {
		if v != 0 {
			nz++
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return fmt.Sprintf("%d inputs, %d non-zero, range %d..%d, starting %v", len(x), nz, lo, hi, x[:min(len(x), 8)])
}

// layerStats counts what the compared cases exercised.
type layerStats struct {
	compared, wrapped, floored int
}

// exactAcc returns neuron o's accumulator of layer l on x without
// wrapping, and as the contract wraps it.
func exactAcc(l *quant.Layer, x []int16, o int) (int, int16) {
	exact := int(l.Bias[o])
	for i, w := range l.Row(o) {
		exact += int(w) * int(x[i])
	}
	return exact, int16(exact)
}

// checkLayer runs layer li of e's model alone on x and compares it with
// infer.DenseLayer; st counts wrapping accumulators and negative ones
// whose shift floors (a last layer's, where no ReLU hides it).
func checkLayer(t testing.TB, e *z80ref.Engine, li int, x []int16, what string, st *layerStats) {
	t.Helper()
	m := e.Image().Model()
	l := m.Layer(li)
	relu := li < m.NumLayers()-1
	got, _, err := e.Layer(li, x)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	want := make([]int16, l.Out)
	infer.DenseLayer(want, &l, x, relu)
	for o := range want {
		exact, acc := exactAcc(&l, x, o)
		if got[o] != want[o] {
			t.Fatalf("%s: %v engine, layer %d (%d->%d, shift %d, relu %v), neuron %d = %d, want %d "+
				"(bias %d, accumulator %d, exact sum %d); input: %s",
				what, e.Image().Kind, li+1, l.In, l.Out, l.Shift, relu, o, got[o], want[o],
				l.Bias[o], acc, exact, summarize(x))
		}
		if st == nil {
			continue
		}
		if exact != int(acc) {
			st.wrapped++
		}
		if !relu && l.Shift > 0 && acc < 0 && acc&(1<<l.Shift-1) != 0 {
			st.floored++
		}
	}
	if st != nil {
		st.compared++
	}
}

// layerModel returns a model whose layer li (the one returned) is l: the
// first layer when l has 256 inputs, else the second after a filler layer
// 256 → l.In; followed by a filler layer l.Out → 2 when hidden is set.
// The contract makes a last layer 2..255 wide, so a layer of 1 or 256
// outputs is always hidden. Fillers have zero weights.
func layerModel(l quant.Layer, hidden bool) (*infer.Model, int, error) {
	filler := func(in, out int) quant.Layer {
		return quant.Layer{In: in, Out: out, Shift: 2, W: make([]int8, in*out), Bias: make([]int16, out)}
	}
	var layers []quant.Layer
	li := 0
	if l.In != trigram.InputSize {
		layers = append(layers, filler(trigram.InputSize, l.In))
		li = 1
	}
	layers = append(layers, l)
	cs := 0
	if hidden {
		layers = append(layers, filler(l.Out, 2))
		cs = 2
	} else {
		cs = l.Out
	}
	charset := make([]byte, cs)
	for i := range charset {
		charset[i] = byte('a' + i%26)
	}
	charset[cs-1] = 0
	m, err := infer.New(charset, layers, 1)
	return m, li, err
}

// layerCase is one layer under test: model m's layer li, run on every
// input vector of xs (one of each of inputKinds).
type layerCase struct {
	what string
	m    *infer.Model
	li   int
	xs   [][]int16
}

// layerCases draws TestLayerAlone's layers: random weights (every
// density, all −2, all +1, rows of each), biases anywhere in int16 and
// inputs of every kind (small, full int16 range, all max, all min,
// negative, zero), for widths 1, 3, 4, 5, 64, 255 and 256 in and out and
// shifts 0, 2 and 15, hidden (ReLU) and last, then random widths and
// shifts.
func layerCases(t *testing.T, rng *rand.Rand) []layerCase {
	var cases []layerCase
	add := func(in, out int, shift uint8, pattern string, hidden bool) {
		l := patternLayer(rng, in, out, shift, pattern)
		m, li, err := layerModel(l, hidden)
		if err != nil {
			t.Fatal(err)
		}
		c := layerCase{what: fmt.Sprintf("%d->%d shift %d %s hidden %v", in, out, shift, pattern, hidden), m: m, li: li}
		for _, kind := range inputKinds {
			c.xs = append(c.xs, layerInput(rng, in, kind))
		}
		cases = append(cases, c)
	}
	widths := []int{1, 3, 4, 5, 64, 255, 256}
	shifts := []uint8{0, 2, 15}
	n := 0
	for _, in := range widths {
		for _, out := range widths {
			for _, hidden := range []bool{false, true} {
				if !hidden && (out < 2 || out > infer.MaxCharset) {
					continue // a last layer has 2..255 outputs
				}
				// Every shift on every shape; the weight patterns rotate
				// (3 and 8 are coprime: 24 cases see every pairing).
				for range shifts {
					add(in, out, shifts[n%len(shifts)], weightPatterns[n%len(weightPatterns)], hidden)
					n++
				}
			}
		}
	}
	// Random widths 1..256 and shifts 0..15 besides.
	for range 40 {
		in, out := 1+rng.IntN(256), 1+rng.IntN(256)
		if rng.IntN(3) == 0 {
			in = trigram.InputSize
		}
		hidden := out < 2 || out > infer.MaxCharset || rng.IntN(2) == 0
		add(in, out, uint8(rng.IntN(16)), weightPatterns[rng.IntN(len(weightPatterns))], hidden)
	}
	return cases
}

// TestLayerAlone runs every layer of layerCases alone, on every Z80
// engine on every platform, and compares the outputs with
// infer.DenseLayer. It checks that accumulators really wrap and that
// negative sums really floor in the cases each engine compared.
func TestLayerAlone(t *testing.T) {
	cases := layerCases(t, rand.New(rand.NewPCG(11, 11)))
	for _, tg := range targets() {
		t.Run(tg.String(), func(t *testing.T) {
			st := &layerStats{}
			for _, c := range cases {
				t.Run(c.what, func(t *testing.T) {
					e := buildEngine(t, c.m, tg, c.what)
					for k, x := range c.xs {
						checkLayer(t, e, c.li, x, c.what+", input "+inputKinds[k], st)
					}
				})
			}
			t.Logf("%v engine: %d layer runs compared, %d accumulators wrapped, %d negative sums floored",
				tg, st.compared, st.wrapped, st.floored)
			if st.wrapped == 0 {
				t.Errorf("%v engine: no accumulator wrapped in the cases compared", tg)
			}
			if st.floored == 0 {
				t.Errorf("%v engine: no odd negative accumulator was shifted (the floor was never exercised)", tg)
			}
		})
	}
}

// TestEncoderStages compares the encoders alone, on every Z80 engine:
// EncodeQuery on the edge cases and random byte strings (longer than the
// console buffer too), EncodeContext on random generated texts of any
// bytes and lengths 0..12, against package trigram.
func TestEncoderStages(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{8}, MaxLen: 4})
	queries := append([]string(nil), edgeQueries...)
	for range 60 {
		b := make([]byte, rng.IntN(300))
		for i := range b {
			switch rng.IntN(4) {
			case 0:
				b[i] = ' '
			case 1:
				b[i] = byte('A' + rng.IntN(58))
			default:
				b[i] = byte(rng.IntN(256))
			}
		}
		queries = append(queries, string(b))
	}
	var recents [][]byte
	for n := range 13 {
		recents = append(recents, []byte(strings.Repeat("A", n)))
	}
	recents = append(recents, []byte("Hello, World"), []byte("\x00\x7f\x80\xff"), []byte("        "))
	for range 150 {
		b := make([]byte, rng.IntN(13))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		recents = append(recents, b)
	}
	for _, tg := range targets() {
		t.Run(tg.String(), func(t *testing.T) {
			testEncoderStages(t, buildEngine(t, m, tg, "the encoder model"), queries, recents)
		})
	}
}

func testEncoderStages(t *testing.T, e *z80ref.Engine, queries []string, recents [][]byte) {
	k := e.Image().Kind
	for _, q := range queries {
		got, _, err := e.EncodeQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		var want [trigram.Buckets]int16
		trigram.EncodeQuery(&want, q)
		if d := vecDiff(want[:], got); d != "" {
			t.Fatalf("%v engine, EncodeQuery(%q): bucket %s", k, q, d)
		}
	}
	for _, r := range recents {
		got, _, err := e.EncodeContext(r)
		if err != nil {
			t.Fatal(err)
		}
		var want [trigram.Buckets]int16
		trigram.EncodeContext(&want, r)
		if d := vecDiff(want[:], got); d != "" {
			t.Fatalf("%v engine, EncodeContext(%q): bucket %s", k, r, d)
		}
	}
}
