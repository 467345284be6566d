package inspect

import (
	"errors"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/internal/randmodel"
	"mulm/quant"
	"mulm/z80ref"
)

// TestAccumulatorsMatchTrace: wrapping each accumulator to int16, shifting
// and applying ReLU must give exactly the outputs the engine recorded.
func TestAccumulatorsMatchTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{40, 20}, Wrap: true})
	layers := m.Layers()
	wrapped := 0
	for range 20 {
		tr := m.Trace(randmodel.Query(rng, 60, true))
		for s, accs := range Accumulators(layers, tr) {
			for li, acc := range accs {
				for o, a := range acc {
					if Wraps(a) {
						wrapped++
					}
					y := int16(a) >> layers[li].Shift
					if li < len(layers)-1 && y < 0 {
						y = 0
					}
					if y != tr.Steps[s].Layers[li][o] {
						t.Fatalf("step %d layer %d neuron %d: accumulator %d gives %d, the engine %d", s, li+1, o, a, y, tr.Steps[s].Layers[li][o])
					}
				}
			}
		}
	}
	if wrapped == 0 {
		t.Fatal("the wrapping model never wrapped: the test proves nothing")
	}
}

// wideModel has one hidden neuron that sums every query bucket: a query
// of one repeated letter drives it to (8160+bias)>>2, and the output
// neuron adds that eight times over 32767 only for long queries.
func wideModel(t *testing.T, outW int8) *infer.Model {
	t.Helper()
	w1 := make([]int8, 256)
	for i := range 128 {
		w1[i] = 1
	}
	l1 := quant.Layer{In: 256, Out: 1, Shift: 0, W: w1, Bias: []int16{0}}
	l2 := quant.Layer{In: 1, Out: 2, Shift: 2, W: []int8{outW, -1}, Bias: []int16{0, 0}}
	m, err := infer.New([]byte("A\x00"), []quant.Layer{l1, l2}, 4)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCertifySafeAndWrapping(t *testing.T) {
	// Layer 1 reaches 8160 (255 windows); layer 2's −1 weight gives
	// −8160 at worst: safe everywhere.
	safe, err := Certify(wideModel(t, 1), CertifyOptions{Bisect: true, Search: SearchOptions{Evals: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for li, v := range safe.Layers {
		if v.Verdict != VerdictSafe || v.ProvedUpTo != 255 {
			t.Errorf("safe model layer %d: %+v", li+1, v)
		}
	}
	// With shift 0 on layer 1 and weight −2 … there is no bigger weight
	// than +1, so make layer 1 wrap instead: bias near the top.
	m := wideModel(t, 1)
	ls := m.Layers()
	ls[0].Bias[0] = 30000 // 30000 + 32·n wraps once n ≥ 87
	wm, err := infer.New(m.Charset(), ls, 4)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Certify(wm, CertifyOptions{Bisect: true, Z80: !testing.Short(), Search: SearchOptions{Evals: 200}})
	if err != nil {
		t.Fatal(err)
	}
	v := c.Layers[0]
	if v.Verdict != VerdictWraps || !v.Worst.Wraps() {
		t.Fatalf("layer 1: %+v, want a wrapping query", v)
	}
	// 30000 + 32·n + 672·0 ≤ 32767 iff n ≤ 86: the bisection must find
	// exactly 86.
	if v.ProvedUpTo != 86 {
		t.Errorf("layer 1 proved up to %d bytes, want 86", v.ProvedUpTo)
	}
	// 30000 + 32·n wraps from n = 87 on.
	if len(v.Shortest) != 87 {
		t.Errorf("shortest wrapping query %d bytes, want 87", len(v.Shortest))
	}
	if got := Evaluate(wm, v.Worst.Query)[0].Acc; got != v.Worst.Acc || !Wraps(got) {
		t.Errorf("re-evaluating the wrapping query gives %d, stored %d", got, v.Worst.Acc)
	}
	if !testing.Short() && len(c.Z80Engines) != len(z80ref.Engines()) {
		t.Errorf("the wrapping query was checked on the Z80 engines %v, want all of %v (the model fits every one)", c.Z80Engines, z80ref.Engines())
	}
	var sb strings.Builder
	c.WriteText(&sb)
	if !strings.Contains(sb.String(), "layer 1: wrapping query found") || !strings.Contains(sb.String(), "proved safe for queries up to 86 bytes") {
		t.Errorf("text:\n%s", sb.String())
	}

	// The sidecar round-trips and is refused for another model.
	path := t.TempDir() + "/m.cert.json"
	if err := c.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCertificate(path, wm)
	if err != nil {
		t.Fatal(err)
	}
	if back.Layers[0].Worst != c.Layers[0].Worst || back.Model != c.Model {
		t.Errorf("round trip: %+v, want %+v", back, c)
	}
	if _, err := ReadCertificate(path, m); !errors.Is(err, ErrCertificate) || !strings.Contains(err.Error(), "not this one") {
		t.Errorf("certificate of another model: %v", err)
	}
	b, _ := os.ReadFile(path)
	bad := strings.Replace(string(b), `"ProvedUpTo": 86`, `"ProvedUpTo": 300`, 1)
	if _, err := ParseCertificate([]byte(bad), wm); !errors.Is(err, ErrCertificate) || !strings.Contains(err.Error(), "ProvedUpTo 300") {
		t.Errorf("ProvedUpTo 300: %v", err)
	}
}

func TestSearchFindsRepeatedLetterWrap(t *testing.T) {
	// Only the bucket of "zzz" counts, with weight +1, and layer 1 has
	// shift 0: a run of z gives up to 32·253 = 8096 per neuron, and layer
	// 2 adds five copies: 40480 wraps, and nothing much shorter than a
	// 205-byte run of z does.
	w1 := make([]int8, 5*256)
	b := hashBucket("zzz")
	for o := range 5 {
		w1[o*256+b] = 1
	}
	l1 := quant.Layer{In: 256, Out: 5, Shift: 0, W: w1, Bias: make([]int16, 5)}
	l2 := quant.Layer{In: 5, Out: 2, Shift: 2, W: []int8{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, Bias: []int16{0, 0}}
	m, err := infer.New([]byte("A\x00"), []quant.Layer{l1, l2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	res := SearchWrap(m, SearchOptions{Evals: 150})
	w := res.Layers[1]
	if !w.Wraps() || !strings.Contains(w.Query, "zzzz") {
		t.Fatalf("layer 2 worst %+v, want a wrap by a run of z", w)
	}
	if res.Wrapping() != 1 {
		t.Errorf("Wrapping() = %d, want 1", res.Wrapping())
	}
}

// TestSearchShortSeed: a seed shorter than half a query that ranks among
// the best (here shorter queries score higher: every query bucket pulls a
// high bias down) is combined with the others without slicing past its
// end.
func TestSearchShortSeed(t *testing.T) {
	w1 := make([]int8, 256)
	for i := range 128 {
		w1[i] = -1
	}
	l1 := quant.Layer{In: 256, Out: 1, Shift: 0, W: w1, Bias: []int16{30000}}
	l2 := quant.Layer{In: 1, Out: 2, Shift: 2, W: []int8{1, -1}, Bias: []int16{0, 0}}
	m, err := infer.New([]byte("A\x00"), []quant.Layer{l1, l2}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if res := SearchWrap(m, SearchOptions{Evals: 300, Seeds: []string{"ab"}}); res.Evals != 300 {
		t.Errorf("%d queries evaluated, want the budget of 300", res.Evals)
	}
}

func hashBucket(tri string) int {
	h := 0
	for i := range len(tri) {
		h = (h*31 + int(tri[i])) % 65536
	}
	return h % 128
}

func FuzzParseCertificate(f *testing.F) {
	m := wideModelF(f)
	c, err := Certify(m, CertifyOptions{Search: SearchOptions{Evals: 20}})
	if err != nil {
		f.Fatal(err)
	}
	path := f.TempDir() + "/c.json"
	c.WriteFile(path)
	b, _ := os.ReadFile(path)
	f.Add(b)
	f.Add([]byte("{}"))
	f.Add([]byte(`{"Layers":[{"Verdict":"proved safe","ProvedUpTo":255}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseCertificate(b, m)
		if err != nil {
			if !errors.Is(err, ErrCertificate) {
				t.Fatalf("error does not wrap ErrCertificate: %v", err)
			}
			return
		}
		var sb strings.Builder
		if err := c.WriteText(&sb); err != nil {
			t.Fatal(err)
		}
	})
}

func wideModelF(f *testing.F) *infer.Model {
	w1 := make([]int8, 256)
	l1 := quant.Layer{In: 256, Out: 1, Shift: 0, W: w1, Bias: []int16{0}}
	l2 := quant.Layer{In: 1, Out: 2, Shift: 2, W: []int8{1, -1}, Bias: []int16{0, 0}}
	m, err := infer.New([]byte("A\x00"), []quant.Layer{l1, l2}, 4)
	if err != nil {
		f.Fatal(err)
	}
	return m
}

// TestProbeMarginAgreesWithReply: the teacher-forced margin is ≥ 0 exactly
// when the engine answers the wanted reply.
func TestProbeMarginAgreesWithReply(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{30}, MaxLen: 6})
	for i := range 60 {
		q := randmodel.Query(rng, 20, false)
		want := m.Reply(q)
		p, err := newProber(m, want)
		if err != nil {
			t.Fatal(err)
		}
		if mg := p.marginOf(q); mg < 0 {
			t.Fatalf("query %q: reply %q but margin %d", q, want, mg)
		}
		other := m.Reply(randmodel.Query(rng, 20, false))
		if other == want {
			continue
		}
		if mg := p.marginOf(randmodel.Query(rng, 0, false) + q[:len(q)/2]); mg >= 0 && m.Reply(q[:len(q)/2]) != want {
			t.Fatalf("%d: margin %d ≥ 0 for %q whose reply is %q, not %q", i, mg, q[:len(q)/2], m.Reply(q[:len(q)/2]), want)
		}
	}
	r, err := Probe(m, m.Reply("hello"), ProbeOptions{Words: []string{"hello", "xyz"}, Beam: 3, MaxLen: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Words) == 0 || r.Words[0].Margin < 0 || r.WordsTried != 6 {
		t.Errorf("dictionary: %+v (of %d)", r.Words, r.WordsTried)
	}
	if _, err := Probe(m, "\x01", ProbeOptions{}); !errors.Is(err, ErrNotInCharset) {
		t.Errorf("unprintable reply: %v", err)
	}
}

func TestPerturbMovesToNeighbours(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	l := quant.Layer{In: 256, Out: 64, Shift: 2, W: make([]int8, 256*64), Bias: make([]int16, 64)}
	for i := range l.W {
		l.W[i] = int8(rng.IntN(4)) - 2
	}
	p, moved := Perturb(l, 8, rng)
	changed := 0
	for i, w := range p.W {
		d := int(w) - int(l.W[i])
		switch {
		case d == 0:
		case d == 1 || d == -1:
			changed++
			if w < quant.Min || w > quant.Max {
				t.Fatalf("weight %d moved to %d", i, w)
			}
		default:
			t.Fatalf("weight %d moved from %d to %d", i, l.W[i], w)
		}
	}
	if changed != moved || moved < len(l.W)/8*8/10 || moved > len(l.W)/8*12/10 {
		t.Errorf("moved %d (changed %d) of %d, want about 1 in 8", moved, changed, len(l.W))
	}
	if l.W[0] == p.W[0] && &l.W[0] == &p.W[0] {
		t.Error("Perturb changed its argument in place")
	}
}
