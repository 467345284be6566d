package qat

import (
	"context"
	"slices"
	"strings"
	"testing"

	"mulm/quant/qat/dataset"
)

// perturbKind is perturb with the kind chosen: the first word perturb
// draws picks the kind, so search for a seed word that picks it.
func perturbKind(t *testing.T, q string, kind int, n int) []string {
	t.Helper()
	var out []string
	for z := uint64(1); len(out) < n && z < 1e6; z++ {
		s := z
		if below(&s, noiseKinds) == kind {
			out = append(out, string(perturb(nil, q, z)))
		}
	}
	if len(out) < n {
		t.Fatalf("no seed for kind %d", kind)
	}
	return out
}

func removeAt(s []string, i int) []string { return slices.Delete(slices.Clone(s), i, i+1) }

// oneEdit says whether b is a with one letter dropped, doubled, replaced,
// or two neighbouring letters swapped.
func oneEdit(a, b string) bool {
	switch {
	case len(b) == len(a)-1:
		for i := range a {
			if a[:i]+a[i+1:] == b {
				return true
			}
		}
	case len(b) == len(a)+1:
		for i := range a {
			if a[:i+1]+a[i:] == b {
				return true
			}
		}
	case len(b) == len(a):
		diff := []int{}
		for i := range a {
			if a[i] != b[i] {
				diff = append(diff, i)
			}
		}
		if len(diff) == 1 {
			return isLetter(b[diff[0]])
		}
		if len(diff) == 2 && diff[1] == diff[0]+1 {
			i := diff[0]
			return a[i] == b[i+1] && a[i+1] == b[i]
		}
	}
	return false
}

func TestPerturbKinds(t *testing.T) {
	const q = "how are you doing"
	words := strings.Fields(q)
	for _, got := range perturbKind(t, q, noiseTypo, 50) {
		if !oneEdit(q, got) || strings.Count(got, " ") != 3 {
			t.Errorf("typo: %q", got)
		}
	}
	for _, got := range perturbKind(t, q, noiseDropSpace, 20) {
		ok := false
		for i := range q {
			if q[i] == ' ' && q[:i]+q[i+1:] == got {
				ok = true
			}
		}
		if !ok {
			t.Errorf("space dropped: %q", got)
		}
	}
	for _, got := range perturbKind(t, q, noiseInsertSpc, 20) {
		ok := false
		for i := 1; i+1 < len(got); i++ {
			if got[i] == ' ' && got[:i]+got[i+1:] == q && isLetter(got[i-1]) && isLetter(got[i+1]) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("space inserted: %q", got)
		}
	}
	seen := map[string]bool{}
	for _, got := range perturbKind(t, q, noiseDropWord, 40) {
		ok := false
		for i := range words {
			if strings.Join(removeAt(words, i), " ") == got {
				ok = true
			}
		}
		if !ok {
			t.Errorf("word dropped: %q", got)
		}
		seen[got] = true
	}
	if len(seen) != len(words) {
		t.Errorf("dropped-word variants %v, want one per word", seen)
	}
	seen = map[string]bool{}
	for _, got := range perturbKind(t, q, noiseSwapWords, 40) {
		ok := false
		for i := 0; i+1 < len(words); i++ {
			w := slices.Clone(words)
			w[i], w[i+1] = w[i+1], w[i]
			if strings.Join(w, " ") == got {
				ok = true
			}
		}
		if !ok {
			t.Errorf("words swapped: %q", got)
		}
		seen[got] = true
	}
	if len(seen) != len(words)-1 {
		t.Errorf("swapped-word variants %v, want %d", seen, len(words)-1)
	}
	// A kind that cannot apply falls back to a typo; a query without a
	// letter or a space to work on is left alone.
	for k := range noiseKinds {
		for _, got := range perturbKind(t, "hello", k, 5) {
			if k != noiseInsertSpc && !oneEdit("hello", got) {
				t.Errorf("kind %d on one word: %q", k, got)
			}
		}
		for _, got := range perturbKind(t, "123", k, 3) {
			if got != "123" {
				t.Errorf("kind %d on %q: %q", k, "123", got)
			}
		}
	}
	// Deterministic in the seed word.
	for z := uint64(1); z < 200; z++ {
		a, b := perturb(nil, q, z), perturb(make([]byte, 3, 64), q, z)
		if string(a) != string(b) {
			t.Fatalf("seed %d: %q and %q", z, a, b)
		}
		if string(a) == q {
			t.Fatalf("seed %d left %q alone", z, q)
		}
	}
}

// TestNoiseInputs: with Noise every step of a pair sees the same perturbed
// query in an epoch, a different one in another epoch, and the clean query
// without Noise.
func TestNoiseInputs(t *testing.T) {
	ex, err := buildExamples(tinyPairs, dataset.DeriveCharset(tinyPairs), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{}
	var clean inputBuf
	h := &hyper{noise: 1, noiseSeed: 42}
	queries := map[int32]string{}
	changed := 0
	for j := range ex.ex {
		e := &ex.ex[j]
		z := noiseWord(h, e)
		if z == 0 {
			t.Fatalf("example %d not perturbed with noise 1", j)
		}
		q := string(perturb(nil, ex.pairs[e.pair].Query, z))
		if prev, ok := queries[e.pair]; ok && prev != q {
			t.Fatalf("pair %d: %q then %q in one epoch", e.pair, prev, q)
		}
		queries[e.pair] = q
		idx, val := w.inputs(ex, e, h)
		want, wantVal := ex.inputAs(&clean, e, q)
		if !slices.Equal(idx, want) || !slices.Equal(val, wantVal) {
			t.Fatalf("example %d: inputs are not those of %q", j, q)
		}
		cidx, _ := ex.input(&clean, e)
		if !slices.Equal(idx, cidx) {
			changed++
		}
		idx, _ = w.inputs(ex, e, &hyper{})
		if !slices.Equal(idx, cidx) {
			t.Fatalf("example %d: inputs without noise are not the clean ones", j)
		}
	}
	if changed < len(ex.ex)/2 {
		t.Fatalf("noise changed %d of %d inputs", changed, len(ex.ex))
	}
	other := 0
	h2 := &hyper{noise: 1, noiseSeed: 43}
	for pi, q := range queries {
		e := &example{pair: pi}
		if string(perturb(nil, ex.pairs[pi].Query, noiseWord(h2, e))) != q {
			other++
		}
	}
	if other < len(queries)/2 {
		t.Fatalf("another epoch's noise changed %d of %d queries", other, len(queries))
	}
	// The probability is honoured.
	n, hit := 0, 0
	hh := &hyper{noise: 0.25, noiseSeed: 7}
	for pi := range int32(4000) {
		n++
		if noiseWord(hh, &example{pair: pi}) != 0 {
			hit++
		}
	}
	if f := float64(hit) / float64(n); f < 0.22 || f > 0.28 {
		t.Fatalf("noise 0.25 perturbed %.3f of the queries", f)
	}
}

// TestNoiseRun: query noise is seeded (one model per seed, whatever the
// workers), changes the run, and stops at NoiseStop: a run stopped there
// and resumed without noise is the same run.
func TestNoiseRun(t *testing.T) {
	cfg := tinyConfig()
	cfg.Epochs = 8
	_, clean := trainParams(t, cfg, 0)
	cfg.Noise, cfg.NoiseStop = 0.5, 0.5
	a := seededVariant(t, cfg, clean, "noise")
	half, _ := trainParams(t, cfg, 4) // 4 of 8 epochs: noise ends here
	cfg.Noise = 0                     // from epoch 4 on, the noisy run trains without noise too
	tr := resumeSaved(t, half, cfg)
	tr.Run(context.Background())
	if !slices.Equal(tr.net.p, a) {
		t.Fatal("noise did not stop at NoiseStop")
	}
}

// TestMinExact: with MinExact an epoch whose training exact-match reaches
// it beats any that does not, whatever their held-out scores; among equals
// the held-out score, then the training exact-match decide.
func TestMinExact(t *testing.T) {
	tr := &Trainer{cfg: Config{MinExact: 0.99}}
	m := func(exact, val float64) Metrics { return Metrics{Exact: exact, ValExact: val} }
	for _, c := range []struct {
		a, b Metrics
		want bool
	}{
		{m(0.995, 0.30), m(0.98, 0.40), true},  // reaches MinExact: wins on lower held-out
		{m(0.98, 0.40), m(0.995, 0.30), false}, // and the other way round
		{m(0.995, 0.40), m(0.999, 0.30), true}, // both reach it: held-out decides
		{m(0.97, 0.40), m(0.98, 0.30), true},   // neither does: held-out decides
		{m(0.999, 0.30), m(0.995, 0.30), true}, // tie: training exact-match decides
		{m(0.995, 0.30), m(0.999, 0.30), false},
	} {
		if got := tr.better(c.a, c.b); got != c.want {
			t.Errorf("better(%+v, %+v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	// Without MinExact the held-out score alone decides.
	tr.cfg.MinExact = 0
	if !tr.better(m(0.5, 0.41), m(1, 0.40)) {
		t.Error("MinExact 0 does not choose by held-out exact-match")
	}
}

// repeatsWord says whether q has the same word twice in a row (swapping
// them changes nothing).
func repeatsWord(q string) bool {
	w := strings.Fields(q)
	for i := 0; i+1 < len(w); i++ {
		if w[i] == w[i+1] {
			return true
		}
	}
	return false
}

// FuzzPerturb: any query and seed word give a changed query when it has a
// letter (unless the words swapped are the same), the same one for the
// same seed, at most one byte longer, and never a panic.
func FuzzPerturb(f *testing.F) {
	for _, q := range []string{"how are you doing", "a a", "hello", "123", "", " x  y ", "?!"} {
		f.Add(q, uint64(1))
	}
	f.Fuzz(func(t *testing.T, q string, z uint64) {
		got := string(perturb(nil, q, z))
		if again := string(perturb([]byte("junk"), q, z)); again != got {
			t.Fatalf("%q, %d: %q then %q", q, z, got, again)
		}
		if strings.IndexFunc(q, func(r rune) bool { return r < 128 && isLetter(byte(r)) }) >= 0 && got == q &&
			!repeatsWord(q) {
			t.Fatalf("%q, %d: unchanged", q, z)
		}
		if len(got) > len(q)+1 {
			t.Fatalf("%q, %d: %q grew by more than one byte", q, z, got)
		}
	})
}
