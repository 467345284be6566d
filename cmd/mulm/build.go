package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"mulm/internal/chatapp"
	"mulm/z80ref"
)

// runBuild builds the Z80 program for a model (a CP/M CHAT.COM by
// default).
func runBuild(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("build", stderr)
	model := fs.String("model", "", "the model (.mulm, or the original's .npz)")
	out := fs.String("o", "", "the program file to write (default CHAT plus the platform's extension, e.g. CHAT.COM)")
	asmOut := fs.String("asm", "", "also write the full generated assembler source here (pasmo --bin assembles it to the same bytes)")
	lst := fs.String("lst", "", "also write the assembler listing here")
	showMap := fs.Bool("map", false, "print the memory map")
	engine := fs.String("engine", "auto", "the Z80 engine: auto (the fastest that fits the platform and -max-size, within -max-startup) or one of "+chatapp.EngineNames())
	platform := fs.String("platform", z80ref.CPM.String(), "the machine to build for: "+platformNames())
	maxSize := fs.Int("max-size", 0, "the program file's size limit in bytes for -engine auto (0: the platform's default, 40,960 for cpm; negative: none)")
	maxStartup := fs.Int("max-startup", 0, "the start-up budget in T-states for -engine auto: an engine whose start-up passes it gives way to the next that fits, compact excepted (0: "+group(z80ref.DefaultMaxStartup)+"; negative: none)")
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
	kind, err := z80ref.ParseEngineKind(*engine)
	if err != nil {
		return fmt.Errorf("-engine: %w", err)
	}
	plat, err := z80ref.ParsePlatform(*platform)
	if err != nil {
		return fmt.Errorf("-platform: %w", err)
	}
	if *out == "" {
		*out = "CHAT" + plat.FileExt()
	}
	im, err := z80ref.Build(m, z80ref.BuildOptions{Kind: kind, Platform: plat, MaxFileSize: *maxSize, MaxStartup: *maxStartup})
	if err != nil {
		return err
	}
	outputs := []output{{*out, im.File}}
	if *asmOut != "" {
		outputs = append(outputs, output{*asmOut, []byte(im.Source())})
	}
	if *lst != "" {
		var b bytes.Buffer
		if err := im.WriteListing(&b); err != nil {
			return err
		}
		outputs = append(outputs, output{*lst, b.Bytes()})
	}
	if err := writeAll(outputs); err != nil {
		return err
	}
	end := im.Map[len(im.Map)-1].End()
	fmt.Fprintf(stdout, "wrote %s: %d bytes, %s, %s engine, model %v; uses %04Xh-%04Xh, %d bytes below %04Xh free\n",
		*out, len(im.File), plat.Title(), im.Kind, m.Sizes(), im.Org, end-1, plat.MemoryEnd()-end, plat.MemoryEnd())
	if plat == z80ref.ZX48 {
		fmt.Fprintf(stdout, "on the Spectrum type LOAD \"\": the tape's loader runs CLEAR %d: LOAD \"\" CODE: RANDOMIZE USR %d; a line starting with ! returns to BASIC\n",
			im.Org-1, im.Symbols["START"])
	}
	fmt.Fprintf(stdout, "engine choice: %s\n", im.Reason)
	if *showMap {
		fmt.Fprint(stdout, im.Map)
	}
	return nil
}

// platformNames lists the platforms for flag help, the default first.
func platformNames() string {
	var names []string
	for _, p := range z80ref.Platforms() {
		names = append(names, fmt.Sprintf("%s (%s)", p, p.Title()))
	}
	return strings.Join(names, ", ")
}

// output is one file a command writes.
type output struct {
	path string
	data []byte
}

// writeAll writes every output or none: each goes to a temporary file
// beside its destination first, and only when all are written are they
// renamed into place. On an error no temporary file is left behind.
func writeAll(outs []output) error {
	var tmps []string
	cleanup := func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	for _, o := range outs {
		f, err := os.CreateTemp(filepath.Dir(o.path), "."+filepath.Base(o.path)+".*.tmp")
		if err != nil {
			cleanup()
			return fmt.Errorf("cannot write %s: %w", o.path, err)
		}
		tmps = append(tmps, f.Name())
		_, err = f.Write(o.data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Chmod(f.Name(), 0o644)
		}
		if err != nil {
			cleanup()
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
	}
	for i, o := range outs {
		if err := os.Rename(tmps[i], o.path); err != nil {
			cleanup()
			return fmt.Errorf("writing %s: %w", o.path, err)
		}
	}
	return nil
}
