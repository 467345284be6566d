package z80ref

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
)

// TestDenseSizes checks the handler sizes the planner assumes against the
// assembled templates, and that the plan's handlers do not overlap.
func TestDenseSizes(t *testing.T) {
	m := randomModel(t, rand.New(rand.NewPCG(3, 4)), []int{64}, 5, 5, 0.7)
	im, err := Build(m, BuildOptions{Kind: Dense})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"HTLEN": denseHTLen, "HSTLEN": denseHSTLen, "HTILEN": denseHTILen, "HTNLEN": denseHTNLen, "HTELEN": denseHTELen} {
		if got := int(im.Symbols[name]); got != want {
			t.Errorf("%s = %d in dense.asm, the planner assumes %d", name, got, want)
		}
	}
	p := planDense(m, target{origin: 0x100, memEnd: 0xE400, code: 0x600, stack: 128})
	used := make([]bool, p.size)
	for tv, s := range p.code {
		a := p.page[tv]*256 + tv
		for k := a; k < a+p.handlerLen(int(s)); k++ {
			if used[k] {
				t.Fatalf("handler %d overlaps another at %d", tv, k)
			}
			used[k] = true
		}
	}
}

// TestDenseTight builds dense models whose memory is short of a copy of
// NEXT and carry stubs in every handler, so that the plan mixes handlers
// with and without them, and checks every stage of their replies against
// the Go reference.
func TestDenseTight(t *testing.T) {
	for _, n := range []int{64, 100} {
		m := randomModel(t, rand.New(rand.NewPCG(1, 2)), []int{256, 192, 128}, n, 20, 0.73)
		im, err := Build(m, BuildOptions{Kind: Dense})
		if err != nil {
			t.Fatal(err)
		}
		// The plan the build made: its target as buildKind derives it.
		ps := CPM.spec()
		sh, err := engineShape(Dense, ps, newTarget(ps, 0, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		p := planDense(m, newTarget(ps, sh.code, sh.stack, 0))
		for _, bm := range []struct {
			name string
			set  *[256]bool
		}{{"HINL", &p.inline}, {"HSTB", &p.stub}} {
			at := int(im.Symbols[bm.name]) - im.Org
			if got, want := im.COM[at:at+32], handlerBits(&p.code, bm.set); !slices.Equal(got, want) {
				t.Fatalf("%d outputs: %s in the image % x, the plan here % x", n, bm.name, got, want)
			}
		}
		var kinds [2][2]int // [inline][stub] counts over the byte values with weights
		for s := 1; s < 256; s++ {
			kinds[b2i(p.inline[s])][b2i(p.stub[s])]++
		}
		t.Logf("%d outputs: handlers by (copy of NEXT, stubs): %v", n, kinds)
		mixedStub := kinds[0][1]+kinds[1][1] > 0 && kinds[0][0]+kinds[1][0] > 0
		mixedNext := kinds[1][0]+kinds[1][1] > 0 && kinds[0][0]+kinds[0][1] > 0
		if !mixedStub && !mixedNext {
			t.Fatalf("%d outputs: the plan is not mixed: %v", n, kinds)
		}
		checkRepliesKind(t, fmt.Sprintf("dense, %d outputs", n), m, replyQueries[:3], Dense)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestDensePreShift checks STEP's pre-shifted layer 1 (L1PRE; L1LIST and
// FINISH1 in lists.asm) at every shift, with layer-1 biases over the whole
// 16-bit range, so that the sums wrap and the outputs reach the top bits
// FINISH1 keeps, against the Go reference; shifts 0 and 6 take the plain
// path.
func TestDensePreShift(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	// The last: biases just above -32768 and no query share, so that
	// many sums wrap below it (the context's weights are negative more
	// often than not; bit 15-m of ACC is then the sign of y, the bits
	// above it not), after runs of negative outputs that reach every one
	// of FINISH1's unrolled bit tests.
	for k, shift := range []uint8{0, 1, 2, 5, 6, 2} {
		m := randomModel(t, r, []int{32}, 8, 12, 0.7)
		layers := m.Layers()
		l1 := layers[0]
		l1.Shift = shift
		l1.Bias = make([]int16, l1.Out)
		for o := range l1.Bias {
			l1.Bias[o] = int16(r.Uint32())
			if k >= 5 {
				l1.Bias[o] = int16(-32768 + r.IntN(1024))
			}
		}
		if k >= 5 {
			// Output 0 (FINISH1's separate last test, listtail) at the
			// lowest bias: any context sum below 0 wraps it.
			l1.Bias[0] = -32768
			// No query share: layer 1 is its bias plus the context.
			l1.W = slices.Clone(l1.W)
			for o := range l1.Out {
				clear(l1.W[o*l1.In : o*l1.In+l1.In/2])
			}
		}
		layers[0] = l1
		m, err := infer.New(m.Charset(), layers, m.MaxLen())
		if err != nil {
			t.Fatal(err)
		}
		pre := denseL1Pre(m.Layers())
		if want := map[uint8]int{0: 0, 1: 1, 2: 2, 5: 5, 6: 0}[shift]; pre != want {
			t.Fatalf("shift %d: L1PRE %d, want %d", shift, pre, want)
		}
		name := fmt.Sprintf("dense, layer-1 shift %d (case %d)", shift, k)
		checkRepliesKind(t, name, m, replyQueries, Dense)
		if k >= 5 {
			// Output 0 must wrap (y > 0 from a bias of -32768) somewhere,
			// or its sign test (not the scan's) would go untested.
			wraps := 0
			for _, q := range replyQueries {
				for _, st := range m.DenseTrace(q).Steps {
					wraps += b2i(st.Layers[0][0] > 0)
				}
			}
			if wraps == 0 {
				t.Fatalf("%s: layer-1 output 0 never wraps", name)
			}
		}
		if pre == 0 {
			continue
		}
		// The outputs must reach the top bit FINISH1 keeps (bit 14-m of
		// y, 16-m bits with the sign), or the test would not see its mask.
		big := 0
		for _, q := range replyQueries {
			for _, st := range m.DenseTrace(q).Steps {
				for _, y := range st.Layers[0] {
					if int(y) >= 1<<(14-pre) {
						big++
					}
				}
			}
		}
		if big == 0 {
			t.Fatalf("%s: no layer-1 output reaches bit %d", name, 14-pre)
		}
	}
}

// TestDenseLean: a model whose dense .COM is over the file limit with the
// C0 vectors' code but not without it (a larger charset) gets the lean
// variant from Auto (target.lean: no L1C0, no vectors) and answers as Go;
// a smaller charset keeps the full variant, and so does an explicit
// -engine dense without a file limit, whose .COM shows that the full
// variant would not have fitted.
//
// In each, XV and Q1 lie over INIT's code and the tables only INIT reads
// (OVL to OVLEND, inside INIT to INITEND), which must be dead once INIT
// has returned: with all of INIT..INITEND overwritten after INIT, the
// program still answers as Go. XV is page aligned (ENCQ), and so is Q1 in
// the full variant (L1C0).
func TestDenseLean(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	small := randomModel(t, r, []int{256, 192, 128}, 40, 20, 0.7)
	wide := randomModel(t, r, []int{256, 192, 128}, 54, 20, 0.7)
	for _, c := range []struct {
		name string
		m    *infer.Model
		opt  BuildOptions
		c0   bool
	}{
		{"40 characters", small, BuildOptions{}, true},
		{"54 characters", wide, BuildOptions{}, false},
		{"54 characters, -engine dense", wide, BuildOptions{Kind: Dense}, true},
	} {
		im, err := Build(c.m, c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		_, c0 := im.Symbols["L1C0"]
		if im.Kind != Dense || c0 != c.c0 {
			t.Fatalf("%s: %s engine, L1C0 %v (want dense, %v): %s", c.name, im.Kind, c0, c.c0, im.Reason)
		}
		if over := len(im.File) > DefaultMaxCOMSize; over != (c.opt.Kind == Dense) {
			t.Errorf("%s: %d bytes (limit %d)", c.name, len(im.File), DefaultMaxCOMSize)
		}
		s := im.Symbols
		if s["OVL"] < s["INIT"] || s["OVLEND"] > s["INITEND"] || s["XV"] != s["OVL"] || s["XV"]%256 != 0 ||
			(c.c0 && s["Q1"]%256 != 0) || s["Q1"] < s["XV"]+256 {
			t.Fatalf("%s: INIT %04Xh, OVL %04Xh, XV %04Xh, Q1 %04Xh, OVLEND %04Xh, INITEND %04Xh",
				c.name, s["INIT"], s["OVL"], s["XV"], s["Q1"], s["OVLEND"], s["INITEND"])
		}
		e := NewEngineFromImage(im)
		if _, err := e.Startup(); err != nil {
			t.Fatal(err)
		}
		for a := s["INIT"]; a < s["INITEND"]; a++ {
			b := byte(a*7) | 0x81 // never a nop
			if b == 0xC9 {
				b = 0xC7 // nor a ret: rst 0, a warm boot
			}
			e.initMem[a] = b
		}
		checkRepliesEngine(t, c.name, e, replyQueries)
	}
}

// TestDenseFewC0: when memory is short the planner gives fewer C0 vectors
// (NC0 < denseMaxC0), and STEP must then walk the leading-space n-grams of
// the steps that have no vector. The first models of a growing charset
// whose dense programs get 2 and then 1 vectors answer as Go, step by
// step, over replies longer than three steps.
func TestDenseFewC0(t *testing.T) {
	seen := map[int]bool{}
	for nchars := 60; nchars <= 160 && !(seen[2] && seen[1]); nchars += 4 {
		m := randomModel(t, rand.New(rand.NewPCG(7, 8)), []int{256, 192, 128}, nchars, 20, 0.7)
		im, err := Build(m, BuildOptions{Kind: Dense})
		if err != nil {
			t.Fatal(err)
		}
		a, ok := im.Symbols["NC0"]
		if !ok {
			t.Fatalf("%d characters: no NC0 (the lean variant)", nchars)
		}
		nc0 := int(im.File[int(a)-TPAStart])
		if nc0 == denseMaxC0 || nc0 == 0 || seen[nc0] {
			continue
		}
		seen[nc0] = true
		checkRepliesEngine(t, fmt.Sprintf("%d characters (NC0 %d)", nchars, nc0), NewEngineFromImage(im), replyQueries)
		long := 0
		for _, q := range replyQueries {
			long += b2i(len(m.DenseTrace(q).Steps) > denseMaxC0)
		}
		if long == 0 {
			t.Fatalf("%d characters: no reply longer than %d steps", nchars, denseMaxC0)
		}
	}
	if !seen[2] || !seen[1] {
		t.Fatalf("no charset of 60..160 characters gave 2 and 1 vectors: %v", seen)
	}
}

// TestDenseSentinelStart: a column ends where E is 4*STRIDE mod 256
// (HT_END), which is 0 for a column of 64 bytes, as at its byte 0. Here the
// rarest byte of codes (all -2) starts 30 columns of layer 1 (256 outputs)
// and occurs nowhere else: the builder must end the columns with another
// byte, or those columns would be cut at their start.
func TestDenseSentinelStart(t *testing.T) {
	const ff = 0xFF // four -2 codes
	r := rand.New(rand.NewPCG(11, 12))
	sizes := []int{256, 256, 64, 20}
	var layers []quant.Layer
	for i := 0; i+1 < len(sizes); i++ {
		l := randomLayer(r, sizes[i], sizes[i+1], quant.DefaultShift, 0.7, 8)
		for o := 3; o < l.Out; o += 4 {
			for in := range l.In {
				if l.W[(o-3)*l.In+in] == -2 && l.W[(o-2)*l.In+in] == -2 && l.W[(o-1)*l.In+in] == -2 && l.W[o*l.In+in] == -2 {
					l.W[o*l.In+in] = 0
				}
			}
		}
		layers = append(layers, l)
	}
	for in := range 30 {
		for o := range 4 {
			layers[0].W[o*layers[0].In+in] = -2
		}
	}
	cs := make([]byte, sizes[len(sizes)-1])
	for i := range cs {
		cs[i] = byte('a' + i)
	}
	cs[len(cs)-1] = 0
	m, err := infer.New(cs, layers, 20)
	if err != nil {
		t.Fatal(err)
	}
	var n [256]int
	for li := range layers {
		for _, c := range PackColumns(&layers[li]) {
			n[c]++
		}
	}
	for c := range n {
		if c != ff && n[c] <= n[ff] {
			t.Fatalf("byte %02X occurs %d times, all -2 %d: not the rarest", c, n[c], n[ff])
		}
	}
	if s := denseSentinel(layers, &n); s == ff || s < 0 {
		t.Fatalf("sentinel %02X: a byte that starts a column of 64 bytes", s)
	}
	im, err := Build(m, BuildOptions{Kind: Dense})
	if err != nil {
		t.Fatal(err)
	}
	checkRepliesEngine(t, "all -2 starting 30 columns", NewEngineFromImage(im), replyQueries)
}

// TestDenseNoSentinel: a model whose every byte of codes starts a column
// of 64 bytes (input i of layer 1 starts with the codes of byte i) leaves
// the dense engine no byte to end its columns with. That is a limit of
// the engine (ErrDoesNotFit, as Fits and BenchAll expect), and Auto takes
// another engine, which answers as Go.
func TestDenseNoSentinel(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	m := randomModel(t, r, []int{256, 192, 128}, 12, 8, 0.7) // too dense for fast
	layers := m.Layers()
	l := &layers[0]
	code := []int8{0, -1, 1, -2} // 00, 01, 10, 11
	for in := range l.In {
		for o := range 4 {
			l.W[o*l.In+in] = code[(in>>(6-2*o))&3]
		}
	}
	m, err := infer.New(m.Charset(), layers, 8)
	if err != nil {
		t.Fatal(err)
	}
	if err := Dense.Fits(m, CPM); !errors.Is(err, ErrDoesNotFit) || !strings.Contains(err.Error(), "no column of 64 bytes starts with") {
		t.Fatalf("Dense.Fits: %v, want the no-sentinel ModelError", err)
	}
	im, err := Build(m, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind == Dense || !strings.Contains(im.Reason, "not dense: the dense engine needs a byte") {
		t.Fatalf("Auto: %s engine: %s", im.Kind, im.Reason)
	}
	checkRepliesEngine(t, "no sentinel ("+im.Kind.String()+")", NewEngineFromImage(im), replyQueries[:4])
}

// TestDenseC0InPlace: L1C0 adds a reply's first vector in place (c0_i:
// BEGIN left ACC equal to Q1) on the first step only, and Q1 + the vector
// (c0_l) on every later step whose window starts with at least 8 − NC0
// spaces, the flag being cleared by the walks in between.
func TestDenseC0InPlace(t *testing.T) {
	m := randomModel(t, rand.New(rand.NewPCG(7, 8)), []int{256, 192, 128}, 40, 20, 0.7)
	im, err := Build(m, BuildOptions{Kind: Dense})
	if err != nil {
		t.Fatal(err)
	}
	nc0 := int(im.File[int(im.Symbols["NC0"])-TPAStart])
	if nc0 != denseMaxC0 {
		t.Fatalf("NC0 = %d, want %d (the planner changed: pick a model that gets them all)", nc0, denseMaxC0)
	}
	e := NewEngineFromImage(im)
	later := 0
	for _, q := range replyQueries {
		mach, err := e.newMachine(nil)
		if err != nil {
			t.Fatal(err)
		}
		putQuery(mach, im, q)
		var inPlace, copied []int
		step := 0
		mach.SetHook(im.sym("STEP"), func() { step++ })
		at := func(steps *[]int) func() { // once a step (each loop of four)
			return func() {
				if n := len(*steps); n == 0 || (*steps)[n-1] != step {
					*steps = append(*steps, step)
				}
			}
		}
		mach.SetHook(im.sym("c0_i"), at(&inPlace))
		mach.SetHook(im.sym("c0_l"), at(&copied))
		if _, err := mach.Call(im.sym("GENERATE"), stepBudget(m)); err != nil {
			t.Fatal(err)
		}
		// The steps after the first whose window has a vector.
		var want []int
		tr := m.DenseTrace(q)
		for s := 2; s <= len(tr.Steps); s++ {
			var w [trigram.ContextLen]byte
			trigram.FillWindow(&w, []byte(tr.Reply[:min(s-1, len(tr.Reply))]))
			k := 0
			for k < len(w) && w[k] == ' ' {
				k++
			}
			if 8-k < nc0 {
				want = append(want, s)
			}
		}
		later += len(want)
		if !slices.Equal(inPlace, []int{1}) || !slices.Equal(copied, want) {
			t.Fatalf("%q (reply %q): in place at steps %v, want [1]; Q1 + vector at %v, want %v", q, tr.Reply, inPlace, copied, want)
		}
	}
	if later == 0 {
		t.Fatal("no reply has a second step with a vector")
	}
}

// TestDenseBiasImages: the dense data holds the reset image of a later
// layer whose biases are words (flag 02h, MKBIM leaves it) and keeps
// byte biases expanded into a buffer. With layers 2 and 4 on words and
// layer 3 on bytes, BIM2 and BIM4 lie in the file and BIM3 in the
// buffers, and the program answers as Go.
func TestDenseBiasImages(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var layers []quant.Layer
	sizes := []int{256, 256, 192, 128, 30}
	for i := 0; i+1 < len(sizes); i++ {
		bmax := 8
		if i == 1 || i == 3 {
			bmax = 3000 // words, wrapping the low byte often
		}
		layers = append(layers, randomLayer(r, sizes[i], sizes[i+1], quant.DefaultShift, 0.7, bmax))
	}
	cs := make([]byte, sizes[len(sizes)-1])
	for i := range cs {
		cs[i] = byte('a' + i%26)
	}
	cs[len(cs)-1] = 0
	m, err := infer.New(cs, layers, 20)
	if err != nil {
		t.Fatal(err)
	}
	im, err := Build(m, BuildOptions{Kind: Dense})
	if err != nil {
		t.Fatal(err)
	}
	s := im.Symbols
	for k, inFile := range map[string]bool{"BIM2": true, "BIM3": false, "BIM4": true} {
		if got := s[k] < s["ENDIMG"]; got != inFile {
			t.Errorf("%s at %04Xh (image ends at %04Xh): in the file %v, want %v", k, s[k], s["ENDIMG"], got, inFile)
		}
	}
	checkRepliesEngine(t, "bias images", NewEngineFromImage(im), replyQueries)
}
