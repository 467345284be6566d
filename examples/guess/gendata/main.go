// Command gendata generates the training and held-out data of the guess
// example: 20 Questions about a secret object. The model "is" the secret (a
// penguin) and answers yes/no questions about it with YES, NO or MAYBE,
// says WIN when the player guesses it, and IDK to nonsense and to questions
// that are not yes/no questions.
//
// The data comes from three small tables:
//
//   - attrs: properties of the secret with their answer, each written as
//     the slot of a question kind (is / has / can / does), so "alive"
//     becomes "is it alive", "it's alive", "alive?", "are you alive", ...
//   - distractors: other objects, asked with the guess frames ("is it a
//     dog", "dog?", "i guess dog", ...) and answered NO;
//   - secret: the names of the secret, asked with the same frames → WIN.
//
// Each kind has a separate pool of held-out frames, and the held-out set
// also uses held-out distractors and names, so its phrasings are never
// emitted into the training set. With -extend, after the held-out set is
// drawn, the training set is extended (phrase.Extension, from streams of
// their own, so the held-out set stays the same): further frames
// (moreFrames), one noisy copy per line (a typo, a word dropped, two words
// swapped, a space lost or added, a salad word put in), more nonsense
// over a larger salad, salads of pronounceable pseudo-words ("brindle
// plosk", IDK: unseen real words look like them, not like random letters)
// and guesses of objects named by a pseudo-word ("is it a tarvent", NO).
// No training phrasing uses a word only the held-out set uses
// (heldOnlyWords in the tests); the pseudo-words avoid every word of the
// templates and of both sets (phrase.Extension.AvoidWords).
//
// Usage:
//
//	go run ./examples/guess/gendata -o examples/guess/data [-seed N] [-extend]
package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"mulm/examples/internal/phrase"
)

// Responses. Alphabet is every character a response may use.
const (
	Yes   = "YES"
	No    = "NO"
	Maybe = "MAYBE"
	Win   = "WIN"
	IDK   = "IDK"

	Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// Responses lists the classes in output order.
var Responses = []string{Yes, No, Maybe, Win, IDK}

// caps are the most training lines per response (NO is kept at about a third).
var caps = map[string]int{Yes: 3000, No: 3400, Maybe: 2000, Win: 700, IDK: 1200}

const heldCap = 90 // most held-out lines per response

// kind is the grammatical kind of an attribute's slot.
type kind int

const (
	is   kind = iota // "alive", "a bird", "bigger than a breadbox"
	has              // "feathers", "a beak"
	can              // "fly", "swim"
	does             // "lay eggs", "live in water"
	raw              // whole questions
)

// frames are the question templates of each kind; X is the slot.
// Contraction spellings and typos are added on top.
var frames = map[kind][]string{
	is:   {"is it X", "it's X", "X", "are you X", "is the thing X", "would it be X", "is this X", "is it X or not"},
	has:  {"does it have X", "has it got X", "it has X", "X", "do you have X", "does the thing have X", "any X", "with X"},
	can:  {"can it X", "is it able to X", "could it X", "X", "can you X", "it can X", "are you able to X"},
	does: {"does it X", "do you X", "X", "does the thing X", "do they X", "it does X"},
	raw:  {"X"},
}

// heldFrames are used only for the held-out set.
var heldFrames = map[kind][]string{
	is:   {"would you say it is X", "am i right that it's X", "i bet it's X", "tell me if it is X"},
	has:  {"is it something with X", "does the object have X", "got X"},
	can:  {"would it be able to X", "is it possible for it to X", "does it know how to X"},
	does: {"is it true that it does X", "tell me does it X", "would it X"},
}

// attr is one property of the secret.
type attr struct {
	kind  kind
	ans   string
	slots []string // phrase templates filling X
}

// attrs describe the secret: a penguin.
var attrs = []attr{
	// What it is.
	{is, Yes, []string{"alive", "living", "a living thing", "a living creature"}},
	{does, Yes, []string{"live", "breathe"}},
	{is, Yes, []string{"an animal", "a creature", "a beast"}},
	{is, Yes, []string{"a bird", "a sea bird", "a seabird"}},
	{is, No, []string{"a mammal"}},
	{is, No, []string{"a fish"}},
	{is, No, []string{"an insect", "a bug"}},
	{is, No, []string{"a reptile", "a lizard"}},
	{is, No, []string{"a plant", "a tree", "a flower"}},
	{is, No, []string{"a machine", "a robot", "a device"}},
	{is, No, []string{"a vehicle", "a car"}},
	{is, No, []string{"a toy", "a game"}},
	{is, No, []string{"a tool"}},
	{is, No, []string{"{a|some} food", "a fruit", "a vegetable"}},
	{is, No, []string{"man made", "artificial", "built by people"}},
	{is, Yes, []string{"real"}},
	{is, No, []string{"fictional", "imaginary", "made up"}},
	{is, Yes, []string{"wild", "a wild animal"}},
	{is, No, []string{"a pet", "kept as a pet"}},
	// Body.
	{has, Yes, []string{"feathers"}},
	{has, No, []string{"fur", "hair"}},
	{has, Yes, []string{"wings"}},
	{has, Yes, []string{"a beak", "a bill"}},
	{has, Yes, []string{"{two|2} legs", "legs", "feet"}},
	{has, No, []string{"{four|4} legs", "paws"}},
	{has, No, []string{"teeth"}},
	{has, Maybe, []string{"a tail"}},
	{has, Maybe, []string{"ears", "a nose"}},
	{has, Yes, []string{"eyes"}},
	{has, No, []string{"wheels"}},
	{has, No, []string{"a screen", "buttons"}},
	// Looks and size.
	{is, Yes, []string{"black and white", "black", "white"}},
	{is, No, []string{"red", "green", "blue", "pink", "purple", "colorful"}},
	{is, Maybe, []string{"yellow", "orange"}},
	{is, Maybe, []string{"bigger than a {breadbox|bread box}", "larger than a {breadbox|bread box}"}},
	{is, Maybe, []string{"bigger than a cat", "big", "small", "heavy", "tall"}},
	{is, No, []string{"bigger than a {person|human|car|house}", "huge"}},
	{is, Yes, []string{"smaller than a {person|human|car}"}},
	{is, Yes, []string{"cute", "adorable"}},
	{is, Maybe, []string{"soft", "fluffy"}},
	{is, No, []string{"made of {metal|wood|plastic|glass}", "metal", "wooden", "plastic"}},
	// Abilities and habits.
	{can, No, []string{"fly"}},
	{can, Yes, []string{"swim", "dive"}},
	{can, Yes, []string{"walk", "waddle", "jump", "slide on its belly"}},
	{can, Maybe, []string{"run"}},
	{can, No, []string{"talk", "speak"}},
	{can, No, []string{"climb {trees|a tree}", "climb"}},
	{does, Yes, []string{"lay eggs"}},
	{does, Yes, []string{"eat fish", "eat meat", "hunt"}},
	{does, No, []string{"eat plants", "eat grass"}},
	{does, Yes, []string{"make {noise|sounds|a sound}"}},
	{does, Yes, []string{"sleep"}},
	{does, Yes, []string{"live in {groups|a group|a colony}"}},
	{does, Yes, []string{"live in {the cold|antarctica|the south pole|snow}", "live on ice"}},
	{does, No, []string{"live in the {arctic|north pole|desert|jungle}", "live in trees"}},
	{does, No, []string{"live in a house", "live indoors"}},
	{does, Maybe, []string{"live in {water|the water|the sea|the ocean}", "live on land"}},
	{does, Maybe, []string{"live in a zoo", "migrate"}},
	{does, No, []string{"need electricity", "use batteries", "plug in"}},
	{is, Maybe, []string{"fast", "smart", "friendly", "loud", "smelly", "rare", "endangered", "famous"}},
	{is, Yes, []string{"warm blooded", "good at swimming", "in movies", "in cartoons"}},
	{is, No, []string{"dangerous", "scary", "poisonous", "extinct", "invisible"}},
	// Whole questions that fit no kind.
	{raw, No, []string{"can you eat it", "is it edible", "edible", "do people eat it", "is it tasty"}},
	{raw, No, []string{"can you buy it", "can i buy it", "is it for sale", "does it cost money", "is it expensive"}},
	{raw, Maybe, []string{"can you hold it", "can i hold it", "can i pick it up", "could you carry it"}},
	{raw, No, []string{"is it found in a house", "is it in the kitchen", "is it indoors", "do i have one at home"}},
}

// heldAttrs are attribute phrasings that only the held-out set uses.
var heldAttrs = []attr{
	{is, Yes, []string{"an animal that lays eggs", "a living being"}},
	{has, Yes, []string{"flippers", "webbed feet"}},
	{can, No, []string{"soar"}},
	{does, Yes, []string{"waddle around", "swim underwater"}},
	{is, No, []string{"electric", "made of stone"}},
	{raw, Maybe, []string{"is it heavier than a cat", "is it about knee high"}},
	{raw, No, []string{"would i find it in an office", "can you cook it"}},
}

// guessFrames ask whether the secret is the object X (article A).
var guessFrames = []string{
	"is it A X", "it's A X", "X", "A X", "are you A X", "you're A X",
	"i guess X", "i guess it's A X", "i think it's A X", "is the answer X",
	"the answer is X", "what about A X", "how about A X", "is it the X",
}

// heldGuessFrames are the guess frames of the held-out set only.
var heldGuessFrames = []string{
	"could it be A X", "my guess is A X", "let me guess A X", "i'm going with X", "final answer X", "perhaps A X",
}

var (
	// secret names the secret; heldSecret are names only the held-out set uses.
	secret     = []string{"penguin", "emperor penguin", "king penguin", "baby penguin"}
	heldSecret = []string{"adelie penguin", "gentoo penguin", "little penguin"}

	distractors = strings.Split("dog,cat,horse,cow,pig,sheep,chicken,duck,goose,owl,eagle,parrot,"+
		"pigeon,ostrich,flamingo,seagull,puffin,seal,walrus,polar bear,whale,dolphin,shark,"+
		"octopus,crab,turtle,frog,snake,crocodile,lion,tiger,elephant,monkey,bear,rabbit,mouse,"+
		"bee,ant,spider,butterfly,chair,table,bicycle,train,airplane,boat,phone,computer,"+
		"television,book,pencil,ball,shoe,hat,apple,banana,pizza,cake,rock,cloud,lamp,clock,"+
		"spoon,fridge,guitar,snowman,ice cube,igloo,kettle,bat,person", ",")
	heldDistractors = strings.Split("giraffe,zebra,kangaroo,toaster,umbrella,sandwich,volcano,"+
		"helicopter,camel,hedgehog,violin,lobster,swan,raccoon,skateboard,otter", ",")
)

// Questions that are not yes/no questions, or are about the game itself.
var (
	metaTrain = []string{
		"what is it", "what are you", "give me a hint", "hint", "tell me the answer",
		"i give up", "how many questions left", "what color is it", "how big is it",
		"what is it made of", "how many legs", "{why|how|when|who|what}", "what does it eat",
		"{start|new} game", "let's play", "hello", "help",
	}
	metaHeld = []string{"which colour is it", "describe it", "how heavy is it", "what sound does it make", "reveal it", "rules please"}

	saladTrain = strings.Fields("sideways purple wobbly gently tuesday seventeen jazz fuzzy upside " +
		"whatever glitter zigzag noodle sparkly grumble quantum bonkers fizz blorp zibble")
	saladHeld = strings.Fields("marmalade tango velvety crumble thursday bamboozle lopsided kaleidoscope")
)

const (
	nonsenseSize = 1500 // nonsense candidates for IDK
	moreCap      = 400  // most lines per response from the further frames
	noiseRatio   = 1    // noisy copies per training line
	moreNonsense = 600  // extra nonsense lines
	morePseudo   = 1500 // extra salads of pseudo-words
	moreFramed   = 400  // guesses of objects named by a pseudo-word (NO)
)

// article returns "an" before a vowel sound, else "a".
func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an"
	}
	return "a"
}

// fill puts slot into each frame (X) with its article (A).
func fill(frames []string, slot string) []string {
	out := make([]string, len(frames))
	for i, f := range frames {
		f = strings.ReplaceAll(f, "A X", article(slot)+" X")
		out[i] = strings.ReplaceAll(f, "X", slot)
	}
	return out
}

// decoration around every training phrasing; the held-out set is plainer.
var (
	trainPre = []string{"", "ok ", "so ", "hmm ", "um "}
	trainSuf = []string{"", "?", " ?", "??"}
	heldPre  = []string{""}
	heldSuf  = []string{"", "?"}
)

// builder collects phrasings per response, one group per base phrasing.
type builder struct {
	pre, suf []string
	groups   map[string][][]string
}

func (b *builder) add(resp string, questions ...string) {
	for _, q := range phrase.ExpandAll(questions...) {
		b.groups[resp] = append(b.groups[resp], phrase.Decorate(phrase.Contractions(q), b.pre, b.suf))
	}
}

// classes returns the sampler classes of the training set or the held-out set.
func classes(r *rand.Rand, heldOut bool) []phrase.Class {
	b := &builder{pre: trainPre, suf: trainSuf, groups: map[string][][]string{}}
	as, fr, gf, names, objs, meta, salad := attrs, frames, guessFrames, secret, distractors, metaTrain, saladTrain
	if heldOut {
		b.pre, b.suf = heldPre, heldSuf
		as, fr, gf, names, objs, meta, salad = heldAttrs, heldFrames, heldGuessFrames, heldSecret, heldDistractors, metaHeld, saladHeld
	}
	for _, a := range as {
		for _, slot := range a.slots {
			for _, s := range phrase.Expand(slot) {
				if a.kind == raw {
					b.add(a.ans, s)
					continue
				}
				b.add(a.ans, fill(fr[a.kind], s)...)
			}
		}
	}
	if heldOut {
		// Held-out frames with the training slots, too: new phrasings of
		// known properties, objects and names.
		for _, a := range attrs {
			if a.kind != raw {
				b.add(a.ans, fill(heldFrames[a.kind], a.slots[0])...)
			}
		}
		for _, o := range distractors[:20] {
			b.add(No, fill(heldGuessFrames, o)...)
		}
		b.add(Win, fill(heldGuessFrames, secret[0])...)
	}
	for _, n := range names {
		b.add(Win, fill(gf, n)...)
	}
	for _, o := range objs {
		b.add(No, fill(gf, o)...)
	}
	b.add(IDK, meta...)
	var junk []string
	for range nonsenseSize {
		junk = append(junk, phrase.Gibberish(r, salad))
	}
	b.groups[IDK] = append(b.groups[IDK], junk)

	var cs []phrase.Class
	for _, resp := range Responses {
		c := phrase.Class{Resp: resp, Groups: b.groups[resp], Cap: caps[resp]}
		if heldOut {
			c.Cap = heldCap
		}
		cs = append(cs, c)
	}
	return cs
}

// generate returns the training and held-out sets for seed.
func generate(seed uint64) (train, heldout []phrase.Pair) {
	r := rand.New(rand.NewPCG(seed, 0x6775657373)) // "guess"
	train = phrase.Build(r, classes(r, false), phrase.Options{TypoRatio: 0.3, MaxTypoRatio: 1})
	heldout = phrase.Build(r, classes(r, true), phrase.Options{TypoRatio: 0.15, Exclude: phrase.Keys(train)})
	return train, heldout
}

// generator writes the data files; see phrase.Generator.
var generator = &phrase.Generator{
	Name:      "guess",
	Alphabet:  Alphabet,
	Format:    "Format: query|RESPONSE per line; responses are YES, NO, MAYBE, WIN (guessed it) or IDK.",
	Generate:  generate,
	Extension: extension,
	TrainHeader: []string{
		"guess training set: 20 Questions, the secret is a penguin.",
		fmt.Sprintf("Attribute table (%d properties) x question frames, %d distractor objects, guesses,", len(attrs), len(distractors)),
		"fillers, punctuation, contraction spellings and one-character typos; nonsense -> IDK.",
	},
	ExtendHeader: []string{
		"Then (-extend) further frames, one noisy copy per line (typo, word dropped, words",
		"swapped, spacing, a salad word put in), more nonsense, salads of pseudo-words (IDK)",
		"and guesses of pseudo-word objects (NO), drawn after the held-out set.",
	},
	HeldHeader: []string{
		"guess held-out set: held-out question frames, properties, objects and names that the",
		"training set never uses, and fresh nonsense; no query here occurs in train.txt.",
	},
}

func main() { generator.Main() }

// moreFrames and moreGuessFrames are further training frames, drawn after
// the held-out set (from a stream of their own) so that adding them leaves
// heldout.txt as it was; like the other training frames they never use a
// word only the held-out frames use.
var (
	moreFrames = map[kind][]string{
		is:   {"is it really X", "do you think it's X", "so it's X", "is your thing X", "would you be X", "i wonder whether it's X", "X or not"},
		has:  {"does it really have X", "do you think it has X", "has it X", "does your thing have X", "it's got X", "X or not"},
		can:  {"can it really X", "do you think it can X", "is the thing able to X", "can your thing X", "it's able to X", "X or not"},
		does: {"does it really X", "do you think it does X", "does your thing X", "X or not"},
	}
	moreGuessFrames = []string{"is it maybe A X", "it must be A X", "you must be A X", "i think you're A X", "the answer must be X", "guess X", "is it A X then"}
)

// moreClasses are the sampler classes of the further frames.
func moreClasses() []phrase.Class {
	b := &builder{pre: trainPre, suf: trainSuf, groups: map[string][][]string{}}
	for _, a := range attrs {
		if a.kind == raw {
			continue
		}
		for _, slot := range a.slots {
			for _, s := range phrase.Expand(slot) {
				b.add(a.ans, fill(moreFrames[a.kind], s)...)
			}
		}
	}
	for _, n := range secret {
		b.add(Win, fill(moreGuessFrames, n)...)
	}
	for _, o := range distractors {
		b.add(No, fill(moreGuessFrames, o)...)
	}
	var cs []phrase.Class
	for _, resp := range Responses {
		if len(b.groups[resp]) > 0 {
			cs = append(cs, phrase.Class{Resp: resp, Groups: b.groups[resp]})
		}
	}
	return cs
}

// extension is what -extend adds to the training set, after the held-out
// set is drawn (see phrase.Extension): the further frames, noisy copies of every line
// (typos, word drops, swaps, spacing, an inserted salad word), extra
// nonsense over a larger salad, pseudo-word salads and guesses of
// pseudo-word objects (measured in TRAIN.md).
var extension = &phrase.Extension{
	Pools:       [][]phrase.Class{classes(rand.New(rand.NewPCG(0, 0)), false), classes(rand.New(rand.NewPCG(0, 0)), true)},
	More:        moreClasses(),
	MoreOptions: phrase.Options{Cap: moreCap, TypoRatio: 0.3},
	Noise:       phrase.AugmentOptions{Ratio: noiseRatio, Skip: []string{IDK}, Words: phrase.SaladWords},
	CatchAll:    IDK,
	Nonsense:    moreNonsense,
	Pseudo:      morePseudo,
	Framed:      framedPseudo,
	FramedN:     moreFramed,
	Salad:       append(slices.Clone(saladTrain), phrase.SaladWords...),
}

// framedPseudo returns the guesses of an object named by the pseudo-word
// w, answered NO, in every training guess frame but the bare "X" and "A X"
// (a lone pseudo-word is nonsense, IDK), decorated like the training set.
func framedPseudo(w string) []phrase.Pair {
	var out []phrase.Pair
	for _, f := range append(slices.Clone(guessFrames), moreGuessFrames...) {
		if f == "X" || f == "A X" {
			continue
		}
		for _, q := range fill([]string{f}, w) {
			for _, c := range phrase.Contractions(q) {
				for _, d := range phrase.Decorate([]string{c}, trainPre, trainSuf) {
					out = append(out, phrase.Pair{Q: d, A: No})
				}
			}
		}
	}
	return out
}
