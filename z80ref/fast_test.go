package z80ref

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
)

// fastRig is a fast image loaded in a CP/M machine after INIT.
func fastRig(t *testing.T, m *infer.Model) *rig {
	t.Helper()
	g := newRig(t, mustBuildKind(t, m, Fast))
	n := g.call("INIT")
	t.Logf("INIT: %d T-states", n)
	return g
}

// fastRigPacked is fastRig for an image whose planner had no room for
// stored blocks (a 1-byte file limit): every column whose block outgrows
// it is packed and expanded by INIT.
func fastRigPacked(t *testing.T, m *infer.Model) *rig {
	t.Helper()
	ps := CPM.spec()
	s, err := engineShape(Fast, ps, newTarget(ps, 0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	im, err := assemble(m, Fast, ps, newTarget(ps, s.code, s.stack, 1))
	if err != nil {
		t.Fatal(err)
	}
	g := newRig(t, im)
	n := g.call("INIT")
	t.Logf("INIT (packed): %d T-states", n)
	return g
}

// fastLayerModel has the widths that stress the lists and the loops: 1,
// 3, 4, 5, 255 and 256 inputs and outputs, shifts 0..15 (0 and 15
// present), biases that need 16 bits in some layers and fit a byte in
// others, and inputs whose +1 or -1 list has 255 entries, the most a count
// byte holds.
func fastLayerModel(t *testing.T, r *rand.Rand) *infer.Model {
	sizes := []int{256, 256, 255, 1, 5, 4, 3, 256, 2}
	var layers []quant.Layer
	for i := 0; i+1 < len(sizes); i++ {
		shift := uint8(r.IntN(16))
		switch i {
		case 0:
			shift = 0
		case 1:
			shift = 15
		}
		bmax := 30000
		if i%2 == 1 {
			bmax = 128 // byte biases: -128..127, and one 128 that is not
		}
		l := randomLayer(r, sizes[i], sizes[i+1], shift, 0.25, bmax)
		if i%2 == 1 {
			for o := range l.Bias {
				l.Bias[o] = max(l.Bias[o], -128)
				l.Bias[o] = min(l.Bias[o], 127)
			}
		}
		layers = append(layers, l)
	}
	// Input 7 of layer 1: 255 weights of +1 (one 0); input 9 of layer 2:
	// 255 weights of -1; input 3 of layer 1: 200 weights of -2.
	for o := range 256 {
		layers[0].W[o*256+7] = 1
		layers[0].W[o*256+3] = 0
		if o < 200 {
			layers[0].W[o*256+3] = -2
		}
	}
	layers[0].W[100*256+7] = 0
	for o := range 255 {
		layers[1].W[o*256+9] = -1
	}
	m, err := infer.New([]byte("a\x00"), layers, 3)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readBlock decodes the index-list block at addr: the outputs with weight
// +1, -1 and -2, and the block's size.
func readBlock(g *rig, addr uint16) (lists [3][]int, size int) {
	at := addr
	for j := range lists {
		n := int(g.m.Read(at))
		at++
		lists[j] = []int{}
		for range n {
			lists[j] = append(lists[j], int(g.m.Read(at)))
			at++
		}
		slices.Sort(lists[j])
	}
	return lists, int(at - addr)
}

// TestFastExpand checks INIT: the reset images, and every block read back
// through the pointer pages against the model's weights; the blocks tile
// LISTBOT..LISTTOP and nothing below WEIGHTS changed.
func TestFastExpand(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	models := []*infer.Model{
		fastLayerModel(t, r),
		randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27),
		randomModel(t, r, nil, 2, 1, 0.5),
		randomModel(t, r, []int{1}, 3, 10, 0.5),
	}
	for k := range 2 * len(models) {
		m := models[k/2]
		g := fastRig(t, m)
		if k%2 == 1 {
			g = fastRigPacked(t, m)
		}
		im := g.im
		sy := im.Symbols
		for a := int(TPAStart); a < int(sy["WEIGHTS"]); a++ {
			if g.m.Read(uint16(a)) != im.COM[a-TPAStart] {
				t.Fatalf("%v: INIT changed %04Xh, below the weights", m.Sizes(), a)
			}
		}
		type span struct{ a, b int }
		var spans []span
		for li, l := range m.Layers() {
			d := readFastDesc(g.m, im, li)
			res := g.m.ReadWord(d.addr + 4)
			if li == 0 && res != 0 {
				t.Fatalf("%v: layer 1 has a reset image at %04Xh, want none (BEGIN expands its biases)", m.Sizes(), res)
			}
			for o, b := range l.Bias {
				if li == 0 {
					break
				}
				got := int16(uint16(g.m.Read(res+uint16(o))) | uint16(g.m.Read(res+uint16(l.Out+o)))<<8)
				if got != b {
					t.Fatalf("%v layer %d: reset image[%d] = %d, bias %d", m.Sizes(), li+1, o, got, b)
				}
			}
			for i, p := range fastBlocks(g.m, im, li) {
				var want [3][]int
				for j := range want {
					want[j] = []int{}
				}
				for o := range l.Out {
					switch l.W[o*l.In+i] {
					case 1:
						want[0] = append(want[0], o)
					case -1:
						want[1] = append(want[1], o)
					case -2:
						want[2] = append(want[2], o)
					}
				}
				got, size := readBlock(g, p)
				if d := cmp.Diff(want, got); d != "" {
					t.Fatalf("%v layer %d input %d, block at %04Xh (-want +got):\n%s", m.Sizes(), li+1, i, p, d)
				}
				spans = append(spans, span{int(p), int(p) + size})
			}
		}
		// The stored blocks tile SBLK..W1 (the first packed column), the
		// expanded ones LISTBOT..LISTTOP.
		slices.SortFunc(spans, func(x, y span) int { return x.a - y.a })
		want := []span{{int(sy["SBLK"]), int(sy["W1"])}, {int(sy["LISTBOT"]), int(sy["LISTTOP"])}}
		var got []span
		for _, sp := range spans {
			if n := len(got); n > 0 && got[n-1].b == sp.a {
				got[n-1].b = sp.b
			} else {
				got = append(got, sp)
			}
		}
		if want[0].a == want[0].b {
			want = want[1:]
		}
		if want[len(want)-1].a == want[len(want)-1].b {
			want = want[:len(want)-1]
		}
		if len(want) == 2 && want[0].b == want[1].a {
			want = []span{{want[0].a, want[1].b}}
		}
		if d := cmp.Diff(want, got, cmp.AllowUnexported(span{})); d != "" {
			t.Fatalf("%v: the blocks do not tile SBLK..W1 and LISTBOT..LISTTOP (-want +got):\n%s", m.Sizes(), d)
		}
		t.Logf("%v: stored blocks %04Xh..%04Xh, expanded %04Xh..%04Xh (%d bytes), packed columns were %04Xh..%04Xh",
			m.Sizes(), sy["SBLK"], sy["W1"], sy["LISTBOT"], sy["LISTTOP"], sy["LISTTOP"]-sy["LISTBOT"], sy["W1"], sy["ENDIMG"])
	}
}

// TestFastPlan checks the in-place invariant on a model built to make it
// bind (a dense first layer whose lists outgrow its packed columns), for
// rooms from none (pack every column that saves bytes) to enough for
// everything stored.
func TestFastPlan(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for _, nz := range []float64{0, 0.05, 0.3, 0.6} {
		m := randomModel(t, r, []int{64}, 8, 5, nz)
		layers := m.Layers()
		all, err := planFast(layers, math.MaxInt)
		if err != nil {
			t.Fatal(err)
		}
		for _, room := range []int{0, all.stored / 2, all.stored - 1, math.MaxInt} {
			plan, err := planFast(layers, room)
			if err != nil {
				t.Fatal(err)
			}
			// Simulate: every packed column's block bottom >= its packed end;
			// the packed columns follow each other in (layer, input) order.
			var ends [][]int
			total, stored, npacked, saving := 0, 0, 0, false
			for k, l := range layers {
				ends = append(ends, make([]int, l.In))
				for i := range l.In {
					col, _ := fastColumn(&layers[k], plan.leaves[k], i)
					size := len(col)
					if plan.size[k][i] != size {
						t.Fatalf("nz %.2f layer %d input %d: planned a %d-byte column, fastColumn packs %d", nz, k+1, i, plan.size[k][i], size)
					}
					if plan.packed[k][i] {
						total += size
						npacked++
						ends[k][i] = total
					} else {
						stored += plan.block[k][i]
						saving = saving || plan.block[k][i] > size+2
					}
				}
			}
			if total != plan.packedBytes || stored != plan.stored {
				t.Fatalf("nz %.2f room %d: packed %d stored %d, plan %d, %d", nz, room, total, stored, plan.packedBytes, plan.stored)
			}
			if stored+total+2*npacked > room && saving {
				t.Fatalf("nz %.2f room %d: %d bytes, and a stored column would save bytes packed", nz, room, stored+total+2*npacked)
			}
			top := total + plan.headroom // relative to the first packed column
			w := top
			for k := len(layers) - 1; k >= 0; k-- {
				for i := layers[k].In - 1; i >= 0; i-- {
					if !plan.packed[k][i] {
						continue
					}
					w -= plan.block[k][i]
					if w < ends[k][i] {
						t.Fatalf("nz %.2f room %d: layer %d column %d: block at %d below packed end %d", nz, room, k+1, i, w, ends[k][i])
					}
				}
			}
			if top-w != plan.lists {
				t.Fatalf("lists %d, plan %d", top-w, plan.lists)
			}
		}
		checkRepliesKind(t, fmt.Sprintf("plan nz %.2f", nz), m, replyQueries[:3], Fast)
	}
}

// fastPackedColumns decodes the packed columns of image im as INIT finds
// them (before it runs), independently of the builder: from ENDIMG down,
// the last layer first, each layer's inputs whose XBMk bit is set from the
// last down (XPLk has their counts in that order), every
// column's bit string read from its last byte down (bit 7 first; "0" is
// weight 0, "10", "110", "1110" +1, −1, −2 (+1 and −1 swapped when XPLk's
// first byte is 1), "1111" the end, then 0 bits to the byte's end). It checks that
// the columns tile W1..ENDIMG with layer k's from Wk, that every column
// ends with 0 bits and that XPLk's counts are the decoded column's, and
// returns every layer's decoded columns by input (the weights after the
// end mark are 0) and their sizes.
func fastPackedColumns(t *testing.T, im *Image) (cols []map[int][]int8, sizes []map[int]int) {
	t.Helper()
	sy := im.Symbols
	at := func(a int) byte { return im.COM[a-im.Org] }
	layers := im.model.Layers()
	cols = make([]map[int][]int8, len(layers))
	sizes = make([]map[int]int, len(layers))
	p := int(sy["ENDIMG"]) // the byte after the next column
	for k := len(layers) - 1; k >= 0; k-- {
		l := &layers[k]
		cols[k], sizes[k] = map[int][]int8{}, map[int]int{}
		xpl := int(sy[fmt.Sprintf("XPL%d", k+1)])
		code := map[string]int8{"0": 0, "10": 1, "110": -1, "1110": -2}
		switch at(xpl) {
		case 0:
		case 1:
			code["10"], code["110"] = -1, 1
		default:
			t.Fatalf("layer %d: XPL%d's first byte is %d, want 0 or 1", k+1, k+1, at(xpl))
		}
		bm := int(sy[fmt.Sprintf("XBM%d", k+1)])
		walk, lowest := int(at(xpl+1))|int(at(xpl+2))<<8, -1
		for i := range l.In {
			if at(bm+i/8)>>(i%8)&1 == 1 {
				lowest = i
				break
			}
		}
		if (lowest < 0 && walk != 0) || (lowest >= 0 && walk != l.In-lowest) {
			t.Fatalf("layer %d: XPL%d says to walk %d inputs, its lowest packed input is %d of %d", k+1, k+1, walk, lowest, l.In)
		}
		e := xpl + 3
		for i := l.In - 1; i >= 0; i-- {
			if at(bm+i/8)>>(i%8)&1 == 0 {
				continue
			}
			end, bit := p, 0
			next := func() string {
				if bit%8 == 0 {
					p--
				}
				b := at(p) >> (7 - bit%8) & 1
				bit++
				return string('0' + rune(b))
			}
			w := make([]int8, l.Out)
			np, nnz := 0, 0
			for o := 0; ; o++ {
				c := next()
				for _, ok := code[c]; !ok && c != "1111"; _, ok = code[c] {
					c += next()
				}
				if c == "1111" {
					break
				}
				if o >= l.Out {
					t.Fatalf("layer %d input %d: no end mark after %d weights", k+1, i, l.Out)
				}
				w[o] = code[c]
				if w[o] == 1 {
					np++
				}
				if w[o] != 0 {
					nnz++
				}
			}
			for ; bit%8 != 0; bit++ {
				if at(p)>>(7-bit%8)&1 != 0 {
					t.Fatalf("layer %d input %d: padding bit %d is 1", k+1, i, bit)
				}
			}
			if int(at(e)) != np || int(at(e+1)) != nnz-1 {
				t.Fatalf("layer %d input %d: XPL%d says %d +1 weights and %d non-zero less one, the column has %d and %d",
					k+1, i, k+1, at(e), at(e+1), np, nnz-1)
			}
			e += 2
			cols[k][i], sizes[k][i] = w, end-p
		}
		if wk := int(sy[fmt.Sprintf("W%d", k+1)]); wk != p {
			t.Fatalf("layer %d: W%d at %04Xh, its columns start at %04Xh", k+1, k+1, wk, p)
		}
	}
	return cols, sizes
}

// TestFastPackedFormat decodes every packed column of images whose
// planner packed all it could (and of the ordinary build) as the format
// says (fastPackedColumns) and checks them against the model's weights.
func TestFastPackedFormat(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	base := randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.3)
	// A layer where +1 is more frequent than -1, one where -2 is the most
	// frequent value.
	layers := base.Layers()
	for k := range layers[1].W {
		if w := &layers[1].W[k]; *w == -1 && r.IntN(2) == 0 {
			*w = 1
		}
	}
	for k := range layers[2].W {
		if w := &layers[2].W[k]; *w == 1 && r.IntN(2) == 0 {
			*w = -2
		}
	}
	m, err := infer.New(base.Charset(), layers, 50)
	if err != nil {
		t.Fatal(err)
	}
	if l := fastLeaves(&layers[1]); l[0] != 1 {
		t.Fatalf("layer 2's codes %v, want +1 first", l)
	}
	ps := CPM.spec()
	s, err := engineShape(Fast, ps, newTarget(ps, 0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, ps.defaultMaxFile} {
		im, err := assemble(m, Fast, ps, newTarget(ps, s.code, s.stack, limit))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := fastPackedColumns(t, im)
		npacked := 0
		for k, l := range layers {
			for i, col := range cols[k] {
				npacked++
				for o, w := range col {
					if l.W[o*l.In+i] != w {
						t.Fatalf("layer %d input %d output %d: decoded %d, weight %d", k+1, i, o, w, l.W[o*l.In+i])
					}
				}
			}
		}
		t.Logf("limit %d: %d packed columns, %d bytes", limit, npacked, im.Symbols["ENDIMG"]-im.Symbols["W1"])
		if npacked == 0 {
			t.Fatalf("limit %d: nothing packed", limit)
		}
	}
}

// fastSetList writes the activation list of x (entries for x[i] != 0, in
// random order, a zero block address at the end) where the engine's lists
// lie, its end mark just below ACTTOP (whose word, FFFFh since INIT, WALK
// reads as the end mark's x), and points ACTLIST at it.
func fastSetList(g *rig, r *rand.Rand, li int, x []int16) {
	blocks := fastBlocks(g.m, g.im, li)
	n := 0
	for _, v := range x {
		if v != 0 {
			n++
		}
	}
	at := g.im.sym("ACTTOP") - 2 - uint16(4*n)
	g.m.WriteWord(g.im.sym("ACTLIST"), at)
	for _, i := range r.Perm(len(x)) {
		if x[i] == 0 {
			continue
		}
		g.m.WriteWord(at, blocks[i])
		g.m.WriteWord(at+2, uint16(x[i]))
		at += 4
	}
	g.m.WriteWord(at, 0)
}

func fastInputs(r *rand.Rand, n, mode int) []int16 {
	x := make([]int16, n)
	for i := range x {
		switch {
		case r.IntN(3) == 0: // zero: not listed
		case mode == 0: // 8-bit path: 1..255, 2x past a byte at 128..255
			x[i] = int16(1 + r.IntN(255))
		case mode == 1: // small and large, as ReLU outputs
			x[i] = int16(r.IntN(2000))
		case mode == 2: // anything: negative, wrapping
			x[i] = int16(r.Uint32())
		default:
			x[i] = []int16{-32768, 32767, -1, 1, 255, 256, 128, 127}[r.IntN(8)]
		}
	}
	return x
}

// TestFastLAYER runs each layer alone on random activation lists against
// infer.DenseLayer: the 8-bit and 16-bit paths, wrapping, floor shifts of
// negative sums, ReLU, widths 1..256.
func TestFastLAYER(t *testing.T) {
	r := rand.New(rand.NewPCG(35, 36))
	m := fastLayerModel(t, r)
	g := fastRig(t, m)
	layers := m.Layers()
	for li := range layers {
		if li == 0 {
			continue // STEP runs layer 1 through L1LIST, not LAYER (see TestLayerAlone in mulm/parity)
		}
		l := &layers[li]
		relu := li < len(layers)-1
		desc := g.im.sym("LAYERS") + uint16(li)*g.im.sym("FLDSZ")
		for trial := range 16 {
			x := fastInputs(r, l.In, trial%4)
			fastSetList(g, r, li, x)
			g.m.Write(g.im.sym("CURL"), byte(li))
			g.m.CPU().HL.SetU16(desc)
			// SP is borrowed with interrupts off; they must be back as
			// they were.
			ie := trial%2 == 0
			g.m.CPU().IFF1, g.m.CPU().IFF2 = ie, ie
			n := g.call("LAYER")
			if g.m.CPU().IFF1 != ie || g.m.CPU().IFF2 != ie {
				t.Fatalf("LAYER: interrupts enabled %v, were %v", g.m.CPU().IFF1, ie)
			}
			want := make([]int16, l.Out)
			infer.DenseLayer(want, l, x, relu)
			gl, got, err := fastLayerOut(g.m, g.im)
			if err != nil || gl != li {
				t.Fatalf("layer %d: reader says layer %d: %v", li+1, gl+1, err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("layer %d (%d->%d, shift %d) trial %d (-want +got):\n%s", li+1, l.In, l.Out, l.Shift, trial, d)
			}
			if trial == 0 {
				t.Logf("layer %d (%d->%d): %d T-states", li+1, l.In, l.Out, n)
			}
		}
	}
}

// TestFastENCCTX checks the context encoder's n-gram buckets and the input
// vector the STEPX reader makes of them.
func TestFastENCCTX(t *testing.T) {
	r := rand.New(rand.NewPCG(37, 38))
	g := fastRig(t, randomModel(t, r, []int{4}, 3, 5, 0.3))
	win := g.im.sym("WIN")
	for k := range 300 {
		w := randomWindow(r, k < 150)
		for i, b := range w {
			g.m.Write(win+uint16(i), b)
		}
		g.call("ENCCTX")
		var want []byte
		for i := range trigram.ContextLen {
			h := uint16(7 * i)
			for n := 1; n <= 3 && i+n <= trigram.ContextLen; n++ {
				h = h*31 + uint16(w[i+n-1])
				want = append(want, byte(h%trigram.Buckets))
			}
		}
		got := make([]byte, trigram.ContextWindows)
		for j := range got {
			got[j] = g.m.Read(g.im.sym("NGR")+uint16(j)) & 127 // bit 7: h's
		}
		if !slices.Equal(want, got) {
			t.Fatalf("window %q: n-gram buckets %v, want %v", w[:], got, want)
		}
		var ctx [trigram.Buckets]int16
		trigram.EncodeWindow(&ctx, &w)
		if d := cmp.Diff(ctx[:], fastInput(g.m, g.im)[trigram.Buckets:]); d != "" {
			t.Fatalf("window %q: input vector (-want +got):\n%s", w[:], d)
		}
	}
}

// TestFastARGMAX checks ARGMAX on LOGITS, the fast engine's (ARGMW) and
// the dense engine's own: ties go to the lowest index.
func TestFastARGMAX(t *testing.T) {
	r := rand.New(rand.NewPCG(39, 40))
	for _, n := range []int{2, 3, 40, 255} {
		m := randomModel(t, r, []int{3}, n, 5, 0.3)
		for _, k := range []EngineKind{Fast, Dense} {
			testListARGMAX(t, r, newRig(t, mustBuildKind(t, m, k)), n)
		}
	}
}

func testListARGMAX(t *testing.T, r *rand.Rand, g *rig, n int) {
	t.Helper()
	g.call("INIT")
	out := g.im.sym("LOGITS")
	for k := range 80 {
		v := make([]int16, n)
		for i := range v {
			switch {
			case k == 0:
			case k == 1:
				v[i] = -32768
			case k == 2:
				v[i] = 32767
			case r.IntN(3) == 0:
				v[i] = int16(r.Uint32())
			case r.IntN(2) == 0:
				v[i] = []int16{-32768, 32767, -1, 0, 1}[r.IntN(5)]
			default:
				v[i] = int16(r.IntN(5) - 2)
			}
		}
		g.setWords(out, v)
		g.call("ARGMAX")
		if got, want := int(g.m.CPU().AF.Hi), infer.Argmax(v); got != want {
			t.Fatalf("%s, n=%d: argmax of %v = %d, want %d", g.im.Kind, n, v, got, want)
		}
	}
}

// TestFastReplyShapes runs whole replies on random models whose layers
// take the 16-bit paths: big biases and dense weights make activations
// of hundreds and thousands.
func TestFastReplyShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(43, 44))
	for _, tc := range []struct {
		hidden []int
		nz     float64
		bmax   int
	}{
		{[]int{32, 16}, 0.5, 2000},
		{[]int{256, 64}, 0.3, 300},
		{[]int{255, 255}, 0.2, 100},
	} {
		sizes := append(append([]int{256}, tc.hidden...), 20)
		var layers []quant.Layer
		for i := 0; i+1 < len(sizes); i++ {
			layers = append(layers, randomLayer(r, sizes[i], sizes[i+1], uint8(r.IntN(3)), tc.nz, tc.bmax))
		}
		cs := []byte("abcdefghijklmnopqrs\x00")
		m, err := infer.New(cs, layers, 30)
		if err != nil {
			t.Fatal(err)
		}
		checkRepliesKind(t, "shapes "+joinInts(sizes, "-"), m, replyQueries, Fast)
	}
}

// TestFastXCOLCost runs XCOL alone on random columns (1 to 256 outputs,
// any mix of values, both code orders) and checks the block it writes and
// its T-states against XCOL's cost constants (xcolZero to xcolCopy, which
// planFast's estimate uses): per weight 0 decoded, per code 10, 110 and
// 1110, per byte after the first, 10 more per byte that starts after a
// weight 0 (the root chain's JP), the end mark, the copy of the -2 list
// (21 a weight), and a fixed cost per column that must be the same for
// every column of a kind (code order, with or without -2 weights). It
// does not check planFast's formula itself, which charges every byte the
// reload and the JP (an upper bound) and adds xcolColumn for INIT's loop.
func TestFastXCOLCost(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	g := newRig(t, mustBuildKind(t, randomModel(t, r, []int{4}, 3, 5, 0.3), Fast))
	sy := g.im.Symbols
	const stream, top = 0xB100, 0xD000 // free memory above this small image
	if sy["STKBOT"] >= stream {
		t.Fatalf("the image's buffers reach %04Xh, the test's column is at %04Xh", sy["STKBOT"], stream)
	}
	type kind struct{ swap, m2 bool }
	fixed := map[kind]int{} // the fixed cost by code order, without and with -2 weights
	for trial := range 300 {
		out := 1 + r.IntN(256)
		l := quant.Layer{In: 1, Out: out, W: make([]int8, out)}
		nz := r.Float64()
		if trial < 2 { // every weight non-zero: a 259-byte block
			out, nz = 256, 2
			l = quant.Layer{In: 1, Out: out, W: make([]int8, out)}
		}
		for o := range l.W {
			if r.Float64() < nz {
				l.W[o] = []int8{-2, -1, 1, 1, -1, -1}[r.IntN(6)]
			}
		}
		if trial%7 == 0 {
			l.W[r.IntN(out)] = 1 // no empty column
		}
		leaves := fastLeaves(&l)
		col, n := fastColumn(&l, leaves, 0)
		var want [3][]int
		for j := range want {
			want[j] = []int{}
		}
		nnz := 0
		for o, w := range l.W {
			if w != 0 {
				want[slices.Index([]int8{1, -1, -2}, w)] = append(want[slices.Index([]int8{1, -1, -2}, w)], o)
				nnz++
			}
		}
		if nnz == 0 || len(want[0]) > 255 || len(want[1]) > 255 {
			continue
		}
		if trial < 2 && nnz != 256 {
			t.Fatalf("trial %d: %d non-zero weights, want 256", trial, nnz)
		}
		for i, b := range col {
			g.m.Write(stream-uint16(len(col))+uint16(i), b)
		}
		cpu := g.m.CPU()
		cpu.Alternate.HL.SetU16(stream)
		g.m.WriteWord(sy["XWP"], top)
		g.m.Write(sy["XPT"], byte(sy["PTL1"]>>8))
		swap := byte(0)
		if leaves[0] == -1 {
			swap = 1
		}
		g.m.Write(sy["XSWP"], swap)
		cpu.DE.Hi, cpu.DE.Lo = byte(len(want[0])), 0
		cpu.AF.Hi = byte(nnz - 1)
		got := g.call("XCOL")
		blk := g.m.ReadWord(sy["XWP"])
		if p := fastBlocks(g.m, g.im, 0)[0]; p != blk || int(blk) != top-3-nnz {
			t.Fatalf("trial %d: block at %04Xh, PTL/PTH say %04Xh, want %04Xh", trial, blk, p, top-3-nnz)
		}
		lists, size := readBlock(g, blk)
		if d := cmp.Diff(want, lists); d != "" || size != 3+nnz {
			t.Fatalf("trial %d: %d weights %v: block of %d bytes (-want +got):\n%s", trial, out, l.W, size, d)
		}
		if hl := cpu.Alternate.HL.U16(); int(hl) != stream-len(col) {
			t.Fatalf("trial %d: HL' = %04Xh after the column, want its first byte %04Xh", trial, hl, stream-len(col))
		}
		// The bytes after the first that start after a weight 0: the root
		// chain jumps back to its start (a code ending in bit 7 jumps there
		// itself).
		bits, root := 0, 0
		for o := 0; o < out; o++ {
			if n[0]+n[1]+n[2]+n[3] == o {
				break
			}
			j := 1 + slices.Index(leaves[:], l.W[o])
			bits += len([]string{"0", "10", "110", "1110"}[j])
			if bits%8 == 0 && bits < 8*len(col) && j == 0 {
				root++ // a 0 in bit 7: the JP back to the root chain's start
			}
		}
		model := xcolZero*n[0] + xcolLeaf1*n[1] + xcolLeaf2*n[2] + xcolLeaf3*n[3] + xcolEnd +
			xcolReload*(len(col)-1) + xcolRoot*root + xcolCopy*len(want[2])
		f := int(got) - model
		k := kind{swap == 1, len(want[2]) > 0}
		if prev, ok := fixed[k]; ok && prev != f {
			t.Fatalf("trial %d: %d T-states, the cost model says %d + a fixed %d (%d in an earlier column)", trial, got, model, f, prev)
		}
		fixed[k] = f
	}
	if len(fixed) != 4 {
		t.Fatalf("fixed costs %v, want all four kinds of column", fixed)
	}
	t.Logf("XCOL: %d T a column (%d with -2 weights; %d and %d when code 10 is -1) + %d a weight 0, %d a code 10, %d a code 110, %d a code 1110, %d the end mark, %d a byte after the first (%d more after a 0), %d a -2 weight copied",
		fixed[kind{false, false}], fixed[kind{false, true}], fixed[kind{true, false}], fixed[kind{true, true}], xcolZero, xcolLeaf1, xcolLeaf2, xcolLeaf3, xcolEnd, xcolReload, xcolRoot, xcolCopy)
}

// TestFastDecoderOnlyWhenPacking: the fast engine carries INIT's column
// decoder (XCOL) only for a target whose file limit lies below its memory
// (target.pack): CP/M, or the Spectrum under a smaller -max-size. With the
// Spectrum's default limit (its RAM) nothing is packed and the image has
// no decoder; under a smaller limit it packs, and still answers as Go.
func TestFastDecoderOnlyWhenPacking(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	m := randomModel(t, r, []int{128, 64}, 40, 50, 0.3)
	packs := func(im *Image) int { // the packed columns, checked as the format says
		n := 0
		cols, _ := fastPackedColumns(t, im)
		for _, c := range cols {
			n += len(c)
		}
		return n
	}
	for _, c := range []struct {
		p       Platform
		limit   int
		decoder bool
	}{
		{CPM, 0, true},
		{ZX48, 0, false},
		{ZX48, -1, false},
		{ZX48, 1, true}, // set below: 300 bytes under the default tape
	} {
		if c.limit == 1 {
			im, err := Build(m, BuildOptions{Kind: Fast, Platform: c.p})
			if err != nil {
				t.Fatal(err)
			}
			c.limit = len(im.File) - 300
		}
		im, err := Build(m, BuildOptions{Kind: Fast, Platform: c.p, MaxFileSize: c.limit})
		if err != nil {
			t.Fatalf("%s, limit %d: %v", c.p, c.limit, err)
		}
		_, has := im.Symbols["XCOL"]
		n := packs(im)
		if has != c.decoder || !has && n > 0 || c.limit > 0 && n == 0 {
			t.Errorf("%s, limit %d: XCOL %v (want %v), %d packed columns", c.p, c.limit, has, c.decoder, n)
		}
		if c.limit > 0 && len(im.File) > c.limit {
			t.Errorf("%s, limit %d: %d bytes", c.p, c.limit, len(im.File))
		}
		if c.p.Available() != nil {
			t.Logf("%s: no replies checked: %v", c.p, c.p.Available())
			continue
		}
		e := NewEngineFromImage(im)
		for _, q := range []string{"hello", "what is it"} {
			got, _, err := e.Reply(q)
			if want := m.Reply(q); err != nil || got != want {
				t.Errorf("%s, limit %d, %q: %q, %v; Go says %q", c.p, c.limit, q, got, err, want)
			}
		}
	}
}
