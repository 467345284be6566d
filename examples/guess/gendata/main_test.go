package main

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"mulm/examples/internal/phrase"
	"mulm/examples/internal/phrase/phrasetest"
)

// dataDir is the committed data, relative to this package.
const dataDir = "../data"

var genTrain, genHeld = generate(phrase.DefaultSeed)

// TestGenerator: deterministic, the committed files are its output, and
// they are valid.
func TestGenerator(t *testing.T) {
	phrasetest.Check(t, generator, dataDir, Responses)
}

func TestBalance(t *testing.T) {
	if n := len(genTrain); n < 5000 || n > 15000 {
		t.Errorf("training set has %d pairs, want 5000–15000", n)
	}
	if n := len(genHeld); n < 200 || n > 800 {
		t.Errorf("held-out set has %d pairs, want a few hundred", n)
	}
	count, held := map[string]int{}, map[string]int{}
	for _, p := range genTrain {
		count[p.A]++
	}
	for _, p := range genHeld {
		held[p.A]++
	}
	for _, r := range Responses {
		share := float64(count[r]) / float64(len(genTrain))
		if share > 0.40 {
			t.Errorf("%s is %.1f%% of the training set, over 40%%", r, 100*share)
		}
		if share < 0.05 {
			t.Errorf("%s is only %.1f%% of the training set", r, 100*share)
		}
		if held[r] < 30 {
			t.Errorf("%s has only %d held-out lines", r, held[r])
		}
	}
}

// TestTables checks the sizes of the tables and that the held-out pools
// are disjoint from the training pools.
func TestTables(t *testing.T) {
	if len(attrs) < 40 {
		t.Errorf("%d attributes, want at least 40", len(attrs))
	}
	if len(distractors) < 60 {
		t.Errorf("%d distractors, want at least 60", len(distractors))
	}
	for _, a := range attrs {
		n := 0
		for _, s := range a.slots {
			n += len(phrase.Expand(s)) * len(frames[a.kind])
		}
		if n < 4 {
			t.Errorf("attribute %q has only %d phrasings", a.slots[0], n)
		}
		if !slices.Contains([]string{Yes, No, Maybe}, a.ans) {
			t.Errorf("attribute %q answers %q", a.slots[0], a.ans)
		}
	}
	disjoint := func(what string, train, held []string) {
		for _, h := range held {
			if slices.Contains(train, h) {
				t.Errorf("held-out %s %q is also used for training", what, h)
			}
		}
	}
	disjoint("distractor", distractors, heldDistractors)
	disjoint("secret name", secret, heldSecret)
	disjoint("guess frame", guessFrames, heldGuessFrames)
	disjoint("salad word", saladTrain, saladHeld)
	for k, fs := range heldFrames {
		disjoint("frame", frames[k], fs)
	}
	// The secret is never a distractor, and no distractor contains it.
	for _, o := range append(slices.Clone(distractors), heldDistractors...) {
		if strings.Contains(o, "penguin") {
			t.Errorf("distractor %q names the secret", o)
		}
	}
}

// TestAnswers spot-checks the semantics of the generated data.
func TestAnswers(t *testing.T) {
	want := map[string]string{
		"is it alive":                  Yes,
		"can it fly":                   No,
		"does it have feathers":        Yes,
		"does it have wheels":          No,
		"is it a penguin":              Win,
		"is it a dog":                  No,
		"i guess penguin":              Win,
		"is it made of metal":          No,
		"does it live in water":        Maybe,
		"is it bigger than a breadbox": Maybe,
		"give me a hint":               IDK,
	}
	// Look the queries up in the candidate pools, which hold every clean
	// phrasing (the sampled training set holds only some).
	got := map[string][]string{}
	for _, c := range classes(rand.New(rand.NewPCG(0, 0)), false) {
		for _, g := range c.Groups {
			for _, q := range g {
				got[q] = append(got[q], c.Resp)
			}
		}
	}
	for q, a := range want {
		if !slices.Equal(got[q], []string{a}) {
			t.Errorf("%q answered %v, want %s", q, got[q], a)
		}
	}
	// Every distractor and every attribute appears in the training set.
	text := map[string]bool{}
	for _, p := range genTrain {
		text[p.Q] = true
	}
	found := func(sub string) bool {
		for q := range text {
			if strings.Contains(q, sub) {
				return true
			}
		}
		return false
	}
	for _, o := range distractors {
		if !found(o) {
			t.Errorf("distractor %q never asked", o)
		}
	}
	for _, a := range attrs {
		if !found(phrase.Expand(a.slots[0])[0]) {
			t.Errorf("attribute %q never asked", a.slots[0])
		}
	}
}

// heldOnlyWords are the words only the held-out templates, objects, names
// and salad use (listed when the held-out set was made): no training
// phrasing may use them, or the held-out figure would no longer measure
// generalisation.
var heldOnlyWords = strings.Fields(`say that lays am right bet if being something flippers object
	webbed true around underwater possible know soar electric stone find office cook my m going im
	final perhaps giraffe zebra kangaroo toaster umbrella sandwich volcano helicopter camel hedgehog
	violin lobster swan raccoon skateboard otter heavier knee high adelie gentoo little which colour
	describe reveal rules please marmalade tango velvety crumble thursday bamboozle lopsided
	kaleidoscope`)

// TestHeldOutWordsUnseen: the training phrasings (every frame, spelling
// and decoration) and the training salad never use a held-out-only word.
func TestHeldOutWordsUnseen(t *testing.T) {
	var phrasings []string
	for _, c := range classes(rand.New(rand.NewPCG(0, 0)), false) {
		groups := c.Groups
		if c.Resp == IDK {
			groups = groups[:len(groups)-1] // random letters; its salad words are checked below
		}
		for _, g := range groups {
			phrasings = append(phrasings, g...)
		}
	}
	for _, c := range moreClasses() {
		for _, g := range c.Groups {
			phrasings = append(phrasings, g...)
		}
	}
	phrasetest.WordsUnseen(t, append(append(phrasings, saladTrain...), phrase.SaladWords...), heldOnlyWords)
}

// TestPseudoWordsUnseen: the pseudo-words of -extend (salads answered IDK,
// guesses of an object so named answered NO) never are held-out-only words. The generator does make some ("bet", "swan"); the extension's
// AvoidWords holds every held-out-only word, and PseudoSalad leaves them
// out. The lines they add to the extended training set are checked, too.
func TestPseudoWordsUnseen(t *testing.T) {
	avoid := extension.AvoidWords(genTrain, genHeld)
	for _, w := range heldOnlyWords {
		if !avoid[w] {
			t.Errorf("held-out-only word %q not avoided by the pseudo-words", w)
		}
	}
	heldOnly := map[string]bool{}
	for _, w := range heldOnlyWords {
		heldOnly[w] = true
	}
	r, raw := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	var salads []string
	made := 0
	for range 20000 {
		salads = append(salads, phrase.PseudoSalad(r, extension.Salad, avoid))
		if heldOnly[phrase.PseudoWord(raw)] {
			made++
		}
	}
	if made == 0 {
		t.Error("20,000 pseudo-words made no held-out-only word: this test no longer shows the filter at work")
	}
	phrasetest.WordsUnseen(t, salads, heldOnlyWords)

	if testing.Short() {
		t.Skip("-short: the extended training set is not generated")
	}
	plain := *extension
	plain.Pseudo, plain.Framed = 0, nil
	before := phrase.Keys(plain.Apply(phrase.DefaultSeed, genTrain, genHeld))
	var added []string // (the committed train.txt has a typo making "im": not checked here)
	n := map[string]int{}
	for _, p := range extension.Apply(phrase.DefaultSeed, genTrain, genHeld) {
		if !before[phrase.Key(p.Q)] {
			added = append(added, p.Q)
			n[p.A]++
		}
	}
	if n[IDK] != morePseudo || n[No] != moreFramed || len(added) != morePseudo+moreFramed {
		t.Errorf("the pseudo-words added %v, want IDK %d (salads) and NO %d (guesses)", n, morePseudo, moreFramed)
	}
	phrasetest.WordsUnseen(t, added, heldOnlyWords)
}

// TestFramedPseudo: a pseudo-word's guesses are NO, in the training guess
// frames but the bare ones, decorated.
func TestFramedPseudo(t *testing.T) {
	ps := framedPseudo("brindle")
	got := map[string]bool{}
	for _, p := range ps {
		if p.A != No {
			t.Errorf("%q answered %s, want NO", p.Q, p.A)
		}
		got[p.Q] = true
	}
	for _, q := range []string{"is it a brindle", "hmm i guess brindle??", "guess brindle", "ok is the answer brindle ?"} {
		if !got[q] {
			t.Errorf("framedPseudo(brindle) lacks %q", q)
		}
	}
	for _, q := range []string{"brindle", "a brindle"} {
		if got[q] {
			t.Errorf("framedPseudo(brindle) has the bare %q (a lone pseudo-word is IDK)", q)
		}
	}
	if a := framedPseudo("oolip"); !slices.ContainsFunc(a, func(p phrase.Pair) bool { return p.Q == "is it an oolip" }) {
		t.Error(`framedPseudo(oolip) lacks "is it an oolip"`)
	}
}
