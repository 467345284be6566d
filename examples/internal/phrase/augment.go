package phrase

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Noise kinds that [Noisy] applies.
const (
	NoiseTypo    = iota // one typing mistake ([Typo])
	NoiseDrop           // a word left out
	NoiseSwap           // two neighbouring words swapped
	NoiseSpacing        // a space lost between two words, or one put inside a word
	NoiseInsert         // a word from AugmentOptions.Words put in
	NoiseKinds          // the number of kinds
)

// negations are never dropped by [DropWord]: without them a phrasing
// means its opposite ("i don't like you").
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "nope": true, "nah": true,
	"don't": true, "dont": true, "doesn't": true, "doesnt": true,
	"isn't": true, "isnt": true, "aren't": true, "arent": true,
	"can't": true, "cant": true, "cannot": true, "won't": true, "wont": true,
	"didn't": true, "didnt": true,
}

// DropWord leaves one word out of s, never a negation, and only when s has
// at least three words (so what is left still says something). It returns
// s unchanged when no word can go.
func DropWord(r *rand.Rand, s string) string {
	w := strings.Fields(s)
	if len(w) < 3 {
		return s
	}
	var can []int
	for i, x := range w {
		if !negations[strings.Trim(x, "!?.,:)")] {
			can = append(can, i)
		}
	}
	if len(can) == 0 {
		return s
	}
	i := can[r.IntN(len(can))]
	return strings.Join(slices.Delete(w, i, i+1), " ")
}

// SwapWords swaps two neighbouring words of s; s unchanged when it has one
// word.
func SwapWords(r *rand.Rand, s string) string {
	w := strings.Fields(s)
	if len(w) < 2 {
		return s
	}
	i := r.IntN(len(w) - 1)
	w[i], w[i+1] = w[i+1], w[i]
	return strings.Join(w, " ")
}

// Respace loses the space between two words of s ("how areyou") or, for a
// one-word s or one time in three, puts a space inside a word of at least
// four letters ("hel lo"). It returns s unchanged when it can do neither.
func Respace(r *rand.Rand, s string) string {
	var spaces, inner []int
	for i := 1; i < len(s)-1; i++ {
		switch {
		case s[i] == ' ':
			spaces = append(spaces, i)
		case isLetter(s[i-1]) && isLetter(s[i]) && i >= 2 && i+2 <= len(s) &&
			isLetter(s[i-2]) && isLetter(s[i+1]):
			inner = append(inner, i) // at least two letters on each side
		}
	}
	if len(inner) > 0 && (len(spaces) == 0 || r.IntN(3) == 0) {
		i := inner[r.IntN(len(inner))]
		return s[:i] + " " + s[i:]
	}
	if len(spaces) > 0 {
		i := spaces[r.IntN(len(spaces))]
		return s[:i] + s[i+1:]
	}
	return s
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }

// InsertWord puts one of words (a random one) before a random word of s
// or at its end; s unchanged when words is empty.
func InsertWord(r *rand.Rand, s string, words []string) string {
	if len(words) == 0 {
		return s
	}
	w := strings.Fields(s)
	i := r.IntN(len(w) + 1)
	return strings.Join(slices.Insert(w, i, words[r.IntN(len(words))]), " ")
}

// Noisy applies one noise of a kind drawn from kinds (NoiseTypo ...) to s;
// NoiseInsert draws its word from words.
func Noisy(r *rand.Rand, s string, kinds []int, words []string) string {
	switch kinds[r.IntN(len(kinds))] {
	case NoiseInsert:
		return InsertWord(r, s, words)
	case NoiseTypo:
		return Typo(r, s)
	case NoiseDrop:
		return DropWord(r, s)
	case NoiseSwap:
		return SwapWords(r, s)
	default:
		return Respace(r, s)
	}
}

// AugmentOptions control [Augment].
type AugmentOptions struct {
	// Ratio is how many noisy lines to add per line of a class.
	Ratio float64
	// Kinds are the noise kinds drawn from, each equally likely; empty
	// means all of them (NoiseInsert only when Words is not empty).
	Kinds []int
	// Words are what NoiseInsert puts in: words that should not change
	// the answer.
	Words []string
	// Skip holds responses whose lines are not augmented (e.g. the
	// catch-all of nonsense queries).
	Skip []string
	// Exclude holds keys (see [Key]) that no noisy line may have: every
	// phrasing any class (of the training or the held-out templates) can
	// produce, and the held-out queries, so noise never relabels a real
	// phrasing nor leaks a held-out one into training.
	Exclude map[string]bool
}

// Augment returns pairs plus noisy variants of them: for each response,
// about Ratio × its line count new lines, each one noise ([Noisy]) applied
// to one of its lines, never a key already present or in o.Exclude. The
// result is shuffled (pairs is returned as it is when o.Ratio is 0); it is deterministic for a generator state.
func Augment(r *rand.Rand, pairs []Pair, o AugmentOptions) []Pair {
	if o.Ratio == 0 {
		return pairs
	}
	kinds := o.Kinds
	if len(kinds) == 0 {
		kinds = []int{NoiseTypo, NoiseDrop, NoiseSwap, NoiseSpacing}
		if len(o.Words) > 0 {
			kinds = append(kinds, NoiseInsert)
		}
	}
	var order []string
	byResp := map[string][]string{}
	seen := map[string]bool{}
	for _, p := range pairs {
		if byResp[p.A] == nil {
			order = append(order, p.A)
		}
		byResp[p.A] = append(byResp[p.A], p.Q)
		seen[Key(p.Q)] = true
	}
	out := slices.Clone(pairs)
	for _, resp := range order {
		if slices.Contains(o.Skip, resp) {
			continue
		}
		src := byResp[resp]
		want := int(math.Round(o.Ratio * float64(len(src))))
		added := 0
		for try := 0; added < want && try < 50*want; try++ {
			q := Norm(Noisy(r, src[r.IntN(len(src))], kinds, o.Words))
			k := Key(q)
			if seen[k] || o.Exclude[k] || ValidQuery(q) != nil {
				continue
			}
			seen[k] = true
			out = append(out, Pair{Q: q, A: resp})
			added++
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// PoolKeys returns the keys of every query the classes can produce.
func PoolKeys(classes ...[]Class) map[string]bool {
	m := map[string]bool{}
	for _, cs := range classes {
		for _, c := range cs {
			for _, g := range c.Groups {
				for _, q := range g {
					m[Key(q)] = true
				}
			}
		}
	}
	return m
}

// MoreGibberish returns n nonsense queries ([Gibberish] over salad), none
// with a key in exclude or already returned, for topping up a catch-all
// class from a generator stream of its own.
func MoreGibberish(r *rand.Rand, n int, salad []string, exclude map[string]bool) []string {
	return moreDistinct(n, exclude, func() string { return Gibberish(r, salad) })
}

// moreDistinct returns up to n valid queries of gen (normalized), none
// with a key in exclude or already returned; it gives up after 50n tries.
func moreDistinct(n int, exclude map[string]bool, gen func() string) []string {
	var out []string
	seen := map[string]bool{}
	for try := 0; len(out) < n && try < 50*n; try++ {
		q := Norm(gen())
		k := Key(q)
		if seen[k] || exclude[k] || ValidQuery(q) != nil {
			continue
		}
		seen[k] = true
		out = append(out, q)
	}
	return out
}

// Words returns the distinct words of the keys of phrasings, in first-seen
// order.
func Words(phrasings []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, q := range phrasings {
		for _, w := range strings.Fields(Key(q)) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// SaladWords are everyday words that no example's classes use, for extra
// word salads of a catch-all class (see [MoreGibberish]).
var SaladWords = strings.Fields(`
	carpet orbit fennel yodel pebble ribbon biscuit comet drizzle hammock lemon meadow nickel
	oyster pepper quilt rumble saddle tinsel vortex waffle yonder acorn banjo cobalt dimple
	ember flannel gusto walnut cinnamon thimble parsnip doorknob pretzel muffin tractor
	satchel harp goblin nutmeg plunger radish sombrero tulip ukulele vinegar whisker
	yogurt zucchini anchor barrel candle donut elbow feather garlic helmet ivory jigsaw
	mitten napkin olive paddle quiver rocket sandal tunnel urchin vest wagon xylophone
	yarn zipper bubble crayon funnel gadget hiccup inkwell jacket kernel locket magnet
	nozzle opal pillow quartz raisin shovel tofu velcro widget`)
