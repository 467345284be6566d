package chatapp

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"mulm/console"
	"mulm/infer"
	"mulm/z80ref"
)

// ClockHz is the Z80 clock the timings assume.
const ClockHz = 4_000_000

// Main runs the program with the process's arguments and standard streams
// and exits.
func Main(name string, model []byte, intro string) {
	os.Exit(Run(name, model, intro, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Run is Main with explicit arguments and streams; it returns the exit
// code.
func Run(name string, model []byte, intro string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	z80 := fs.Bool("z80", false, "answer on the emulated Z80 (the CP/M program) and print seconds per reply at 4 MHz")
	// One flag per platform, named by its file's extension: -com, -tap.
	files := map[z80ref.Platform]*string{}
	var fileFlags []string
	for _, p := range z80ref.Platforms() {
		ext := p.FileExt()
		flagName := strings.ToLower(ext[1:])
		files[p] = fs.String(flagName, "", fmt.Sprintf("write the %s program to this file (e.g. CHAT%s) and exit", p.Title(), ext))
		fileFlags = append(fileFlags, fmt.Sprintf("[-%s FILE]", flagName))
	}
	engine := fs.String("engine", "auto", "the Z80 engine for -z80 and the program files: auto (the fastest that fits) or one of "+EngineNames())
	query := fs.String("q", "", "answer this one typed line and exit (or give it as words after the flags)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [-z80] %s [-engine E] [-q QUERY | QUERY...]\n\n%s\n\nflags:\n", name, strings.Join(fileFlags, " "), intro)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	kind, err := z80ref.ParseEngineKind(*engine)
	if err != nil {
		fmt.Fprintf(stderr, "%s: -engine: %v\n", name, err)
		return 2
	}
	q, err := QueryArg(*query, fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 2
	}
	if err := run(model, intro, *z80, kind, files, q, stdin, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

func run(model []byte, intro string, z80 bool, kind z80ref.EngineKind, files map[z80ref.Platform]*string, query string, stdin io.Reader, stdout, stderr io.Writer) error {
	m, err := infer.Load(bytes.NewReader(model))
	if err != nil {
		return fmt.Errorf("embedded model: %w", err)
	}
	wrote := false
	for _, p := range z80ref.Platforms() {
		name := *files[p]
		if name == "" {
			continue
		}
		img, err := z80ref.Build(m, z80ref.BuildOptions{Kind: kind, Platform: p})
		if err != nil {
			return err
		}
		if err := os.WriteFile(name, img.File, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s: %d bytes (%s, %s engine)\n", name, len(img.File), img.Platform.Title(), img.Kind)
		wrote = true
	}
	if wrote {
		return nil
	}
	return Chat(m, Options{Z80: z80, Engine: kind, Query: query, Intro: intro}, stdin, stdout)
}

// QueryArg returns the one typed line to answer: q (from -q), or the
// words after the flags joined by spaces, as CHAT.COM takes its command
// tail. Giving both is an error.
func QueryArg(q string, args []string) (string, error) {
	if len(args) == 0 {
		return q, nil
	}
	if q != "" {
		return "", errors.New("give the query with -q or as words after the flags, not both")
	}
	return strings.Join(args, " "), nil
}

// Options configure Chat.
type Options struct {
	// Z80 answers on the emulated Z80: every query runs through the
	// model's CP/M program, and the reply is followed by its time at
	// 4 MHz.
	Z80 bool
	// Engine is the Z80 engine (Auto: the fastest that fits).
	Engine z80ref.EngineKind
	// Query, when set, is answered once instead of reading queries.
	Query string
	// Intro is printed before the first prompt.
	Intro string
}

// Chat answers the lines typed on stdin, each after a "> " prompt, with
// the console rules of package mulm/console (the CP/M line editing, lines
// of at most console.MaxLine bytes, bit 7 cleared): an empty or all-space
// line prompts again, a line whose first non-space character is '!' (or
// ^C typed first) ends the chat, as in the CP/M program. Options.Query is
// typed as one line followed by the end of input, under the same rules,
// without prompts: "   " and "!hi" print nothing, and a query longer
// than console.MaxLine bytes gets one reply per line it is read as.
func Chat(m *infer.Model, opt Options, stdin io.Reader, stdout io.Writer) error {
	answer := func(q string) (string, error) { return m.Reply(q), nil }
	if opt.Z80 {
		img, err := z80ref.Build(m, z80ref.BuildOptions{Kind: opt.Engine})
		if err != nil {
			return err
		}
		answer = func(q string) (string, error) { return z80Reply(img, q) }
	}
	prompt := "> "
	if opt.Query != "" {
		stdin, prompt = strings.NewReader(opt.Query+"\n"), ""
	} else if opt.Intro != "" {
		fmt.Fprintln(stdout, opt.Intro)
	}
	rd := console.NewReader(stdin)
	for {
		fmt.Fprint(stdout, prompt)
		l, err := rd.Next()
		if err == io.EOF {
			if prompt != "" {
				fmt.Fprintln(stdout)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch l.Action {
		case console.Quit:
			return nil
		case console.Skip:
			continue
		}
		r, err := answer(l.Text)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(stdout, r); err != nil {
			return err
		}
	}
}

// z80Reply runs the CP/M program with one line as read by the console
// rules (so typing it again gives the same line) and returns what it
// printed in reply, followed by the reply's time at 4 MHz.
func z80Reply(img *z80ref.Image, q string) (string, error) {
	res, err := img.Chat("", strings.NewReader(q+"\n!\n"))
	if err != nil {
		return "", err
	}
	if len(res.Responses) < 2 {
		return "", errors.New("the CP/M program did not answer")
	}
	r := res.Responses[1]
	out := strings.ReplaceAll(string(r.Output), "\r", "")
	out = strings.TrimSuffix(out, "> ")
	out = strings.Trim(out, "\n")
	return fmt.Sprintf("%s   [%.2f s at 4 MHz, %d T-states]", out, float64(r.TStates)/ClockHz, r.TStates), nil
}

// EngineNames lists z80ref's engines for flag help, fastest first.
func EngineNames() string {
	var names []string
	for _, k := range z80ref.Engines() {
		names = append(names, k.String())
	}
	return strings.Join(names, ", ")
}
