package phrasetest

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"mulm/examples/internal/phrase"
)

// Check runs the common checks on g against the committed data in
// dataDir; responses lists every response the data may contain.
func Check(t *testing.T, g *phrase.Generator, dataDir string, responses []string) {
	t.Run("Deterministic", func(t *testing.T) {
		a, b := t.TempDir(), t.TempDir()
		for _, dir := range []string{a, b} {
			if _, _, err := g.Write(dir, phrase.DefaultSeed); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range []string{"train.txt", "heldout.txt"} {
			x, _ := os.ReadFile(filepath.Join(a, f))
			y, _ := os.ReadFile(filepath.Join(b, f))
			if len(x) == 0 || !bytes.Equal(x, y) {
				t.Errorf("%s differs between two runs (or is empty)", f)
			}
		}
		one, _ := g.Generate(phrase.DefaultSeed)
		other, _ := g.Generate(phrase.DefaultSeed + 1)
		if slices.Equal(one, other) {
			t.Error("-seed has no effect")
		}
	})
	// The files in data/ must be exactly what the generator produces, so
	// the tables and the data cannot drift apart.
	t.Run("CommittedData", func(t *testing.T) {
		dir := t.TempDir()
		if _, _, err := g.Write(dir, phrase.DefaultSeed); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"train.txt", "heldout.txt"} {
			want, _ := os.ReadFile(filepath.Join(dir, f))
			got, err := os.ReadFile(filepath.Join(dataDir, f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is stale; regenerate with: %s", f, g.Command(phrase.DefaultSeed))
			}
		}
	})
	// -extend: only adds valid lines to the training set, never a held-out
	// query, and leaves the held-out set as it is.
	t.Run("Extended", func(t *testing.T) {
		if g.Extension == nil {
			t.Skip("the generator has no extension")
		}
		train, held := g.Generate(phrase.DefaultSeed)
		ext := g.Extension.Apply(phrase.DefaultSeed, train, held)
		if len(ext) <= len(train) {
			t.Fatalf("extension added nothing (%d → %d pairs)", len(train), len(ext))
		}
		if err := phrase.Verify(ext, held, g.Alphabet); err != nil {
			t.Fatal(err)
		}
		in := map[phrase.Pair]bool{}
		for _, p := range ext {
			in[p] = true
		}
		for _, p := range train {
			if !in[p] {
				t.Fatalf("training pair %v lost by the extension", p)
			}
		}
		x := *g
		x.Extend = true
		dir := t.TempDir()
		_, xheld, err := x.Write(dir, phrase.DefaultSeed)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(xheld, held) {
			t.Error("-extend changed the held-out set")
		}
		got, err := phrase.ParseFile(filepath.Join(dir, "train.txt"), g.Alphabet)
		if err != nil || !slices.Equal(got, ext) {
			t.Errorf("-extend wrote %d pairs (%v), want the %d of Extension.Apply", len(got), err, len(ext))
		}
	})
	t.Run("FilesValid", func(t *testing.T) {
		train, err := phrase.ParseFile(filepath.Join(dataDir, "train.txt"), g.Alphabet)
		if err != nil {
			t.Fatal(err)
		}
		held, err := phrase.ParseFile(filepath.Join(dataDir, "heldout.txt"), g.Alphabet)
		if err != nil {
			t.Fatal(err)
		}
		if err := phrase.Verify(train, held, g.Alphabet); err != nil {
			t.Fatal(err)
		}
		for _, p := range append(train, held...) {
			if !slices.Contains(responses, p.A) {
				t.Fatalf("response %q is not one of %v", p.A, responses)
			}
		}
		data, _ := os.ReadFile(filepath.Join(dataDir, "train.txt"))
		if !bytes.HasPrefix(data, []byte("# ")) || !bytes.Contains(data, []byte(g.Command(phrase.DefaultSeed))) {
			t.Error("train.txt lacks the header with the regenerate command")
		}
	})
}

// WordsUnseen fails for every word of words that a training phrasing uses:
// words lists what only the held-out templates say, so that the held-out
// figure keeps measuring phrasings the model was never taught. Phrasings
// are compared by the words of their [phrase.Key].
func WordsUnseen(t *testing.T, trainPhrasings []string, words []string) {
	t.Helper()
	bad := map[string]bool{}
	for _, w := range words {
		bad[w] = true
	}
	reported := map[string]bool{}
	for _, q := range trainPhrasings {
		for _, w := range strings.Fields(phrase.Key(q)) {
			if bad[w] && !reported[w] {
				reported[w] = true
				t.Errorf("training phrasing %q uses the held-out-only word %q", q, w)
			}
		}
	}
}
