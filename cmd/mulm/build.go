package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"mulm/z80ref"
)

// runBuild builds a CP/M CHAT.COM for a model with the Z80 engine.
func runBuild(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("build", stderr)
	model := fs.String("model", "", "the model (.mulm, or the original's .npz)")
	out := fs.String("o", "CHAT.COM", "the .COM file to write")
	asmOut := fs.String("asm", "", "also write the full generated assembler source here (pasmo --bin assembles it to the same bytes)")
	lst := fs.String("lst", "", "also write the assembler listing here")
	showMap := fs.Bool("map", false, "print the memory map")
	engine := fs.String("engine", "auto", "the Z80 engine: auto (the fastest whose .COM fits -max-com), fast or compact")
	maxCOM := fs.Int("max-com", z80ref.DefaultMaxCOMSize, "the .COM size limit in bytes (0 or less: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("-model is required and there are no arguments")
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	kind, err := z80ref.ParseEngineKind(*engine)
	if err != nil {
		return err
	}
	limit := *maxCOM
	if limit <= 0 {
		limit = -1
	}
	im, err := z80ref.Build(m, z80ref.BuildOptions{Kind: kind, MaxCOMSize: limit})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, im.COM, 0o644); err != nil {
		return err
	}
	if *asmOut != "" {
		if err := os.WriteFile(*asmOut, []byte(im.Source()), 0o644); err != nil {
			return err
		}
	}
	if *lst != "" {
		f, err := os.Create(*lst)
		if err != nil {
			return err
		}
		err = im.WriteListing(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	end := im.Map[len(im.Map)-1].End()
	fmt.Fprintf(stdout, "wrote %s: %d bytes, %s engine, model %v; uses %04Xh-%04Xh, %d bytes of the TPA free\n",
		*out, len(im.COM), im.Kind, m.Sizes(), z80ref.TPAStart, end-1, z80ref.TPAEnd-end)
	fmt.Fprintf(stdout, "engine choice: %s\n", im.Reason)
	if *showMap {
		fmt.Fprint(stdout, im.Map)
	}
	return nil
}
