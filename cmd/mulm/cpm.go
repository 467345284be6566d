package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"mulm/z80ref/cpm"
)

// runCPM runs any CP/M 2.2 console program on the emulated Z80: the .COM
// file, then its command tail. Console input comes from stdin (a terminal
// or a pipe); the run ends when the program exits or the input ends.
func runCPM(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("cpm", stderr)
	stats := fs.Bool("stats", false, "print T-states and seconds at 4 MHz for every response (to stderr)")
	raw := fs.Bool("raw", false, "write the program's output bytes unchanged (default: CR LF becomes LF)")
	budget := fs.Uint64("max", cpm.DefaultMaxTStates, "stop the program after this many T-states")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return errors.New("no .COM file given")
	}
	com, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	m, err := cpm.New(com, cpm.Options{
		Tail:       strings.Join(fs.Args()[1:], " "),
		Stdin:      stdin,
		Stdout:     stdout,
		TextOutput: !*raw,
		MaxTStates: *budget,
	})
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	start := time.Now()
	err = m.Run()
	elapsed := time.Since(start)
	if errors.Is(err, cpm.ErrInputExhausted) {
		err = nil
	}
	if *stats {
		writeStats(stderr, m, elapsed)
	}
	return err
}

// writeStats prints the per-response T-states of a finished run.
func writeStats(w io.Writer, m *cpm.Machine, elapsed time.Duration) {
	fmt.Fprintln(w, "response  T-states      seconds at 4 MHz  input")
	for i, r := range m.Responses() {
		fmt.Fprintf(w, "%8d  %12d  %16.3f  %q\n", i, r.TStates, float64(r.TStates)/4e6, r.Input)
	}
	fmt.Fprintf(w, "total     %12d  %16.3f  (%d instructions)\n", m.TStates(), float64(m.TStates())/4e6, m.Instructions())
	fmt.Fprintf(w, "emulated in %v: %.0f million T-states per second (%.0f× a 4 MHz Z80)\n",
		elapsed.Round(time.Millisecond), float64(m.TStates())/elapsed.Seconds()/1e6, float64(m.TStates())/elapsed.Seconds()/4e6)
}
