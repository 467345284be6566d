package phrase

import (
	"math/rand/v2"
	"slices"
	"strings"
)

// Extension is what a generator adds to its training set after drawing
// the held-out set: further templates, noisy copies and extra nonsense.
// Each comes from a generator stream of its own (derived from the seed),
// so an extension never changes the held-out set, and nothing it adds has
// the key of a held-out query or of any phrasing in Pools.
type Extension struct {
	// Pools are every class of the generator (training and held-out
	// templates): noise never turns a line into one of their phrasings.
	Pools [][]Class
	// More are further training classes, sampled with MoreOptions.
	More        []Class
	MoreOptions Options
	// Noise makes the noisy copies (its Exclude is filled in).
	Noise AugmentOptions
	// Nonsense more word salads and gibberish over Salad are answered
	// CatchAll.
	CatchAll string
	Nonsense int
	Salad    []string
	// Pseudo more salads of pronounceable nonsense words ([MorePseudo],
	// mixed with Salad words) are answered CatchAll. No pseudo-word is a
	// word of a pool phrasing, of a training line or of a held-out query
	// ([Extension.AvoidWords]).
	Pseudo int
	// Framed, when not nil, returns the phrasings that put the pseudo-word
	// w in a question ("is it a brindle" → NO: an object the model never
	// heard of is not the secret); FramedN lines are added, each one of
	// Framed(w) for a fresh pseudo-word w (avoiding the same words).
	Framed  func(w string) []Pair
	FramedN int
}

// Stream constants of the extension's generators.
const (
	streamMore     = 0x6d6f7265     // "more"
	streamNoise    = 0x6e6f697379   // "noisy"
	streamNonsense = 0x73616c6164   // "salad"
	streamPseudo   = 0x70736575646f // "pseudo"
	streamFramed   = 0x6672616d6564 // "framed"
)

// AvoidWords returns the words no pseudo-word may be: every word of the
// pools' and More's phrasings, of train and of heldout, so a pseudo-word
// salad never uses a held-out-only word (the held-out figure would no
// longer measure generalisation) nor a word the model must read as part
// of a question.
func (x Extension) AvoidWords(train, heldout []Pair) map[string]bool {
	avoid := map[string]bool{}
	for _, cs := range append(slices.Clone(x.Pools), x.More) {
		for _, c := range cs {
			for _, g := range c.Groups {
				for _, w := range Words(g) {
					avoid[w] = true
				}
			}
		}
	}
	for _, ps := range [][]Pair{train, heldout} {
		for _, p := range ps {
			for _, w := range strings.Fields(Key(p.Q)) {
				avoid[w] = true
			}
		}
	}
	return avoid
}

// Apply returns train extended by x for seed; heldout is only read.
func (x Extension) Apply(seed uint64, train, heldout []Pair) []Pair {
	exclude := PoolKeys(append(slices.Clone(x.Pools), x.More)...)
	for k := range Keys(heldout) {
		exclude[k] = true
	}
	train = slices.Clone(train)
	shuffle := func(r *rand.Rand) {
		r.Shuffle(len(train), func(i, j int) { train[i], train[j] = train[j], train[i] })
	}
	if len(x.More) > 0 {
		o := x.MoreOptions
		o.Exclude = PoolKeys(x.Pools...)
		for k := range Keys(heldout) {
			o.Exclude[k] = true
		}
		for k := range Keys(train) {
			o.Exclude[k] = true
		}
		r := rand.New(rand.NewPCG(seed, streamMore))
		train = append(train, Build(r, x.More, o)...)
		shuffle(r)
	}
	noise := x.Noise
	noise.Exclude = exclude
	train = Augment(rand.New(rand.NewPCG(seed, streamNoise)), train, noise)
	if x.Nonsense > 0 {
		for k := range Keys(train) {
			exclude[k] = true
		}
		r := rand.New(rand.NewPCG(seed, streamNonsense))
		for _, q := range MoreGibberish(r, x.Nonsense, x.Salad, exclude) {
			train = append(train, Pair{Q: q, A: x.CatchAll})
		}
		shuffle(r)
	}
	if x.Pseudo > 0 {
		avoid := x.AvoidWords(train, heldout)
		for k := range Keys(train) {
			exclude[k] = true
		}
		r := rand.New(rand.NewPCG(seed, streamPseudo))
		for _, q := range MorePseudo(r, x.Pseudo, x.Salad, avoid, exclude) {
			train = append(train, Pair{Q: q, A: x.CatchAll})
		}
		shuffle(r)
	}
	if x.Framed != nil && x.FramedN > 0 {
		avoid := x.AvoidWords(train, heldout)
		for k := range Keys(train) {
			exclude[k] = true
		}
		r := rand.New(rand.NewPCG(seed, streamFramed))
		for added, try := 0, 0; added < x.FramedN && try < 50*x.FramedN; try++ {
			w := PseudoWord(r)
			if avoid[w] {
				continue
			}
			ps := x.Framed(w)
			if len(ps) == 0 {
				continue
			}
			p := ps[r.IntN(len(ps))]
			p.Q = Norm(p.Q)
			if k := Key(p.Q); exclude[k] || ValidQuery(p.Q) != nil {
				continue
			} else {
				exclude[k] = true
			}
			train = append(train, p)
			added++
		}
		shuffle(r)
	}
	return train
}
