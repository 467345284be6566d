package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"mulm/quant/qat/dataset"
)

const dataUsage = `usage: mulm data stats|balance [flags]

  stats    class counts, query lengths, charset, contradictions and ceiling
  balance  resample to the same number of pairs per class

Run "mulm data stats -h" or "mulm data balance -h" for their flags.
`

func runData(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, dataUsage)
		return errors.New("a data command (stats or balance) is required")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stderr, dataUsage)
		return flag.ErrHelp
	case "stats":
		return dataStats(args[1:], stdout, stderr)
	case "balance":
		return dataBalance(args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown data command %q (want stats or balance)", args[0])
}

// loadSomePairs is loadDataPairs for the commands that have nothing to
// report on data without one usable pair (eval, stats and balance): that
// is an error naming the files.
func loadSomePairs(files []string, opt dataset.Options, stderr io.Writer) ([]dataset.Pair, error) {
	pairs, err := loadDataPairs(files, opt, stderr)
	if err == nil && len(pairs) == 0 {
		err = fmt.Errorf("%s: no usable query|response pairs", strings.Join(files, ", "))
	}
	return pairs, err
}

func dataStats(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data stats", stderr)
	var data dataFilesFlag
	fs.Var(&data, "data", "data `file`s (query|response lines, gzip ok)")
	maxLen := fs.Int("max-len", dataset.MaxResponseLen, "longest accepted `response`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(data) == 0 {
		fs.Usage()
		return errors.New("-data is required")
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	pairs, err := loadSomePairs(data, dataset.Options{MaxResponseLen: *maxLen}, stderr)
	if err != nil {
		return err
	}
	queries := map[string]bool{}
	qmin, qmax, qsum := 1<<30, 0, 0
	for _, p := range pairs {
		queries[p.Query] = true
		qmin, qmax, qsum = min(qmin, len(p.Query)), max(qmax, len(p.Query)), qsum+len(p.Query)
	}
	classes := dataset.Classes(pairs)
	con := dataset.Contradictions(pairs)
	fmt.Fprintf(stdout, "pairs %d, distinct queries %d, classes %d\n", len(pairs), len(queries), len(classes))
	fmt.Fprintf(stdout, "query length min %d, mean %.1f, max %d\n", qmin, float64(qsum)/float64(len(pairs)), qmax)
	cs := dataset.DeriveCharset(pairs)
	fmt.Fprintf(stdout, "charset %q (+EOS)\n", cs[:len(cs)-1])
	fmt.Fprintf(stdout, "queries with several responses %d; ceiling (majority answer) %.2f%%\n", len(con), 100*dataset.Ceiling(pairs))
	fmt.Fprintf(stdout, "\n%-20s %7s %7s\n", "class", "pairs", "share")
	for _, c := range classes {
		fmt.Fprintf(stdout, "%-20q %7d %6.2f%%\n", c.Response, c.Count, 100*float64(c.Count)/float64(len(pairs)))
	}
	if len(con) > 0 {
		var qs []string
		for q := range con {
			qs = append(qs, q)
		}
		slices.Sort(qs)
		fmt.Fprintf(stdout, "\ncontradictions (first %d):\n", min(10, len(qs)))
		for _, q := range qs[:min(10, len(qs))] {
			fmt.Fprintf(stdout, "  %q → %q\n", q, con[q])
		}
	}
	return nil
}

func dataBalance(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data balance", stderr)
	var data dataFilesFlag
	fs.Var(&data, "data", "data `file`s (query|response lines, gzip ok)")
	target := fs.Int("target", 0, "`pairs` per class after balancing (default: the median class size)")
	out := fs.String("o", "", "output `file` (default standard output)")
	seed := fs.Uint64("seed", 1, "random `seed`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(data) == 0 {
		fs.Usage()
		return errors.New("-data is required")
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	pairs, err := loadSomePairs(data, dataset.Options{}, stderr)
	if err != nil {
		return err
	}
	classes := dataset.Classes(pairs)
	if *target <= 0 {
		*target = classes[len(classes)/2].Count
	}
	bal := dataset.Balance(pairs, *target, *seed)
	for _, c := range classes {
		fmt.Fprintf(stderr, "%-20q %6d → %d\n", c.Response, c.Count, *target)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# balanced to %d pairs per class (seed %d)\n", *target, *seed)
	dataset.WritePairs(&b, bal) // a bytes.Buffer never fails
	if *out == "" {
		_, err = stdout.Write(b.Bytes())
		return err
	}
	// os.WriteFile reports write and close errors (a full disk), which
	// deferred Flush/Close calls would drop.
	return os.WriteFile(*out, b.Bytes(), 0o644)
}
