package phrase

import (
	"strings"
)

// Expand returns every phrasing a template denotes, in template order,
// normalised (see [Norm]) and without duplicates.
//
// Syntax: "{a|b|c}" is one of a, b or c; "[x]" is x or nothing; groups nest;
// a top-level "|" separates whole alternatives. For example
// "{hi|hello} [there]" gives "hi there", "hi", "hello there", "hello".
// A malformed template is a programming error and panics.
func Expand(tmpl string) []string {
	p := parser{s: tmpl}
	alts := p.alts()
	if p.i != len(p.s) {
		panic("phrase: unbalanced template " + tmpl)
	}
	return uniqNorm(alts)
}

// ExpandAll expands each template and concatenates the results, without
// duplicates.
func ExpandAll(tmpls ...string) []string {
	var out []string
	for _, t := range tmpls {
		out = append(out, Expand(t)...)
	}
	return uniqNorm(out)
}

type parser struct {
	s string
	i int
}

// alts parses alternatives separated by '|' up to a closing bracket or the
// end of the template.
func (p *parser) alts() []string {
	var res []string
	for {
		res = append(res, p.seq()...)
		if p.i < len(p.s) && p.s[p.i] == '|' {
			p.i++
			continue
		}
		return res
	}
}

// seq parses a sequence of literals and groups.
func (p *parser) seq() []string {
	acc := []string{""}
	for p.i < len(p.s) {
		switch c := p.s[p.i]; c {
		case '|', '}', ']':
			return acc
		case '{', '[':
			p.i++
			alts := p.alts()
			closer := byte('}')
			if c == '[' {
				closer = ']'
				alts = append(alts, "")
			}
			if p.i >= len(p.s) || p.s[p.i] != closer {
				panic("phrase: unbalanced template " + p.s)
			}
			p.i++
			acc = cross(acc, alts)
		default:
			j := p.i
			for j < len(p.s) && !strings.ContainsRune("|{}[]", rune(p.s[j])) {
				j++
			}
			acc = cross(acc, []string{p.s[p.i:j]})
			p.i = j
		}
	}
	return acc
}

func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out
}

func uniqNorm(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0:0]
	for _, s := range in {
		s = Norm(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// Norm lower-cases ASCII letters, collapses runs of white space to one space
// and trims the ends. Two queries are "the same query" when their Norm is
// equal.
func Norm(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// Key is the stricter identity used to keep classes apart: Norm with
// everything but letters, digits and spaces removed, so "hi!" and "hi?" and
// "hi" share a key. A query made only of punctuation is its own key.
func Key(s string) string {
	n := Norm(s)
	var b strings.Builder
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ' {
			b.WriteByte(c)
		} else {
			b.WriteByte(' ')
		}
	}
	k := Norm(b.String())
	if k == "" {
		return n
	}
	return k
}

// contractions maps a word to its spelling variants; the first variant is
// the one written in templates.
var contractions = map[string][]string{
	"what's":  {"what's", "whats", "what is"},
	"who's":   {"who's", "whos", "who is"},
	"where's": {"where's", "wheres", "where is"},
	"how's":   {"how's", "hows", "how is"},
	"it's":    {"it's", "its", "it is"},
	"that's":  {"that's", "thats", "that is"},
	"i'm":     {"i'm", "im", "i am"},
	"you're":  {"you're", "youre", "you are", "ur"},
	"don't":   {"don't", "dont", "do not"},
	"doesn't": {"doesn't", "doesnt", "does not"},
	"isn't":   {"isn't", "isnt", "is not"},
	"aren't":  {"aren't", "arent", "are not"},
	"can't":   {"can't", "cant", "cannot"},
	"won't":   {"won't", "wont", "will not"},
	"let's":   {"let's", "lets"},
	"i'll":    {"i'll", "ill", "i will"},
	"gotta":   {"gotta", "got to"},
	"wanna":   {"wanna", "want to"},
	"you":     {"you", "u"},
	"your":    {"your", "ur"},
	"are":     {"are", "r"},
}

// Contractions returns the spelling variants of s: each contraction with and
// without apostrophe and spelled out, and a few text-speak forms ("u",
// "ur", "r"). The text-speak forms are only used for at most one word of a
// phrase, so the output stays readable. s itself is always first.
func Contractions(s string) []string {
	words := strings.Fields(s)
	acc := []string{""}
	slangUsed := []bool{false}
	for _, w := range words {
		vs, ok := contractions[w]
		if !ok {
			vs = []string{w}
		}
		var next []string
		var nextSlang []bool
		for i, a := range acc {
			for _, v := range vs {
				slang := v == "u" || v == "ur" || v == "r"
				if slang && slangUsed[i] {
					continue
				}
				sep := " "
				if a == "" {
					sep = ""
				}
				next = append(next, a+sep+v)
				nextSlang = append(nextSlang, slangUsed[i] || slang)
			}
		}
		acc, slangUsed = next, nextSlang
	}
	return uniqNorm(acc)
}

// Decorate returns every prefix+s+suffix combination for every s in base,
// normalised and without duplicates, base-major.
func Decorate(base, prefixes, suffixes []string) []string {
	var out []string
	for _, s := range base {
		for _, p := range prefixes {
			for _, x := range suffixes {
				out = append(out, p+s+x)
			}
		}
	}
	return uniqNorm(out)
}
