package z80ref

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/bench"
	"mulm/infer"
	"mulm/infer/npz"
)

const tinychatPath = "../../shared/reference/tinychat-model.npz"

// benchQueries are the queries the T-state figures are measured on.
var benchQueries = bench.Queries()

// ownTinychatPath is our own tinychat model (examples/tinychat).
const ownTinychatPath = "../examples/tinychat/model.mulm"

func TestTinychat(t *testing.T) {
	if _, err := os.Stat(tinychatPath); err != nil {
		t.Skip("reference model absent:", err)
	}
	m, err := npz.ReadFile(tinychatPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Engines() {
		t.Run(k.String(), func(t *testing.T) { testTinychat(t, m, k) })
	}
}

// TestOwnTinychat runs our own tinychat model (skipped when it has not
// been trained yet).
func TestOwnTinychat(t *testing.T) {
	m, err := infer.ReadFile(ownTinychatPath)
	if err != nil {
		t.Skip("own tinychat model absent:", err)
	}
	for _, k := range Engines() {
		t.Run(k.String(), func(t *testing.T) { testTinychat(t, m, k) })
	}
}

// testTinychat checks every step of the benchmark queries and the chat
// transcript, and the size and speed targets: .COM at most 40,960 bytes,
// the median per character below the original packed build's 27.6 million
// T-states (compact) or at most 0.5 million (fast).
func testTinychat(t *testing.T, m *infer.Model, k EngineKind) {
	e, err := NewEngine(m, k)
	var te *MemoryError
	if k == Fast && errors.As(err, &te) {
		// The index lists need about one byte per non-zero weight: a
		// tinychat-shaped model must have at most about 32 % of its
		// weights non-zero (the original's has 27 %).
		t.Skipf("the model does not fit the fast engine: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	im := e.Image()
	startup, err := e.Startup()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf(".COM %d bytes, start-up %d T-states\n%s", len(im.COM), startup, im.Map)
	if k == Fast {
		if b, _ := Build(m, BuildOptions{}); b == nil || b.Kind != Fast {
			t.Errorf("Build with default options does not choose the fast engine")
		}
	}
	if len(im.COM) > 40960 {
		t.Errorf(".COM is %d bytes, want at most 40960", len(im.COM))
	}
	var per []uint64
	for _, q := range benchQueries {
		got, st, err := e.Trace(q)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(m.DenseTrace(q), got); d != "" {
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
	if k == Fast && med > 500_000 {
		t.Errorf("median %d T-states per character, want at most 500,000", med)
	}
}
