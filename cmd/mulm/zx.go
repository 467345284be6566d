package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"mulm/console"
	"mulm/z80ref/zx"
)

// runZX runs a .TAP in the emulated ZX Spectrum 48K (z80ref/zx): boots the
// ROM, types LOAD "" (LOAD "" CODE and RANDOMIZE USR for a CODE-first tape,
// RUN after a program without autostart), waits for the program's prompt,
// then types each stdin line key by key and prints the reply rows the
// screen shows between the echoed line and the next prompt. Warnings (a
// line whose echo differs from what was typed) and -stats go to stderr.
func runZX(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("zx", stderr)
	romPath := fs.String("rom", zx.DefaultROMPath, "16K ROM image (OpenSE BASIC; with Sinclair's 48K ROM LOAD is typed as the J keyword)")
	prompt := fs.String("prompt", "> ", "the program's prompt, waited for after loading and after each line")
	pngPath := fs.String("png", "", "write a picture of the screen with its border to this PNG file at the end")
	scale := fs.Int("scale", 2, "pixel size of the -png picture")
	stats := fs.Bool("stats", false, "print T-states and seconds at 3.5 MHz for loading and every line (to stderr)")
	screen := fs.Bool("screen", false, "print the whole screen after loading and after each reply")
	budget := fs.Uint64("max", 600*zx.ClockHz, "T-state budget for loading and for each reply")
	noCont := fs.Bool("nocontention", false, "do not count the 48K's memory contention")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("give exactly one .TAP file")
	}
	if *scale < 1 || *scale > 8 {
		return fmt.Errorf("-scale %d: want 1 to 8", *scale)
	}
	rom, err := zx.ReadROM(*romPath)
	if err != nil {
		if *romPath == zx.DefaultROMPath {
			return fmt.Errorf("%w (apt-get install opense-basic, or give -rom FILE)", err)
		}
		return err
	}
	tape, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	m, err := zx.New(rom, zx.Options{NoContention: *noCont})
	if err != nil {
		return err
	}
	if err := m.LoadTape(tape); err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	start := time.Now()
	if err := m.Start(tape, *prompt, *budget); err != nil {
		fmt.Fprintf(stderr, "screen:\n%s\n", m.Screen())
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if *stats {
		fmt.Fprintf(stderr, "loaded: prompt after %d T-states (%.2f s at 3.5 MHz) from reset\n", m.TStates(), secs(m.TStates()))
	}
	s := m.Screen()
	if *screen {
		writeScreen(out, s)
	} else {
		lines := s.LinesNoFlash()
		last := len(lines) - 1
		for last >= 0 && lines[last] == "" {
			last--
		}
		for _, l := range lines[:max(last, 0)] {
			fmt.Fprintln(out, l)
		}
	}
	if err := out.Flush(); err != nil {
		return err
	}
	// Lines of any length are read; one longer than the console takes
	// (console.MaxLine, as CHAT.COM's) is refused with a clear error
	// rather than typed for minutes.
	in := bufio.NewReader(stdin)
	var replyT, total uint64
	n := 0
	for {
		raw, rerr := in.ReadString('\n')
		if rerr != nil && rerr != io.EOF {
			return rerr
		}
		if raw == "" && rerr == io.EOF {
			break
		}
		n++
		line := strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
		if len(line) > console.MaxLine {
			return fmt.Errorf("line %d: %d bytes; the Spectrum console takes at most %d a line", n, len(line), console.MaxLine)
		}
		r, err := m.Ask(line, *prompt, *budget)
		if err != nil {
			fmt.Fprintf(stderr, "screen:\n%s\n", m.Screen())
			return fmt.Errorf("line %d: %w", n, err)
		}
		if *screen {
			writeScreen(out, m.Screen())
		} else {
			for _, l := range r.Lines {
				fmt.Fprintln(out, l)
			}
		}
		if err := out.Flush(); err != nil {
			return err
		}
		if !r.EchoOK && r.Report == "" {
			fmt.Fprintf(stderr, "line %d: the screen does not show %q as typed (keys dropped, or it scrolled away)\n", n, *prompt+zx.Edited(line))
		}
		if *stats {
			fmt.Fprintf(stderr, "line %d: typed in %d T-states (%.2f s); reply %d T-states (%.3f s at 3.5 MHz), %d contended\n",
				n, r.TypeTStates, secs(r.TypeTStates), r.TStates, secs(r.TStates), r.Contended)
			replyT += r.TStates
		}
		if r.Report != "" {
			fmt.Fprintf(stderr, "the program returned to BASIC: %s\n", r.Report)
			break
		}
	}
	if *stats {
		total = m.TStates()
		el := time.Since(start)
		fmt.Fprintf(stderr, "total %d T-states (%.2f s at 3.5 MHz), replies %d, %d contended, %d frames, %d instructions\n",
			total, secs(total), replyT, m.ContendedTStates(), m.Frames(), m.Instructions())
		fmt.Fprintf(stderr, "emulated in %v: %.0f million T-states per second (%.0f× a 3.5 MHz Spectrum)\n",
			el.Round(time.Millisecond), float64(total)/el.Seconds()/1e6, float64(total)/el.Seconds()/zx.ClockHz)
	}
	if *pngPath != "" {
		f, err := os.Create(*pngPath)
		if err != nil {
			return err
		}
		if err := m.WritePNG(f, *scale); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return nil
}

func secs(t uint64) float64 { return float64(t) / zx.ClockHz }

// writeScreen prints the 24 rows framed like ../shared/tools/zxrun.sh.
func writeScreen(w io.Writer, s *zx.Screen) {
	fmt.Fprintln(w, "+"+strings.Repeat("-", zx.Cols)+"+")
	for _, row := range s.Cells {
		fmt.Fprintf(w, "|%s|\n", string(row[:]))
	}
	fmt.Fprintln(w, "+"+strings.Repeat("-", zx.Cols)+"+")
}
