package main

import (
	"errors"
	"fmt"
	"io"

	"mulm/infer"
	"mulm/infer/npz"
)

// runImport converts the original project's .npz model into a .mulm file.
func runImport(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("import", stderr)
	in := fs.String("npz", "", "the original's .npz model")
	out := fs.String("o", "", "the .mulm file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		fs.Usage()
		return errors.New("-npz and -o are required")
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	m, err := npz.ReadFileWarn(*in, func(w string) { fmt.Fprintf(stderr, "warning: %s: %s\n", *in, w) })
	if err != nil {
		return err
	}
	if err := infer.WriteFile(*out, m); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %v\n", *out, m.Sizes())
	return nil
}
