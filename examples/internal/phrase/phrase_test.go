package phrase

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	tests := []struct {
		tmpl string
		want []string
	}{
		{"hi", []string{"hi"}},
		{"{hi|hello} [there]", []string{"hi there", "hi", "hello there", "hello"}},
		{"a|b", []string{"a", "b"}},
		{"is it {a {big|small} dog|{a|the} cat}", []string{"is it a big dog", "is it a small dog", "is it a cat", "is it the cat"}},
		{"{x|x} [ ]  Y", []string{"x y"}},
	}
	for _, tt := range tests {
		if got := Expand(tt.tmpl); !slices.Equal(got, tt.want) {
			t.Errorf("Expand(%q) = %q, want %q", tt.tmpl, got, tt.want)
		}
	}
	for _, bad := range []string{"{a|b", "[a", "a}", "{a]"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Expand(%q) did not panic", bad)
				}
			}()
			Expand(bad)
		}()
	}
}

func TestContractions(t *testing.T) {
	got := Contractions("what's your name")
	want := []string{"what's your name", "what's ur name", "whats your name", "whats ur name", "what is your name", "what is ur name"}
	if !slices.Equal(got, want) {
		t.Errorf("Contractions = %q, want %q", got, want)
	}
	// At most one text-speak word per phrase.
	for _, v := range Contractions("are you sure you are ok") {
		n := 0
		for _, w := range strings.Fields(v) {
			if w == "u" || w == "r" || w == "ur" {
				n++
			}
		}
		if n > 1 {
			t.Errorf("variant %q has %d text-speak words", v, n)
		}
	}
}

func TestNormKey(t *testing.T) {
	if got := Norm("  Hello   THERE "); got != "hello there" {
		t.Errorf("Norm = %q", got)
	}
	for _, s := range []string{"hi!", "hi ?", " HI...", "hi"} {
		if Key(s) != "hi" {
			t.Errorf("Key(%q) = %q, want hi", s, Key(s))
		}
	}
	if Key("???") != "???" || Key("what's up") != "what s up" {
		t.Errorf("Key(???) = %q, Key(what's up) = %q", Key("???"), Key("what's up"))
	}
}

// editDistance is the optimal string alignment distance (Levenshtein with
// adjacent transpositions).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func TestTypo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	kinds := map[string]bool{}
	for i := range 2000 {
		s := []string{"how are you", "is it alive", "penguin", "ok"}[i%4]
		got := Typo(r, s)
		if got == s || editDistance(s, got) != 1 {
			t.Fatalf("Typo(%q) = %q: not exactly one edit", s, got)
		}
		switch {
		case len(got) < len(s):
			kinds["drop"] = true
		case len(got) > len(s):
			kinds["dup"] = true
		default:
			var diff []int
			for j := range s {
				if s[j] != got[j] {
					diff = append(diff, j)
				}
			}
			switch j := diff[0]; len(diff) {
			case 1:
				if !strings.Contains(Neighbours(s[j]), got[j:j+1]) {
					t.Fatalf("Typo(%q) = %q: %q is not a neighbour of %q", s, got, got[j], s[j])
				}
				kinds["neighbour"] = true
			case 2:
				if diff[1] != j+1 || got[j] != s[j+1] || got[j+1] != s[j] {
					t.Fatalf("Typo(%q) = %q: not an adjacent swap", s, got)
				}
				kinds["swap"] = true
			default:
				t.Fatalf("Typo(%q) = %q: %d changed bytes", s, got, len(diff))
			}
		}
	}
	if len(kinds) != 4 {
		t.Errorf("typo kinds seen: %v, want all 4", kinds)
	}
	if got := Typo(r, "123 ?"); got != "123 ?" {
		t.Errorf("Typo without letters changed %q", got)
	}
	if nb := Neighbours('s'); nb != "adwezx" {
		t.Errorf("Neighbours(s) = %q", nb)
	}
}

func TestGibberish(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	salad := strings.Fields("teapot gravel velvet noodle ladder pickle zebra marble spoon fizz")
	seen := map[string]bool{}
	for range 500 {
		g := Gibberish(r, salad)
		if err := ValidQuery(g); err != nil {
			t.Fatal(err)
		}
		seen[g] = true
	}
	if len(seen) < 400 {
		t.Errorf("only %d distinct nonsense queries out of 500", len(seen))
	}
}

func TestBuild(t *testing.T) {
	var big []string
	for i := range 200 {
		big = append(big, "question number "+strings.Repeat("x", i%50+1)+" "+string(rune('a'+i%26)))
	}
	classes := []Class{
		{Resp: "A", Groups: [][]string{{"hello there", "shared", "Shared!"}, big}},
		{Resp: "B", Groups: [][]string{{"goodbye now", "shared?", "x|y", "q"}}},
		{Resp: "C", Groups: [][]string{{"excluded one", "kept one"}}},
	}
	o := Options{Cap: 60, TypoRatio: 0.5, MinPerClass: 6, MaxTypoRatio: 2,
		Exclude: map[string]bool{"excluded one": true}}
	got := Build(rand.New(rand.NewPCG(5, 6)), classes, o)
	again := Build(rand.New(rand.NewPCG(5, 6)), classes, o)
	if !slices.Equal(got, again) {
		t.Fatal("Build is not deterministic")
	}
	n := map[string]int{}
	for _, p := range got {
		n[p.A]++
		if Key(p.Q) == "shared" || p.Q == "x|y" || p.Q == "q" || p.Q == "excluded one" {
			t.Errorf("pair %v should have been dropped", p)
		}
	}
	if n["A"] != 60 {
		t.Errorf("class A has %d lines, want the cap 60", n["A"])
	}
	// B: one clean line, topped up to at most 2 typos per clean line.
	if n["B"] != 3 {
		t.Errorf("class B has %d lines, want 3", n["B"])
	}
	// The first group's surviving phrasing must be sampled before the big
	// group's second variant: round-robin over groups.
	if !slices.Contains(got, Pair{"hello there", "A"}) {
		t.Error("round-robin sampling lost the small group of class A")
	}
	if err := Verify(got, nil, "ABC"); err != nil {
		t.Error(err)
	}
}

func TestVerify(t *testing.T) {
	ok := []Pair{{"hi there", "A"}, {"bye", "B"}}
	if err := Verify(ok, []Pair{{"hello", "A"}}, "AB"); err != nil {
		t.Fatalf("valid sets rejected: %v", err)
	}
	bad := map[string]struct{ train, held []Pair }{
		"conflict":         {[]Pair{{"hi", "A"}, {"Hi!", "B"}}, nil},
		"held in train":    {ok, []Pair{{"hi there ", "A"}}},
		"held conflicting": {ok, []Pair{{"bye!", "A"}}},
		"duplicate":        {[]Pair{{"hi", "A"}, {"hi", "A"}}, nil},
		"alphabet":         {[]Pair{{"hi", "C"}}, nil},
		"pipe":             {[]Pair{{"a|b", "A"}}, nil},
		"short":            {[]Pair{{"a", "A"}}, nil},
		"long":             {[]Pair{{strings.Repeat("a", 61), "A"}}, nil},
		"upper":            {[]Pair{{"Hi", "A"}}, nil},
		"long response":    {[]Pair{{"hi", strings.Repeat("A", 51)}}, nil},
	}
	for name, c := range bad {
		if Verify(c.train, c.held, "AB") == nil {
			t.Errorf("%s: Verify accepted bad data", name)
		}
	}
}

func TestFormatParse(t *testing.T) {
	pairs := []Pair{{"hi there", "HI"}, {"what?", "WHAT?"}}
	data, err := Format([]string{"header", ""}, pairs, "HIWAT?")
	if err != nil {
		t.Fatal(err)
	}
	if want := "# header\n#\n\nhi there|HI\nwhat?|WHAT?\n"; string(data) != want {
		t.Errorf("Format = %q, want %q", data, want)
	}
	got, err := Parse(strings.NewReader(string(data)), "HIWAT?")
	if err != nil || !slices.Equal(got, pairs) {
		t.Errorf("Parse = %v, %v; want %v", got, err, pairs)
	}
	for _, bad := range []string{"no separator\n", "a|b|C\n", "ok|HI \n", "x|HI\n", "ok|hi\n"} {
		if _, err := Parse(strings.NewReader(bad), "HI"); err == nil {
			t.Errorf("Parse(%q) accepted a bad line", bad)
		}
	}
	if _, err := Format(nil, []Pair{{"#hashtag", "HI"}}, "HI"); err == nil {
		t.Error("Format accepted a query that would read as a comment")
	}
}

func TestNoise(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 500 {
		s := "i don't like you at all"
		d := DropWord(r, s)
		if w := strings.Fields(d); len(w) != 5 || !slices.Contains(w, "don't") {
			t.Fatalf("DropWord(%q) = %q: want one word fewer, the negation kept", s, d)
		}
		if got := DropWord(r, "hi there"); got != "hi there" {
			t.Fatalf("DropWord of two words = %q, want it unchanged", got)
		}
		sw := SwapWords(r, "how are you")
		if sw != "are how you" && sw != "how you are" {
			t.Fatalf("SwapWords = %q, not a neighbour swap", sw)
		}
		sp := Respace(r, "how are you")
		if strings.ReplaceAll(sp, " ", "") != "howareyou" || sp == "how are you" {
			t.Fatalf("Respace = %q: want the same letters, spaces changed", sp)
		}
		if one := Respace(r, "hello"); one != "he llo" && one != "hel lo" {
			t.Fatalf("Respace(hello) = %q, want a space inside the word", one)
		}
	}
	seenAt := map[int]bool{}
	for range 200 {
		got := strings.Fields(InsertWord(r, "is it alive", []string{"pebble"}))
		i := slices.Index(got, "pebble")
		if len(got) != 4 || i < 0 || !slices.Equal(slices.Delete(slices.Clone(got), i, i+1), []string{"is", "it", "alive"}) {
			t.Fatalf("InsertWord = %q, want one word put in", got)
		}
		seenAt[i] = true
	}
	if len(seenAt) != 4 {
		t.Errorf("InsertWord used positions %v, want all 4", seenAt)
	}
	if got := InsertWord(r, "ok", nil); got != "ok" {
		t.Errorf("InsertWord without words = %q", got)
	}
	if got := Respace(r, "ok"); got != "ok" {
		t.Errorf("Respace(ok) = %q, want it unchanged", got)
	}
	if got := SwapWords(r, "ok"); got != "ok" {
		t.Errorf("SwapWords(ok) = %q, want it unchanged", got)
	}
}

func TestAugment(t *testing.T) {
	var pairs []Pair
	for _, q := range []string{"how are you doing", "how is it going", "are you ok today", "how have you been"} {
		pairs = append(pairs, Pair{q, "FINE"})
	}
	for _, q := range []string{"xkcd qwop", "zzzzz"} {
		pairs = append(pairs, Pair{q, "WHAT"})
	}
	exclude := map[string]bool{"how are you": true, "you are ok today": true}
	o := AugmentOptions{Ratio: 2, Skip: []string{"WHAT"}, Exclude: exclude}
	got := Augment(rand.New(rand.NewPCG(9, 10)), pairs, o)
	if again := Augment(rand.New(rand.NewPCG(9, 10)), pairs, o); !slices.Equal(got, again) {
		t.Fatal("Augment is not deterministic")
	}
	n := map[string]int{}
	keys := map[string]bool{}
	for _, p := range got {
		n[p.A]++
		if keys[Key(p.Q)] {
			t.Errorf("key %q twice", Key(p.Q))
		}
		keys[Key(p.Q)] = true
		if exclude[Key(p.Q)] {
			t.Errorf("excluded key %q emitted", p.Q)
		}
	}
	if n["FINE"] != 12 || n["WHAT"] != 2 {
		t.Errorf("counts %v, want FINE 4+8, WHAT 2 (skipped)", n)
	}
	for _, p := range pairs {
		if !slices.Contains(got, p) {
			t.Errorf("original pair %v lost", p)
		}
	}
	// Two swaps of "one two three" exist; with one excluded, the other is
	// the only line Augment may add, however often it tries.
	swap := AugmentOptions{Ratio: 3, Kinds: []int{NoiseSwap}, Exclude: map[string]bool{"two one three": true}}
	if got := Augment(rand.New(rand.NewPCG(9, 10)), []Pair{{"one two three", "N"}}, swap); len(got) != 2 ||
		!slices.Contains(got, Pair{"one three two", "N"}) {
		t.Errorf("Augment with an excluded swap = %v, want the original and %q", got, "one three two")
	}
	if same := Augment(rand.New(rand.NewPCG(9, 10)), pairs, AugmentOptions{}); !slices.Equal(same, pairs) {
		t.Error("Ratio 0 changed the pairs")
	}
}

// TestExtension: the extension adds lines of every kind, none with the key
// of a held-out query or of a pool phrasing of another line's making, and
// is deterministic.
func TestExtension(t *testing.T) {
	pool := []Class{{Resp: "FINE", Groups: [][]string{{"how are you doing", "are you ok today", "how is it going"}}}}
	held := []Pair{{"how are you", "FINE"}, {"doing you how", "FINE"}}
	train := []Pair{{"how are you doing", "FINE"}, {"are you ok today", "FINE"}, {"how is it going", "FINE"}, {"qqq", "WHAT"}}
	x := Extension{
		Pools:       [][]Class{pool},
		More:        []Class{{Resp: "FINE", Groups: [][]string{{"you doing well", "how are you", "all fine with you"}}}},
		MoreOptions: Options{Cap: 10},
		Noise:       AugmentOptions{Ratio: 1, Skip: []string{"WHAT"}, Words: []string{"pebble"}},
		CatchAll:    "WHAT",
		Nonsense:    5,
		Salad:       []string{"pebble", "walnut", "carpet"},
		Pseudo:      40,
		Framed:      func(w string) []Pair { return []Pair{{"is it a " + w, "FINE"}, {"is it a " + w + " then", "FINE"}} },
		FramedN:     5,
	}
	got := x.Apply(3, train, held)
	if again := x.Apply(3, train, held); !slices.Equal(got, again) {
		t.Fatal("Apply is not deterministic")
	}
	if err := Verify(got, held, "FINEWHAT"); err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, p := range got {
		n[p.A]++
		if Key(p.Q) == "how are you" || Key(p.Q) == "doing you how" {
			t.Errorf("held-out key %q in the extended set", p.Q)
		}
	}
	// FINE: 3 lines + 2 from More ("how are you" is held out) = 5, doubled by
	// the noise, + 5 framed pseudo-words; WHAT: 1 + 5 nonsense + 40
	// pseudo-word salads.
	if n["FINE"] != 15 || n["WHAT"] != 46 {
		t.Errorf("counts %v, want FINE 15, WHAT 46", n)
	}
	// No pseudo-word is a word of a pool, More, training or held-out
	// phrasing: AvoidWords holds them, and Apply used it.
	avoid := x.AvoidWords(train, held)
	for _, w := range []string{"how", "doing", "ok", "well", "fine", "qqq"} {
		if !avoid[w] {
			t.Errorf("AvoidWords lacks %q", w)
		}
	}
	// The words of the salad the pseudo stream draws first and the first
	// word of the framed stream when nothing is avoided, made held-out
	// queries: Apply must not use them.
	first := strings.Fields(PseudoSalad(rand.New(rand.NewPCG(3, streamPseudo)), x.Salad, nil))
	first = append(first, PseudoWord(rand.New(rand.NewPCG(3, streamFramed)))) // the first framed one
	held2 := slices.Clone(held)
	for _, w := range first {
		if !slices.Contains(x.Salad, w) {
			held2 = append(held2, Pair{Q: w + " " + w, A: "WHAT"})
		}
	}
	got2 := x.Apply(3, train, held2)
	for _, p := range got2 {
		for _, w := range strings.Fields(p.Q) {
			if slices.Contains(first, w) && !slices.Contains(x.Salad, w) {
				t.Errorf("extended line %q uses %q, a word of a held-out query", p.Q, w)
			}
		}
	}
	for _, p := range train {
		if !slices.Contains(got, p) {
			t.Errorf("training pair %v lost", p)
		}
	}
}

// TestPseudoWord: pseudo-words are lower-case words of at least three
// letters, mostly distinct, deterministic for a generator state, and
// pronounceable: no more than four consonants in a row.
func TestPseudoWord(t *testing.T) {
	r, again := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
	seen := map[string]bool{}
	for range 2000 {
		w := PseudoWord(r)
		if w2 := PseudoWord(again); w2 != w {
			t.Fatalf("PseudoWord not deterministic: %q then %q", w, w2)
		}
		if len(w) < 3 || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Errorf("PseudoWord %q: want at least three lower-case letters", w)
		}
		run := 0
		for i := range len(w) {
			if strings.IndexByte("aeiouy", w[i]) >= 0 {
				run = 0
			} else if run++; run > 4 {
				t.Errorf("PseudoWord %q: more than four consonants in a row", w)
				break
			}
		}
		seen[w] = true
	}
	if len(seen) < 1600 {
		t.Errorf("only %d distinct pseudo-words of 2000", len(seen))
	}
}

// TestPseudoSaladAvoid: PseudoSalad never uses a word of avoid, though the
// same stream's PseudoWord produces them; mix words appear; MorePseudo
// returns valid, distinct queries outside exclude.
func TestPseudoSaladAvoid(t *testing.T) {
	// avoid: every short word the unfiltered generator makes in 3000 draws.
	r := rand.New(rand.NewPCG(7, 8))
	avoid := map[string]bool{}
	for range 3000 {
		if w := PseudoWord(r); len(w) <= 4 {
			avoid[w] = true
		}
	}
	if len(avoid) < 100 {
		t.Fatalf("only %d short pseudo-words to avoid", len(avoid))
	}
	mix := []string{"pebble", "walnut"}
	r = rand.New(rand.NewPCG(7, 8))
	mixed, lengths := 0, map[int]int{}
	for range 3000 {
		words := strings.Fields(PseudoSalad(r, mix, avoid))
		lengths[len(words)]++
		for _, w := range words {
			if avoid[w] {
				t.Fatalf("PseudoSalad used the avoided word %q", w)
			}
			if slices.Contains(mix, w) {
				mixed++
			}
		}
	}
	for n := 1; n <= 4; n++ {
		if lengths[n] == 0 {
			t.Errorf("no salad of %d words", n)
		}
	}
	if lengths[0]+lengths[5] > 0 || lengths[1] > lengths[2] {
		t.Errorf("salad lengths %v: want 1–4 words, one word rarer than two", lengths)
	}
	if mixed == 0 {
		t.Error("no mix word in 3000 salads")
	}
	exclude := map[string]bool{}
	first := MorePseudo(rand.New(rand.NewPCG(9, 9)), 50, mix, avoid, nil)
	for _, q := range first[:10] {
		exclude[Key(q)] = true
	}
	got := MorePseudo(rand.New(rand.NewPCG(9, 9)), 200, mix, avoid, exclude)
	if len(got) != 200 {
		t.Fatalf("MorePseudo returned %d queries, want 200", len(got))
	}
	keys := map[string]bool{}
	for _, q := range got {
		if err := ValidQuery(q); err != nil {
			t.Error(err)
		}
		if exclude[Key(q)] || keys[Key(q)] {
			t.Errorf("MorePseudo returned %q: excluded or repeated", q)
		}
		keys[Key(q)] = true
	}
}
