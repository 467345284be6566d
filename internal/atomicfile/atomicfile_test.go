package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.mulm")
	if err := Write(p, func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != Mode {
		t.Fatalf("mode of the written file: %v %v, want %v", fi.Mode(), err, os.FileMode(Mode))
	}
	boom := errors.New("boom")
	if err := Write(p, func(w io.Writer) error { io.WriteString(w, "partial"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("failed writer: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("file after a failed write: %q", b)
	}
	if es := entries(t, dir); len(es) != 1 {
		t.Fatalf("files left: %v", es)
	}
	if err := Write(dir, func(io.Writer) error { return nil }); !errors.Is(err, ErrIsDir) {
		t.Fatalf("directory as output: %v", err)
	}
	if es := entries(t, filepath.Dir(dir)); len(es) != 1 {
		t.Fatalf("files left next to the directory: %v", es)
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	if err := CheckWritable(filepath.Join(dir, "m.mulm")); err != nil {
		t.Fatal(err)
	}
	if err := CheckWritable(dir); !errors.Is(err, ErrIsDir) {
		t.Fatalf("directory: %v", err)
	}
	if err := CheckWritable(filepath.Join(dir, "no", "such", "m.mulm")); err == nil {
		t.Fatal("missing directory accepted")
	}
	if es := entries(t, dir); len(es) != 0 {
		t.Fatalf("files left: %v", es)
	}
}
