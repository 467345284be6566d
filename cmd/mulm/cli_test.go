package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mulm/bench"
	"mulm/infer"
	"mulm/internal/randmodel"
	"mulm/z80ref"
	"mulm/z80ref/tap"
)

// cliModel writes a small random model and returns it with its path.
func cliModel(t *testing.T) (*infer.Model, string) {
	t.Helper()
	m := randmodel.Model(rand.New(rand.NewPCG(7, 7)), randmodel.Options{Hidden: []int{24}, MaxLen: 8})
	path := filepath.Join(t.TempDir(), "m.mulm")
	if err := infer.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	return m, path
}

func runIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// TestChatGoAndZ80 checks that "mulm chat" answers as Reply does, in Go
// and on the emulated Z80.
func TestChatGoAndZ80(t *testing.T) {
	m, path := cliModel(t)
	queries := []string{"hello", "how are you", "zzz"}
	for _, z80 := range []bool{false, true} {
		args := []string{"chat", "-model", path}
		if z80 {
			args = append(args, "-z80")
		}
		out, errs, code := runIn(t, strings.Join(queries, "\n")+"\n!\n", args...)
		if code != 0 {
			t.Fatalf("z80=%v: exit %d: %s", z80, code, errs)
		}
		lines := strings.Split(out, "\n")
		for i, q := range queries {
			got := strings.TrimPrefix(lines[i], "> ")
			if z80 {
				r, _, ok := strings.Cut(got, "   [")
				if !ok {
					t.Fatalf("no timing in %q", got)
				}
				got = r
			}
			if want := m.Reply(q); got != want {
				t.Errorf("z80=%v: %q → %q, want %q", z80, q, got, want)
			}
		}
	}
}

// TestBuildAndCPM builds the CP/M program and runs it with a command
// tail; the printed reply must be Reply's for the upper-cased tail (the
// CCP upper-cases it).
func TestBuildAndCPM(t *testing.T) {
	m, path := cliModel(t)
	com := filepath.Join(t.TempDir(), "CHAT.COM")
	asmFile := filepath.Join(t.TempDir(), "CHAT.ASM")
	out, errs, code := runIn(t, "", "build", "-model", path, "-o", com, "-asm", asmFile)
	if code != 0 || !strings.Contains(out, "engine") {
		t.Fatalf("build: exit %d: %s%s", code, out, errs)
	}
	if b, err := os.ReadFile(asmFile); err != nil || !bytes.Contains(b, []byte("GENERATE")) {
		t.Fatalf("no generated source: %v", err)
	}
	out, errs, code = runIn(t, "", "cpm", "-stats", com, "how", "are", "you")
	if code != 0 {
		t.Fatalf("cpm: exit %d: %s", code, errs)
	}
	if got, want := strings.TrimSpace(out), m.Reply("HOW ARE YOU"); got != want {
		t.Errorf("cpm printed %q, want %q", got, want)
	}
	if !strings.Contains(errs, "T-states") || !strings.Contains(errs, "million T-states per second") {
		t.Errorf("no -stats figures: %s", errs)
	}
	if _, errs, code := runIn(t, "", "cpm", filepath.Join(t.TempDir(), "NONE.COM")); code != 1 || !strings.Contains(errs, "NONE.COM") {
		t.Errorf("missing file: exit %d, %q", code, errs)
	}
}

func TestInfoAndImport(t *testing.T) {
	_, path := cliModel(t)
	out, errs, code := runIn(t, "", "info", "-model", path)
	if code != 0 {
		t.Fatalf("info: exit %d: %s", code, errs)
	}
	for _, want := range []string{"shape:   [256 24 30]", "overflow analysis", "layer 2:"} {
		if !strings.Contains(out, want) {
			t.Errorf("info lacks %q:\n%s", want, out)
		}
	}
	ref := "../../../shared/reference/tinychat-model.npz"
	if _, err := os.Stat(ref); err != nil {
		t.Skip("reference model absent")
	}
	dst := filepath.Join(t.TempDir(), "tc.mulm")
	if out, errs, code := runIn(t, "", "import", "-npz", ref, "-o", dst); code != 0 || !strings.Contains(out, "[256 256 192 128 40]") {
		t.Fatalf("import: exit %d: %s%s", code, out, errs)
	}
	out, _, code = runIn(t, "", "chat", "-model", dst, "-q", "hello")
	if code != 0 || out != "HI\n" {
		t.Errorf("imported model answers %q, want HI", out)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nosuch"}, {"chat"}, {"info"}, {"import", "-npz", "x"}, {"cpm"}} {
		if _, errs, code := runIn(t, "", args...); code == 0 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// TestBuildEnginesAndPlatforms builds with every engine on every platform
// of the registry and checks the flag errors name the flag and the
// choices.
func TestBuildEnginesAndPlatforms(t *testing.T) {
	_, path := cliModel(t)
	for _, p := range z80ref.Platforms() {
		for _, k := range z80ref.Engines() {
			file := filepath.Join(t.TempDir(), "CHAT"+p.FileExt())
			out, errs, code := runIn(t, "", "build", "-model", path, "-o", file, "-engine", k.String(), "-platform", p.String())
			if code != 0 || !strings.Contains(out, k.String()+" engine") || !strings.Contains(out, p.Title()) {
				t.Fatalf("build -engine %s -platform %s: exit %d: %s%s", k, p, code, out, errs)
			}
			if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
				t.Fatalf("no %s written: %v", file, err)
			}
		}
	}
	for _, c := range []struct{ flag, value, want string }{
		{"-engine", "turbo", `-engine: z80ref: unknown engine "turbo" (want auto, fast, dense or compact)`},
		{"-platform", "vic20", `-platform: z80ref: unknown platform "vic20" (want cpm or zx48)`},
	} {
		_, errs, code := runIn(t, "", "build", "-model", path, "-o", filepath.Join(t.TempDir(), "X"), c.flag, c.value)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("build %s %s: exit %d, stderr %q, want %q", c.flag, c.value, code, errs, c.want)
		}
	}
}

// TestBuildMaxStartup checks that -max-startup reaches Auto, on a model
// near the fast engine's capacity (30 % non-zero weights on the original
// tinychat's shape), whose packed columns take INIT over the default
// budget to expand: by default the dense engine, saying why; with
// -max-startup -1 (none) the fast one, saying nothing of start-up.
func TestBuildMaxStartup(t *testing.T) {
	m := randmodel.Model(rand.New(rand.NewPCG(30, 31)), randmodel.Options{Hidden: []int{256, 192, 128}, Density: 0.30, MaxLen: 50})
	path := filepath.Join(t.TempDir(), "m.mulm")
	if err := infer.WriteFile(path, m); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ value, want string }{
		{"0", "dense engine: the fastest that fits and starts within the budget"},
		{"-1", "fast engine: the fastest that fits ("},
	} {
		out, errs, code := runIn(t, "", "build", "-model", path, "-o", filepath.Join(t.TempDir(), "CHAT.COM"), "-max-startup", c.value)
		if code != 0 || !strings.Contains(out, c.want) || (c.value == "-1" && strings.Contains(out, "start-up")) {
			t.Errorf("build -max-startup %s: exit %d, want %q in:\n%s%s", c.value, code, c.want, out, errs)
		}
	}
}

// TestBench checks that "mulm bench" measures every engine on every
// platform and says which model the original's published rows are on.
func TestBench(t *testing.T) {
	_, path := cliModel(t)
	out, errs, code := runIn(t, "", "bench", "-model", path)
	if code != 0 {
		t.Fatalf("bench: exit %d: %s", code, errs)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 {
			rows[f[0]+" "+f[1]] = f[2] != "-" // measured, not refused
		}
	}
	for _, p := range z80ref.Platforms() {
		for _, k := range z80ref.Engines() {
			if !rows[p.String()+" "+k.String()] {
				t.Errorf("bench has no measured row for %s on %s:\n%s", k, p, out)
			}
		}
	}
	if !strings.Contains(out, "original packed build (published, on the original tinychat)") {
		t.Errorf("the original's rows do not name their model:\n%s", out)
	}
	// Each published row on its platform, at that platform's clock.
	for _, o := range bench.Originals() {
		p, err := z80ref.ParsePlatform(o.Platform)
		if err != nil {
			t.Fatal(err)
		}
		mhz := strconv.FormatFloat(float64(p.ClockHz())/1e6, 'g', -1, 64)
		sec := o.SPerChar // published, or the T-states at the platform's clock
		if o.TPerChar > 0 {
			sec = float64(o.TPerChar) / float64(p.ClockHz())
		}
		want := fmt.Sprintf(`(?m)^%s +%s .* %.3f +- +%s +- *$`, o.Platform, regexp.QuoteMeta(o.Build), sec, regexp.QuoteMeta(mhz))
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("no %s row for %q at %.3f s/char, %s MHz:\n%s", o.Platform, o.Build, sec, mhz, out)
		}
	}
}

// TestBuildZX48 builds the Spectrum tape and runs it on the emulated 48K:
// it loads with LOAD "", answers as Reply does and returns to BASIC on "!".
func TestBuildZX48(t *testing.T) {
	m, path := cliModel(t)
	tapFile := filepath.Join(t.TempDir(), "CHAT.TAP")
	out, errs, code := runIn(t, "", "build", "-model", path, "-platform", "zx48", "-o", tapFile, "-map")
	if code != 0 || !strings.Contains(out, "ZX Spectrum 48K") || !strings.Contains(out, `LOAD ""`) || !strings.Contains(out, "stack") {
		t.Fatalf("build: exit %d: %s%s", code, out, errs)
	}
	data, err := os.ReadFile(tapFile)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := tap.Parse(data)
	if err != nil {
		t.Fatalf("%s: %v", tapFile, err)
	}
	files, err := tap.Files(blocks)
	if err != nil || len(files) != 2 {
		t.Fatalf("%s: %d files (%v), want the loader and the code", tapFile, len(files), err)
	}
	im, err := z80ref.Build(m, z80ref.BuildOptions{Platform: z80ref.ZX48})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(im.File, data) {
		t.Fatal("the written tape differs from Build's")
	}
	res, err := im.Chat("", strings.NewReader("hello\n!\n"))
	if errors.Is(err, z80ref.ErrNoROM) {
		t.Skipf("no Spectrum ROM: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := "> hello\n" + m.Reply("hello") + "\n> !\n"; res.Output != want {
		t.Errorf("the tape printed %q, want %q", res.Output, want)
	}
}

// TestWebAndServe checks "mulm web -o DIR" (which builds the WebAssembly
// module with the Go toolchain) and the flag errors of both commands.
func TestWebAndServe(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: mulm web builds the WebAssembly module")
	}
	dir := filepath.Join(t.TempDir(), "site")
	out, errs, code := runIn(t, "", "web", "-o", dir)
	if code != 0 {
		t.Fatalf("mulm web: exit %d: %s", code, errs)
	}
	for _, name := range []string{"index.html", "app.js", "style.css", "mulm.wasm", "wasm_exec.js"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(b) == 0 || !strings.Contains(out, name) {
			t.Errorf("%s: %v (output %q)", name, err, out)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "mulm.wasm")); !bytes.HasPrefix(b, []byte("\x00asm")) {
		t.Errorf("mulm.wasm is not WebAssembly: %.8q", b)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"web"}, "-o is required"},
		{[]string{"web", "-o", dir, "extra"}, "unexpected argument"},
		{[]string{"serve", "extra"}, "unexpected argument"},
		{[]string{"serve", "-addr", "256.0.0.1:99999"}, "256.0.0.1:99999"},
		{[]string{"serve", "-addr", "127.0.0.1:0", "-src", t.TempDir()}, "no mulm module found"},
	} {
		_, errs, code := runIn(t, "", c.args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want an error with %q", c.args, code, errs, c.want)
		}
	}
}

// TestWebChecksOutFirst: a -o that cannot be a directory is refused before
// the WebAssembly module is built (the empty -src would fail that build).
func TestWebChecksOutFirst(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, code := runIn(t, "", "web", "-o", filepath.Join(file, "site"), "-src", t.TempDir())
	if code != 1 || !strings.Contains(errs, "-o: ") || strings.Contains(errs, "no mulm module found") {
		t.Errorf("exit %d, %q; want the -o error", code, errs)
	}
}
