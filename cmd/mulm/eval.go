package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"

	"mulm/eval"
	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

func runEval(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("eval", stderr)
	model := fs.String("model", "", "model `file` (.mulm, or the original's .npz)")
	var data dataFilesFlag
	fs.Var(&data, "data", "data `file`s (query|response lines, gzip ok)")
	var nearest dataFilesFlag
	fs.Var(&nearest, "nearest", "instead of a model, answer each query with the response of the most similar query of these training `file`s (cosine over the query trigram buckets, 128 unless -buckets): a yardstick for held-out data")
	buckets := fs.Int("buckets", trigram.Buckets, "with -nearest, put the query trigrams in `n` buckets (a power of two up to 65536) instead of the model's 128: what the 128 cost")
	top := fs.Int("top", 8, "show the confusion of the `n` most frequent classes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if (*model == "") == (len(nearest) == 0) || len(data) == 0 {
		fs.Usage()
		return errors.New("-data and one of -model and -nearest are required")
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *model != "" && *buckets != trigram.Buckets {
		return errors.New("-buckets needs -nearest (a model's buckets are its own)")
	}
	if len(nearest) > 0 {
		// The bucket count is checked before any file is read.
		if _, err := eval.NewNearestBuckets(nil, *buckets); err != nil {
			return fmt.Errorf("-buckets: %w", err)
		}
		train, err := loadSomePairs(nearest, dataset.Options{}, stderr)
		if err != nil {
			return err
		}
		pairs, err := loadSomePairs(data, dataset.Options{}, stderr)
		if err != nil {
			return err
		}
		n, err := eval.NewNearestBuckets(train, *buckets)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "answers: the response of the nearest of %d training queries in %d query buckets (no model)\n", len(eval.Queries(train)), *buckets)
		writeReport(stdout, eval.Evaluate(n, pairs, 0), *top)
		return nil
	}
	m, err := loadModelWarn(*model, stderr)
	if err != nil {
		return err
	}
	pairs, err := loadSomePairs(data, dataset.Options{MaxResponseLen: m.MaxLen()}, stderr)
	if err != nil {
		return err
	}
	if err := dataset.CheckCharset(pairs, m.Charset()); err != nil {
		fmt.Fprintf(stderr, "warning: %v (such pairs can never match)\n", err)
	}
	r := eval.Evaluate(m, pairs, 0)
	writeReport(stdout, r, *top)
	return nil
}

func writeReport(w io.Writer, r *eval.Report, top int) {
	fmt.Fprintf(w, "exact-match %.2f%% (%d of %d pairs), ceiling %.2f%%\n", 100*r.ExactMatch(), r.Matched, r.Pairs, 100*r.Ceiling)
	// Classes most frequent first, ties by response (as dataset.Classes).
	var classes []dataset.Class
	for resp, c := range r.PerClass {
		classes = append(classes, dataset.Class{Response: resp, Count: c.Pairs})
	}
	slices.SortFunc(classes, func(a, b dataset.Class) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Response, b.Response)
	})
	fmt.Fprintf(w, "\n%-14s %7s %7s %8s\n", "class", "pairs", "matched", "exact")
	for _, c := range classes {
		pc := r.PerClass[c.Response]
		fmt.Fprintf(w, "%-14q %7d %7d %7.2f%%\n", c.Response, pc.Pairs, pc.Matched, 100*float64(pc.Matched)/float64(pc.Pairs))
	}
	if top > len(classes) {
		top = len(classes)
	}
	if top < 1 {
		return
	}
	names := make([]string, top)
	in := map[string]bool{}
	for i := range names {
		names[i] = classes[i].Response
		in[names[i]] = true
	}
	fmt.Fprintf(w, "\nconfusion of the %d most frequent classes (rows expected, columns generated):\n%-10s", top, "")
	for _, n := range names {
		fmt.Fprintf(w, " %8s", clipClass(n))
	}
	fmt.Fprintf(w, " %8s\n", "other")
	for _, e := range names {
		fmt.Fprintf(w, "%-10s", clipClass(e))
		other := 0
		for g, k := range r.Confusion[e] {
			if !in[g] {
				other += k
			}
		}
		for _, g := range names {
			fmt.Fprintf(w, " %8d", r.Confusion[e][g])
		}
		fmt.Fprintf(w, " %8d\n", other)
	}
}

// clipClass quotes a response and cuts it to 8 bytes (responses are
// printable ASCII, so the cut never splits a character).
func clipClass(s string) string {
	s = fmt.Sprintf("%q", s)
	if len(s) > 8 {
		s = s[:7] + "…"
	}
	return s
}
