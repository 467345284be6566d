package phrase

import (
	"math/rand/v2"
	"strings"
)

// keyboardRows is a QWERTY keyboard, one string per row.
var keyboardRows = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

// neighbours maps each lower-case letter to the letters next to it on a
// QWERTY keyboard: left and right on its row, and the two keys touching it
// on the rows above and below (rows are staggered by half a key).
var neighbours = func() map[byte]string {
	m := make(map[byte]string)
	at := func(row, col int) string {
		if row < 0 || row >= len(keyboardRows) || col < 0 || col >= len(keyboardRows[row]) {
			return ""
		}
		return keyboardRows[row][col : col+1]
	}
	for r, row := range keyboardRows {
		for c := range len(row) {
			m[row[c]] = at(r, c-1) + at(r, c+1) + at(r-1, c) + at(r-1, c+1) + at(r+1, c-1) + at(r+1, c)
		}
	}
	return m
}()

// Neighbours returns the QWERTY neighbours of the lower-case letter c, or ""
// for anything else.
func Neighbours(c byte) string { return neighbours[c] }

// Typo applies one random typing mistake to a letter of s: drop it,
// double it, swap it with the next letter, or replace it with a keyboard
// neighbour. It returns s unchanged only when s has no letter it can change.
func Typo(r *rand.Rand, s string) string {
	var letters []int
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			letters = append(letters, i)
		}
	}
	if len(letters) == 0 {
		return s
	}
	for range 20 {
		i := letters[r.IntN(len(letters))]
		var t string
		switch r.IntN(4) {
		case 0: // drop
			t = s[:i] + s[i+1:]
		case 1: // duplicate
			t = s[:i+1] + s[i:]
		case 2: // swap with the next letter
			if i+1 >= len(s) || s[i+1] < 'a' || s[i+1] > 'z' {
				continue
			}
			t = s[:i] + s[i+1:i+2] + s[i:i+1] + s[i+2:]
		case 3: // keyboard neighbour
			nb := neighbours[s[i]]
			t = s[:i] + nb[r.IntN(len(nb)):][:1] + s[i+1:]
		}
		if t != s {
			return t
		}
	}
	return s
}

// Gibberish returns one nonsense query: a random letter string, a keyboard
// mash, a repeated letter, a run of digits, or a salad of 2–4 words drawn
// from salad (when salad is not empty).
func Gibberish(r *rand.Rand, salad []string) string {
	kinds := 4
	if len(salad) > 0 {
		kinds = 6 // word salads twice as likely as each other kind
	}
	switch r.IntN(kinds) {
	case 0: // random letters, one or two "words"
		n := 1 + r.IntN(2)
		words := make([]string, n)
		for i := range words {
			words[i] = randomLetters(r, 3+r.IntN(8))
		}
		return strings.Join(words, " ")
	case 1: // keyboard mash: a walk along one keyboard row
		row := keyboardRows[r.IntN(len(keyboardRows))]
		var b strings.Builder
		pos := r.IntN(len(row))
		for range 4 + r.IntN(7) {
			b.WriteByte(row[pos])
			pos += r.IntN(3) - 1
			pos = max(0, min(len(row)-1, pos))
		}
		return b.String()
	case 2: // one letter held down, maybe with a tail
		c := byte('a' + r.IntN(26))
		s := strings.Repeat(string(c), 3+r.IntN(6))
		if r.IntN(2) == 0 {
			s += randomLetters(r, 2+r.IntN(3))
		}
		return s
	case 3: // digits and symbols
		const sym = "0123456789"
		var b strings.Builder
		for range 2 + r.IntN(6) {
			b.WriteByte(sym[r.IntN(len(sym))])
		}
		if r.IntN(3) == 0 {
			b.WriteString([]string{" ???", " !!", " ..."}[r.IntN(3)])
		}
		return b.String()
	default: // word salad
		n := 2 + r.IntN(3)
		words := make([]string, n)
		for i := range words {
			words[i] = salad[r.IntN(len(salad))]
		}
		return strings.Join(words, " ")
	}
}

func randomLetters(r *rand.Rand, n int) string {
	const consonants = "bcdfghjklmnpqrstvwxzbcdfgkmnprst"
	const vowels = "aeiouy"
	b := make([]byte, n)
	for i := range b {
		if r.IntN(4) == 0 {
			b[i] = vowels[r.IntN(len(vowels))]
		} else {
			b[i] = consonants[r.IntN(len(consonants))]
		}
	}
	return string(b)
}
