package z80ref

import (
	"fmt"
	"io"
	"sync"

	"mulm/infer"
	"mulm/trigram"
	"mulm/z80ref/cpm"
)

// Engine runs a model's image on the platform's emulated machine one reply
// at a time, calling GENERATE directly (no user interface) and watching it
// through PC hooks. An Engine is immutable; every call uses a fresh
// machine, so it is safe for concurrent use.
type Engine struct {
	img  *Image
	spec *engineSpec
	plat *platformSpec

	// The memory after INIT (the engine's one-time start-up work, which
	// the fast engine spends expanding its weights), made once and copied
	// into every machine, and INIT's T-states.
	initOnce sync.Once
	initMem  *[65536]byte
	initT    uint64
	initErr  error
}

// NewEngine builds the CP/M image of m for the given engine kind (Auto:
// the fastest that fits, as Build chooses).
func NewEngine(m *infer.Model, kind EngineKind) (*Engine, error) {
	return NewEngineFor(m, kind, CPM)
}

// NewEngineFor builds the image of m for the given engine kind and
// platform.
func NewEngineFor(m *infer.Model, kind EngineKind, p Platform) (*Engine, error) {
	img, err := Build(m, BuildOptions{Kind: kind, Platform: p})
	if err != nil {
		return nil, err
	}
	return NewEngineFromImage(img), nil
}

// NewEngineFromImage returns an Engine running an already built image.
func NewEngineFromImage(img *Image) *Engine {
	return &Engine{img: img, spec: img.Kind.spec(), plat: img.Platform.spec()}
}

// Startup returns the T-states of the engine's one-time start-up work
// (INIT, which chat.asm calls before anything else): expanding the weights
// for the fast engine, writing the handlers for the dense one, copying the
// column walks to the run-time memory for the compact one.
func (e *Engine) Startup() (uint64, error) {
	e.init()
	return e.initT, e.initErr
}

// init runs INIT once on a fresh machine and keeps the memory it leaves.
func (e *Engine) init() {
	e.initOnce.Do(func() {
		m, err := e.plat.newMachine(e.img, nil)
		if err != nil {
			e.initErr = err
			return
		}
		m.CPU().SP = e.img.sym("STACK")
		e.initT, err = m.Call(e.img.sym("INIT"), 1_000_000_000)
		if err != nil {
			e.initErr = fmt.Errorf("z80ref: INIT: %w", err)
			return
		}
		mem := *m.Mem()
		e.initMem = &mem
	})
}

// Image returns the engine's image.
func (e *Engine) Image() *Image { return e.img }

// Stats are the T-states of one reply on the emulated Z80 (BDOS calls are
// free, as in package cpm).
type Stats struct {
	// Begin is the once-per-reply work: the query encoder and the query's
	// share of layer 1 (GENERATE's entry to the GENQ hook).
	Begin uint64
	// Steps holds the T-states of each generation step: from one STEP
	// call to the next, or to GENERATE's return for the last one. A step
	// that prints a character includes printing it and pushing it into
	// the context window; the final EOS step (if the reply ended by
	// itself) is included.
	Steps []uint64
	// Total is the whole GENERATE call, Begin and every step.
	Total uint64
}

// PerChar is the mean T-states of a generation step, (Total − Begin) /
// len(Steps), or 0 when there was no step.
func (s Stats) PerChar() uint64 {
	if len(s.Steps) == 0 {
		return 0
	}
	return (s.Total - s.Begin) / uint64(len(s.Steps))
}

// stepBudget bounds the T-states of one reply for model m (far above the
// worst case of every input and every weight non-zero), so that a runaway
// program fails instead of spinning.
func stepBudget(m *infer.Model) uint64 {
	var perStep uint64 = 200_000
	for _, l := range m.Layers() {
		perStep += uint64(l.In) * (200 + 200*uint64(l.Out))
	}
	return 2_000_000 + perStep*uint64(m.MaxLen()+1)*2
}

// newMachine returns a machine of the image's platform loaded with the
// image as INIT left it, SP at the image's own stack.
func (e *Engine) newMachine(out io.Writer) (machine, error) {
	e.init()
	if e.initErr != nil {
		return nil, e.initErr
	}
	m, err := e.plat.newMachine(e.img, out)
	if err != nil {
		return nil, err
	}
	*m.Mem() = *e.initMem
	m.CPU().SP = e.img.sym("STACK")
	return m, nil
}

// putQuery puts q, cut to trigram.MaxQueryLen bytes as the console buffer
// holds no more, in CONBUF as BDOS 10 leaves it and points HL at its
// length byte, as GENERATE and ENCQ take it.
func putQuery(m machine, im *Image, q string) {
	if len(q) > trigram.MaxQueryLen {
		q = q[:trigram.MaxQueryLen]
	}
	buf := im.sym("CONBUF") + 1
	m.Write(buf, byte(len(q)))
	for i := range len(q) {
		m.Write(buf+1+uint16(i), q[i])
	}
	m.CPU().HL.SetU16(buf)
}

// Trace answers query on the emulated Z80 and records every step as
// infer.Model.Trace does: the input vector (at STEPX), every layer's
// outputs (at STEPL), the argmax (at STEPA). Reply is the text GENERATE
// printed (on CPM through BDOS 2). The query is cut to trigram.MaxQueryLen bytes,
// as the console buffer holds no more.
func (e *Engine) Trace(query string) (infer.Trace, Stats, error) {
	tr := infer.Trace{Query: query}
	var st Stats
	m, err := e.newMachine(nil)
	if err != nil {
		return tr, st, err
	}
	img := e.img
	putQuery(m, img, query)

	var (
		t0, stepStart uint64
		cur           *infer.Step
		printed       []byte
		hookErr       error
	)
	fail := func(format string, args ...any) {
		if hookErr == nil {
			hookErr = fmt.Errorf("z80ref: "+format, args...)
		}
		m.Stop()
	}
	m.SetHook(img.sym("GENQ"), func() { st.Begin = m.TStates() - t0 })
	m.SetHook(img.sym("STEP"), func() {
		now := m.TStates()
		if cur != nil {
			st.Steps = append(st.Steps, now-stepStart)
		}
		stepStart = now
		tr.Steps = append(tr.Steps, infer.Step{Next: -1})
		cur = &tr.Steps[len(tr.Steps)-1]
	})
	m.SetHook(img.sym("STEPX"), func() {
		cur.Input = e.spec.input(m, img)
	})
	m.SetHook(img.sym("STEPL"), func() {
		li, y, err := e.spec.layerOut(m, img)
		if err != nil {
			fail("STEPL: the outputs of layer %d: %v", len(cur.Layers)+1, err)
			return
		}
		if li != len(cur.Layers) {
			fail("STEPL reported layer %d, want %d", li+1, len(cur.Layers)+1)
			return
		}
		cur.Layers = append(cur.Layers, y)
	})
	m.SetHook(img.sym("STEPA"), func() { cur.Next = int(m.CPU().AF.Hi) })
	m.SetHook(img.sym("PUTCH"), func() {
		c, err := putchChar(m)
		if err != nil {
			fail("%v", err)
			return
		}
		printed = append(printed, c)
	})
	t0 = m.TStates()
	total, err := m.Call(img.sym("GENERATE"), stepBudget(img.model))
	if hookErr != nil {
		return tr, st, hookErr
	}
	if err != nil {
		return tr, st, fmt.Errorf("z80ref: GENERATE for %q: %w", query, err)
	}
	if cur != nil {
		st.Steps = append(st.Steps, m.TStates()-stepStart)
	}
	st.Total = total
	tr.Reply = string(printed)
	return tr, st, nil
}

// Reply answers query on the emulated Z80 and returns the printed text.
func (e *Engine) Reply(query string) (string, Stats, error) {
	tr, st, err := e.Trace(query)
	return tr.Reply, st, err
}

// Machine returns a CP/M machine with the whole .COM loaded, ready to Run,
// for callers that want full control (hooks, budgets, raw output); it
// fails for an image of another platform. Run starts at 0100h and so
// calls INIT; a caller that calls the engine's routines directly must
// call INIT once first (the fast engine's weights are packed until then).
func (im *Image) Machine(opt cpm.Options) (*cpm.Machine, error) {
	if im.Platform != CPM {
		return nil, fmt.Errorf("z80ref: Image.Machine: a %s image, not CP/M", im.Platform)
	}
	return cpm.New(im.COM, opt)
}

// ChatResult is what a chat session printed and how long it took.
type ChatResult struct {
	// Output is everything the program printed, CR bytes dropped.
	Output string
	// Responses are the per-input records of the CP/M machine: the first
	// covers the start up to the first line read (or the command-tail
	// reply), each later one the work after one input line.
	Responses []cpm.Response
	// TStates is the total of the run.
	TStates uint64
	// Screen is what the screen shows at the end, one string a row (ZX48;
	// nil on CPM).
	Screen []string
}

// Chat runs the whole program on its platform's machine (on CPM the .COM
// in a CP/M machine): tail is the command tail ("" for none), input the
// console input, one query a line. It returns when the program ends or the
// input is exhausted (both are normal ends and return a nil error).
func (im *Image) Chat(tail string, input io.Reader) (ChatResult, error) {
	return im.Platform.spec().chat(im, tail, input)
}
