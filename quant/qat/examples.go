package qat

import (
	"fmt"
	"math"
	"unsafe"

	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

// example is one distinct model input (a query and the last generated
// characters, as the encoder sees them) with the next characters the data
// asks for and how often.
type example struct {
	in, nin int32 // sparse input: idx[in:in+nin], val[in:in+nin]
	tg, ntg int32 // targets: tcls[tg:tg+ntg], tw[tg:tg+ntg]
	w       float32
}

// examples is the training set in the form the kernels read.
type examples struct {
	ex   []example
	idx  []int32
	val  []float32
	tcls []int32
	tw   []float32 // weight of each target (pair count × class weight)
	wsum float64
}

// buildExamples turns pairs into deduplicated (input → next character)
// examples. Identical inputs (the encoder folds case and keeps only the
// last 8 generated characters) merge and their targets add up. With
// balance > 0 every pair is weighted by (n_max/n_class)^balance, where
// n_class is the number of pairs with the pair's response.
func buildExamples(pairs []dataset.Pair, charset []byte, balance float64) (*examples, error) {
	idxOf := map[byte]int32{}
	for i, c := range charset[:len(charset)-1] {
		idxOf[c] = int32(i)
	}
	eos := int32(len(charset) - 1)
	classW := map[string]float64{}
	if balance > 0 {
		cls := dataset.Classes(pairs)
		for _, c := range cls {
			classW[c.Response] = pow(float64(cls[0].Count)/float64(c.Count), balance)
		}
	}
	type acc struct {
		t map[int32]float64
		x int
	}
	keys := map[string]int{}
	var list []acc
	var inputs [][]int16
	var x [trigram.InputSize]int16
	for _, p := range pairs {
		w := 1.0
		if balance > 0 {
			w = classW[p.Response]
		}
		for k := 0; k <= len(p.Response); k++ {
			next := eos
			if k < len(p.Response) {
				c, ok := idxOf[p.Response[k]]
				if !ok {
					return nil, fmt.Errorf("%s: %q is not in the charset", p.Pos(), p.Response[k])
				}
				next = c
			}
			trigram.Encode(&x, p.Query, []byte(p.Response[:k]))
			key := unsafe.String((*byte)(unsafe.Pointer(&x[0])), len(x)*2)
			j, ok := keys[key]
			if !ok {
				j = len(list)
				keys[string([]byte(key))] = j
				list = append(list, acc{t: map[int32]float64{}})
				inputs = append(inputs, append([]int16(nil), x[:]...))
			}
			list[j].t[next] += w
		}
	}
	e := &examples{}
	for j, a := range list {
		ex := example{in: int32(len(e.idx)), tg: int32(len(e.tcls))}
		for i, v := range inputs[j] {
			if v != 0 {
				e.idx = append(e.idx, int32(i))
				e.val = append(e.val, float32(v))
			}
		}
		ex.nin = int32(len(e.idx)) - ex.in
		for c := int32(0); c <= eos; c++ {
			if tw, ok := a.t[c]; ok {
				e.tcls = append(e.tcls, c)
				e.tw = append(e.tw, float32(tw))
				ex.w += float32(tw)
			}
		}
		ex.ntg = int32(len(e.tcls)) - ex.tg
		e.wsum += float64(ex.w)
		e.ex = append(e.ex, ex)
	}
	return e, nil
}

// pow is x^y as exp(y·log x); kept rather than math.Pow, whose last bit
// can differ, so that earlier -balance runs stay bit-for-bit reproducible.
func pow(x, y float64) float64 {
	if y == 1 {
		return x
	}
	return math.Exp(y * math.Log(x))
}
