package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"mulm/internal/excerpt"
)

// command is one subcommand. run gets the arguments after the subcommand's
// name and reports failures as errors; a flag.ErrHelp error prints nothing
// more.
type command struct {
	name, summary string
	run           func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands lists every subcommand, in the order help shows them.
var commands = []command{
	// Each subcommand lives in a file of its own and adds its line here.
	{"chat", "chat with a model in pure Go", runChat},
	{"info", "print a model's shape, weights and overflow analysis", runInfo},
	{"import", "convert the original's .npz model to .mulm", runImport},
	{"train", "train a model on query|response data (quantization-aware)", runTrain},
	{"build", "build a CP/M CHAT.COM running a model on the Z80", runBuild},
	{"bench", "T-states per character of every Z80 engine on a model", runBench},
	{"cpm", "run a CP/M program on the emulated Z80 (-stats for T-states)", runCPM},
	{"zx", "run a .TAP in the emulated ZX Spectrum 48K (-png screenshot, -stats)", runZX},
	{"eval", "sequence exact-match of a model on query|response data", runEval},
	{"inspect", "pictures and numbers of a model (PNG + HTML), -sensitivity per layer", runInspect},
	{"probe", "search queries that make a model give a reply (e.g. the guess secret)", runProbe},
	{"data", "data stats|balance: class counts, ceiling, resampling", runData},
	{"serve", "serve the browser playground (the Z80 chat at 4 MHz)", runServe},
	{"web", "write the browser playground as static files", runWeb},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(args[1:], stdin, stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0 // -h: the usage was asked for and printed
			case errors.Is(err, errInterrupted):
				return 130 // what a shell reports for a process ended by Ctrl+C
			default:
				fmt.Fprintf(stderr, "mulm %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "mulm: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: mulm <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"mulm <command> -h\" for a command's flags.")
}

// synopses are the argument summaries -h prints after "usage: mulm NAME";
// a command not listed gets "[flags]".
var synopses = map[string]string{
	"chat":         "-model M [-z80] [-q QUERY | QUERY...]",
	"info":         "-model M",
	"import":       "-npz X.npz -o X.mulm",
	"build":        "-model M [-o CHAT.COM] [-asm CHAT.ASM] [-lst CHAT.LST] [-map] [-engine E] [-platform P]",
	"bench":        "-model M",
	"eval":         "-model M | -nearest TRAIN[,T2...] [-buckets N] -data D[,D2...] [-top N]",
	"inspect":      "-model M -o DIR [-data D[,D2...]] [-query Q] [-n N] [-sensitivity]",
	"probe":        "-model M -want REPLY [-dict FILE] [-beam N] [-len N]",
	"data stats":   "-data D[,D2...] [-max-len N]",
	"data balance": "-data D[,D2...] [-target N] [-o FILE] [-seed N]",
	"train":        "-data D [-heldout H] -o M.mulm [flags]",
	"serve":        "[-addr 127.0.0.1:8080] [-src DIR]",
	"web":          "-o DIR [-src DIR]",
	"cpm":          "[-stats] [-raw] [-max T] FILE.COM [command tail ...]",
	"zx":           "[-rom FILE] [-prompt P] [-png FILE] [-stats] [-screen] [-max T] TAPE.TAP < lines",
}

// newFlags returns a FlagSet for a subcommand that reports to stderr; its
// -h prints the command's summary, synopsis and flags.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mulm "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		syn, ok := synopses[name]
		if !ok {
			syn = "[flags]"
		}
		fmt.Fprintf(stderr, "usage: mulm %s %s\n\nflags:\n", name, syn)
		fs.PrintDefaults()
	}
	return fs
}

// noArgs is the error for words left after a command's flags.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return nil
	}
	return fmt.Errorf("unexpected argument %s (this command takes only flags; see -h)", excerpt.Quote(fs.Arg(0)))
}
