package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoUsablePairs: eval, data stats and data balance refuse data in
// which no line is a usable pair.
func TestNoUsablePairs(t *testing.T) {
	_, model := cliModel(t)
	data := writeTrainData(t, "bad.txt", "# only\nno pipe\nx|Y\n")
	for _, args := range [][]string{
		{"eval", "-model", model, "-data", data},
		{"data", "stats", "-data", data},
		{"data", "balance", "-data", data},
	} {
		out, errs, code := runIn(t, "", args...)
		if code != 1 || !strings.Contains(errs, "no usable query|response pairs") || strings.Contains(out, "exact-match") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args[:2], code, out, errs)
		}
	}
}

// TestUntrustedInputQuotedShort: a rejected 1 MB data line is quoted as a
// short excerpt; a line over 1 MiB is an error that names the limit; a
// directory as -data is a plain error.
func TestUntrustedInputQuotedShort(t *testing.T) {
	_, model := cliModel(t)
	data := writeTrainData(t, "long.txt", "hello|A\n"+strings.Repeat("z", 1_000_000)+"\n")
	_, errs, _ := runIn(t, "", "eval", "-model", model, "-data", data)
	if !strings.Contains(errs, "long.txt:2: no '|'") || len(errs) > 1000 {
		t.Errorf("stderr of %d bytes: %.300s", len(errs), errs)
	}
	huge := writeTrainData(t, "huge.txt", strings.Repeat("z", 1<<20+1)+"|A\n")
	if _, errs, code := runIn(t, "", "data", "stats", "-data", huge); code != 1 || !strings.Contains(errs, "huge.txt:1: line longer than 1048576 bytes (1 MiB)") || len(errs) > 300 {
		t.Errorf("exit %d, stderr %.300q", code, errs)
	}
	dir := t.TempDir()
	if _, errs, code := runIn(t, "", "data", "stats", "-data", dir); code != 1 || !strings.Contains(errs, dir+" is a directory, not a data file") {
		t.Errorf("directory: exit %d, stderr %q", code, errs)
	}
}

// TestChatLongLines: a typed line of any length is read (cut into lines
// of 254 bytes as the CP/M console does) and the chat goes on.
func TestChatLongLines(t *testing.T) {
	m, model := cliModel(t)
	out, errs, code := runIn(t, strings.Repeat("x", 100_000)+"\nhello\n", "chat", "-model", model)
	lines := strings.Split(out, "\n")
	n := 100_000/254 + 1
	if code != 0 || len(lines) != n+3 || lines[n] != "> "+m.Reply("hello") {
		t.Fatalf("exit %d, %d lines, line %d %q: %s", code, len(lines), n, lines[min(n, len(lines)-1)], errs)
	}
}

// TestHelp: -h prints a usage and exits 0 for every command; eval's says
// it reads .npz too.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"data", "-h"}, {"data", "stats", "-h"}, {"data", "balance", "-h"}} {
		if _, errs, code := runIn(t, "", args...); code != 0 || !strings.Contains(errs, "usage: mulm") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	for _, c := range commands {
		_, errs, code := runIn(t, "", c.name, "-h")
		if code != 0 || !strings.Contains(errs, "usage: mulm "+c.name) {
			t.Errorf("%s -h: exit %d, stderr %q", c.name, code, errs)
		}
		if c.name == "eval" && !strings.Contains(errs, ".npz") {
			t.Errorf("eval -h does not mention .npz: %s", errs)
		}
	}
}

// TestExtraWords: words after chat's flags are the query; other commands
// refuse them.
func TestExtraWords(t *testing.T) {
	m, model := cliModel(t)
	if out, errs, code := runIn(t, "", "chat", "-model", model, "is", "it", "alive"); code != 0 || out != m.Reply("is it alive")+"\n" {
		t.Errorf("chat words: exit %d, %q %s", code, out, errs)
	}
	if _, _, code := runIn(t, "", "chat", "-model", model, "-q", "hi", "there"); code != 1 {
		t.Errorf("chat -q and words: exit %d", code)
	}
	// The -q line follows the console rules: "!hi" quits, "   " is skipped.
	for _, q := range []string{"!hi", "   !", "   "} {
		if out, _, code := runIn(t, "", "chat", "-model", model, "-q", q); code != 0 || out != "" {
			t.Errorf("-q %q: exit %d, printed %q", q, code, out)
		}
	}
	data := writeTrainData(t, "d.txt", "hello|A\n")
	for _, args := range [][]string{
		{"info", "-model", model, "extra"},
		{"eval", "-model", model, "-data", data, "extra"},
		{"data", "stats", "-data", data, "extra"},
		{"import", "-npz", "x.npz", "-o", "x.mulm", "extra"},
		{"train", "-data", data, "-o", filepath.Join(t.TempDir(), "m.mulm"), "extra"},
	} {
		if _, errs, code := runIn(t, "", args...); code != 1 || !strings.Contains(errs, `"extra"`) {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// TestBuildAllOrNothing: when one output cannot be written, none is.
func TestBuildAllOrNothing(t *testing.T) {
	_, model := cliModel(t)
	dir := t.TempDir()
	com := filepath.Join(dir, "CHAT.COM")
	_, errs, code := runIn(t, "", "build", "-model", model, "-o", com, "-asm", "/nonexistent/dir/CHAT.ASM")
	if code != 1 || !strings.Contains(errs, "/nonexistent/dir/CHAT.ASM") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

// tinyNPZ is a 256→3 model in the original's .npz layout.
func tinyNPZ(t *testing.T) []byte {
	npy := func(descr, shape string, data []byte) []byte {
		dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }\n", descr, shape)
		var b bytes.Buffer
		b.WriteString("\x93NUMPY\x01\x00")
		binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
		b.WriteString(dict)
		b.Write(data)
		return b.Bytes()
	}
	const arch = `{"input_size": 256, "hidden_sizes": [], "num_classes": 3}`
	w := make([]byte, 3*256)
	w[0] = 1
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range map[string][]byte{
		"_architecture.npy": npy("|S"+fmt.Sprint(len(arch)), "()", []byte(arch)),
		"_charset.npy":      npy("|S2", "()", []byte("AB")),
		"fc1_weight.npy":    npy("|i1", "(3, 256)", w),
		"fc1_bias.npy":      npy("<i2", "(3,)", []byte{0, 1, 0, 0, 0, 0}),
	} {
		f, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFormatSniffed: the format is chosen by the file's magic, with a
// warning when the extension says otherwise.
func TestFormatSniffed(t *testing.T) {
	dir := t.TempDir()
	npzAsMulm := filepath.Join(dir, "m.mulm")
	os.WriteFile(npzAsMulm, tinyNPZ(t), 0o644)
	out, errs, code := runIn(t, "", "info", "-model", npzAsMulm)
	if code != 0 || !strings.Contains(errs, "is a zip archive: reading it as the original's .npz format") || !strings.Contains(out, "[256 3]") {
		t.Errorf(".npz named .mulm: exit %d, %q %q", code, out, errs)
	}
	_, model := cliModel(t)
	b, _ := os.ReadFile(model)
	mulmAsNPZ := filepath.Join(dir, "m.npz")
	os.WriteFile(mulmAsNPZ, b, 0o644)
	if _, errs, code := runIn(t, "", "info", "-model", mulmAsNPZ); code != 0 || !strings.Contains(errs, "starts with MULM: reading it as a .mulm model") {
		t.Errorf(".mulm named .npz: exit %d, %q", code, errs)
	}
}
