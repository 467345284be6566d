package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"mulm/infer"
	"mulm/internal/randmodel"
	"mulm/z80ref"
)

// benchQueries are the default queries of "mulm bench": typical chat.
var benchQueries = []string{
	"hello", "hi", "how are you", "what is your name", "who are you",
	"are you a robot", "who made you", "what can you do", "do you like music",
	"tell me a joke", "what time is it", "where do you live", "are you happy",
	"i am sad", "thank you", "what is love", "do you dream", "good morning",
	"goodbye", "help",
}

// benchClock is the Z80's clock in Hz for the seconds column.
const benchClock = 4e6

// runBench measures every Z80 engine on a model: T-states per generated
// character, the once-per-reply work, the one-time start-up and the .COM
// size, next to the original project's builds.
func runBench(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	model := fs.String("model", "", `the model (.mulm, the original's .npz, or "random" for a random tinychat-shaped model with 27 % non-zero weights)`)
	qfile := fs.String("queries", "", "a file of queries, one a line (default: 20 typical chat queries)")
	maxSize := fs.Int("max-size", 0, "the program file's size limit for the automatic engine choice (0: the platform's default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-model is required and there are no arguments")
	}
	var m *infer.Model
	if *model == "random" {
		m = randmodel.Model(rand.New(rand.NewPCG(1, 2)), randmodel.Options{Hidden: []int{256, 192, 128},
			Charset: []byte(" abcdefghijklmnopqrstuvwxyz0123456789.?\x00"), Density: 0.27})
	} else {
		var err error
		if m, err = loadModelWarn(*model, stderr); err != nil {
			return err
		}
	}
	queries := benchQueries
	if *qfile != "" {
		var err error
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

	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "platform\tengine\tfile bytes\tstart-up T\tper reply T (median)\tT/char median\tT/char worst\ts/char at 4 MHz\tchars\t")
	for _, p := range z80ref.Platforms() {
		for _, k := range z80ref.Engines() {
			im, err := z80ref.Build(m, z80ref.BuildOptions{Kind: k, Platform: p})
			if err != nil {
				fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t-\t-\t (%s)\n", p, k, firstLine(err))
				continue
			}
			e := z80ref.NewEngineFromImage(im)
			startup, err := e.Startup()
			if err != nil {
				return err
			}
			var per, begin []uint64
			chars := 0
			for _, q := range queries {
				tr, st, err := e.Trace(q)
				if err != nil {
					return err
				}
				if want := m.Reply(q); tr.Reply != want {
					return fmt.Errorf("%s engine: query %q answered %q, want %q (parity failure)", k, q, tr.Reply, want)
				}
				chars += len(tr.Reply)
				begin = append(begin, st.Begin)
				per = append(per, st.PerChar())
			}
			slices.Sort(per)
			slices.Sort(begin)
			med := per[len(per)/2]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%d\t\n", p, k, group(len(im.File)), group(int(startup)),
				group(int(begin[len(begin)/2])), group(int(med)), group(int(per[len(per)-1])), float64(med)/benchClock, chars)
		}
	}
	fmt.Fprintln(tw, "cpm\toriginal packed build (tinychat)\t39,992\t-\t-\t27,600,000\t-\t6.900\t-\t")
	fmt.Fprintln(tw, "cpm\toriginal index-list build (tinychat)\t45,056\t-\t-\t2,100,000\t-\t0.525\t-\t")
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nT/char: T-states of a generation step (one character; the final EOS step")
	fmt.Fprintln(stdout, "counts as one), mean per reply, then median and worst over the queries.")
	fmt.Fprintln(stdout, "Per reply: the query encoder and the query's share of layer 1, once per reply.")
	fmt.Fprintln(stdout, "Start-up: once per program run (the fast engine expands its weights).")
	im, err := z80ref.Build(m, z80ref.BuildOptions{MaxFileSize: *maxSize})
	if err != nil {
		fmt.Fprintf(stdout, "mulm build would fail: %v\n", firstLine(err))
		return nil
	}
	fmt.Fprintf(stdout, "mulm build chooses: %s\n", im.Reason)
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
