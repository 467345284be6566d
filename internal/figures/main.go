package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	write := flag.Bool("w", false, "rewrite the documents with the values the code gives (exact figures)")
	host := flag.Bool("host", false, "also measure the host-dependent figures (never rewritten)")
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./internal/figures [-w] [-host] [-root DIR]")
		os.Exit(2)
	}
	if _, err := os.Stat(filepath.Join(*root, "go.mod")); err != nil {
		fmt.Fprintf(os.Stderr, "figures: %s is not the repository root (run from it, or give -root): %v\n", *root, err)
		os.Exit(2)
	}
	bad, err := run(os.Stdout, *root, *write, *host)
	if err != nil {
		fmt.Fprintln(os.Stderr, "figures:", err)
		os.Exit(1)
	}
	if bad > 0 {
		fmt.Fprintf(os.Stderr, "figures: %d figures differ from the code; go run ./internal/figures -w rewrites them\n", bad)
		os.Exit(1)
	}
}

// outcome is a figure's check.
type outcome struct {
	fig    Figure
	places []Place
	values map[string]string
	err    error // errors.Is(err, errAbsent): skipped
}

// drifted lists the places whose document text differs from the value
// the code gives.
func (o outcome) drifted() []Place {
	var ps []Place
	for _, p := range o.places {
		if v, ok := o.values[p.Slot]; ok && v != p.Text {
			ps = append(ps, p)
		}
	}
	return ps
}

// check finds f in its document and computes its values. A slot neither
// computed nor manual is an error.
func check(e *env, d *docs, f Figure) outcome {
	o := outcome{fig: f}
	text, err := d.text(f.Doc)
	if err != nil {
		o.err = err
		return o
	}
	if o.places, err = find(f.Doc, text, f.Pattern); err != nil {
		o.err = err
		return o
	}
	if o.values, err = f.Compute(e); err != nil {
		o.err = fmt.Errorf("%s:%d: %s: %w", f.Doc, o.places[0].Line, f.Command, err)
		return o
	}
	for _, p := range o.places {
		_, computed := o.values[p.Slot]
		if _, manual := f.Manual[p.Slot]; computed == manual {
			o.err = fmt.Errorf("%s:%d: slot {%s} of %q must be either computed or manual", f.Doc, p.Line, p.Slot, f.Pattern)
		}
	}
	return o
}

// run checks (and with write rewrites) every figure, printing one line a
// slot, and returns how many exact figures differ (after a rewrite: 0).
func run(w io.Writer, root string, write, host bool) (int, error) {
	e := newEnv(root)
	d := &docs{root: root}
	bad := 0
	var errs []error
	for _, f := range figures() {
		if f.Kind == Host && !host {
			continue
		}
		o := check(e, d, f)
		if errors.Is(o.err, errAbsent) {
			fmt.Fprintf(w, "%s: skipped (%v): %s\n", f.Doc, o.err, f.Pattern)
			continue
		}
		if o.err != nil {
			errs = append(errs, o.err)
			continue
		}
		for _, p := range o.places {
			v, computed := o.values[p.Slot]
			switch {
			case !computed:
				fmt.Fprintf(w, "%s:%d {%s} %s  manual: %s\n", p.Doc, p.Line, p.Slot, p.Text, f.Manual[p.Slot])
			case f.Kind == Host:
				fmt.Fprintf(w, "%s:%d {%s} %s  measured now: %s  (%s)\n", p.Doc, p.Line, p.Slot, p.Text, v, f.Command)
			case v == p.Text:
				fmt.Fprintf(w, "%s:%d {%s} %s  ok  (%s)\n", p.Doc, p.Line, p.Slot, p.Text, f.Command)
			default:
				fmt.Fprintf(w, "%s:%d {%s} %s  DIFFERS: the code gives %s  (%s)\n", p.Doc, p.Line, p.Slot, p.Text, v, f.Command)
			}
		}
		drift := o.drifted()
		if f.Kind != Exact || len(drift) == 0 {
			continue
		}
		if !write {
			bad += len(drift)
			continue
		}
		if err := d.rewrite(f.Doc, drift, o.values); err != nil {
			return bad, err
		}
		fmt.Fprintf(w, "%s: rewritten\n", f.Doc)
	}
	if len(errs) > 0 {
		return bad, errors.Join(errs...)
	}
	return bad, nil
}
