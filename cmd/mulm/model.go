package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"mulm/infer"
	"mulm/infer/npz"
)

// loadModelWarn reads a model file, choosing the format by its first
// bytes (npz.Sniff: "PK\x03\x04" is a zip archive, the .npz format; "MULM" the .mulm format)
// and, when those say neither, by the extension. A warning goes to stderr
// when the extension names the other format, and for every .npz member
// that is ignored.
func loadModelWarn(path string, stderr io.Writer) (*infer.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	n, err := io.ReadFull(f, magic[:])
	f.Close()
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(path))
	isNPZ := ext == ".npz"
	switch npz.Sniff(magic[:n]) {
	case npz.NPZ:
		if !isNPZ {
			fmt.Fprintf(stderr, "warning: %s is a zip archive: reading it as the original's .npz format\n", path)
		}
		isNPZ = true
	case npz.MULM:
		if ext != ".mulm" {
			fmt.Fprintf(stderr, "warning: %s starts with MULM: reading it as a .mulm model\n", path)
		}
		isNPZ = false
	}
	if isNPZ {
		return npz.ReadFileWarn(path, func(w string) { fmt.Fprintf(stderr, "warning: %s: %s\n", path, w) })
	}
	return infer.ReadFile(path)
}
