package qat

import (
	"fmt"
	"math"

	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

// example is one distinct model input (a query and the last generated
// characters, as the encoder sees them) with the next characters the data
// asks for and how often. The input is not stored: it is encoded again
// from the pair that first gave it (the response's first k characters
// generated), which keeps a training set of millions of examples in a few
// bytes each.
type example struct {
	pair int32  // index into examples.pairs; −1: the input is idx/val[in:in+nin]
	in   int32  // running count of inputs before this example (seeds the dropout mask)
	nin  uint16 // non-zero inputs
	k    uint8  // characters of the response already generated
	ntg  uint8  // targets: tcls[tg:tg+ntg], tw[tg:tg+ntg]
	tg   int32
	w    float32
}

// examples is the training set in the form the kernels read.
type examples struct {
	ex    []example
	pairs []dataset.Pair
	// idx and val hold the inputs of examples with pair −1 (tests build
	// such sets by hand).
	idx  []int32
	val  []float32
	tcls []uint8
	tw   []float32 // weight of each target (pair count × class weight)
	wsum float64
}

// inputBuf is the scratch space for decoding one example's input.
type inputBuf struct {
	x   [trigram.InputSize]int16
	idx []int32
	val []float32
}

// encode writes example e's dense input vector into x.
func (s *examples) encode(x *[trigram.InputSize]int16, e *example) {
	if e.pair < 0 {
		*x = [trigram.InputSize]int16{}
		for k := e.in; k < e.in+int32(e.nin); k++ {
			x[s.idx[k]] = int16(s.val[k])
		}
		return
	}
	s.encodeAs(x, e, s.pairs[e.pair].Query)
}

// encodeAs writes into x the input of example e (whose pair is not −1)
// with its pair's query replaced by q.
func (s *examples) encodeAs(x *[trigram.InputSize]int16, e *example, q string) {
	p := &s.pairs[e.pair]
	var recent [trigram.ContextLen]byte
	k := int(e.k)
	n := copy(recent[:], p.Response[max(0, k-trigram.ContextLen):k])
	trigram.Encode(x, q, recent[:n])
}

// input returns example e's sparse input (indices increasing), valid until
// the next call with b.
func (s *examples) input(b *inputBuf, e *example) ([]int32, []float32) {
	if e.pair < 0 {
		return s.idx[e.in : e.in+int32(e.nin)], s.val[e.in : e.in+int32(e.nin)]
	}
	s.encode(&b.x, e)
	return b.sparse()
}

// inputAs is input with the query of e's pair (not −1) replaced by q.
func (s *examples) inputAs(b *inputBuf, e *example, q string) ([]int32, []float32) {
	s.encodeAs(&b.x, e, q)
	return b.sparse()
}

// sparse returns the non-zero entries of b.x, in b.idx and b.val.
func (b *inputBuf) sparse() ([]int32, []float32) {
	b.idx, b.val = b.idx[:0], b.val[:0]
	for i, v := range b.x {
		if v != 0 {
			b.idx = append(b.idx, int32(i))
			b.val = append(b.val, float32(v))
		}
	}
	return b.idx, b.val
}

// maxSteps bounds the (query, response prefix) steps the trainer takes
// on. A 50 MB file of 2.7 M tinychat-like pairs makes 13.5 M steps and
// peaks at 1.6 GB (pairs, examples and the deduplication index, garbage
// collector included), about 120 bytes a step: 15 M steps stay under 2 GB.
const maxSteps = 15_000_000

// buildExamples turns pairs into deduplicated (input → next character)
// examples. Identical inputs (the encoder folds case and keeps only the
// last 8 generated characters) merge and their targets add up; inputs are
// told apart by a 128-bit hash of their non-zero entries. With balance > 0
// every pair is weighted by (n_max/n_class)^balance, where n_class is the
// number of pairs with the pair's response.
// check, when not nil, is called every few thousand pairs with the number
// done; an error from it stops the build.
func buildExamples(pairs []dataset.Pair, charset []byte, balance float64, check func(done int) error) (*examples, error) {
	steps := 0
	for _, p := range pairs {
		steps += len(p.Response) + 1
	}
	if steps > maxSteps {
		return nil, fmt.Errorf("qat: the data has %d pairs making %d training steps (query and response prefix); the trainer takes at most %d (within 2 GB of memory): use fewer or shorter pairs (mulm data balance -target)",
			len(pairs), steps, maxSteps)
	}
	var idxOf [256]int16
	for i := range idxOf {
		idxOf[i] = -1
	}
	for i, c := range charset[:len(charset)-1] {
		idxOf[c] = int16(i)
	}
	eos := int32(len(charset) - 1)
	classW := map[string]float64{}
	if balance > 0 {
		cls := dataset.Classes(pairs)
		for _, c := range cls {
			classW[c.Response] = pow(float64(cls[0].Count)/float64(c.Count), balance)
		}
	}
	// While building, each example's first target is kept inline and the
	// targets of examples with several in a map.
	type target struct {
		cls int32
		w   float64
	}
	var first []target
	more := map[int32]map[int32]float64{}
	index := map[[2]uint64]int32{}
	e := &examples{pairs: pairs}
	var x [trigram.InputSize]int16
	var in int32
	for pi := range pairs {
		if check != nil && pi%4096 == 0 {
			if err := check(pi); err != nil {
				return nil, err
			}
		}
		p := &pairs[pi]
		if len(p.Response) > math.MaxUint8 {
			return nil, fmt.Errorf("%s: response of %d characters, at most %d", p.Pos(), len(p.Response), math.MaxUint8)
		}
		w := 1.0
		if balance > 0 {
			w = classW[p.Response]
		}
		for k := 0; k <= len(p.Response); k++ {
			next := eos
			if k < len(p.Response) {
				c := idxOf[p.Response[k]]
				if c < 0 {
					return nil, fmt.Errorf("%s: %q is not in the charset", p.Pos(), p.Response[k])
				}
				next = int32(c)
			}
			ex := example{pair: int32(pi), k: uint8(k)}
			e.encode(&x, &ex)
			h, nin := hashInput(&x)
			j, ok := index[h]
			if !ok {
				j = int32(len(e.ex))
				index[h] = j
				ex.in, ex.nin = in, uint16(nin)
				in += int32(nin)
				e.ex = append(e.ex, ex)
				first = append(first, target{next, w})
				continue
			}
			if f := &first[j]; f.cls == next && more[j] == nil {
				f.w += w
				continue
			}
			m := more[j]
			if m == nil {
				m = map[int32]float64{first[j].cls: first[j].w}
				more[j] = m
			}
			m[next] += w
		}
	}
	for j := range e.ex {
		ex := &e.ex[j]
		ex.tg = int32(len(e.tcls))
		add := func(c int32, tw float64) {
			e.tcls = append(e.tcls, uint8(c))
			e.tw = append(e.tw, float32(tw))
			ex.w += float32(tw)
		}
		if m := more[int32(j)]; m != nil {
			for c := int32(0); c <= eos; c++ {
				if tw, ok := m[c]; ok {
					add(c, tw)
				}
			}
		} else {
			add(first[j].cls, first[j].w)
		}
		ex.ntg = uint8(int32(len(e.tcls)) - ex.tg)
		e.wsum += float64(ex.w)
	}
	return e, nil
}

// hashInput returns a 128-bit hash of the non-zero entries of x (two
// independent 64-bit hashes; a collision among even 10^8 inputs has a
// probability below 10^-22) and how many there are.
func hashInput(x *[trigram.InputSize]int16) ([2]uint64, int) {
	h1 := uint64(14695981039346656037) // FNV-1a over (index, value)
	h2 := uint64(0x9e3779b97f4a7c15)   // multiply-xorshift over the same
	n := 0
	for i, v := range x {
		if v == 0 {
			continue
		}
		n++
		word := uint64(i)<<16 | uint64(uint16(v))
		for s := 0; s < 24; s += 8 {
			h1 ^= word >> s & 0xff
			h1 *= 1099511628211
		}
		h2 ^= word
		h2 *= 0xbf58476d1ce4e5b9
		h2 ^= h2 >> 31
	}
	return [2]uint64{h1, h2}, n
}

// pow is x^y as exp(y·log x); kept rather than math.Pow, whose last bit
// can differ, so that earlier -balance runs stay bit-for-bit reproducible.
func pow(x, y float64) float64 {
	if y == 1 {
		return x
	}
	return math.Exp(y * math.Log(x))
}
