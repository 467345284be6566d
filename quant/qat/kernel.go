package qat

import (
	"math"
)

// accLimit is where the overflow penalty starts: a margin below the int16
// range so that the integer model keeps its accumulators inside it.
const accLimit = 30000

// hyper are the per-step settings of the kernels.
type hyper struct {
	invT      float32 // 1/temperature of the softmax over integer logits
	smooth    float32 // label smoothing
	penalty   float32 // overflow penalty weight
	floorBlnd float32 // how much of the floor of the shift is applied (0..1)
	drop      float32 // probability of dropping each query bucket (training only)
	dropSeed  uint64  // with the example index, seeds the dropout mask
	noise     float32 // probability of perturbing an example's query (training only)
	noiseSeed uint64  // with the example's pair, seeds the perturbation (one per epoch)
}

// worker holds one goroutine's scratch space and gradient accumulators.
type worker struct {
	net    *Net
	eff    *effective
	acc    [][]float32 // pre-shift accumulators per layer
	act    [][]float32 // outputs per layer (after the shift, floor and ReLU)
	nz     [][]int32   // nonzero inputs of layer l (l ≥ 1): indices into act[l-1]
	dy     [][]float32 // gradient w.r.t. act[l]
	prob   []float32
	buf    inputBuf // the current example's decoded input
	query  []byte   // scratch for a perturbed query
	inIdx  []int32  // owned buffers for layer-1 inputs after dropout
	inVal  []float32
	curIdx []int32 // the current example's layer-1 inputs
	curVal []float32
	g      []float32 // flat gradient, laid out as Net.p
	gWT    [][]float32
	gB     [][]float32
	loss   float64 // weighted cross-entropy (+ penalty)
	wsum   float64
	right  float64 // weighted count of targets that are the argmax
	over   int     // accumulators beyond accLimit in the float pass
	ce     float32 // the last example's cross-entropy per unit weight
}

func newWorker(n *Net, e *effective) *worker {
	w := &worker{net: n, eff: e, g: make([]float32, len(n.p))}
	w.gWT, w.gB = views(n.Sizes, w.g)
	for l := 0; l+1 < len(n.Sizes); l++ {
		out := n.Sizes[l+1]
		w.acc = append(w.acc, make([]float32, out))
		w.act = append(w.act, make([]float32, out))
		w.dy = append(w.dy, make([]float32, out))
		w.nz = append(w.nz, make([]int32, 0, n.Sizes[l]))
	}
	w.prob = make([]float32, n.Sizes[len(n.Sizes)-1])
	return w
}

func (w *worker) reset() {
	clear(w.g)
	w.loss, w.wsum, w.right, w.over = 0, 0, 0, 0
}

// forward runs the float mirror of the integer pipeline on one example
// and returns the logits. Inputs of layer 1 are the sparse trigram counts
// (multiples of 32); each layer computes acc = b + Σ w·x with the
// effective weights, y = acc/4 minus floorBlnd times its fractional part
// (floor when fully quantized), and ReLU on hidden layers.
func (w *worker) forward(ex *examples, e *example, h *hyper) []float32 {
	eff := w.eff
	L := len(eff.WT)
	idx, val := w.inputs(ex, e, h)
	for l := 0; l < L; l++ {
		out := len(eff.B[l])
		acc := w.acc[l]
		copy(acc, eff.B[l])
		wt := eff.WT[l]
		if l == 0 {
			for k, i := range idx {
				axpy(acc, wt[int(i)*out:int(i)*out+out], val[k])
			}
		} else {
			x := w.act[l-1]
			for _, i := range w.nz[l] {
				axpy(acc, wt[int(i)*out:int(i)*out+out], x[i])
			}
		}
		y := w.act[l]
		fb := h.floorBlnd
		for o, a := range acc {
			v := a * (1.0 / (1 << Shift))
			if fb != 0 {
				v -= fb * (v - float32(math.Floor(float64(v))))
			}
			y[o] = v
		}
		if l+1 < L {
			nz := w.nz[l+1][:0]
			for o, v := range y {
				if v > 0 {
					nz = append(nz, int32(o))
				} else {
					y[o] = 0
				}
			}
			w.nz[l+1] = nz
		}
	}
	return w.act[L-1]
}

// step runs forward and backward for one example, adding its gradient,
// loss and accuracy to the worker's totals.
func (w *worker) step(ex *examples, e *example, h *hyper) {
	z := w.forward(ex, e, h)
	eff := w.eff
	L := len(eff.WT)
	C := len(z)
	// Softmax at temperature T over the integer-unit logits.
	mx := z[0]
	arg := 0
	for i, v := range z {
		if v > mx {
			mx, arg = v, i
		}
	}
	var sum float32
	for i, v := range z {
		p := float32(math.Exp(float64((v - mx) * h.invT)))
		w.prob[i] = p
		sum += p
	}
	inv := 1 / sum
	for i := range w.prob {
		w.prob[i] *= inv
	}
	// Targets: counts, smoothed.
	dy := w.dy[L-1]
	tw := float64(e.w)
	sm := h.smooth
	for i := range dy {
		dy[i] = w.prob[i] * e.w
	}
	var loss float64
	for k := e.tg; k < e.tg+int32(e.ntg); k++ {
		c, cw := ex.tcls[k], ex.tw[k]
		dy[c] -= cw * (1 - sm)
		loss -= float64(cw) * float64(1-sm) * math.Log(float64(max(w.prob[c], 1e-30)))
		if int(c) == arg {
			w.right += float64(cw)
		}
	}
	w.ce = float32(loss / max(tw, 1e-30))
	if sm != 0 {
		u := e.w * sm / float32(C)
		for i := range dy {
			dy[i] -= u
			loss -= float64(u) * math.Log(float64(max(w.prob[i], 1e-30)))
		}
	}
	for i := range dy {
		dy[i] *= h.invT
	}
	w.loss += loss
	w.wsum += tw
	// Backward, layer by layer.
	for l := L - 1; l >= 0; l-- {
		out := len(eff.B[l])
		dacc := w.dy[l] // reused in place: dy/dacc of the shift is 1/4 (STE)
		acc := w.acc[l]
		pen := h.penalty * e.w
		for o := range dacc {
			d := dacc[o] * (1.0 / (1 << Shift))
			if a := acc[o]; a > accLimit || a < -accLimit {
				w.over++
				ex := (abs32(a) - accLimit) / accLimit
				if a > 0 {
					d += pen * 2 * ex / accLimit
				} else {
					d -= pen * 2 * ex / accLimit
				}
				w.loss += float64(pen * ex * ex)
			}
			dacc[o] = d
		}
		gb := w.gB[l]
		for o, d := range dacc {
			gb[o] += d
		}
		gwt := w.gWT[l]
		wt := eff.WT[l]
		if l == 0 {
			idx, val := w.curIdx, w.curVal
			for k, i := range idx {
				axpy(gwt[int(i)*out:int(i)*out+out], dacc, val[k])
			}
			continue
		}
		x := w.act[l-1]
		dprev := w.dy[l-1]
		clear(dprev)
		for _, i := range w.nz[l] {
			row := int(i) * out
			axpy(gwt[row:row+out], dacc, x[i])
			dprev[i] = dot(wt[row:row+out], dacc)
		}
	}
}

// inputs returns the example's sparse layer-1 inputs, with its query
// perturbed when h.noise > 0 (with that probability, drawn from noiseSeed
// and the example's pair, so that every step of a pair sees the same
// perturbed query in an epoch) and query buckets dropped at random when
// h.drop > 0 (the mask depends only on dropSeed and the example, never on
// the worker). The result stays valid until the next call.
func (w *worker) inputs(ex *examples, e *example, h *hyper) ([]int32, []float32) {
	var idx []int32
	var val []float32
	if z := noiseWord(h, e); z != 0 {
		w.query = perturb(w.query, ex.pairs[e.pair].Query, z)
		idx, val = ex.inputAs(&w.buf, e, string(w.query))
	} else {
		idx, val = ex.input(&w.buf, e)
	}
	if h.drop > 0 {
		x := h.dropSeed ^ uint64(e.in)*0x9e3779b97f4a7c15
		w.inIdx, w.inVal = w.inIdx[:0], w.inVal[:0]
		thr := uint64(float64(h.drop) * (1 << 32))
		for k, i := range idx {
			if z := splitmix(&x); i < 128 && z>>32 < thr {
				continue
			}
			w.inIdx = append(w.inIdx, i)
			w.inVal = append(w.inVal, val[k])
		}
		idx, val = w.inIdx, w.inVal
	}
	w.curIdx, w.curVal = idx, val
	return idx, val
}

// noiseWord returns the seed word of the perturbation of example e's
// query in this epoch, or 0 when it is left alone.
func noiseWord(h *hyper, e *example) uint64 {
	if h.noise <= 0 || e.pair < 0 {
		return 0
	}
	s := h.noiseSeed ^ uint64(e.pair)*0xd1b54a32d192ed03
	if splitmix(&s)>>32 >= uint64(float64(h.noise)*(1<<32)) {
		return 0
	}
	return splitmix(&s) | 1
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
