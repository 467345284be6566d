package zxtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"mulm/z80ref/asm"
	"mulm/z80ref/tap"
)

// EchoPath is the path of z80ref/zx/testdata/echo.asm, found from this
// source file so that any package's test can use it.
func EchoPath(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("zxtest: cannot locate its own source")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "z80ref", "zx", "testdata", "echo.asm")
}

// Echo assembles the echo program with z80ref/asm.
func Echo(t testing.TB) *asm.Program {
	t.Helper()
	src, err := os.ReadFile(EchoPath(t))
	if err != nil {
		t.Fatal(err)
	}
	p, err := asm.Assemble(asm.Source{Name: "echo.asm", Text: src})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// EchoTape is the echo program on a loader tape (LOAD "" runs it).
func EchoTape(t testing.TB) []byte {
	t.Helper()
	p := Echo(t)
	tape, err := tap.Loader("echo", p.Org-1, p.Org, uint16(p.Symbols["start"]), p.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return tape
}
