// Package atomicfile writes files all at once or not at all: through a
// temporary file in the same directory and a rename, with the temporary
// removed on any failure, and checks ahead of long work that a path can be
// written.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ErrIsDir is returned for an output path that is a directory.
var ErrIsDir = errors.New("is a directory")

// Mode is the permission bits of a file Write makes: those of
// os.WriteFile(path, data, 0o644) under the usual umask, not the 0600 of
// os.CreateTemp.
const Mode = 0o644

// Write calls write with a temporary file next to path and renames it to
// path (with Mode) when write and the close succeed. On any error the
// temporary file is removed and path is left as it was.
func Write(path string, write func(io.Writer) error) (err error) {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(Mode); err != nil {
		return err
	}
	if err := write(f); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// CheckWritable reports whether path can be written by Write: it is not a
// directory and a file can be created in its directory (one is created and
// removed). An existing file at path is left untouched.
func CheckWritable(path string) error {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// createTemp refuses a path that is a directory and creates the temporary
// file for path in its directory.
func createTemp(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: %w", path, ErrIsDir)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return f, nil
}
