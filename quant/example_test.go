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

// Two copies of one neuron, added and subtracted: intervals see two
// independent inputs in [0, 2040] and flag a possible wrap near a large
// bias; the symbolic bounds see that they cancel.
func ExampleAnalyzeSymbolic() {
	w := make([]int8, 2*256)
	for i := range 128 {
		w[i], w[256+i] = 1, 1 // both neurons sum the query buckets
	}
	l1 := quant.Layer{In: 256, Out: 2, Shift: 2, W: w, Bias: []int16{0, 0}}
	l2 := quant.Layer{In: 2, Out: 1, Shift: 2, W: []int8{1, -1}, Bias: []int16{32000}}
	layers := []quant.Layer{l1, l2}
	iv := quant.AnalyzeOverflow(layers, quant.TrigramInputs())
	sym := quant.AnalyzeSymbolic(layers, quant.ModelDomain([]byte("A\x00"), 255))
	fmt.Println("intervals:", iv.Layers[1].Neurons[0])
	fmt.Println("symbolic: ", sym.Layers[1].Neurons[0])
	// Output:
	// intervals: {29960 34040 true}
	// symbolic:  {32000 32000 false}
}
