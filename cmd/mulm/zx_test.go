package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mulm/internal/zxtest"
	"mulm/z80ref/zx"
)

// echoTape writes the echo program of z80ref/zx's tests as a loader tape.
func echoTape(t *testing.T) string {
	t.Helper()
	if _, err := zx.ReadROM(zx.DefaultROMPath); err != nil {
		t.Skipf("OpenSE BASIC ROM not installed (apt-get install opense-basic): %v", err)
	}
	b := zxtest.EchoTape(t)
	path := filepath.Join(t.TempDir(), "echo.tap")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestZX(t *testing.T) {
	tape := echoTape(t)
	shot := filepath.Join(t.TempDir(), "s.png")
	out, errs, code := runIn(t, "hello World\nhelo\bxlo\n!\n", "zx", "-stats", "-png", shot, tape)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if want := "ZX ECHO\nHELLO WORLD\nHELXLO\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	for _, s := range []string{"loaded: prompt after", "line 2: typed in", "returned to BASIC: OK, 10:3", "total "} {
		if !strings.Contains(errs, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errs)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Errorf("picture %v, want 640x480 (320x240 at scale 2)", b)
	}
}

func TestZXErrors(t *testing.T) {
	tape := echoTape(t)
	data, err := os.ReadFile(tape)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-1] ^= 1 // the last block's checksum
	bad := filepath.Join(t.TempDir(), "bad.tap")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		msg   string
	}{
		{"", []string{"zx", bad}, "bad.tap: zx: tap: block 4 (offset"},
		{"", []string{"zx", "-rom", filepath.Join(t.TempDir(), "none.rom"), tape}, "none.rom"},
		{"", []string{"zx", "-rom", tape, tape}, "a 48K ROM has 16384"},
		{"tab\there\n", []string{"zx", tape}, `line 1: zx: character has no Spectrum key: '\t'`},
		{"", []string{"zx"}, "exactly one .TAP"},
		{"", []string{"zx", "-scale", "0", tape}, "-scale 0"},
	} {
		_, errs, code := runIn(t, c.stdin, c.args...)
		if code == 0 || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errs, c.msg)
		}
	}
}

// TestZXLongLine: a typed line longer than 64 KiB (bufio.Scanner's limit)
// or than the console takes gets a short error naming the line, not
// "token too long".
func TestZXLongLine(t *testing.T) {
	tape := echoTape(t)
	_, errs, code := runIn(t, "hi\n"+strings.Repeat("a", 70000)+"\n", "zx", tape)
	if code != 1 || !strings.Contains(errs, "line 2: 70000 bytes; the Spectrum console takes at most 254") || len(errs) > 300 {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
