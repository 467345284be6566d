package phrase

import (
	"math/rand/v2"
	"strings"
)

// Syllable parts of [PseudoWord]: English onsets (consonant clusters, or
// none), the single consonants that start a later syllable, vowels, codas
// and endings for a last syllable ("brindle", "tarvent"). Each list is
// drawn uniformly, so a repeated entry is likelier; "-" is none.
var (
	pseudoOnsets = strings.Fields(`- - - b b bl br c c ch cl cr d d dr f fl fr g gl gr h h j k l l
		m m n n p p pl pr qu r r s s sh sk sl sm sn sp st str sw t t th tr v w w wh y z`)
	pseudoInner  = strings.Fields(`b c d d f g k l l m m n n p r r s t t v z`)
	pseudoVowels = strings.Fields(`a a a e e e i i i o o o u u ai ea ee oo ou oa`)
	pseudoCodas  = strings.Fields(`- - - n n m r r l t t p d s ck nd nt mp nk ng rt rn st sk
		ll lt ss sh x`)
	pseudoEndings = strings.Fields(`le dle ble ple kle gle tle er ter ber ner y ly ny ent ing ish et
		on ock ic o a us el`)
)

// part returns an entry of parts, "-" meaning none.
func part(r *rand.Rand, parts []string) string {
	p := parts[r.IntN(len(parts))]
	if p == "-" {
		return ""
	}
	return p
}

// PseudoWord returns one pronounceable nonsense word of one to three
// syllables ("plosk", "brindle", "tarvent"): an onset cluster, a vowel and
// a coda, then syllables of one consonant and a vowel, the last closed by
// a coda or an ending such as "le" or "ent". Its letter trigrams are
// English-like, unlike the random letters of [Gibberish]. It may be a real
// word ("bet", "swan"): callers filter what they must avoid (see
// [PseudoSalad]).
func PseudoWord(r *rand.Rand) string {
	var b strings.Builder
	n := []int{1, 1, 2, 2, 2, 3}[r.IntN(6)]
	b.WriteString(part(r, pseudoOnsets))
	b.WriteString(part(r, pseudoVowels))
	for i := 1; i < n; i++ {
		if r.IntN(2) == 0 { // close the syllable before: "tar-vent"
			b.WriteString(part(r, pseudoCodas))
		}
		b.WriteString(part(r, pseudoInner))
		b.WriteString(part(r, pseudoVowels))
	}
	if n > 1 && r.IntN(2) == 0 {
		b.WriteString(part(r, pseudoEndings))
	} else {
		b.WriteString(part(r, pseudoCodas))
	}
	if b.Len() < 3 { // "a", "ee", "bo": too short to be a word of its own
		b.WriteString(part(r, []string{"nd", "st", "rk", "mp"}))
	}
	return b.String()
}

// PseudoSalad returns one nonsense query: 1–4 words, each a [PseudoWord]
// not in avoid; in a salad of two or more, one word is replaced by a word
// of mix one time in four (when mix is not empty). A one-word salad is rarer (one in eight) than
// the others, as a lone unknown word is often a question's slot.
func PseudoSalad(r *rand.Rand, mix []string, avoid map[string]bool) string {
	n := 2 + r.IntN(3)
	if r.IntN(8) == 0 {
		n = 1
	}
	words := make([]string, n)
	for i := range words {
		w := PseudoWord(r)
		for avoid[w] {
			w = PseudoWord(r)
		}
		words[i] = w
	}
	if n > 1 && len(mix) > 0 && r.IntN(4) == 0 {
		words[r.IntN(n)] = mix[r.IntN(len(mix))]
	}
	return strings.Join(words, " ")
}

// MorePseudo returns n queries of [PseudoSalad] (words in avoid never
// used, mix words mixed in), none with a key in exclude or already
// returned.
func MorePseudo(r *rand.Rand, n int, mix []string, avoid, exclude map[string]bool) []string {
	return moreDistinct(n, exclude, func() string { return PseudoSalad(r, mix, avoid) })
}
