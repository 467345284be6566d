package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"mulm/bench"
	"mulm/z80ref"
)

// runBench measures every Z80 engine on every platform on a model:
// T-states per generated character, the once-per-reply work, the one-time
// start-up and the file size, next to the original project's published
// figures.
func runBench(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	model := fs.String("model", "", "the model (.mulm, or the original's .npz)")
	qfile := fs.String("queries", "", "a file of queries, one a line (default: the 20 benchmark queries of package mulm/bench)")
	maxSize := fs.Int("max-size", 0, "the program file's size limit for the automatic engine choice (0: the platform's default)")
	maxStartup := fs.Int("max-startup", 0, "the start-up budget in T-states for the automatic engine choice (0: "+group(z80ref.DefaultMaxStartup)+"; negative: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-model is required and there are no arguments")
	}
	m, err := loadModelWarn(*model, stderr)
	if err != nil {
		return err
	}
	queries := bench.Queries()
	if *qfile != "" {
		if queries, err = readLines(*qfile); err != nil {
			return err
		}
		if len(queries) == 0 {
			return fmt.Errorf("%s: no queries", *qfile)
		}
	}
	nz, total := 0, 0
	for _, l := range m.Layers() {
		total += len(l.W)
		for _, w := range l.W {
			if w != 0 {
				nz++
			}
		}
	}
	fmt.Fprintf(stdout, "model %s: %s, %.1f %% of %d weights non-zero; %d queries\n\n",
		*model, strings.Trim(strings.ReplaceAll(fmt.Sprint(m.Sizes()), " ", "->"), "[]"), 100*float64(nz)/float64(total), total, len(queries))

	rows, err := z80ref.BenchAll(m, queries)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "platform\tengine\tfile bytes\tstart-up T\tper reply T (median)\tT/char median\tT/char worst\ts/char median\ts/char worst\tMHz\tchars\t")
	for _, row := range rows {
		if row.Err != nil {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t-\t-\t-\t (%s)\n", row.Platform, row.Kind, firstLine(row.Err))
			continue
		}
		r := row.Result
		clock := float64(row.Platform.ClockHz())
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\t%g\t%d\t\n", row.Platform, row.Kind, group(r.FileBytes), group(int(r.Startup)),
			group(int(r.BeginMedian())), group(int(r.Median())), group(int(r.Worst())), float64(r.Median())/clock,
			float64(r.Worst())/clock, clock/1e6, r.Chars)
	}
	for _, o := range bench.Originals() {
		p, err := z80ref.ParsePlatform(o.Platform)
		if err != nil {
			return fmt.Errorf("bench.Originals: %s: %w", o.Build, err)
		}
		clock := float64(p.ClockHz())
		bytes, t, sec := "-", "-", o.SPerChar
		if o.FileBytes > 0 {
			bytes = group(o.FileBytes)
		}
		if o.TPerChar > 0 {
			t, sec = group(int(o.TPerChar)), float64(o.TPerChar)/clock
		}
		fmt.Fprintf(tw, "%s\t%s (published, on %s)\t%s\t-\t-\t%s\t-\t%.3f\t-\t%g\t-\t\n", p, o.Build, o.Model,
			bytes, t, sec, clock/1e6)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nT/char: T-states of a generation step (one character; the final EOS step")
	fmt.Fprintln(stdout, "counts as one), mean per reply, then median and worst over the queries.")
	fmt.Fprintln(stdout, "Per reply: the query encoder and the query's share of layer 1, once per reply.")
	fmt.Fprintln(stdout, "Start-up: once per program run (the fast engine expands its packed columns).")
	fmt.Fprintln(stdout, "The original's rows are its published figures, not measured here.")
	fmt.Fprintln(stdout, "zx48: on the 48K Spectrum (z80ref/zx) at 3.5 MHz with its memory contention")
	fmt.Fprintln(stdout, "counted and the reply printed through the ROM's RST 10h.")
	for _, p := range z80ref.Platforms() {
		im, err := z80ref.Build(m, z80ref.BuildOptions{Platform: p, MaxFileSize: *maxSize, MaxStartup: *maxStartup})
		if err != nil {
			fmt.Fprintf(stdout, "mulm build -platform %s would fail: %v\n", p, firstLine(err))
			continue
		}
		fmt.Fprintf(stdout, "mulm build -platform %s chooses: %s\n", p, im.Reason)
	}
	return nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimRight(sc.Text(), "\r"); strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// group formats n with thousands separators.
func group(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
