package qat_test

import (
	"context"
	"fmt"
	"strings"

	"mulm/quant/qat"
	"mulm/quant/qat/dataset"
)

func Example() {
	data := `# a tiny chatbot
hello|HI
hi there|HI
are you a bot|YES
are you human|NO
goodbye|BYE
`
	set, err := dataset.Parse(strings.NewReader(data), "chat.txt", dataset.Options{})
	if err != nil {
		panic(err)
	}
	cfg := qat.Config{Hidden: []int{32, 32}, Epochs: 40, Batch: 8, LR: 0.02, Seed: 1, MaxLen: 8}
	tr, err := qat.NewTrainer(cfg, nil, dataset.DeriveCharset(set.Pairs), set.Pairs, nil)
	if err != nil {
		panic(err)
	}
	tr.Run(context.Background())
	model, m := tr.Best()
	fmt.Printf("exact-match %.0f%%\n", 100*m.Exact)
	fmt.Println(model.Reply("Are you a bot"))
	// Output:
	// exact-match 100%
	// YES
}
