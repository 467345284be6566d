package eval_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"mulm/eval"
	"mulm/infer"
	"mulm/quant"
	"mulm/quant/qat/dataset"
)

// aModel answers every query with "AAA": one layer of zero weights whose
// biases make 'A' win, generation limit 3.
func aModel(t testing.TB) *infer.Model {
	l := quant.Layer{In: 256, Out: 2, Shift: 2, W: make([]int8, 512), Bias: []int16{100, 0}}
	m, err := infer.New([]byte{'A', 0}, []quant.Layer{l}, 3)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEvaluate(t *testing.T) {
	pairs := []dataset.Pair{
		{Query: "HELLO", Response: "AAA"}, {Query: "HI", Response: "AAA"},
		{Query: "HELLO", Response: "BYE"}, {Query: "WHO", Response: "BYE"}, {Query: "X Y", Response: "NO"},
	}
	r := eval.Evaluate(aModel(t), pairs, 2)
	// HELLO's majority is a tie (AAA, BYE): one of its two pairs can match;
	// HI, WHO and X Y one each: ceiling 4/5.
	if r.Pairs != 5 || r.Matched != 2 || r.ExactMatch() != 0.4 || r.Ceiling != 0.8 {
		t.Fatalf("report %+v", r)
	}
	if c := r.PerClass["AAA"]; c != (eval.ClassReport{Pairs: 2, Matched: 2}) {
		t.Errorf("class AAA %+v", c)
	}
	if c := r.PerClass["BYE"]; c != (eval.ClassReport{Pairs: 2, Matched: 0}) {
		t.Errorf("class BYE %+v", c)
	}
	if r.Confusion["BYE"]["AAA"] != 2 || r.Confusion["NO"]["AAA"] != 1 || len(r.Confusion["BYE"]) != 1 {
		t.Errorf("confusion %v", r.Confusion)
	}
	if got := eval.Replies(aModel(t), pairs, 1); len(got) != 4 || got["WHO"] != "AAA" {
		t.Errorf("replies %v", got)
	}
}

func TestEvaluateContext(t *testing.T) {
	var pairs []dataset.Pair
	for i := range 5000 {
		pairs = append(pairs, dataset.Pair{Query: fmt.Sprintf("Q%d", i), Response: "AAA"})
	}
	// The replies wait for the first progress report, so that the work
	// cannot end before a tick (which would leave nothing to check).
	calls := 0
	reported := make(chan struct{})
	timeout, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	r, err := eval.EvaluateContext(context.Background(), waitFor{aModel(t), reported, timeout}, pairs, eval.Options{Workers: 2,
		Interval: time.Nanosecond, Progress: func(done, total int) {
			if total != 5000 || done > total {
				t.Errorf("progress %d of %d", done, total)
			}
			if calls == 0 {
				close(reported)
			}
			calls++
		}})
	if err != nil || r.Matched != 5000 {
		t.Fatalf("%v %+v", err, r)
	}
	if calls == 0 {
		t.Error("no progress reported")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := eval.EvaluateContext(ctx, aModel(t), pairs, eval.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled evaluation: %v", err)
	}
}

// waitFor is a Responder that answers once ready is closed (or after 10 s,
// so that a progress report that never comes fails the test, not hangs it).
type waitFor struct {
	eval.Responder
	ready   chan struct{}
	timeout context.Context
}

func (w waitFor) AppendReply(dst []byte, q string) []byte {
	select {
	case <-w.ready:
	case <-w.timeout.Done():
	}
	return w.Responder.AppendReply(dst, q)
}
