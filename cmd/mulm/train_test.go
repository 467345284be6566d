package main

import (
	"bytes"
	pngpkg "image/png"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"mulm/infer"
)

const chatData = `# tiny chat
hello|HI
hi there|HI
are you a bot|YES
are you human|NO
how are you|OK
goodbye|BYE
see you later|BYE
x|REJECTED
no pipe
`

func writeTrainData(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runMulm(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestTrainEvalResume(t *testing.T) {
	data := writeTrainData(t, "chat.txt", chatData)
	dir := t.TempDir()
	model := filepath.Join(dir, "m.mulm")
	ckpt := filepath.Join(dir, "m.ckpt")
	out, errs, code := runMulm(t, "train", "-data", data, "-hidden", "32,32", "-epochs", "40", "-batch", "8",
		"-lr", "0.02", "-max-len", "8", "-o", model, "-checkpoint", ckpt)
	if code != 0 {
		t.Fatalf("train failed: %s\n%s", errs, out)
	}
	for _, want := range []string{"chat.txt:9: query shorter than 2", "chat.txt:10: no '|'"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "training exact-match 100.00%") {
		t.Fatalf("train output:\n%s", out)
	}
	m, err := infer.ReadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Reply("are you human"); got != "NO" {
		t.Fatalf("reply %q", got)
	}
	out, errs, code = runMulm(t, "eval", "-model", model, "-data", data)
	if code != 0 || !strings.Contains(out, "exact-match 100.00% (7 of 7 pairs), ceiling 100.00%") ||
		!strings.Contains(out, `"BYE"`) || !strings.Contains(out, "confusion") {
		t.Fatalf("eval (%d): %s\n%s", code, out, errs)
	}
	// The nearest-query yardstick: every training query is its own nearest.
	out, errs, code = runMulm(t, "eval", "-nearest", data, "-data", data, "-top", "0")
	if code != 0 || !strings.HasPrefix(out, "answers: the response of the nearest of 7 training queries in 128 query buckets (no model)\nexact-match 100.00% (7 of 7 pairs)") {
		t.Fatalf("eval -nearest (%d): %s\n%s", code, out, errs)
	}
	out, errs, code = runMulm(t, "eval", "-nearest", data, "-data", data, "-top", "0", "-buckets", "65536")
	if code != 0 || !strings.HasPrefix(out, "answers: the response of the nearest of 7 training queries in 65536 query buckets (no model)\nexact-match 100.00% (7 of 7 pairs)") {
		t.Fatalf("eval -nearest -buckets 65536 (%d): %s\n%s", code, out, errs)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-nearest", data, "-model", model, "-data", data}, "one of -model and -nearest"},
		{[]string{"-data", data}, "one of -model and -nearest"},
		{[]string{"-model", model, "-data", data, "-buckets", "256"}, "-buckets needs -nearest"},
		// Checked before the files are read: the missing file is not the error.
		{[]string{"-nearest", filepath.Join(dir, "missing.txt"), "-data", data, "-buckets", "100"}, "-buckets: eval: 100 buckets: the bucket count must be a power of two"},
	} {
		if _, errs, code := runMulm(t, append([]string{"eval"}, tc.args...)...); code == 0 || !strings.Contains(errs, tc.msg) {
			t.Errorf("eval %v: exit %d, stderr %q, want %q", tc.args, code, errs, tc.msg)
		}
	}
	// Resume from the float checkpoint (continues at epoch 41 of 42) and
	// fine-tune from the .mulm (a new run of 42 epochs).
	for _, tc := range []struct{ from, first, notFirst string }{{ckpt, "\nepoch 41: ", "\nepoch 1: "}, {model, "\nepoch 1: ", "\nepoch 43: "}} {
		out, errs, code = runMulm(t, "train", "-data", data, "-epochs", "42", "-max-len", "8", "-resume", tc.from,
			"-o", filepath.Join(dir, "r.mulm"))
		if code != 0 || !strings.Contains(out, "best:") || !strings.Contains(out, tc.first) || strings.Contains(out, tc.notFirst) ||
			!strings.Contains(out, "\nepoch 42: ") {
			t.Fatalf("resume from %s (%d): %s\n%s", tc.from, code, out, errs)
		}
	}
	_, errs, code = runMulm(t, "train", "-data", data, "-resume", ckpt, "-charset", "HIYESNOKB", "-epochs", "41", "-q")
	if code == 0 || !strings.Contains(errs, "differs from the charset") {
		t.Errorf("-charset other than the resumed model's accepted: %d %s", code, errs)
	}
	// Errors.
	if _, _, code := runMulm(t, "train"); code == 0 {
		t.Error("train without -data succeeded")
	}
	_, errs, code = runMulm(t, "train", "-data", data, "-charset", "HIYESNO", "-epochs", "1")
	if code == 0 || !strings.Contains(errs, "chat.txt:6") {
		t.Errorf("explicit charset error not reported with its line: %d %s", code, errs)
	}
}

func TestData(t *testing.T) {
	data := writeTrainData(t, "chat.txt", chatData+"hello|HELLO\n")
	out, _, code := runMulm(t, "data", "stats", "-data", data)
	if code != 0 || !strings.Contains(out, "pairs 8, distinct queries 7, classes 6") ||
		!strings.Contains(out, "ceiling (majority answer) 87.50%") {
		t.Fatalf("stats: %s", out)
	}
	bal := filepath.Join(t.TempDir(), "bal.txt")
	_, errs, code := runMulm(t, "data", "balance", "-data", data, "-target", "3", "-o", bal, "-seed", "2")
	if code != 0 {
		t.Fatalf("balance: %s", errs)
	}
	b, _ := os.ReadFile(bal)
	out, _, _ = runMulm(t, "data", "stats", "-data", bal)
	if !strings.Contains(out, "pairs 18,") || strings.Count(string(b), "|BYE\n") != 3 {
		t.Fatalf("balanced stats: %s\n%s", out, b)
	}
	if _, _, code := runMulm(t, "data", "nope"); code == 0 {
		t.Error("unknown data command accepted")
	}
}

// TestTrainInterrupt sends the process an interrupt (Ctrl+C), then SIGTERM,
// while training runs: mulm train must stop, say so, save the best model
// and the checkpoint, and exit 130.
func TestTrainInterrupt(t *testing.T) {
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) { testTrainSignal(t, sig) })
	}
}

func testTrainSignal(t *testing.T, sig os.Signal) {
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Skip(err)
	}
	// Keep the default handler from killing the test binary whatever
	// happens to mulm train's own handler.
	guard := make(chan os.Signal, 4)
	signal.Notify(guard, sig)
	defer signal.Stop(guard)
	data := writeTrainData(t, "chat.txt", chatData)
	dir := t.TempDir()
	model, ckpt := filepath.Join(dir, "m.mulm"), filepath.Join(dir, "m.ckpt")
	type result struct {
		out, errs string
		code      int
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := run([]string{"train", "-data", data, "-hidden", "16", "-epochs", "1000000", "-batch", "8",
			"-max-len", "8", "-o", model, "-checkpoint", ckpt, "-q"}, strings.NewReader(""), &out, &errb)
		done <- result{out.String(), errb.String(), code}
	}()
	// The model file appears after the first evaluation: training runs.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(model); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no model written within 20 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := self.Signal(sig); err != nil {
		t.Skip(err)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("mulm train did not stop within 20 s of the interrupt")
	}
	if r.code != 130 || !strings.Contains(r.errs, "interrupted; saving the best model") || !strings.Contains(r.out, "best: epoch") {
		t.Fatalf("interrupted train (%d): %s\n%s", r.code, r.out, r.errs)
	}
	if _, err := infer.ReadFile(model); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ckpt); err != nil {
		t.Errorf("no checkpoint saved: %v", err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 2 {
		t.Errorf("files left behind: %v", es)
	}
}

// TestTrainChecksFirst: bad outputs and settings are refused before the
// data is read (the data file here does not exist, so an error about it
// would mean the check came too late), naming the flag.
func TestTrainChecksFirst(t *testing.T) {
	dir := t.TempDir()
	noData := filepath.Join(dir, "missing.txt")
	many := strings.TrimSuffix(strings.Repeat("8,", 17), ",")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "/nonexistent/dir/m.mulm"}, "-o: cannot write /nonexistent/dir/m.mulm"},
		{[]string{"-o", dir}, "-o: " + dir + ": is a directory"},
		{[]string{"-checkpoint", dir}, "-checkpoint: " + dir + ": is a directory"},
		{[]string{"-checkpoint", "/nonexistent/c.ckpt"}, "-checkpoint: cannot write"},
		{[]string{"-o", filepath.Join(dir, "a"), "-checkpoint", filepath.Join(dir, "a")}, "same file"},
		{[]string{"-lr", "NaN"}, "LR (-lr) is NaN"},
		{[]string{"-lr", "-1"}, "LR (-lr) is -1, want a finite number ≥ 0"},
		{[]string{"-drop", "2"}, "InputDrop (-drop) is 2, want a number in [0, 1)"},
		{[]string{"-noise", "1.5"}, "Noise (-noise) is 1.5, want a finite number in [0, 1]"},
		{[]string{"-noise-stop", "-1"}, "NoiseStop (-noise-stop) is -1"},
		{[]string{"-min-exact", "99"}, "MinExact (-min-exact) is 99, want a finite number in [0, 1]"},
		{[]string{"-batch", "-3"}, "Batch (-batch) is -3"},
		{[]string{"-epochs", "-1"}, "Epochs (-epochs) is -1"},
		{[]string{"-hidden", many}, "Hidden (-hidden) has 17 layers, want at most 15"},
		{[]string{"-time", "-5s"}, "TimeLimit (-time) is -5s"},
		{[]string{"-val-frac", "1"}, "-val-frac is 1, want a fraction in [0, 1)"},
		{[]string{"-val-frac", "NaN"}, "-val-frac is NaN"},
		{[]string{"-min-exact", "0.9"}, "-min-exact needs -heldout or -val-frac"},
		// With a held-out set it is accepted: the run gets as far as the data.
		{[]string{"-min-exact", "0.9", "-val-frac", "0.1"}, "missing.txt"},
	} {
		args := append([]string{"train", "-data", noData, "-o", filepath.Join(dir, "m.mulm")}, c.args...)
		_, errs, code := runMulm(t, args...)
		if code != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", c.args, code, errs, c.want)
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("files left behind: %v", es)
	}
	if es, _ := os.ReadDir(filepath.Dir(dir)); len(es) != 1 {
		t.Errorf("files left next to the output directory: %v", es)
	}
}

// TestTrainTimeBoundsTheRun: with -time the whole command, reading and
// final evaluation included, ends in time (with a margin for a loaded
// machine), though the epochs are unlimited.
func TestTrainTimeBoundsTheRun(t *testing.T) {
	data := writeTrainData(t, "chat.txt", chatData)
	model := filepath.Join(t.TempDir(), "m.mulm")
	start := time.Now()
	out, errs, code := runMulm(t, "train", "-data", data, "-hidden", "32", "-batch", "8", "-max-len", "8",
		"-time", "1500ms", "-o", model)
	took := time.Since(start)
	if code != 0 || !strings.Contains(out, "best: epoch") || !strings.Contains(out, "read the data and prepared") {
		t.Fatalf("train (%d): %s\n%s", code, out, errs)
	}
	if took > 1500*time.Millisecond+time.Second {
		t.Fatalf("-time 1.5s took %v", took)
	}
}

// TestTrainPlot: -plot writes a PNG with the curves drawn.
func TestTrainPlot(t *testing.T) {
	data := writeTrainData(t, "chat.txt", chatData)
	dir := t.TempDir()
	png := filepath.Join(dir, "run.png")
	_, errs, code := runMulm(t, "train", "-data", data, "-hidden", "16", "-epochs", "5", "-batch", "8", "-max-len", "8",
		"-o", filepath.Join(dir, "m.mulm"), "-plot", png, "-q")
	if code != 0 {
		t.Fatalf("train: %s", errs)
	}
	f, err := os.Open(png)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := pngpkg.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// The line colours appear: the training exact-match (blue) and the
	// loss (green).
	found := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			found[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	if !found[[3]uint32{0x1f, 0x77, 0xb4}] || !found[[3]uint32{0x2c, 0xa0, 0x2c}] {
		t.Fatalf("the curves are not drawn (%d colours)", len(found))
	}
}
