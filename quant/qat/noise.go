package qat

// Query noise (Config.Noise): while training, a query is replaced, with
// some probability per epoch, by a perturbed copy, so that the model sees
// misspelt and reworded variants of its training phrasings without their
// being in the data. Everything here is deterministic: the perturbation is
// a function of one 64-bit word drawn from the seed, the epoch and the
// pair.

// Kinds of perturbation, drawn uniformly; one that cannot apply to the
// query (no space to drop, one word only, ...) falls back to a typo.
const (
	noiseTypo      = iota // a letter dropped, doubled, swapped with the next or replaced
	noiseDropSpace        // two words run together
	noiseInsertSpc        // a space put inside a word
	noiseDropWord         // a word left out (of two or more)
	noiseSwapWords        // two neighbouring words swapped
	noiseKinds
)

// splitmix advances *s and returns the next word of the SplitMix64
// sequence (a good, cheap generator for words drawn from a seed).
func splitmix(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// below returns a number in [0, n) drawn from s (n > 0).
func below(s *uint64, n int) int {
	return int((splitmix(s) >> 32) * uint64(n) >> 32)
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// perturb appends to dst[:0] the query q with one perturbation drawn from
// the seed word z, and returns it. It returns q's bytes unchanged only when
// q has no letter and the kind drawn cannot apply to it, or when the two
// neighbouring words drawn to be swapped are the same word.
func perturb(dst []byte, q string, z uint64) []byte {
	s := z
	kind := below(&s, noiseKinds)
	// words: [start, end) of each run of non-spaces.
	var words [][2]int
	for i := 0; i < len(q); {
		for i < len(q) && q[i] == ' ' {
			i++
		}
		j := i
		for j < len(q) && q[j] != ' ' {
			j++
		}
		if j > i {
			words = append(words, [2]int{i, j})
		}
		i = j
	}
	dst = dst[:0]
	switch kind {
	case noiseDropSpace:
		if len(words) < 2 {
			break
		}
		k := 1 + below(&s, len(words)-1) // join word k to word k−1
		dst = append(dst, q[:words[k-1][1]]...)
		return append(dst, q[words[k][0]:]...)
	case noiseInsertSpc:
		// a position between two letters of one word
		var at []int
		for i := 1; i < len(q); i++ {
			if isLetter(q[i-1]) && isLetter(q[i]) {
				at = append(at, i)
			}
		}
		if len(at) == 0 {
			break
		}
		i := at[below(&s, len(at))]
		dst = append(dst, q[:i]...)
		dst = append(dst, ' ')
		return append(dst, q[i:]...)
	case noiseDropWord:
		if len(words) < 2 {
			break
		}
		k := below(&s, len(words))
		lo, hi := words[k][0], words[k][1]
		if k+1 < len(words) {
			hi = words[k+1][0] // the word and the spaces after it
		} else {
			lo = words[k-1][1] // the last word and the spaces before it
		}
		dst = append(dst, q[:lo]...)
		return append(dst, q[hi:]...)
	case noiseSwapWords:
		if len(words) < 2 {
			break
		}
		k := below(&s, len(words)-1) // swap words k and k+1
		a, b := words[k], words[k+1]
		dst = append(dst, q[:a[0]]...)
		dst = append(dst, q[b[0]:b[1]]...)
		dst = append(dst, q[a[1]:b[0]]...)
		dst = append(dst, q[a[0]:a[1]]...)
		return append(dst, q[b[1]:]...)
	}
	return typo(dst, q, &s)
}

// typo appends q with one letter dropped, doubled, swapped with the next
// letter or replaced by another letter; q unchanged when it has no letter.
func typo(dst []byte, q string, s *uint64) []byte {
	var letters []int
	for i := 0; i < len(q); i++ {
		if isLetter(q[i]) {
			letters = append(letters, i)
		}
	}
	if len(letters) == 0 {
		return append(dst, q...)
	}
	i := letters[below(s, len(letters))]
	switch below(s, 4) {
	case 0: // drop
		dst = append(dst, q[:i]...)
		return append(dst, q[i+1:]...)
	case 1: // double
		dst = append(dst, q[:i+1]...)
		return append(dst, q[i:]...)
	case 2: // swap with the next letter
		if i+1 < len(q) && isLetter(q[i+1]) && q[i+1] != q[i] {
			dst = append(dst, q[:i]...)
			dst = append(dst, q[i+1], q[i])
			return append(dst, q[i+2:]...)
		}
	}
	// replace by a different lower-case letter
	c := byte('a' + below(s, 25))
	if c >= q[i]|0x20 {
		c++
	}
	dst = append(dst, q[:i]...)
	dst = append(dst, c)
	return append(dst, q[i+1:]...)
}
