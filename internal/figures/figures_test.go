package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mulm/z80ref"
)

// TestDocsMatchCode fails when a document's exact figure differs from
// what the code gives now, naming the document line, the document's value
// and the code's. go run ./internal/figures -w rewrites the documents.
func TestDocsMatchCode(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the drift check runs every engine on the documents' models (go test ./internal/figures runs it)")
	}
	e := newEnv("../..")
	d := &docs{root: "../.."}
	for _, f := range figures() {
		if f.Kind != Exact {
			continue
		}
		t.Run(f.Doc+"/"+f.Pattern, func(t *testing.T) {
			o := check(e, d, f)
			if errors.Is(o.err, errAbsent) {
				t.Skipf("%v", o.err)
			}
			if o.err != nil {
				t.Fatal(o.err)
			}
			for _, p := range o.drifted() {
				t.Errorf("%s:%d: {%s} is %s in the document, but the code gives %s (%s); "+
					"go run ./internal/figures -w rewrites it", p.Doc, p.Line, p.Slot, p.Text, o.values[p.Slot], f.Command)
			}
		})
	}
}

// TestFiguresHaveCommands checks that every figure names its command and
// that every slot is either computed or manual with its command.
func TestFiguresHaveCommands(t *testing.T) {
	for _, f := range figures() {
		if f.Command == "" || f.Compute == nil {
			t.Errorf("%s: %q has no command or no Compute", f.Doc, f.Pattern)
		}
		if _, _, err := compile(f.Pattern); err != nil {
			t.Errorf("%s: %v", f.Doc, err)
		}
		for s, how := range f.Manual {
			if how == "" || !strings.Contains(f.Pattern, "{"+s+"}") {
				t.Errorf("%s: manual slot {%s} of %q: no command, or not in the pattern", f.Doc, s, f.Pattern)
			}
		}
	}
}

// TestCheckAndRewrite plants drifted figures in a scratch document (a
// Markdown table line and a wrapped Go comment) and checks that the
// drift is reported with its line and that -w rewrites exactly the
// drifted numbers.
func TestCheckAndRewrite(t *testing.T) {
	root := t.TempDir()
	doc := "x/doc.go"
	text := "// Package x.\n//\n// A step costs about 1.50 million T-states (median\n// over 20 queries) and the .COM is 38,149\n// bytes.\npackage x\n\n| a | 7 | 8 |\n"
	if err := os.MkdirAll(filepath.Join(root, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, doc), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	figs := []Figure{
		{Doc: doc, Pattern: "about {mt} million T-states (median over {n} queries) and the .COM is {bytes} bytes.",
			Command: "test", Compute: func(*env) (map[string]string, error) {
				return map[string]string{"mt": "1.67", "n": "20", "bytes": "38,152"}, nil
			}},
		{Doc: doc, Pattern: "| a | {x} | {y} |", Command: "test",
			Compute: func(*env) (map[string]string, error) { return map[string]string{"x": "7"}, nil },
			Manual:  map[string]string{"y": "by hand"}},
	}
	e, d := newEnv(root), &docs{root: root}
	o := check(e, d, figs[0])
	if o.err != nil {
		t.Fatal(o.err)
	}
	drift := o.drifted()
	if len(drift) != 2 || drift[0].Slot != "mt" || drift[0].Line != 3 || drift[0].Text != "1.50" ||
		drift[1].Slot != "bytes" || drift[1].Line != 4 || drift[1].Text != "38,149" {
		t.Fatalf("drift %+v", drift)
	}
	if o := check(e, d, figs[1]); o.err != nil || len(o.drifted()) != 0 {
		t.Fatalf("table: %v %+v", o.err, o.drifted())
	}
	if err := d.rewrite(doc, drift, o.values); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, doc))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(strings.Replace(text, "1.50", "1.67", 1), "38,149", "38,152", 1)
	if string(got) != want {
		t.Fatalf("rewritten:\n%s\nwant:\n%s", got, want)
	}
	// A pattern that is not there, or there twice, is an error naming
	// the document.
	if _, err := find(doc, text, "costs {x} euros"); err == nil || !strings.Contains(err.Error(), doc) {
		t.Errorf("missing pattern: %v", err)
	}
	if _, err := find(doc, "| 1 |\n| 2 |\n", "| {x} |"); err == nil || !strings.Contains(err.Error(), "2 times") {
		t.Errorf("ambiguous pattern: %v", err)
	}
	// An {addr…} slot matches a Z80 address, a number slot does not.
	if ps, err := find(doc, "loads from 7A76h on\n", "loads from {addrorg} on"); err != nil || len(ps) != 1 || ps[0].Text != "7A76h" {
		t.Errorf("address slot: %+v, %v", ps, err)
	}
	if _, err := find(doc, "loads from 7A76h on\n", "loads from {org} on"); err == nil {
		t.Error("a number slot matched 7A76h")
	}
	// A slot that is neither computed nor manual is an error.
	bad := figs[1]
	bad.Manual = nil
	if o := check(e, d, bad); o.err == nil {
		t.Error("a slot neither computed nor manual passed")
	}
}

// TestREADMETranscript checks the README's transcript of
// "go run ./examples/tinychat": every reply is what the example answers.
func TestREADMETranscript(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start = "$ go run ./examples/tinychat\n"
	text := string(b)
	i := strings.Index(text, start)
	if i < 0 {
		t.Fatalf("README.md has no %q transcript", strings.TrimSpace(start))
	}
	block := text[i+len(start):]
	block = block[:strings.Index(block, "```")]
	lines := strings.Split(strings.TrimRight(block, "\n"), "\n")
	e := newEnv("../..")
	m, err := e.model("tinychat")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for k := 1; k+1 < len(lines); k++ {
		q, ok := strings.CutPrefix(lines[k], "> ")
		if !ok || q == "!" {
			continue
		}
		if got := m.Reply(q); got != lines[k+1] {
			t.Errorf("README.md: the tinychat transcript shows %q answered %q; the example answers %q", q, lines[k+1], got)
		}
		n++
	}
	if n < 5 {
		t.Fatalf("only %d queries in the README's tinychat transcript", n)
	}
}

// TestREADMENamesRegistry checks the README's lists of engines and
// platforms against the registry (z80ref.Engines, z80ref.Platforms), so
// that a new engine or platform cannot leave them behind.
func TestREADMENamesRegistry(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	var engines, platforms []string
	for _, k := range z80ref.Engines() {
		engines = append(engines, k.String())
	}
	for _, p := range z80ref.Platforms() {
		platforms = append(platforms, p.String())
	}
	and := strings.Join(engines[:len(engines)-1], ", ") + " and " + engines[len(engines)-1]
	for _, want := range []string{
		"[-engine auto|" + strings.Join(engines, "|") + "]",
		"[-platform " + strings.Join(platforms, "|") + "]",
		"(the engines of `z80ref.Engines`: " + and + ")",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("README.md does not say %q (the registry's names, in its order)", want)
		}
	}
}
