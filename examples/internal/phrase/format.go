package phrase

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"mulm/internal/excerpt"
	"mulm/quant/qat/dataset"
)

// Limits of the training format (the same as the original Z80-μLM tools).
const (
	MinQueryLen = 2
	MaxQueryLen = 60
	MaxRespLen  = 50
)

// ValidQuery reports why q cannot be a query of a data file, or nil. A
// query is lower-case printable ASCII, 2–60 bytes, without '|', without
// leading or trailing space and not starting with '#' (a comment).
func ValidQuery(q string) error {
	switch {
	case len(q) < MinQueryLen || len(q) > MaxQueryLen:
		return fmt.Errorf("query %s: length %d not in [%d,%d]", excerpt.Quote(q), len(q), MinQueryLen, MaxQueryLen)
	case strings.TrimSpace(q) != q:
		return fmt.Errorf("query %s: leading or trailing space", excerpt.Quote(q))
	case strings.HasPrefix(q, "#"):
		return fmt.Errorf("query %s: starts with #", excerpt.Quote(q))
	}
	for i := 0; i < len(q); i++ {
		if c := q[i]; c < ' ' || c > '~' || c == '|' || c >= 'A' && c <= 'Z' {
			return fmt.Errorf("query %s: byte %q not allowed", excerpt.Quote(q), c)
		}
	}
	return nil
}

// ValidResponse reports why a cannot be a response, or nil: 1–50 bytes, all
// in alphabet, without leading or trailing space.
func ValidResponse(a, alphabet string) error {
	if len(a) < 1 || len(a) > MaxRespLen {
		return fmt.Errorf("response %s: length %d not in [1,%d]", excerpt.Quote(a), len(a), MaxRespLen)
	}
	if strings.TrimSpace(a) != a {
		return fmt.Errorf("response %s: leading or trailing space", excerpt.Quote(a))
	}
	for i := 0; i < len(a); i++ {
		if !strings.Contains(alphabet, a[i:i+1]) {
			return fmt.Errorf("response %s: byte %q not in alphabet %q", excerpt.Quote(a), a[i], alphabet)
		}
	}
	return nil
}

// Format renders a data file: the header lines as "# " comments, a blank
// line, then one "query|RESPONSE" line per pair. Every pair is validated.
func Format(header []string, pairs []Pair, alphabet string) ([]byte, error) {
	var b bytes.Buffer
	for _, h := range header {
		b.WriteString(strings.TrimRight("# "+h, " ") + "\n")
	}
	b.WriteString("\n")
	for _, p := range pairs {
		if err := errors.Join(ValidQuery(p.Q), ValidResponse(p.A, alphabet)); err != nil {
			return nil, err
		}
		b.WriteString(p.Q + "|" + p.A + "\n")
	}
	return b.Bytes(), nil
}

// WriteFile writes [Format] output to path, creating its directory.
func WriteFile(path string, header []string, pairs []Pair, alphabet string) error {
	data, err := Format(header, pairs, alphabet)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// Parse reads a data file strictly, with the lines and the split of the
// one parser of the format (dataset.Lines and dataset.SplitPair: blank
// lines and '#' comments skipped, a byte-order mark and "\r\n" handled);
// every other line must be exactly "query|RESPONSE" with a valid query and
// a response in alphabet.
func Parse(r io.Reader, alphabet string) ([]Pair, error) {
	var out []Pair
	err := dataset.Lines(r, "", func(n int, line string) error {
		q, a, ok := dataset.SplitPair(line)
		if !ok || strings.Contains(a, "|") {
			return fmt.Errorf("line %d %s: want exactly one '|'", n, excerpt.Quote(line))
		}
		if err := errors.Join(ValidQuery(q), ValidResponse(a, alphabet)); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, Pair{Q: q, A: a})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ParseFile is [Parse] on a file.
func ParseFile(path, alphabet string) ([]Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f, alphabet)
}

// Verify checks a training set and its held-out set: every pair is valid,
// no query (by [Norm] or by the stricter [Key]) has two responses across
// both sets, no line is repeated, and no held-out query occurs in the
// training set. It returns all problems found, joined.
func Verify(train, heldout []Pair, alphabet string) error {
	var errs []error
	resp := make(map[string]string) // key -> response
	lines := make(map[Pair]bool)
	trainQ := make(map[string]bool)
	for i, set := range [][]Pair{train, heldout} {
		name := []string{"train", "heldout"}[i]
		for _, p := range set {
			if err := errors.Join(ValidQuery(p.Q), ValidResponse(p.A, alphabet)); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			if lines[p] {
				errs = append(errs, fmt.Errorf("%s: duplicate line %q|%q", name, p.Q, p.A))
			}
			lines[p] = true
			for _, k := range []string{"norm:" + Norm(p.Q), "key:" + Key(p.Q)} {
				if a, ok := resp[k]; ok && a != p.A {
					errs = append(errs, fmt.Errorf("%s: query %q answered both %q and %q", name, p.Q, a, p.A))
				}
				resp[k] = p.A
			}
			if i == 0 {
				trainQ[Norm(p.Q)] = true
			} else if trainQ[Norm(p.Q)] {
				errs = append(errs, fmt.Errorf("heldout: query %q is in the training set", p.Q))
			}
		}
	}
	return errors.Join(errs...)
}
