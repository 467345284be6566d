package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"mulm/inspect"
)

func runProbe(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := newFlags("probe", stderr)
	model := flags.String("model", "", "model `file` (.mulm or the original's .npz)")
	want := flags.String("want", "", "the `reply` to find queries for, e.g. WIN")
	dict := flags.String("dict", "/usr/share/dict/words", "dictionary `file`, one word a line (empty: none)")
	beam := flags.Int("beam", 24, "character-level beam `width`")
	maxLen := flags.Int("len", 12, "longest string of the character-level search")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if err := noArgs(flags); err != nil {
		return err
	}
	if *model == "" || *want == "" {
		flags.Usage()
		return errors.New("-model and -want are required")
	}
	if *beam < 1 {
		return fmt.Errorf("-beam %d, want at least 1", *beam)
	}
	if *maxLen < 1 || *maxLen > 255 {
		return fmt.Errorf("-len %d, want 1..255", *maxLen)
	}
	m, err := loadModelWarn(*model, stderr)
	if err != nil {
		return err
	}
	var words []string
	if *dict != "" {
		if words, err = readWords(*dict); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%w (a word list: apt-get install wamerican, or -dict FILE; -dict \"\" searches without one)", err)
			}
			return err
		}
	}
	start := time.Now()
	r, err := inspect.Probe(m, *want, inspect.ProbeOptions{Words: words, Beam: *beam, MaxLen: *maxLen})
	if err != nil {
		return err
	}
	took := time.Since(start)
	var bs []string
	for _, b := range slices.Sorted(maps.Keys(r.Buckets)) {
		bs = append(bs, fmt.Sprintf("%d×%d", b, r.Buckets[b]))
	}
	fmt.Fprintf(stdout, "bucket space: %d windows in buckets %s give %q with margin %d\n",
		len(bs), strings.Join(bs, " "), *want, r.BucketMargin)
	show := func(title string, hs []inspect.ProbeHit) {
		fmt.Fprintf(stdout, "%s:\n", title)
		for _, h := range hs {
			mark := ""
			if h.Margin >= 0 {
				mark = "  → " + *want
			}
			fmt.Fprintf(stdout, "  %-28q margin %4d%s\n", h.Query, h.Margin, mark)
		}
		if len(hs) == 0 {
			fmt.Fprintln(stdout, "  (none)")
		}
	}
	show("dictionary queries closest to the bucket solution", r.Mapped)
	show(fmt.Sprintf("dictionary queries answered %q (of %d tried)", *want, r.WordsTried), r.Words)
	show("character-level beam search", r.Chars)
	fmt.Fprintf(stdout, "time: %.1f s\n", took.Seconds())
	return nil
}

// readWords reads a word list: one word a line, lower-cased, without
// possessives and duplicates.
func readWords(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]bool{}
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.ToLower(strings.TrimSpace(sc.Text()))
		if w == "" || strings.Contains(w, "'") || seen[w] {
			continue
		}
		seen[w] = true
		words = append(words, w)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return words, nil
}
