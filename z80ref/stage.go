package z80ref

import (
	"fmt"

	"mulm/trigram"
)

// The stage API: each stage of the engine run alone on the emulated Z80,
// so that tests can compare the query encoder, the context encoder and
// every layer with mulm/trigram and mulm/infer one at a time.
//
// Every call runs on a fresh CP/M machine loaded with the memory INIT
// left (as Trace does), so an Engine stays safe for concurrent use and no
// call sees what an earlier one left in the buffers. The T-states returned
// are those of the engine's own routines for the stage (see each method);
// the setup the driver does by writing memory is free.

// stageErr names the engine and the stage in err.
func (e *Engine) stageErr(stage string, err error) error {
	return fmt.Errorf("z80ref: %s engine, %s: %w", e.img.Kind, stage, err)
}

// callRoutine calls the routine at label on m with the given T-state
// budget and checks that it returned with the stack pointer it was given
// (the fast engine borrows SP). Its errors name the routine.
func callRoutine(m machine, im *Image, label string, budget uint64) (uint64, error) {
	sp := m.CPU().SP
	t, err := m.Call(im.sym(label), budget)
	if err != nil {
		return t, fmt.Errorf("%s: %w", label, err)
	}
	if got := m.CPU().SP; got != sp {
		return t, fmt.Errorf("%s left SP at %04Xh, want %04Xh", label, got, sp)
	}
	return t, nil
}

// stageBudget bounds one stage's T-states (far above any real cost).
const stageBudget = 50_000_000

// EncodeQuery runs the query encoder ENCQ alone: q, cut to
// trigram.MaxQueryLen bytes as the console buffer holds no more, is put in
// the console buffer (CONBUF) as BDOS 10 would leave it, ENCQ is called
// with HL at its length byte, and the 128 query buckets it writes (the
// words XV[0..127]) are returned with ENCQ's T-states. The result must
// equal trigram.EncodeQuery's.
func (e *Engine) EncodeQuery(q string) ([]int16, uint64, error) {
	const stage = "EncodeQuery"
	m, err := e.newMachine(nil)
	if err != nil {
		return nil, 0, e.stageErr(stage, err)
	}
	im := e.img
	putQuery(m, im, q)
	t, err := callRoutine(m, im, "ENCQ", stageBudget)
	if err != nil {
		return nil, t, e.stageErr(stage, err)
	}
	y := make([]int16, trigram.Buckets)
	for i := range y {
		y[i] = int16(m.ReadWord(im.sym("XV") + uint16(2*i)))
	}
	return y, t, nil
}

// EncodeContext runs the context encoder ENCCTX alone for a reply whose
// text so far is recent: the context window WIN starts as 8 spaces (as
// BEGIN leaves it) and the last trigram.ContextLen bytes of recent are
// pushed into it one at a time with PUSHW (which lower-cases them), as
// GENERATE does after printing each character; then ENCCTX is called and
// the 128 context buckets are read back as the STEPX hook reads them
// (the compact engine's XV[128..255]; the fast engine's 21 n-gram buckets
// NGR, each adding trigram.Weight). The T-states are ENCCTX's alone, not
// PUSHW's. The result must equal trigram.EncodeContext's.
func (e *Engine) EncodeContext(recent []byte) ([]int16, uint64, error) {
	const stage = "EncodeContext"
	m, err := e.newMachine(nil)
	if err != nil {
		return nil, 0, e.stageErr(stage, err)
	}
	im := e.img
	win := im.sym("WIN")
	for i := range trigram.ContextLen {
		m.Write(win+uint16(i), ' ')
	}
	if len(recent) > trigram.ContextLen {
		recent = recent[len(recent)-trigram.ContextLen:]
	}
	for _, c := range recent {
		m.CPU().AF.Hi = c
		if _, err := callRoutine(m, im, "PUSHW", stageBudget); err != nil {
			return nil, 0, e.stageErr(stage, err)
		}
	}
	t, err := callRoutine(m, im, "ENCCTX", stageBudget)
	if err != nil {
		return nil, t, e.stageErr(stage, err)
	}
	return e.spec.input(m, im)[trigram.Buckets:], t, nil
}

// Layer runs layer li (0-based) of the engine's model alone on the input
// vector x, which must have as many entries as the layer has inputs and
// may hold any int16 values (negative ones and values of 256 and more
// too, although a real reply only feeds bucket counts and ReLU outputs).
// It returns the layer's outputs — after the shift and, for a hidden
// layer, ReLU — and the T-states of the engine's routines that computed
// them. The outputs must equal infer.DenseLayer's.
//
// Each engine runs the layer through the entry points a reply's STEP
// calls. The compact engine: x is written to the layer's input vector (XV
// for layer 0, A0/A1 for the others); a layer after the first is LAYER on
// its descriptor, layer 0 is split as a reply splits it: BEGIN (bias and
// the query share x[0..127], into Q1), then L1CTX (Q1 plus the context
// share x[128..255], FINISH).
//
// The list engines (fast, dense): the activation list of x — an entry
// (block or column address, value) for every non-zero x[i], ascending i,
// ending with the 0000h mark just below ACTTOP — is written into ACT. For
// a layer after the first, ACTLIST points at it and LAYER is called on the
// descriptor (reset image, WALK, FINISH). Layer 0: x[0..127] are written
// to the query buckets XV and BEGIN is called (biases, QACT's list of the
// non-zero query inputs, WALK, copied to Q1); then the list of the
// non-zero x[128..255] is written (where CTXACT writes the context list,
// with any values instead of multiples of 32), ACTSP points at it and
// L1LIST is called, as STEP calls it after CTXACT (ACC = Q1, WALK,
// FINISH). Both calls go through the entry points L1GQ and L1GC, which
// are BEGIN and L1LIST except in the dense engine, whose STEP runs layer 1
// pre-shifted (see L1LIST in lists.asm): there L1GQ is BEGIN without Q1
// and L1GC is WALK, FINISH. The T-states are the sum of the entry points'. A hidden layer's outputs are read back
// from the activation list FINISH builds for the next layer (an output
// missing from it is 0), the last layer's from LOGITS.
func (e *Engine) Layer(li int, x []int16) ([]int16, uint64, error) {
	stage := fmt.Sprintf("Layer(%d)", li)
	sizes := e.img.model.Sizes()
	if li < 0 || li >= len(sizes)-1 {
		return nil, 0, e.stageErr(stage, fmt.Errorf("the model has %d layers", len(sizes)-1))
	}
	if len(x) != sizes[li] {
		return nil, 0, e.stageErr(stage, fmt.Errorf("%d inputs, the layer takes %d", len(x), sizes[li]))
	}
	m, err := e.newMachine(nil)
	if err != nil {
		return nil, 0, e.stageErr(stage, err)
	}
	y, t, err := e.spec.layer(m, e.img, li, x)
	if err != nil {
		return nil, t, e.stageErr(stage, err)
	}
	if len(y) != sizes[li+1] {
		return nil, t, e.stageErr(stage, fmt.Errorf("read %d outputs, the layer has %d", len(y), sizes[li+1]))
	}
	return y, t, nil
}

// layerBudget bounds the T-states of one layer of nin inputs and nout
// outputs run alone.
func layerBudget(nin, nout int) uint64 {
	return 2_000_000 + uint64(nin)*(200+200*uint64(nout))
}

// compactLayer is the compact engine's engineSpec.layer: x into the
// descriptor's input vector, LAYER, the outputs from its output vector.
func compactLayer(m machine, im *Image, li int, x []int16) ([]int16, uint64, error) {
	d := im.sym("LAYERS") + uint16(li)*im.sym("LDSIZE")
	din := m.ReadWord(d + descOff(im, &compactDesc, "DIN"))
	for i, v := range x {
		m.WriteWord(din+uint16(2*i), uint16(v))
	}
	nout := int(m.Read(d + descOff(im, &compactDesc, "NOUT")))
	if nout == 0 {
		nout = 256
	}
	budget := layerBudget(len(x), nout)
	var t uint64
	if li > 0 {
		m.CPU().HL.SetU16(d)
		n, err := callRoutine(m, im, "LAYER", budget)
		if t += n; err != nil {
			return nil, t, err
		}
	} else {
		// As a reply's steps split layer 1: BEGIN's query share, then
		// L1CTX's context share (STEP's call).
		for _, label := range []string{"BEGIN", "L1CTX"} {
			n, err := callRoutine(m, im, label, budget)
			if t += n; err != nil {
				return nil, t, err
			}
		}
	}
	got, y, _ := compactLayerOut(m, im)
	if got != li {
		return nil, t, fmt.Errorf("CURD names layer %d after the layer ran", got)
	}
	return y, t, nil
}

// fastWriteList writes the activation list of the inputs x[from:to] of
// layer li (0-based): one entry (block address of input i, x[i]) for each
// non-zero x[i], ascending i, followed by the 0000h end mark just below
// ACTTOP, as QACT, CTXACT and FINISH leave their lists. It returns the
// list's address.
func fastWriteList(m machine, im *Image, li int, x []int16, from, to int) uint16 {
	blocks := fastBlocks(m, im, li)
	n := 0
	for i := from; i < to; i++ {
		if x[i] != 0 {
			n++
		}
	}
	top := im.sym("ACTTOP")
	at := top - 2 - uint16(4*n)
	list := at
	for i := from; i < to; i++ {
		if x[i] == 0 {
			continue
		}
		m.WriteWord(at, blocks[i])
		m.WriteWord(at+2, uint16(x[i]))
		at += 4
	}
	m.WriteWord(at, 0)
	return list
}

// fastLayer is the fast engine's engineSpec.layer (see Engine.Layer).
func fastLayer(m machine, im *Image, li int, x []int16) ([]int16, uint64, error) {
	d := readFastDesc(m, im, li)
	budget := layerBudget(d.nin, d.nout)
	var total uint64
	call := func(label string) error {
		t, err := callRoutine(m, im, label, budget)
		total += t
		return err
	}
	m.Write(im.sym("CURL"), byte(li))
	if li > 0 {
		m.WriteWord(im.sym("ACTLIST"), fastWriteList(m, im, li, x, 0, d.nin))
		m.CPU().HL.SetU16(d.addr)
		if err := call("LAYER"); err != nil {
			return nil, total, err
		}
	} else {
		// L1GQ and L1GC run layer 1 on any input: BEGIN and L1LIST,
		// unless the engine pre-shifts STEP's layer 1 (the dense engine;
		// see L1LIST in lists.asm).
		xv := im.sym("XV")
		for i := range trigram.Buckets {
			m.WriteWord(xv+uint16(2*i), uint16(x[i]))
		}
		if err := call("L1GQ"); err != nil {
			return nil, total, err
		}
		m.WriteWord(im.sym("ACTSP"), fastWriteList(m, im, 0, x, trigram.Buckets, trigram.InputSize))
		if err := call("L1GC"); err != nil {
			return nil, total, err
		}
	}
	got, y, err := fastLayerOut(m, im)
	if err != nil {
		return nil, total, fmt.Errorf("cannot read the outputs: %w", err)
	}
	if got != li {
		return nil, total, fmt.Errorf("CURL names layer %d after the layer ran", got)
	}
	return y, total, nil
}
