package z80ref

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer/npz"
)

const tinychatPath = "../../shared/reference/tinychat-model.npz"

// benchQueries are the queries the T-state figure is measured on.
var benchQueries = []string{
	"hello", "are you a robot", "what is your name", "how are you", "hi",
	"who made you", "do you like music", "tell me a joke", "goodbye", "what can you do",
}

func TestTinychat(t *testing.T) {
	if _, err := os.Stat(tinychatPath); err != nil {
		t.Skip("reference model absent:", err)
	}
	m, err := npz.ReadFile(tinychatPath)
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(m, Compact)
	if err != nil {
		t.Fatal(err)
	}
	im := e.Image()
	t.Logf(".COM %d bytes\n%s", len(im.COM), im.Map)
	if len(im.COM) > 40960 {
		t.Errorf(".COM is %d bytes, want at most 40960", len(im.COM))
	}
	var per []uint64
	for _, q := range benchQueries {
		got, st, err := e.Trace(q)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(m.Trace(q), got); d != "" {
			t.Fatalf("query %q (-want +got):\n%s", q, d)
		}
		per = append(per, st.PerChar())
		t.Logf("%-20q -> %-40q begin %8d  per char %9d  total %10d", q, got.Reply, st.Begin, st.PerChar(), st.Total)
	}
	// The whole .COM in the CP/M machine answers as Reply does.
	res, err := im.Chat("", strings.NewReader(strings.Join(benchQueries, "\n")+"\n!\n"))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, q := range benchQueries {
		want.WriteString("> " + q + "\n" + m.Reply(q) + "\n")
	}
	want.WriteString("> !\n")
	if res.Output != want.String() {
		t.Fatalf("chat output\n%s\nwant\n%s", res.Output, want.String())
	}
	slices.Sort(per)
	med := per[len(per)/2]
	t.Logf("median T-states per generated character: %d (%.3f s at 4 MHz)", med, float64(med)/4e6)
	if med > 27_600_000 {
		t.Errorf("median %d T-states per character, the original packed build needs 27.6 million", med)
	}
}
