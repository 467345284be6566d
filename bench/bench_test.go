package bench_test

import (
	"fmt"
	"testing"
	"time"

	"mulm/bench"
	"mulm/infer"
)

func TestQueries(t *testing.T) {
	q := bench.Queries()
	if len(q) != 20 {
		t.Fatalf("%d queries", len(q))
	}
	q[0] = "changed"
	if bench.Queries()[0] == "changed" {
		t.Fatal("Queries returns the package's own slice")
	}
}

// TestGo checks the counts of a measurement against the traces.
func TestGo(t *testing.T) {
	m, err := infer.ReadFile("../examples/guess/model.mulm")
	if err != nil {
		t.Fatal(err)
	}
	qs := bench.Queries()[:3]
	steps, chars := 0, 0
	for _, q := range qs {
		tr := m.DenseTrace(q)
		steps += len(tr.Steps)
		chars += len(tr.Reply)
	}
	r := bench.GoReply(m, qs, 0)
	if r.Replies != len(qs) || r.Steps != steps || r.Chars != chars || r.Allocs != 0 {
		t.Fatalf("GoReply: %+v, want %d replies, %d steps, %d chars, no allocations", r, len(qs), steps, chars)
	}
	for _, impl := range infer.Implementations() {
		if impl.Unavailable != "" {
			t.Logf("%s unavailable: %s", impl.Name, impl.Unavailable)
			continue
		}
		r := bench.GoTrace(m, impl, qs, time.Millisecond)
		if r.Replies%len(qs) != 0 || r.Steps != steps*r.Replies/len(qs) || r.Chars != chars*r.Replies/len(qs) {
			t.Fatalf("GoTrace(%s): %+v", impl.Name, r)
		}
	}
}

func ExampleQueries() {
	fmt.Println(bench.Queries()[:3])
	// Output: [hello hi how are you]
}
