package infer_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/internal/randmodel"
	"mulm/quant"
)

// TestDenseLayerByHand checks the contract's layer on values worked out by
// hand: wrapping, the floor shift and ReLU.
func TestDenseLayerByHand(t *testing.T) {
	l := quant.Layer{In: 3, Out: 4, Shift: 2,
		W: []int8{
			1, 1, 1,
			-1, 0, 0,
			1, 1, 0,
			-2, -2, -2,
		},
		Bias: []int16{2, 1, 2767, 0},
	}
	cases := []struct {
		x    []int16
		want []int16
	}{
		// 60+2 = 62 → 15; -10+1 = -9 → floor(-9/4) = -3;
		// 30+2767 = 2797 → 699; -2·60 = -120 → -30.
		{[]int16{10, 20, 30}, []int16{15, -3, 699, -30}},
		// 30050+2 = 30052 → 7513; -30000+1 = -29999 → -7500;
		// 30020+2767 = 32787 wraps to -32749 → floor(-8187.25) = -8188;
		// -2·30050 = -60100 wraps to 5436 → 1359.
		{[]int16{30000, 20, 30}, []int16{7513, -7500, -8188, 1359}},
	}
	for _, c := range cases {
		for _, relu := range []bool{false, true} {
			y := make([]int16, 4)
			infer.DenseLayer(y, &l, c.x, relu)
			want := slices.Clone(c.want)
			if relu {
				for i := range want {
					want[i] = max(want[i], 0)
				}
			}
			if !slices.Equal(y, want) {
				t.Errorf("x=%v relu=%v: got %v, want %v", c.x, relu, y, want)
			}
		}
	}
}

func TestArgmaxLowestIndexWinsTies(t *testing.T) {
	for _, c := range []struct {
		v    []int16
		want int
	}{
		{[]int16{1, 3, 3, 2}, 1},
		{[]int16{-5, -5}, 0},
		{[]int16{-32768, -32767}, 1},
		{[]int16{7}, 0},
	} {
		if got := infer.Argmax(c.v); got != c.want {
			t.Errorf("Argmax(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

// TestImplementations proves every Go implementation (its Trace and, when
// it has one, its AppendReply) identical to the dense reference on random
// models: every shape with and without wrapping accumulators and random
// shifts (their cross product, so that each combination meets each shape),
// at several weight densities.
func TestImplementations(t *testing.T) {
	impls := infer.Implementations()
	if len(impls) < 2 || impls[0].Name != "dense" {
		t.Fatalf("Implementations() = %v, want the dense reference first and at least one other", impls)
	}
	for _, impl := range impls[1:] {
		t.Run(impl.Name, func(t *testing.T) {
			if impl.Unavailable != "" {
				t.Skipf("%s: %s", impl.Name, impl.Unavailable)
			}
			testImplementation(t, impl)
		})
	}
}

func testImplementation(t *testing.T, impl infer.Implementation) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][]int{{}, {1}, {3, 5}, {256}, {256, 192, 128}, {17, 255, 2}, {5, 256}} // {5, 256}: a 256-wide layer past the first
	densities := []float64{0.27, 0.05, 0.9, 1}
	n, models := 0, 0
	for _, hidden := range shapes {
		for _, wrap := range []bool{false, true} {
			for _, shift := range []bool{false, true} {
				ds := densities
				if testing.Short() {
					ds = []float64{densities[rng.IntN(len(densities))]}
				}
				for _, density := range ds {
					o := randmodel.Options{Hidden: hidden, Wrap: wrap, RandomShift: shift,
						Density: density, MaxLen: 1 + rng.IntN(24)}
					m := randmodel.Model(rng, o)
					models++
					for k := range 4 {
						q := randmodel.Query(rng, 40, k%2 == 0)
						dense, got := m.DenseTrace(q), impl.Trace(m, q)
						if diff := cmp.Diff(dense, got); diff != "" {
							t.Fatalf("%+v, query %q: %s trace differs (-dense +%s):\n%s", o, q, impl.Name, impl.Name, diff)
						}
						if impl.AppendReply != nil {
							if r := string(impl.AppendReply(m, nil, q)); r != dense.Reply {
								t.Fatalf("%+v, query %q: %s AppendReply = %q, dense %q", o, q, impl.Name, r, dense.Reply)
							}
						}
						n += len(dense.Steps)
					}
				}
			}
		}
	}
	t.Logf("%d models, %d steps compared", models, n)
}

// TestFastEntryPoints checks that the fast path's other entry points
// (Reply, AppendReply, Chars) answer as its Trace does.
func TestFastEntryPoints(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, hidden := range [][]int{{}, {3, 5}, {256, 192, 128}} {
		m := randmodel.Model(rng, randmodel.Options{Hidden: hidden, MaxLen: 1 + rng.IntN(24)})
		for k := range 6 {
			q := randmodel.Query(rng, 40, k%2 == 0)
			want := m.DenseTrace(q).Reply
			if r := m.Reply(q); r != want {
				t.Fatalf("Reply = %q, dense %q", r, want)
			}
			if r := string(m.AppendReply([]byte("x"), q)); r != "x"+want {
				t.Fatalf("AppendReply = %q, dense %q", r, want)
			}
			var s strings.Builder
			for c := range m.Chars(q) {
				s.WriteByte(c)
			}
			if s.String() != want {
				t.Fatalf("Chars = %q, dense %q", s.String(), want)
			}
		}
	}
}

// TestWrapHappens makes sure the wrapping models do wrap, so that
// TestImplementations really covers wrapping.
func TestWrapHappens(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{64}, Wrap: true})
	l := m.Layer(0)
	x := make([]int16, 256)
	for i := range x {
		x[i] = 32 * int16(rng.IntN(4))
	}
	wrapped := 0
	for o := range l.Out {
		exact := int(l.Bias[o])
		for i, w := range l.Row(o) {
			exact += int(w) * int(x[i])
		}
		if exact < -32768 || exact > 32767 {
			wrapped++
		}
	}
	if wrapped == 0 {
		t.Fatal("no accumulator wraps in the wrapping model")
	}
}

func TestMaxLenStops(t *testing.T) {
	// One layer, all zero weights, biases make index 0 ('A') win forever.
	l := quant.Layer{In: 256, Out: 2, Shift: 2, W: make([]int8, 512), Bias: []int16{100, 0}}
	m, err := infer.New([]byte{'A', 0}, []quant.Layer{l}, 7)
	if err != nil {
		t.Fatal(err)
	}
	if r := m.Reply("x"); r != "AAAAAAA" {
		t.Fatalf("Reply = %q, want 7 A", r)
	}
	if n := len(m.DenseTrace("x").Steps); n != 7 {
		t.Fatalf("%d steps, want 7", n)
	}
}

func TestNewRejects(t *testing.T) {
	good := func() []quant.Layer {
		return []quant.Layer{{In: 256, Out: 3, Shift: 2, W: make([]int8, 768), Bias: make([]int16, 3)}}
	}
	cs := []byte("ab\x00")
	cases := []struct {
		name    string
		charset []byte
		mod     func([]quant.Layer) []quant.Layer
		maxLen  int
		want    string
	}{
		{"short charset", []byte{0}, nil, 50, "charset has 1 entries"},
		{"no layers", cs, func([]quant.Layer) []quant.Layer { return nil }, 50, "no layers"},
		{"maxlen", cs, nil, 0, "generation limit 0"},
		{"weight", cs, func(l []quant.Layer) []quant.Layer { l[0].W[5] = 2; return l }, 50, "weight [0][5] = 2"},
		{"inputs", cs, func(l []quant.Layer) []quant.Layer {
			l[0] = quant.Layer{In: 100, Out: 3, W: make([]int8, 300), Bias: make([]int16, 3)}
			return l
		}, 50, "layer 1 has 100 inputs, want 256"},
		{"outputs", []byte("abcd\x00"), nil, 50, "last layer has 3 outputs but the charset has 5"},
		{"bias", cs, func(l []quant.Layer) []quant.Layer { l[0].Bias = l[0].Bias[:2]; return l }, 50, "2 biases, want 3"},
		{"shift", cs, func(l []quant.Layer) []quant.Layer { l[0].Shift = 16; return l }, 50, "shift 16"},
	}
	for _, c := range cases {
		l := good()
		if c.mod != nil {
			l = c.mod(l)
		}
		_, err := infer.New(c.charset, l, c.maxLen)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestModelIsImmutable(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	layers := randmodel.Layers(rng, randmodel.Options{Hidden: []int{8}})
	cs := slices.Clone(randmodel.DefaultCharset)
	m, err := infer.New(cs, layers, 20)
	if err != nil {
		t.Fatal(err)
	}
	before := m.DenseTrace("hello")
	layers[0].W[0], layers[0].Bias[0], cs[0] = 1, 999, 'z'
	got := m.Layer(0)
	got.W[1], got.Bias[1] = -2, -999
	m.Charset()[1] = 'q'
	if diff := cmp.Diff(before, m.DenseTrace("hello")); diff != "" {
		t.Fatalf("model changed through a caller's slice:\n%s", diff)
	}
}

func TestConcurrentReplies(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{64, 32}})
	qs := []string{"hello", "how are you", "what", "zzz", "a b c"}
	want := map[string]string{}
	for _, q := range qs {
		want[q] = m.DenseTrace(q).Reply
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				q := qs[(g+i)%len(qs)]
				if r := m.Reply(q); r != want[q] {
					errs <- fmt.Errorf("goroutine %d: Reply(%q) = %q, want %q", g, q, r, want[q])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAppendReplyDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{256, 192, 128}})
	buf := make([]byte, 0, 64)
	m.AppendReply(buf, "warm up")
	if n := testing.AllocsPerRun(50, func() { buf = m.AppendReply(buf[:0], "how are you") }); n != 0 {
		t.Fatalf("AppendReply allocates %v times per reply", n)
	}
}
