package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInspectWritesPicturesAndPage(t *testing.T) {
	m, path := cliModel(t)
	dir := filepath.Join(t.TempDir(), "out")
	data := filepath.Join(t.TempDir(), "d.txt")
	// A query whose reply survives the data format (no surrounding spaces).
	q, reply := "", ""
	for _, c := range []string{"hello", "hi", "a", "b", "c", "x", "yes", "no", "what", "zzz", "q", "1"} {
		if r := m.Reply(c); r != "" && r == strings.TrimSpace(r) && !strings.Contains(r, "|") && r != "ZZZZ" {
			q, reply = c, r
			break
		}
	}
	if q == "" {
		t.Fatal("no usable reply from the test model")
	}
	if err := os.WriteFile(data, []byte(q+"|"+reply+"\nbye|ZZZZ\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs, code := runIn(t, "", "inspect", "-model", path, "-data", data, "-o", dir, "-sensitivity")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The unperturbed model answers one of the two pairs.
	if !strings.Contains(out, "unperturbed 50.00%") || !strings.Contains(out, "1 in 64") {
		t.Errorf("sensitivity table:\n%s", out)
	}
	page, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"weights.png", "activity.png", "acc-layer1.png", "acc-layer2.png", "query-inputs.png"} {
		r, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(r)
		r.Close()
		if err != nil || cfg.Width < 100 {
			t.Errorf("%s: %v, %+v", f, err, cfg)
		}
		if !strings.Contains(string(page), `src="`+f+`"`) {
			t.Errorf("index.html does not show %s", f)
		}
	}
	if !strings.Contains(string(page), "Quantization sensitivity") {
		t.Error("index.html lacks the sensitivity table")
	}
	if _, errs, code := runIn(t, "", "inspect", "-model", path, "-o", dir, "-sensitivity"); code != 1 || !strings.Contains(errs, "-sensitivity needs -data") {
		t.Errorf("-sensitivity without data: exit %d, %q", code, errs)
	}
}

func TestProbeAndCertify(t *testing.T) {
	m, path := cliModel(t)
	want := m.Reply("hello")
	dict := filepath.Join(t.TempDir(), "words")
	os.WriteFile(dict, []byte("apple\nhello\nHello\nzebra\n"), 0o644)
	out, errs, code := runIn(t, "", "probe", "-model", path, "-want", want, "-dict", dict, "-len", "3", "-beam", "4")
	if code != 0 {
		t.Fatalf("probe: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, `"hello"`) || !strings.Contains(out, "bucket space:") || !strings.Contains(out, "of 9 tried") {
		t.Errorf("probe output:\n%s", out)
	}
	for _, c := range []struct{ args, msg string }{
		{"probe -model " + path + " -want \x01 -dict " + dict, "outside the model's charset"},
		{"probe -model " + path + " -want A -len 0", "-len 0, want 1..255"},
		{"probe -model " + path + " -want A -beam 0", "-beam 0, want at least 1"},
		{"probe -model " + path + " -want A extra", "unexpected argument"},
		{"inspect -model " + path + " -o " + t.TempDir() + " -n 0", "-n 0, want at least 1"},
		{"info -model " + path + " -evals -1", "-evals -1, want at least 0"},
	} {
		if _, errs, code := runIn(t, "", strings.Fields(c.args)...); code != 1 || !strings.Contains(errs, c.msg) {
			t.Errorf("%s: exit %d, %q, want %q", c.args, code, errs, c.msg)
		}
	}

	out, errs, code = runIn(t, "", "info", "-model", path, "-certify", "-evals", "50")
	if code != 0 {
		t.Fatalf("info -certify: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "overflow certificate") || !strings.Contains(out, "layer 1: proved safe") {
		t.Errorf("info -certify:\n%s", out)
	}
	if _, err := os.Stat(path + ".cert.json"); err != nil {
		t.Fatal(err)
	}
	out, _, code = runIn(t, "", "info", "-model", path)
	if code != 0 || !strings.Contains(out, "stored in "+path+".cert.json") {
		t.Errorf("info does not read the stored certificate:\n%s", out)
	}

	// A sidecar that cannot be written is refused before the minutes of
	// work: here it is a directory.
	blocked := filepath.Join(t.TempDir(), "m.mulm")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(blocked, data, 0o644)
	os.Mkdir(blocked+".cert.json", 0o755)
	out, errs, code = runIn(t, "", "info", "-model", blocked, "-certify")
	if code != 1 || !strings.Contains(errs, "-certify: ") || strings.Contains(out, "shape:") {
		t.Errorf("info -certify with an unwritable sidecar: exit %d, %q, output %q", code, errs, out)
	}
}
