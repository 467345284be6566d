package z80ref

import (
	"cmp"
	_ "embed"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
	"mulm/z80ref/asm"
)

// Dense engine: the fast engine's activation lists and FINISH (lists.asm)
// with a walk over the packed columns themselves, a byte at a time through
// 256 handlers that INIT writes (dense.asm). It runs any density.

var (
	//go:embed dense.asm
	denseAsmTmpl []byte
	// denseAsm and denseListsAsm are dense.asm and lists.asm with their
	// templates expanded for the dense engine; the Lean ones are those of
	// its lean variant (target.lean), without the C0 vectors' code.
	denseAsm          = expandAsm("dense.asm", denseAsmTmpl, map[string]bool{"Ctx0": true})
	denseListsAsm     = expandAsm("lists.asm", listsAsmTmpl, listsOptions{Dedupe: true, L1Pre: true, ChainFinal: true, Ctx0: true, BiasImages: true})
	denseAsmLean      = expandAsm("dense.asm", denseAsmTmpl, map[string]bool{"Ctx0": false})
	denseListsAsmLean = expandAsm("lists.asm", listsAsmTmpl, listsOptions{Dedupe: true, L1Pre: true, ChainFinal: true, BiasImages: true})
)

// Handler sizes of dense.asm: HTLEN bytes per non-zero weight and HSTLEN
// for its carry stub, one inc e per output, a copy of NEXT (HTNLEN) or a
// jp NEXT and, for the sentinel's handler, the end check HT_END (HTELEN).
const (
	denseHTLen  = 5
	denseHSTLen = 6
	denseHTILen = 9
	denseHTNLen = 5
	denseHTELen = 7
)

// densePlan is the dense engine's layout of a model's handlers.
type densePlan struct {
	// sent is the byte of codes that ends every column: the one rarest
	// in the model's packed weights (the lowest on a tie), so that its
	// handler's end check costs least, among those that no column of 64
	// bytes starts with (HT_END in dense.asm: E is 0 there as at the end);
	// -1 when every byte does.
	sent int
	// inline[s] says that the handler of codes s ends with a copy of NEXT
	// (else with jp NEXT, 3 bytes shorter and 10 T slower); stub[s] that
	// its weights' carries go to stubs after it (11 bytes a weight instead
	// of 9 inline; 25 T a weight, 65 T with a carry, against 30 T inline,
	// 48 T with a carry: faster while fewer than 5 weights in 22 carry). The
	// builder turns them on by how many T-states a byte of memory saves,
	// frequent bytes first, as long as the memory holds.
	inline, stub [256]bool
	// code[t] is the byte of codes stored as t; page[t] the page of t's
	// handler, relative to the handler region; size the region's size.
	code [256]byte
	page [256]int
	size int
	// nc0 is the number of C0 vectors (lists.asm, L1C0): vector v holds
	// layer 1's share of the context n-grams in k = 8-v leading spaces of
	// the window, which STEP adds instead of walking their columns.
	nc0 int
	// lean says the plan is for the lean variant (target.lean): no C0
	// vectors and no L1C0, so Q1 keeps its high bytes at Q1 + nout.
	lean bool
}

// densePackTries is the number of ways pack lays the handlers out.
const densePackTries = 4

// densePackWide is how many equally good handlers pack's further tries
// choose among at random.
const densePackWide = 4

// denseMaxC0 is the most C0 vectors the planner gives a model (512 bytes
// each): for the first denseMaxC0 steps of a reply, whose windows start
// with 8, 7, ... spaces.
const denseMaxC0 = 3

// handlerLen is the length of the handler INIT writes for codes s.
func (p *densePlan) handlerLen(s int) int {
	nz := nonZeroCodes(s)
	next := 3 // jp NEXT
	if p.inline[s] {
		next = denseHTNLen
	}
	n := denseHTILen*nz + 4 + next
	if p.stub[s] && nz > 0 {
		// The last op's stub has no jump back (2 bytes) but a copy of
		// the tail: the inc e of its output and of those after it, and
		// the end (NEXT or jp NEXT).
		n = (denseHTLen+denseHSTLen)*nz + 4 + next - 2 + (4 - lastCode(s)) + next
	}
	if s == p.sent {
		n += denseHTELen
	}
	return n
}

// pack lays out the handlers. The dispatch needs only one table lookup
// because the handler of a stored byte t starts at offset t of page
// HPT[t]; the builder stores, for a byte of codes s, the value t that packs
// the handlers best, so the weights in the .COM are the packed codes mapped
// through that permutation, and HCODE[t] = s gives them back. pack sweeps
// the region, putting a handler at the next address whose offset no
// handler has yet, in densePackTries ways, and keeps the tightest: longest
// handlers first; at each address the longest handler left after which
// the next free offset is nearest (so that the next one needs the least
// gap); or, in further tries, one of the densePackWide longest such at
// random (a fixed seed: the same plan every build).
func (p *densePlan) pack() {
	order := make([]int, 256)
	for i := range order {
		order[i] = i
	}
	var size [256]int
	for s := range size {
		size[s] = p.handlerLen(s)
	}
	slices.SortStableFunc(order, func(a, b int) int { return size[b] - size[a] })
	// The handlers left, in that order, as runs of equal size (the choice
	// below depends on a handler's size only, so it looks at each run
	// once): run {lo, hi} holds items[lo:hi].
	type run struct{ lo, hi int }
	var runs0 []run
	for i, s := range order {
		if n := len(runs0); n > 0 && size[order[runs0[n-1].lo]] == size[s] {
			runs0[n-1].hi = i + 1
		} else {
			runs0 = append(runs0, run{i, i + 1})
		}
	}
	var best densePlan
	r := rand.New(rand.NewPCG(1, 2)) // deterministic: the same plan every build
	for look := range densePackTries {
		q := *p
		var used [256]bool
		// gap[o] is the distance from offset o to the next free one
		// (cyclic; 256 when none is free), kept as offsets are used.
		var gap [256]int
		var items [256]int
		copy(items[:], order)
		runs := slices.Clone(runs0)
		a := 0
		for len(runs) > 0 {
			for used[a%256] {
				a++
			}
			u := a % 256
			used[u] = true
			for o, n := u, 0; n < 256 && (o == u || used[o]); o, n = (o+255)%256, n+1 {
				gap[o] = min(gap[(o+1)%256]+1, 256)
			}
			type pick struct{ run, item int } // items[runs[run].lo + item]
			k := pick{}
			if look > 0 {
				// The handler after which the next free offset is
				// nearest (longest first on a tie; in further tries, one
				// of the best few at random).
				var cands [densePackWide]pick
				nearest, nc := 257, 0
				for i, rn := range runs {
					g := gap[(a+size[items[rn.lo]])%256]
					if g < nearest {
						nearest, nc = g, 0
					}
					for j := 0; g == nearest && j < rn.hi-rn.lo && nc < densePackWide; j++ {
						cands[nc] = pick{i, j}
						nc++
					}
				}
				k = cands[0]
				if look > 1 {
					k = cands[r.IntN(nc)]
				}
			}
			rn := &runs[k.run]
			s := items[rn.lo+k.item]
			copy(items[rn.lo+k.item:rn.hi-1], items[rn.lo+k.item+1:rn.hi])
			if rn.hi--; rn.hi == rn.lo {
				runs = slices.Delete(runs, k.run, k.run+1)
			}
			t := a % 256
			q.code[t], q.page[t] = byte(s), a/256
			a += size[s]
		}
		q.size = a
		if look == 0 || q.size < best.size {
			best = q
		}
	}
	*p = best
}

// stored returns the stored value of every byte of codes.
func (p *densePlan) stored() [256]byte {
	var t [256]byte
	for i, s := range p.code {
		t[s] = byte(i)
	}
	return t
}

// planDense plans m's handlers for target t: the most frequent bytes'
// handlers get a copy of NEXT or carry stubs, as many as fit while the program
// still ends below t.memEnd (all of them when t.code is 0, while the
// engine's shape is measured).
func planDense(m *infer.Model, t target) densePlan {
	layers := m.Layers()
	var n [256]int
	for li := range layers {
		for _, c := range PackColumns(&layers[li]) {
			n[c]++
		}
	}
	p := densePlan{lean: t.lean}
	p.sent = denseSentinel(layers, &n)
	// The options, best value (T-states saved per byte of memory, times
	// the byte's frequency) first: a copy of NEXT saves 10 T a byte for 3
	// bytes, stubs about 2 T a weight for 2 bytes a weight (5 T less 22 T
	// times the carry chance: a stub's carry costs 40 T, an inline one 18;
	// dense models carry at 14 % or more, x about 35).
	type option struct {
		s     int
		stub  bool
		value float64
	}
	var opts []option
	for s := range 256 {
		opts = append(opts, option{s, false, float64(n[s]) * 10 / 3})
		if nz := nonZeroCodes(s); nz > 0 {
			opts = append(opts, option{s, true, float64(n[s])}) // 2 T for 2 bytes a weight
		}
	}
	slices.SortStableFunc(opts, func(a, b option) int { return cmp.Compare(b.value, a.value) })
	tab := denseTables(m, t.lean)
	// end is where the program with plan q ends: the handlers' page-aligned
	// buffers after the code, tables and weights, then the stack.
	end := func(q *densePlan) int {
		at := (t.origin + t.code + tab.tables + tab.weights + 255) &^ 255
		return at + bufsSize(denseBufList(layers, q)) + t.stack
	}
	fits := func(k int) bool {
		p.inline, p.stub = [256]bool{}, [256]bool{}
		for _, o := range opts[:k] {
			if o.stub {
				p.stub[o.s] = true
			} else {
				p.inline[o.s] = true
			}
		}
		p.pack()
		return t.code == 0 || end(&p) <= t.memEnd
	}
	// First as many C0 vectors as fit with the handlers without options:
	// a vector saves far more than 512 bytes of options.
	p.nc0 = denseMaxC0
	if t.lean {
		p.nc0 = 0
	}
	for ; p.nc0 > 0 && !fits(0); p.nc0-- {
	}
	// Not even the handlers without options, packed without a gap, fit:
	// no plan does (options only lengthen handlers).
	z := densePlan{sent: p.sent, lean: p.lean}
	for s := range 256 {
		z.size += z.handlerLen(s)
	}
	if end(&z) > t.memEnd && t.code != 0 {
		fits(0)
		return p
	}
	// Down in steps of 16 to the first plan that fits, then up one option
	// at a time to the most that fit (the packing is not monotonic: a few
	// more options may pack tighter).
	k := len(opts)
	for k > 0 && !fits(k) {
		k = max(k-16, 0)
	}
	lo, hi := k+1, min(k+15, len(opts))
	if k == 0 && !fits(0) {
		// No multiple of 16 fits: look at every k.
		hi = len(opts)
	}
	for j := hi; j >= lo; j-- {
		if fits(j) {
			return p
		}
	}
	fits(k)
	return p
}

// denseSentinel returns the byte of codes that ends every column (sent in
// densePlan), given n, the number of times each byte occurs in the weights.
func denseSentinel(layers []quant.Layer, n *[256]int) int {
	var starts [256]bool // the first bytes of columns of 64 bytes
	for li := range layers {
		l := &layers[li]
		if stride := quant.RowBytes(l.Out); stride*4%256 == 0 {
			packed := PackColumns(l)
			for i := range l.In {
				starts[packed[i*stride]] = true
			}
		}
	}
	sent := -1
	for c := range n {
		if !starts[c] && (sent < 0 || n[c] < n[sent]) {
			sent = c
		}
	}
	return sent
}

// errNoSentinel is the error of a model whose every byte of codes starts a
// column of 64 bytes: the dense engine has no byte to end its columns with.
// A *ModelError, so that it matches ErrDoesNotFit (Auto, Fits and BenchAll
// treat it as "this engine cannot hold the model").
var errNoSentinel = &ModelError{Kind: Dense, Msg: "the dense engine needs a byte of weight codes that no column of 64 bytes starts with, and every byte does"}

// lastCode is the position (0..3, the first output in bits 7-6) of the
// last non-zero code of s, which must have one.
func lastCode(s int) int {
	k := 3
	for (s>>(6-2*k))&3 == 0 {
		k--
	}
	return k
}

// nonZeroCodes is the number of non-zero weights in a byte of codes.
func nonZeroCodes(s int) int {
	nz := 0
	for k := range 4 {
		if (s>>(2*k))&3 != 0 {
			nz++
		}
	}
	return nz
}

// denseBufList returns the dense engine's buffers: the shared ones with
// the dispatch page, the handlers and the walk's variables, and ACCX, the
// page above ACCHI, where WALK's walks of an x's high byte over ACCHI
// carry (dense.asm): nothing there is read after a walk. LOGITS (written
// after the last walk, by FINL), NGR (read before the first, by CTXACT)
// and INIT's variables live there when they fit.
func denseBufList(layers []quant.Layer, p *densePlan) []buf {
	initVars := []buf{
		{name: "HOPP", size: 2, comment: "INIT: the next free entry of OPL"},
		{name: "HCUR", size: 1, comment: "INIT: the code of the op being written"},
		{name: "HEND", size: 2, comment: "INIT: the end of the handler being written (before its stubs)"},
		{name: "HLST", size: 1, comment: "INIT: FFh when the stub being written is for the handler's last op"},
		{name: "HSTUB", size: 1, comment: "INIT: FFh when the handler being written has carry stubs"},
		{name: "OPL", size: 12, comment: "INIT: the handler's ops (jr c displacement address, code)"},
	}
	bs := listBufs(layers, []buf{
		{name: "C0V", size: 512 * p.nc0, page: true, comment: "the C0 vectors (INIT; L1C0), 256 words each"},
		{name: "DTBL", size: 256, page: true, comment: "handler page of every byte value (a copy of HPT)"},
		{name: "HREG", size: p.size, page: true, comment: "the 256 handlers INIT writes (handler t at offset t of page HPT[t])"},
	}, append([]buf{
		{name: "WX2", size: 1, comment: "WALK: the x of a column's second walk"},
		{name: "WCOL", size: 2, comment: "WALK: the column of a second walk"},
	}, initVars...))
	// XV and Q1 are written first after INIT has returned (ENCQ, BEGIN):
	// they lie over INIT's code and the tables only INIT reads (OVL, from
	// INIT to INITEND: dense.asm, denseSources; assemble checks OVLEND), a
	// page each for XV and, in the full variant (lists.asm with Ctx0),
	// Q1's low bytes, its high bytes at Q1 + 256 so that L1C0 steps one
	// index register for Q1 + o. The lean variant keeps them at Q1 + nout.
	q1 := 2 * layers[0].Out
	if !p.lean {
		q1 = 256 + layers[0].Out
	}
	for i, b := range bs {
		switch b.name {
		case "XV":
			bs[i].at = "OVL"
			bs[i].comment += " (over INIT)"
		case "Q1":
			bs[i].at, bs[i].size = "OVL + 256", q1
			bs[i].comment = "layer 1 after bias + query (low bytes, then the high bytes at Q1 + 256, or Q1 + nout in the lean variant; over INIT)"
		}
	}
	bs = slices.Insert(bs, 0, buf{name: "OVL", at: "(INIT + 255) / 256 * 256",
		comment: "the buffers over INIT's code and tables, dead once it has returned"})
	bs = append(bs, buf{name: "OVLEND", at: fmt.Sprintf("Q1 + %d", q1),
		comment: "their end: at most INITEND (assemble checks)"})
	// The reset images the data holds (BiasImages, biasImage).
	for li := range layers {
		if name := fmt.Sprintf("BIM%d", li+1); biasImage(layers, li) {
			bs = slices.DeleteFunc(bs, func(b buf) bool { return b.name == name })
		}
	}
	i := slices.IndexFunc(bs, func(b buf) bool { return b.name == "ACCHI" })
	bs = slices.Insert(bs, i+1, buf{name: "ACCX", size: 256, page: true,
		comment: "WALK: the carries out of ACCHI's bytes (discarded); LOGITS, NGR, INIT's variables"})
	inside := []string{"LOGITS", "NGR"}
	for _, v := range initVars {
		inside = append(inside, v.name)
	}
	off := 0
	for _, name := range inside {
		j := slices.IndexFunc(bs, func(b buf) bool { return b.name == name })
		if off+bs[j].size > 256 {
			continue // (LOGITS, for more than 128 characters)
		}
		bs[j].at = fmt.Sprintf("ACCX + %d", off)
		bs[j].comment += " (inside ACCX)"
		off += bs[j].size
	}
	return bs
}

// denseSources generates the data part and the buffer layout for m and
// returns the dense engine's sources.
func denseSources(m *infer.Model, t target) ([]asm.Source, error) {
	layers := m.Layers()
	if len(layers) > 255 {
		return nil, fmt.Errorf("z80ref: %d layers, the dense engine counts at most 255", len(layers))
	}
	p := planDense(m, t)
	if p.sent < 0 {
		return nil, errNoSentinel
	}
	sent, code, page, st := p.sent, p.code, p.page, p.stored()
	// What only INIT reads comes first, right after INIT's code (the end
	// of dense.asm), so that XV and Q1 can lie over both (OVL below).
	var it strings.Builder
	it.WriteString("\n; HPT[t]: the page of the handler of stored byte t (at offset t; see dense.asm).\n")
	it.WriteString("HPT:\n")
	for t := 0; t < 256; t += 8 {
		ws := make([]string, 0, 8)
		for _, p := range page[t : t+8] {
			ws = append(ws, fmt.Sprintf("HREG/256+%d", p))
		}
		fmt.Fprintf(&it, "        db %s\n", strings.Join(ws, ", "))
	}
	it.WriteString("\n; HCODE[t]: the four weight codes of stored byte t.\n")
	it.WriteString("HCODE:\n")
	writeBytes(&it, code[:])
	fmt.Fprintf(&it, "HSENT:   db %s            ; the sentinel (stored), after every column\n", hexByte(st[sent]))
	it.WriteString("; HINL: bit t%8 of byte t/8 set when handler t ends with a copy of NEXT\n")
	it.WriteString("; (else with jp NEXT).\n")
	it.WriteString("HINL:\n")
	writeBytes(&it, handlerBits(&code, &p.inline))
	it.WriteString("; HSTB: bit t%8 of byte t/8 set when handler t puts its carries in stubs.\n")
	it.WriteString("HSTB:\n")
	writeBytes(&it, handlerBits(&code, &p.stub))
	it.WriteString("INITEND:                        ; end of what only INIT reads\n\n")
	var b strings.Builder
	listData(&b, m, "dense", it.String(), true)
	pre := denseL1Pre(layers)
	b.WriteString("\n; Layer 1's pre-shift m (see L1LIST in lists.asm), and the bit test and mask\n")
	b.WriteString("; INIT writes into FINISH1: bit 7-m,(hl); and 2^(8-m)-1.\n")
	fmt.Fprintf(&b, "L1PRE:   db %d\n", pre)
	fmt.Fprintf(&b, "L1BIT:   db %s\n", hexByte(byte(0x46+8*(7-pre))))
	fmt.Fprintf(&b, "L1MSK:   db %s\n", hexByte(byte(1<<(8-pre)-1)))
	if !t.lean {
		fmt.Fprintf(&b, "\n; The number of C0 vectors (L1C0 in lists.asm).\nNC0:     db %d\n", p.nc0)
		b.WriteString("; ENDT[j]: i + n of context n-gram j (start i, length n; ENCCTX's order).\n")
		b.WriteString("ENDT:\n")
		writeBytes(&b, ctxEnds())
	}
	b.WriteString("\n; Weights, column-major, as the compact engine stores them: column i\n")
	b.WriteString("; (input i) has STRIDE bytes, the first output of a byte in bits 7-6;\n")
	b.WriteString("; 00 = 0, 01 = -1, 10 = +1, 11 = -2; each byte stored as the value t whose\n")
	b.WriteString("; HCODE[t] it is, and every column followed by HSENT; columns 2j and 2j+1\n")
	b.WriteString("; interleaved byte by byte (the walk pops two bytes and uses one).\n")
	b.WriteString("WEIGHTS:\n")
	for li := range layers {
		l := &layers[li]
		stride := quant.RowBytes(l.Out)
		fmt.Fprintf(&b, "W%d:                             ; %d columns of %d bytes and the sentinel\n",
			li+1, l.In, stride)
		packed := PackColumns(l)
		col := make([]byte, 0, densePairs(l.In)*2*(stride+1))
		for i := 0; i < l.In; i += 2 {
			// Columns i and i+1 interleaved, byte by byte (a pad column
			// of sentinels when l.In is odd).
			for k := range stride + 1 {
				for _, j := range []int{i, i + 1} {
					switch {
					case j >= l.In || k == stride:
						col = append(col, st[sent])
					default:
						col = append(col, st[packed[j*stride+k]])
					}
				}
			}
		}
		writeBytes(&b, col)
	}

	var u strings.Builder
	u.WriteString(`; ===========================================================================
; densebufs.asm - generated by mulm/z80ref: the end of the image and the
; dense engine's buffers.  Nothing here is stored in the .COM.
; ===========================================================================

ENDIMG:                         ; end of the .COM image

BUFS    equ (ENDIMG + 255) / 256 * 256
`)
	writeBufs(&u, denseBufList(layers, &p))
	u.WriteString("ACTTOP  equ ACT + 1026          ; the activation lists grow down from here\n")
	lists, engine := denseListsAsm, denseAsm
	if t.lean {
		lists, engine = denseListsAsmLean, denseAsmLean
	}
	return []asm.Source{
		layoutSource(&listDesc),
		{Name: "common.asm", Text: commonAsm},
		{Name: "lists.asm", Text: lists},
		{Name: "dense.asm", Text: engine},
		{Name: "data.asm", Text: []byte(b.String())},
		{Name: "densebufs.asm", Text: []byte(u.String())},
	}, nil
}

// denseTables returns the table and weight sizes denseSources generates
// (lean: for the lean variant, without NC0 and ENDT).
func denseTables(m *infer.Model, lean bool) layout {
	lay := listTables(m)
	lay.tables += 2*256 + 1 + 2*32 + 3 // HPT, HCODE, HSENT, HINL, HSTB, L1PRE, L1BIT, L1MSK
	if !lean {
		lay.tables += 1 + len(ctxEnds()) // NC0, ENDT
	}
	for _, l := range m.Layers() {
		// the sentinels, and a pad column when l.In is odd
		lay.weights += densePairs(l.In)*2*(quant.RowBytes(l.Out)+1) - l.In*quant.RowBytes(l.Out)
	}
	return lay
}

// denseL1Pre is layer 1's pre-shift (L1PRE, see L1LIST in lists.asm): its
// shift when that is 1..5 and the layer is hidden, else 0.
func denseL1Pre(layers []quant.Layer) int {
	if s := int(layers[0].Shift); len(layers) > 1 && s >= 1 && s <= 5 {
		return s
	}
	return 0
}

// densePairs is the number of column pairs of a layer with n inputs: the
// walk pops two bytes at a time, so columns are stored interleaved in
// pairs (dense.asm).
func densePairs(n int) int { return (n + 1) / 2 }

// denseLayout returns the sizes the dense engine's memory map needs for m.
func denseLayout(m *infer.Model, t target) (layout, error) {
	lay := denseTables(m, t.lean)
	p := planDense(m, t)
	if p.sent < 0 {
		return layout{}, errNoSentinel
	}
	lay.bufs = bufsSize(denseBufList(m.Layers(), &p))
	return lay, nil
}

// handlerBits packs, for every handler t, whether set[code[t]] holds: bit
// t%8 of byte t/8 (HINL, HSTB).
func handlerBits(code *[256]byte, set *[256]bool) []byte {
	var bits [32]byte
	for t, s := range code {
		if set[s] {
			bits[t/8] |= 1 << (t % 8)
		}
	}
	return bits[:]
}

// ctxEnds returns i + n for every context n-gram (start i, length n), in
// the order ENCCTX writes their buckets: i = 0..7, then n = 1..min(3, 8-i)
// (not trigram.EncodeWindow's order, which takes n first).
func ctxEnds() []byte {
	var e []byte
	for i := range trigram.ContextLen {
		for n := 1; n <= min(3, trigram.ContextLen-i); n++ {
			e = append(e, byte(i+n))
		}
	}
	return e
}
