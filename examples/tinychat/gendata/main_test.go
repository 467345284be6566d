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

// gen is the default-seed output, generated once.
var genTrain, genHeld = generate(phrase.DefaultSeed)

func responses() []string {
	out := []string{nonsense}
	for _, in := range intents {
		out = append(out, in.resp)
	}
	return out
}

// TestGenerator: deterministic, the committed files are its output, and
// they are valid.
func TestGenerator(t *testing.T) {
	phrasetest.Check(t, generator, dataDir, responses())
}

func TestBalance(t *testing.T) {
	if n := len(genTrain); n < 3000 || n > 8000 {
		t.Errorf("training set has %d pairs, want 3000–8000", n)
	}
	if n := len(genHeld); n < 200 || n > 600 {
		t.Errorf("held-out set has %d pairs, want a few hundred", n)
	}
	count := map[string]int{}
	for _, p := range genTrain {
		count[p.A]++
	}
	held := map[string]int{}
	for _, p := range genHeld {
		held[p.A]++
	}
	rs := responses()
	if len(rs) < 15 || len(rs) > 26 {
		t.Errorf("%d classes, want about 15–25", len(rs))
	}
	for _, r := range rs {
		if share := float64(count[r]) / float64(len(genTrain)); share > 0.15 {
			t.Errorf("%s is %.1f%% of the training set, over 15%%", r, 100*share)
		}
		if count[r] < trainMin {
			t.Errorf("%s has only %d training lines", r, count[r])
		}
		if held[r] < 8 {
			t.Errorf("%s has only %d held-out lines", r, held[r])
		}
	}
}

// TestPhrasings checks the tables: enough base phrasings per intent, and
// held-out templates that never coincide with a training phrasing.
func TestPhrasings(t *testing.T) {
	trainKeys := map[string]string{}
	for _, in := range intents {
		base := phrase.ExpandAll(in.train...)
		if len(base) < 8 {
			t.Errorf("%s: only %d training phrasings", in.resp, len(base))
		}
		for _, q := range base {
			for _, v := range phrase.Contractions(q) {
				trainKeys[phrase.Key(v)] = in.resp
			}
		}
		if n := len(phrase.ExpandAll(in.held...)); n < 5 {
			t.Errorf("%s: only %d held-out phrasings", in.resp, n)
		}
	}
	for _, in := range intents {
		for _, q := range phrase.ExpandAll(in.held...) {
			for _, v := range phrase.Contractions(q) {
				if r, ok := trainKeys[phrase.Key(v)]; ok {
					t.Errorf("held-out phrasing %q of %s is a training phrasing of %s", v, in.resp, r)
				}
			}
		}
	}
	// Distinct training queries per class, after all sampling.
	distinct := map[string]map[string]bool{}
	for _, p := range genTrain {
		if distinct[p.A] == nil {
			distinct[p.A] = map[string]bool{}
		}
		distinct[p.A][phrase.Norm(p.Q)] = true
	}
	for r, qs := range distinct {
		if len(qs) < 100 {
			t.Errorf("%s: only %d distinct training queries", r, len(qs))
		}
	}
	for _, w := range saladHeld {
		if slices.Contains(saladTrain, w) {
			t.Errorf("held-out salad word %q is also a training word", w)
		}
	}
}

// TestTypos checks that some, but not most, training queries are typo
// variants: queries that no template produces.
func TestTypos(t *testing.T) {
	clean := map[string]bool{}
	for _, c := range classes(rand.New(rand.NewPCG(0, 0)), false) {
		if c.Resp == nonsense {
			continue
		}
		for _, g := range c.Groups {
			for _, q := range g {
				clean[q] = true
			}
		}
	}
	typos, total := 0, 0
	for _, p := range genTrain {
		if p.A == nonsense {
			continue
		}
		total++
		if !clean[p.Q] {
			typos++
		}
	}
	if share := float64(typos) / float64(total); share < 0.1 || share > 0.4 {
		t.Errorf("%.1f%% of the training queries are typo variants, want 10–40%%", 100*share)
	}
}

// heldOnlyWords are the words only the held-out templates and salad use
// (listed when the held-out set was made): no training phrasing may use
// them, or the held-out figure would no longer measure generalisation.
var heldOnlyWords = strings.Fields(`ahoy top salutations long peace heading until next care
	toodles logging goes everything artificial cyborg code may by introduce and birth teenager
	existed ancient location whereabouts town country responsible brought whose developer put
	together outside enjoy fond circle sugar sunshine grumpy ever elephants own ride tax season
	likely might mermaids market plan mars fetch rent wash dishes down crack amuse affirmative
	sounds moment wonderful legend such admire pretty neat big obliged grateful owe heaps clown
	brainless stand disappointment pardon regret saying rudeness misunderstood backwards reply
	mistaken cracked bahaha rotfl boiling painted mona lisa deep which cost purpose existence
	illusion anything souls us bought team guitar chef adopted kitten ran marathon worn use
	starving gloomy freezing dislike rainy days lend hand some chance skills marmalade tango
	crumble thursday bamboozle lopsided kaleidoscope saxophone turnip wombat`)

// TestHeldOutWordsUnseen: the training templates (every spelling and
// decoration) and the training salad never use a held-out-only word.
func TestHeldOutWordsUnseen(t *testing.T) {
	var phrasings []string
	for _, c := range classes(rand.New(rand.NewPCG(0, 0)), false) {
		if c.Resp == nonsense {
			continue // random letters; its salad words are checked below
		}
		for _, g := range c.Groups {
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
