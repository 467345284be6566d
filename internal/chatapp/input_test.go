package chatapp

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"mulm/internal/randmodel"
)

// TestRunInput: -h exits 0 with a usage; a stdin line of any length is
// read and the chat goes on; words after the flags are the query, in Go
// and on the Z80 alike.
func TestRunInput(t *testing.T) {
	m := randmodel.Model(rand.New(rand.NewPCG(5, 6)), randmodel.Options{Hidden: []int{16}, MaxLen: 6})
	model, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	runApp := func(stdin string, args ...string) (string, string, int) {
		var out, errOut bytes.Buffer
		code := Run("app", model, "intro", args, strings.NewReader(stdin), &out, &errOut)
		return out.String(), errOut.String(), code
	}
	if _, errs, code := runApp("", "-h"); code != 0 || !strings.Contains(errs, "usage: app") {
		t.Errorf("-h: exit %d, %q", code, errs)
	}
	out, errs, code := runApp(strings.Repeat("y", 70_000) + "\nhello\n!\n")
	lines := strings.Split(out, "\n")
	n := 70_000/254 + 1 // lines the long one is read as, then "hello"
	if code != 0 || len(lines) < n+2 || lines[n+1] != "> "+m.Reply("hello") {
		t.Errorf("long line: exit %d, %d lines: %s", code, len(lines), errs)
	}
	for _, z80 := range []bool{false, true} {
		args := []string{"is", "it", "alive"}
		if z80 {
			args = append([]string{"-z80"}, args...)
		}
		out, errs, code := runApp("", args...)
		if r, _, _ := strings.Cut(out, "   ["); code != 0 || r != m.Reply("is it alive") && r != m.Reply("is it alive")+"\n" {
			t.Errorf("z80=%v words: exit %d, %q %s", z80, code, out, errs)
		}
	}
	if _, _, code := runApp("", "-q", "x", "y"); code != 2 {
		t.Errorf("-q and words: exit %d", code)
	}
}
