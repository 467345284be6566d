package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// slotRE finds the {slot}s of a pattern.
var slotRE = regexp.MustCompile(`\{([a-z][a-z0-9_]*)\}`)

var spaceRE = regexp.MustCompile(`\s+`)

// numberRE is what a slot matches in a document: a number, with
// thousands separators and a decimal point allowed; addrRE what a slot
// whose name starts with "addr" matches: a Z80 address, 4 hex digits and
// an h (7A76h).
const (
	numberRE = `([0-9][0-9,]*(?:\.[0-9]+)?)`
	addrRE   = `([0-9A-F]{4}h)`
)

// compile turns a pattern into a regular expression and the slot names in
// order. Literal text matches itself, except that a run of white space
// matches any run of white space and comment markers (line wrapping in
// a Markdown paragraph, a // comment or a ; assembler comment).
func compile(pattern string) (*regexp.Regexp, []string, error) {
	var re strings.Builder
	var slots []string
	lit := func(s string) {
		last := 0
		for _, m := range spaceRE.FindAllStringIndex(s, -1) {
			re.WriteString(regexp.QuoteMeta(s[last:m[0]]))
			re.WriteString(`(?:\s|//|;)+`)
			last = m[1]
		}
		re.WriteString(regexp.QuoteMeta(s[last:]))
	}
	last := 0
	for _, m := range slotRE.FindAllStringSubmatchIndex(pattern, -1) {
		lit(pattern[last:m[0]])
		name := pattern[m[2]:m[3]]
		if strings.HasPrefix(name, "addr") {
			re.WriteString(addrRE)
		} else {
			re.WriteString(numberRE)
		}
		slots = append(slots, name)
		last = m[1]
	}
	lit(pattern[last:])
	if len(slots) == 0 {
		return nil, nil, fmt.Errorf("pattern %q has no {slot}", pattern)
	}
	r, err := regexp.Compile(re.String())
	return r, slots, err
}

// Place is where a figure's slot sits in a document.
type Place struct {
	Doc        string
	Line       int // 1-based
	Slot, Text string
	start, end int // byte offsets of Text in the document
}

// find locates pattern in text, which must hold it exactly once, and
// returns every slot's place.
func find(doc, text, pattern string) ([]Place, error) {
	re, slots, err := compile(pattern)
	if err != nil {
		return nil, err
	}
	ms := re.FindAllStringSubmatchIndex(text, -1)
	switch {
	case len(ms) == 0:
		return nil, fmt.Errorf("%s: the text %q is not there (was it edited? update its entry in internal/figures/figures.go)", doc, pattern)
	case len(ms) > 1:
		return nil, fmt.Errorf("%s: the text %q is there %d times (lines %d and %d); make the pattern longer",
			doc, pattern, len(ms), lineOf(text, ms[0][0]), lineOf(text, ms[1][0]))
	}
	m := ms[0]
	var ps []Place
	for i, s := range slots {
		a, b := m[2+2*i], m[3+2*i]
		ps = append(ps, Place{Doc: doc, Line: lineOf(text, a), Slot: s, Text: text[a:b], start: a, end: b})
	}
	return ps, nil
}

func lineOf(text string, off int) int { return 1 + strings.Count(text[:off], "\n") }

// docs reads and caches the documents under root.
type docs struct {
	root  string
	texts map[string]string
}

func (d *docs) text(doc string) (string, error) {
	if t, ok := d.texts[doc]; ok {
		return t, nil
	}
	b, err := os.ReadFile(filepath.Join(d.root, doc))
	if err != nil {
		return "", err
	}
	if d.texts == nil {
		d.texts = map[string]string{}
	}
	d.texts[doc] = string(b)
	return string(b), nil
}

// rewrite replaces the places' texts by the values (slot name → value)
// in the cached document and writes it.
func (d *docs) rewrite(doc string, places []Place, values map[string]string) error {
	text, err := d.text(doc)
	if err != nil {
		return err
	}
	// Replace from the end so that earlier offsets stay valid.
	for i := len(places) - 1; i >= 0; i-- {
		p := places[i]
		text = text[:p.start] + values[p.Slot] + text[p.end:]
	}
	d.texts[doc] = text
	return os.WriteFile(filepath.Join(d.root, doc), []byte(text), 0o644)
}
