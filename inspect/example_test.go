package inspect_test

import (
	"fmt"
	"os"

	"mulm/infer"
	"mulm/inspect"
	"mulm/quant"
)

// A one-neuron model that sums every query bucket with a bias near the
// int16 top: queries longer than 86 bytes wrap it. Layer 2 cannot wrap,
// whatever layer 1 outputs.
func ExampleCertify() {
	w := make([]int8, 256)
	for i := range 128 {
		w[i] = 1
	}
	l1 := quant.Layer{In: 256, Out: 1, Shift: 0, W: w, Bias: []int16{30000}}
	l2 := quant.Layer{In: 1, Out: 2, Shift: 2, W: []int8{1, -1}, Bias: []int16{0, 0}}
	m, err := infer.New([]byte("A\x00"), []quant.Layer{l1, l2}, 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := inspect.Certify(m, inspect.CertifyOptions{Bisect: true, Search: inspect.SearchOptions{Evals: 100}})
	if err != nil {
		fmt.Println(err)
		return
	}
	c.WriteText(os.Stdout)
	// Output:
	// layer 1: wrapping query found: neuron 0 reaches 38160 at step 0 of "!"×255 (255 bytes); its first 87 bytes wrap too; proved safe for queries up to 86 bytes
	// layer 2: proved safe: every accumulator in [-32767, 32767]
	// (100 queries searched)
}

func ExampleWeights() {
	l := quant.Layer{In: 256, Out: 2, Shift: 2, W: make([]int8, 512), Bias: []int16{0, 0}}
	l.W[0], l.W[1], l.W[2] = -2, -1, 1
	m, _ := infer.New([]byte("A\x00"), []quant.Layer{l}, 4)
	for _, s := range inspect.Weights(m) {
		fmt.Printf("%d→%d codes −2:%d −1:%d 0:%d +1:%d, %.2f%% non-zero\n", s.In, s.Out, s.Codes[0], s.Codes[1], s.Codes[2], s.Codes[3], 100*s.NonZero())
	}
	// Output: 256→2 codes −2:1 −1:1 0:509 +1:1, 0.59% non-zero
}
