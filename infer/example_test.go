package infer_test

import (
	"bytes"
	"fmt"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
)

// A hand-made one-layer model that answers "Y" to queries that look like
// "yes" and nothing to others.
func Example() {
	w := make([]int8, 2*trigram.InputSize)
	// Output 0 ('Y') has weight +1 from the buckets of "yes".
	var q [trigram.Buckets]int16
	trigram.EncodeQuery(&q, "yes")
	for i, v := range q {
		if v != 0 {
			w[i] = 1
		}
	}
	// Output 1 (EOS) has weight +1 from the context buckets that a reply
	// "y" has and an empty reply does not.
	var empty, y [trigram.Buckets]int16
	trigram.EncodeContext(&empty, nil)
	trigram.EncodeContext(&y, []byte("y"))
	for i := range y {
		if y[i] > empty[i] {
			w[trigram.InputSize+trigram.Buckets+i] = 1
		}
	}
	layer := quant.Layer{In: trigram.InputSize, Out: 2, Shift: 2, W: w, Bias: []int16{0, 8}}
	m, err := infer.New([]byte{'Y', 0}, []quant.Layer{layer}, 10)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%q %q\n", m.Reply("YES"), m.Reply("no"))
	// Output: "Y" ""
}

// Models are saved and loaded in the .mulm format.
func ExampleLoad() {
	l := quant.Layer{In: 256, Out: 2, Shift: 2, W: make([]int8, 512), Bias: []int16{5, 0}}
	m, _ := infer.New([]byte{'!', 0}, []quant.Layer{l}, 3)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		panic(err)
	}
	m2, err := infer.Load(&buf)
	if err != nil {
		panic(err)
	}
	fmt.Println(m2.Sizes(), m2.Reply("anything"))
	// Output: [256 2] !!!
}

// Trace records what the model saw and computed at every step.
func ExampleModel_Trace() {
	l := quant.Layer{In: 256, Out: 2, Shift: 2, W: make([]int8, 512), Bias: []int16{-4, 9}}
	m, _ := infer.New([]byte{'A', 0}, []quant.Layer{l}, 5)
	tr := m.Trace("hi")
	st := tr.Steps[0]
	fmt.Println(len(tr.Steps), len(st.Input), st.Layers[0], st.Next == m.EOS())
	// Output: 1 256 [-1 2] true
}

func ExampleValidCharset() {
	fmt.Println(infer.ValidCharset([]byte("HI \x00")))
	fmt.Println(infer.ValidCharset([]byte("H\aI\x00")))
	fmt.Println(infer.ValidCharset([]byte("HIH\x00")))
	// Output:
	// <nil>
	// infer: charset entry 1 is byte 0x07, want printable ASCII (20h..7Eh)
	// infer: charset entry 2 'H' is a duplicate
}

// Every Go implementation of the contract answers as the dense reference.
func ExampleImplementations() {
	m, err := infer.ReadFile("../examples/tinychat/model.mulm")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Which implementations run depends on the build (GOEXPERIMENT=simd)
	// and the CPU; those that cannot run say why in Unavailable.
	ref := infer.Implementations()[0].Trace(m, "hello").Reply
	for _, impl := range infer.Implementations()[1:] {
		if impl.Unavailable == "" && impl.Trace(m, "hello").Reply != ref {
			fmt.Printf("%s differs\n", impl.Name)
		}
	}
	fmt.Printf("every available implementation answers %q\n", ref)
	// Output:
	// every available implementation answers "HI"
}
