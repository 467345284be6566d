package quant_test

import (
	"fmt"

	"mulm/quant"
)

func ExamplePack() {
	packed, _ := quant.Pack([]int8{-2, -1, 0, 1, 1}, 1, 5)
	fmt.Printf("% x\n", packed)
	// Output: e4 ab
}

func ExampleQuantizeWeights() {
	q, scale := quant.QuantizeWeights([]float32{0.9, -0.2, 0.05, -1.8, 0.4})
	fmt.Println(q, scale)
	// Output: [1 0 0 -1 0] 1.62
}

func ExampleAnalyzeOverflow() {
	w := make([]int8, 256)
	w[0] = 1 // one query bucket
	l := quant.Layer{In: 256, Out: 1, Shift: 2, W: w, Bias: []int16{100}}
	rep := quant.AnalyzeOverflow([]quant.Layer{l}, quant.TrigramInputs())
	fmt.Println(rep.Layers[0].Neurons[0], rep.CanWrap())
	// Output: {100 8260 false} false
}
