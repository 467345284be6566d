package trigram

import "iter"

const (
	// Buckets is the number of query buckets and of context buckets.
	Buckets = 128
	// InputSize is the length of a model's input vector: query buckets
	// followed by context buckets.
	InputSize = 2 * Buckets
	// Weight is what one n-gram adds to its bucket (the fixed-point one).
	Weight = 32
	// ContextLen is how many generated characters the context encoder sees.
	ContextLen = 8
	// MaxQueryLen is the longest query, in bytes, that is encoded; longer
	// queries are cut to their first MaxQueryLen bytes before anything else
	// happens. It is the size of the Z80 engine's console buffer.
	MaxQueryLen = 255
	// ContextWindows is the number of n-grams the context encoder hashes.
	ContextWindows = ContextLen + (ContextLen - 1) + (ContextLen - 2)
)

// Lower folds ASCII 'A'..'Z' to lower case and returns every other byte
// unchanged.
func Lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// step is one round of the hash: h = (h*31 + b) mod 65536.
func step(h uint16, b byte) uint16 { return h*31 + uint16(b) }

// TrimQuery applies the query rules that come before hashing: cut to
// MaxQueryLen bytes, then drop leading and trailing spaces. It returns a
// substring of q (case is left alone).
func TrimQuery(q string) string {
	if len(q) > MaxQueryLen {
		q = q[:MaxQueryLen]
	}
	i, j := 0, len(q)
	for i < j && q[i] == ' ' {
		i++
	}
	for j > i && q[j-1] == ' ' {
		j--
	}
	return q[i:j]
}

// EncodeQuery writes the query buckets of q into dst, overwriting it: each
// trigram of the trimmed query adds Weight to the bucket its hash
// (AppendQueryHashes) gives modulo Buckets.
func EncodeQuery(dst *[Buckets]int16, q string) {
	*dst = [Buckets]int16{}
	for h := range queryHashes(TrimQuery(q)) {
		dst[h%Buckets] += Weight
	}
}

// AppendQueryHashes appends to dst the full 16-bit hash of each trigram of
// q (after TrimQuery), in order, and returns the extended slice: the
// numbers whose low 7 bits are the query buckets of EncodeQuery. Keeping
// more of their bits gives the same bag of trigrams in more buckets, which
// is what package mulm/eval's yardstick uses to measure what the 128
// buckets cost.
func AppendQueryHashes(dst []uint16, q string) []uint16 {
	for h := range queryHashes(TrimQuery(q)) {
		dst = append(dst, h)
	}
	return dst
}

// queryHashes yields the hash of each of the len(s) windows of three bytes
// of t = " " + s + " ", lower-cased, for the trimmed query s, rolling the
// window along t (EncodeQuery runs on every reply).
func queryHashes(s string) iter.Seq[uint16] {
	return func(yield func(uint16) bool) {
		if len(s) == 0 {
			return
		}
		a, b := byte(' '), Lower(s[0])
		for k := 1; k <= len(s); k++ {
			c := byte(' ')
			if k < len(s) {
				c = Lower(s[k])
			}
			if !yield(step(step(step(0, a), b), c)) {
				return
			}
			a, b = b, c
		}
	}
}

// EncodeContext writes the context buckets for the generated text recent
// into dst, overwriting it. Only the last ContextLen bytes of recent are
// used; shorter text is left-padded with spaces.
func EncodeContext(dst *[Buckets]int16, recent []byte) {
	var w [ContextLen]byte
	FillWindow(&w, recent)
	EncodeWindow(dst, &w)
}

// FillWindow sets w to the context window for recent: its last ContextLen
// bytes, lower-cased, left-padded with spaces.
func FillWindow(w *[ContextLen]byte, recent []byte) {
	if len(recent) > ContextLen {
		recent = recent[len(recent)-ContextLen:]
	}
	pad := ContextLen - len(recent)
	for i := range pad {
		w[i] = ' '
	}
	for i, b := range recent {
		w[pad+i] = Lower(b)
	}
}

// EncodeWindow writes the context buckets of an already lower-cased,
// padded window into dst, overwriting it: for n = 1, 2, 3 and every start
// i, the n-gram w[i:i+n] adds Weight to bucket ContextBucket(w, i, n).
func EncodeWindow(dst *[Buckets]int16, w *[ContextLen]byte) {
	*dst = [Buckets]int16{}
	for n := 1; n <= 3; n++ {
		for i := 0; i+n <= ContextLen; i++ {
			dst[ContextBucket(w, i, n)] += Weight
		}
	}
}

// ContextBucket is the bucket (0..Buckets-1) of the context n-gram
// w[i:i+n]: the hash h = 7·i, then h = 31·h + b for each byte b, modulo
// Buckets (16-bit arithmetic). The ContextWindows n-grams of a window are
// those with n = 1, 2, 3 and 0 ≤ i ≤ ContextLen−n.
func ContextBucket(w *[ContextLen]byte, i, n int) int {
	h := uint16(7 * i)
	for _, b := range w[i : i+n] {
		h = step(h, b)
	}
	return int(h % Buckets)
}

// Encode writes the whole input vector (query buckets, then context
// buckets) for query q and generated text recent into dst.
func Encode(dst *[InputSize]int16, q string, recent []byte) {
	EncodeQuery((*[Buckets]int16)(dst[:Buckets]), q)
	EncodeContext((*[Buckets]int16)(dst[Buckets:]), recent)
}
