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
	if r.Replies != len(qs) || r.Steps != steps || r.Chars != chars {
		t.Fatalf("GoReply: %+v, want %d replies, %d steps, %d chars", r, len(qs), steps, chars)
	}
	// The steady state allocates nothing. testing.AllocsPerRun pins
	// GOMAXPROCS to 1: with two Ps the goroutine may move to the P whose
	// sync.Pool slot is empty between the warm-up and the measurement,
	// and the refill is one allocation that a 3-reply MemStats
	// difference (GoReply's Allocs) reports as 0.33 per reply.
	buf := make([]byte, 0, infer.MaxMaxLen)
	if n := testing.AllocsPerRun(20, func() {
		for _, q := range qs {
			buf = m.AppendReply(buf[:0], q)
		}
	}); n != 0 {
		t.Fatalf("AppendReply: %v allocations per round of %d replies, want 0", n, len(qs))
	}
	// GoReply's figure over many replies: a pool refill is at most a
	// fraction of an allocation per reply, one per reply means AppendReply
	// allocates.
	if r := bench.GoReply(m, qs, 5*time.Millisecond); r.Allocs >= 0.5 {
		t.Fatalf("GoReply: %v allocations per reply, want about 0", r.Allocs)
	}
	for _, impl := range infer.Implementations() {
		if impl.Unavailable != "" {
			t.Logf("%s unavailable: %s", impl.Name, impl.Unavailable)
			continue
		}
		r := bench.GoTrace(m, impl, qs, time.Millisecond)
		if r.Replies%len(qs) != 0 || r.Steps != steps*r.Replies/len(qs) || r.Chars != chars*r.Replies/len(qs) || r.Allocs < 1 {
			t.Fatalf("GoTrace(%s): %+v", impl.Name, r)
		}
	}
}

func ExampleQueries() {
	fmt.Println(bench.Queries()[:3])
	// Output: [hello hi how are you]
}
