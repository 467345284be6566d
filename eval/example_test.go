package eval_test

import (
	"fmt"

	"mulm/eval"
	"mulm/infer"
	"mulm/quant"
	"mulm/quant/qat/dataset"
)

func ExampleEvaluate() {
	// A model that answers "AAA" to everything.
	l := quant.Layer{In: 256, Out: 2, Shift: 2, W: make([]int8, 512), Bias: []int16{100, 0}}
	m, _ := infer.New([]byte{'A', 0}, []quant.Layer{l}, 3)
	r := eval.Evaluate(m, []dataset.Pair{{Query: "HI", Response: "AAA"}, {Query: "BYE", Response: "B"}}, 0)
	fmt.Printf("exact-match %.0f%% of %d pairs\n", 100*r.ExactMatch(), r.Pairs)
	// Output: exact-match 50% of 2 pairs
}

func ExampleNearest() {
	train := []dataset.Pair{
		{Query: "hello there", Response: "HI"},
		{Query: "see you later", Response: "BYE"},
	}
	n := eval.NewNearest(train)
	fmt.Println(n.Reply("well hello"), n.Reply("later then"))
	r := eval.Evaluate(n, []dataset.Pair{{Query: "hello you", Response: "HI"}, {Query: "hello friend", Response: "BYE"}}, 0)
	fmt.Printf("exact-match %.0f%% of %d pairs\n", 100*r.ExactMatch(), r.Pairs)
	// Output:
	// HI BYE
	// exact-match 50% of 2 pairs
}
