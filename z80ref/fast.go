package z80ref

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strings"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
	"mulm/z80ref/asm"
)

// Fast engine: data generator, layout planner and readers. The layout is
// described in fast.asm and doc.go.

var (
	//go:embed lists.asm
	listsAsmTmpl []byte
	//go:embed fast.asm
	fastAsmTmpl []byte
	// fastAsm and fastListsAsm are fast.asm and lists.asm with their
	// templates expanded for the fast engine; fastAsmReady is fast.asm
	// without INIT's column decoder, for a target that packs no column
	// (target.pack).
	fastAsm      = expandAsm("fast.asm", fastAsmTmpl, fastAsmData(true))
	fastAsmReady = expandAsm("fast.asm", fastAsmTmpl, fastAsmData(false))
	fastListsAsm = expandAsm("lists.asm", listsAsmTmpl, listsOptions{})
)

// fastBitPos is one bit position of XCOL's unrolled decoder: P is the bit
// (0 = bit 7 of the byte), N the next one (8 = the next byte).
type fastBitPos struct{ P, N int }

// fastAsmData is what fast.asm's templates expand: whether INIT expands
// packed columns (Pack), the eight bit positions and XCOL's chains after
// the code prefixes "1", "11" and "111".
func fastAsmData(pack bool) map[string]any {
	var bits []fastBitPos
	for p := range 8 {
		bits = append(bits, fastBitPos{p, p + 1})
	}
	type chain struct {
		N, Next int
		Prefix  string
	}
	return map[string]any{"Pack": pack, "Bits": bits, "Chains": []chain{{1, 2, "1"}, {2, 3, "11"}, {3, 4, "111"}}}
}

// fastLeaves returns the non-zero weight values of layer l in the order of
// the fast engine's packed codes "10", "110" and "1110" (the code of 0 is
// "0"): +1 and −1, the more frequent of them in the layer first (−1 on a
// tie), then −2 (the rarest value in trained models).
func fastLeaves(l *quant.Layer) [3]int8 {
	n := map[int8]int{}
	for _, w := range l.W {
		n[w]++
	}
	if n[1] > n[-1] {
		return [3]int8{1, -1, -2}
	}
	return [3]int8{-1, 1, -2}
}

// fastColumn packs input i of layer l as the fast engine's INIT reads it:
// the weights to outputs 0, 1, ... up to the last non-zero one as a bit
// string, weight 0 as "0" and the values of leaves as "10", "110" and
// "1110", then the end mark "1111" and 0 bits up to a whole byte; the
// first bit is bit 7 of the string's first byte, and the bytes are
// returned in memory order, the first one last (INIT reads the columns
// downward). The second result counts the weights INIT decodes: the 0s
// before the last non-zero weight, then those of each leaf.
func fastColumn(l *quant.Layer, leaves [3]int8, i int) ([]byte, [4]int) {
	var out []byte
	var n [4]int
	var acc byte
	nbits := 0
	put := func(code string) {
		for _, c := range code {
			acc = acc<<1 | byte(c-'0')
			if nbits++; nbits == 8 {
				out = append(out, acc)
				acc, nbits = 0, 0
			}
		}
	}
	last := -1
	for o := range l.Out {
		if l.W[o*l.In+i] != 0 {
			last = o
		}
	}
	for o := 0; o <= last; o++ {
		j := 1 + slices.Index(leaves[:], l.W[o*l.In+i])
		n[j]++
		put([]string{"0", "10", "110", "1110"}[j])
	}
	put("1111")
	if nbits > 0 {
		out = append(out, acc<<(8-nbits))
	}
	slices.Reverse(out)
	return out, n
}

// XCOL's T-states (checked by TestFastXCOLCost), which planFast's cost
// model uses: per weight 0 decoded and per code 10, 110 and 1110; the end
// mark; per byte after the first, and more when it starts after a weight
// 0; per −2 weight (copied from its temporary list); and an estimate
// of the rest per column (XCOL's fixed part, INIT's loop).
const (
	xcolZero, xcolLeaf1, xcolLeaf2, xcolLeaf3 = 15, 54, 78, 105
	xcolEnd, xcolReload, xcolRoot, xcolCopy   = 62, 21, 10, 21
	xcolColumn                                = 600
)

// fastPlan is the result of planning how a model's weights are stored for
// the fast engine: every input's index-list block either ready in the
// file (stored) or as its packed column, which INIT expands in place.
type fastPlan struct {
	// block[k][i] is the size of input i's block in layer k: three count
	// bytes and one byte per non-zero weight.
	block [][]int
	// size[k][i] is the size of input i's packed column (fastColumn).
	size [][]int
	// leaves[k] are layer k's values by packed code (fastLeaves).
	leaves [][3]int8
	// packed[k][i] reports whether input i of layer k is stored as its
	// packed column rather than as its ready block.
	packed [][]bool
	// stored is the size of all stored blocks, packedBytes that of all
	// packed columns (they follow the stored blocks in the file).
	stored, packedBytes int
	// lists is the total size of the blocks INIT expands.
	lists int
	// headroom is how far above ENDIMG the top of the expanded blocks
	// (LISTTOP) must at least lie so that, expanding from the last packed
	// column of the last layer down to the first of layer 1, the bottom of
	// every column's block stays at or above the end of that column's
	// packed bytes and so never overwrites packed bytes not read yet (INIT
	// writes a block while it reads the block's column).
	headroom int
}

// planFast plans the storage and checks the fast engine's limits: each
// input's +1, −1 and −2 lists are counted in one byte, so none may have
// 256 entries. room is the most bytes the stored blocks and packed columns
// may take together, with two bytes per packed column (its counts in XPLk):
// while they take more, the column whose packing saves the most bytes per
// T-state INIT spends on it is packed (start-up time is spent only where
// the file needs the room).
func planFast(layers []quant.Layer, room int) (fastPlan, error) {
	var p fastPlan
	p.block = make([][]int, len(layers))
	p.size = make([][]int, len(layers))
	p.leaves = make([][3]int8, len(layers))
	p.packed = make([][]bool, len(layers))
	type cand struct{ k, i, save, cost int }
	var cands []cand
	for k := range layers {
		l := &layers[k]
		p.leaves[k] = fastLeaves(l)
		p.block[k] = make([]int, l.In)
		p.size[k] = make([]int, l.In)
		p.packed[k] = make([]bool, l.In)
		for i := range l.In {
			var n [3]int // weights of +1, −1, −2
			for o := range l.Out {
				switch l.W[o*l.In+i] {
				case 1:
					n[0]++
				case -1:
					n[1]++
				case -2:
					n[2]++
				}
			}
			for j, c := range n {
				if c > 255 {
					return p, &ModelError{Kind: Fast, Msg: fmt.Sprintf("the fast engine counts each input's weights of one value in a byte, "+
						"but input %d of layer %d has %d weights of %d", i, k+1, c, []int{1, -1, -2}[j])}
				}
			}
			p.block[k][i] = 3 + n[0] + n[1] + n[2]
			p.stored += p.block[k][i]
			col, dec := fastColumn(l, p.leaves[k], i)
			p.size[k][i] = len(col)
			if save := p.block[k][i] - p.size[k][i] - 2; save > 0 {
				cost := xcolZero*dec[0] + xcolLeaf1*dec[1] + xcolLeaf2*dec[2] + xcolLeaf3*dec[3] + xcolEnd +
					(xcolReload+xcolRoot)*p.size[k][i] + xcolCopy*n[2] + xcolColumn
				cands = append(cands, cand{k, i, save, cost})
			}
		}
	}
	// Best saving per T-state first (cross-multiplied: exact, deterministic).
	slices.SortStableFunc(cands, func(a, b cand) int { return b.save*a.cost - a.save*b.cost })
	npacked := 0
	for _, c := range cands {
		if p.stored+p.packedBytes+2*npacked <= room {
			break
		}
		p.packed[c.k][c.i] = true
		p.stored -= p.block[c.k][c.i]
		p.packedBytes += p.size[c.k][c.i]
		npacked++
	}
	// The packed columns follow each other in (layer, input) order, from
	// the end of the stored blocks; INIT expands them last first.
	offs := make([][]int, len(layers)) // end of each packed column, from the first
	end := 0
	for k := range layers {
		offs[k] = make([]int, layers[k].In)
		for i := range layers[k].In {
			if p.packed[k][i] {
				end += p.size[k][i]
				offs[k][i] = end
			}
		}
	}
	for k := len(layers) - 1; k >= 0; k-- {
		for i := layers[k].In - 1; i >= 0; i-- {
			if !p.packed[k][i] {
				continue
			}
			p.lists += p.block[k][i]
			// LISTTOP - lists >= (ENDIMG - packedBytes) + end of column,
			// LISTTOP = ENDIMG + headroom.
			p.headroom = max(p.headroom, p.lists+offs[k][i]-p.packedBytes)
		}
	}
	return p, nil
}

// fastRoom is the room planFast may give m's stored blocks, packed columns
// and lists of packed inputs on target t: what the platform's file limit
// leaves after the code and the other tables; without limit (packing
// nothing) for a target that packs no column (target.pack), whose memory
// check then speaks.
func fastRoom(m *infer.Model, t target) int {
	if !t.pack {
		return math.MaxInt
	}
	return t.fileMax - t.code - fastTables(m, fastPlan{packed: make([][]bool, m.NumLayers())})
}

// fastTables is the size of the fast engine's tables for plan: the list
// engines' ones, then XBMT (two addresses per layer), the bitmaps and the
// lists of packed inputs (a byte, a word, then two bytes a packed input).
func fastTables(m *infer.Model, plan fastPlan) int {
	n := listTables(m).tables
	for k, l := range m.Layers() {
		n += 4 + (l.In+7)/8 + 3 + 2*countTrue(plan.packed[k])
	}
	return n
}

// fastBiasBytes reports whether every bias of l fits a signed byte.
func fastBiasBytes(l *quant.Layer) bool {
	for _, b := range l.Bias {
		if b < -128 || b > 127 {
			return false
		}
	}
	return true
}

// listData writes the data part both list engines (fast and dense) share:
// the header (with first, as writeDataHeader), the layer descriptors and
// the biases; with images (listsOptions.BiasImages), those of every layer
// after the first with word biases as its reset image BIMk (biasImage).
func listData(b *strings.Builder, m *infer.Model, engine, first string, images bool) {
	layers := m.Layers()
	writeDataHeader(b, m, engine, first)
	b.WriteString("\n; Layer descriptors (the layout is in layout.asm).\n")
	b.WriteString("LAYERS:\n")
	for li := range layers {
		l := &layers[li]
		flags := 0
		if li < len(layers)-1 {
			flags |= 0x80
		}
		if fastBiasBytes(l) {
			flags |= 1
		}
		if images && biasImage(layers, li) {
			flags |= 2
		}
		bim := fmt.Sprintf("BIM%d", li+1)
		if li == 0 {
			bim = "0" // BEGIN expands layer 1's biases into the accumulators
		}
		listDesc.writeDesc(b, fmt.Sprintf("L%dD", li+1), []string{
			fmt.Sprintf("W%d", li+1), fmt.Sprintf("B%d", li+1), bim,
			fmt.Sprint(l.In & 255), fmt.Sprint(l.Out & 255), fmt.Sprint(quant.RowBytes(l.Out)),
			fmt.Sprint(l.Shift), hexByte(byte(flags)), fmt.Sprintf("PTL%d/256", li+1),
		}, fmt.Sprintf("%d->%d", l.In, l.Out))
	}
	fmt.Fprintf(b, "LASTD   equ L%dD                 ; the last layer's descriptor\n", len(layers))
	b.WriteString("\n; Biases: one byte each when they all fit (flag 01h), else one word")
	if images {
		b.WriteString(";\n; flag 02h: the reset image itself (nout low bytes, then nout high bytes),\n")
		b.WriteString("; which LAYER loads as it is and MKBIM leaves")
	}
	b.WriteString(".\n")
	for li := range layers {
		if !images || !biasImage(layers, li) {
			writeBiases(b, layers[li:li+1], li, fastBiasBytes)
			continue
		}
		l := &layers[li]
		lo, hi := make([]byte, l.Out), make([]byte, l.Out)
		for o, v := range l.Bias {
			lo[o], hi[o] = byte(v), byte(uint16(v)>>8)
		}
		fmt.Fprintf(b, "B%d:\nBIM%d:\n", li+1, li+1)
		writeBytes(b, lo)
		writeBytes(b, hi)
	}
}

// biasImage reports whether the dense engine's data holds layer li's
// reset image itself (flag 02h): a layer after the first whose biases are
// words, so the image takes the bytes they would.
func biasImage(layers []quant.Layer, li int) bool {
	return li > 0 && !fastBiasBytes(&layers[li])
}

// fastSources generates the data part and the buffer layout for m and
// returns the fast engine's sources.
func fastSources(m *infer.Model, t target) ([]asm.Source, error) {
	layers := m.Layers()
	if len(layers) > 255 {
		return nil, fmt.Errorf("z80ref: %d layers, the fast engine counts at most 255", len(layers))
	}
	plan, err := planFast(layers, fastRoom(m, t))
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	listData(&b, m, "fast", "", false)
	writeFastWeights(&b, layers, plan)
	src := fastAsm
	if !t.pack {
		src = fastAsmReady
	}
	return []asm.Source{
		layoutSource(&listDesc),
		{Name: "common.asm", Text: commonAsm},
		{Name: "lists.asm", Text: fastListsAsm},
		{Name: "fast.asm", Text: src},
		{Name: "data.asm", Text: []byte(b.String())},
		{Name: "fastbufs.asm", Text: []byte(fastBufs(layers, plan))},
	}, nil
}

// buf is one buffer of a list engine's layout: size bytes at the next
// offset from BUFS, or at the next page boundary when page is set.
type buf struct {
	name    string
	size    int
	page    bool
	comment string
	// at, when set, places the buffer at that expression instead (inside
	// another buffer); it takes no room of its own.
	at string
}

// listBufs returns the buffers of a list engine for the given layers,
// in address order: the shared ones with the engine's own page-aligned
// buffers (pages) after the page-aligned ones and its variables (extra)
// before the stack.
func listBufs(layers []quant.Layer, pages, extra []buf) []buf {
	bs := []buf{
		{name: "ACCLO", size: 256, page: true, comment: "accumulators, low bytes"},
		{name: "ACCHI", size: 256, page: true, comment: "accumulators, high bytes"},
		{name: "XV", size: 256, page: true, comment: "query buckets, words 0..127"},
		{name: "ACT", size: 4*256 + 4, page: true, comment: "activation list: 256 entries and the end mark, growing down from ACTTOP"},
		// The console buffers are free once ENCQ has read the query, before
		// QACT writes the first list: they share ACT.
		{name: "CONBUF", size: 258, comment: "BDOS 10 buffer: max, count, 255 chars (inside ACT)", at: "ACT"},
		{name: "QBUF", size: 257, comment: "\" \" + trimmed query + \" \" (inside ACT)", at: "ACT + 258"},
		// ACT ends 252 bytes before the next page (PTL1): CTXACT's
		// counts live there, in the upper half of ACT's last page.
		{name: "CNT", size: 128, comment: "CTXACT: n-grams per bucket, by 80h + bucket (zero between calls)", at: "ACT + 1152"},
	}
	for k := range layers {
		bs = append(bs, buf{name: fmt.Sprintf("PTL%d", k+1), size: 512, page: true,
			comment: fmt.Sprintf("layer %d: address of input i's block or column, low bytes (high bytes 256 on)", k+1)})
	}
	bs = append(bs, pages...)
	bs = append(bs, buf{name: "Q1", size: 2 * layers[0].Out, comment: "layer 1 after bias + query (low bytes, then high)"})
	for k := 1; k < len(layers); k++ {
		bs = append(bs, buf{name: fmt.Sprintf("BIM%d", k+1), size: 2 * layers[k].Out,
			comment: fmt.Sprintf("layer %d biases as 16 bits (low bytes, then high)", k+1)})
	}
	bs = append(bs, []buf{
		{name: "LOGITS", size: 2 * layers[len(layers)-1].Out, comment: "the last layer's outputs (words)"},
		{name: "WIN", size: 8, comment: "context window"},
		{name: "NGR", size: 21, comment: "context n-gram buckets"},
		{name: "SAVSP", size: 2, comment: "the real SP while SP walks a list"},
		{name: "ACTSP", size: 2, comment: "WALK's position in the activation list"},
		{name: "ACTLIST", size: 2, comment: "the activation list FINISH built"},
		{name: "CURD", size: 2, comment: "descriptor of the current layer"},
		{name: "CURL", size: 1, comment: "its index (0-based)"},
		{name: "NLEFT", size: 1, comment: "characters the reply may still have"},
		{name: "AMAX", size: 1, comment: "argmax so far"},
	}...)
	bs = append(bs, extra...)
	return append(bs, buf{name: "STKBOT", size: 128, comment: "stack"})
}

// bufsSize is the size of the buffers bs lay out from BUFS to STKBOT.
func bufsSize(bs []buf) int {
	off := 0
	for _, b := range bs {
		if b.at != "" {
			continue
		}
		if b.page {
			off = (off + 255) &^ 255
		}
		if b.name == "STKBOT" {
			return off
		}
		off += b.size
	}
	return off
}

// writeBufs writes the equs of bs, from BUFS, then STACK and BUFEND.
func writeBufs(w *strings.Builder, bs []buf) {
	off := 0
	for _, b := range bs {
		if b.at != "" {
			fmt.Fprintf(w, "%-7s equ %-17s ; %-5d %s\n", b.name, b.at, b.size, b.comment)
			continue
		}
		if b.page {
			off = (off + 255) &^ 255
		}
		fmt.Fprintf(w, "%-7s equ BUFS + %-10d ; %-5d %s\n", b.name, off, b.size, b.comment)
		off += b.size
	}
	fmt.Fprintf(w, "STACK   equ BUFS + %-10d ;       initial SP (grows down)\n", off)
	w.WriteString("BUFEND  equ STACK               ; first address past everything\n")
}

// fastExtraBufs are the fast engine's own variables: INIT's expansion.
var fastExtraBufs = []buf{
	{name: "XWP", size: 2, comment: "INIT: lowest block byte written"},
	{name: "XPT", size: 1, comment: "INIT: PTL page of the layer"},
	{name: "XSWP", size: 1, comment: "INIT: 1 when the layer's code 10 is -1"},
	{name: "XWALK", size: 1, comment: "INIT: the layer's inputs to walk (0 = 256)"},
	{name: "XLOW", size: 1, comment: "INIT: its lowest packed input"},
	{name: "XTOP", size: 2, comment: "INIT: the end of the column's block"},
	{name: "XN1A", size: 2, comment: "INIT: the column's n1 byte"},
	{name: "XLEFT", size: 1, comment: "INIT: layers left"},
	{name: "XSP", size: 2, comment: "INIT: the next stored block"},
	{name: "XBP", size: 2, comment: "INIT: its entry in XBMT"},
}

// fastBufs is the fast engine's buffer layout for the given layers.
func fastBufs(layers []quant.Layer, plan fastPlan) string {
	var b strings.Builder
	b.WriteString(`; ===========================================================================
; fastbufs.asm - generated by mulm/z80ref: the end of the image and the fast
; engine's buffers.  Nothing here is stored in the .COM.
;
; INIT expands the packed columns into index-list blocks that grow down from
; LISTTOP (= BUFS) and end at LISTBOT, over the packed columns; the builder
; placed LISTTOP so that no block overwrites packed bytes not read yet.  The
; stored blocks (SBLK on) stay where the file put them.
; ===========================================================================

ENDIMG:                         ; end of the .COM image

`)
	fmt.Fprintf(&b, "LISTTOP equ (ENDIMG + %d + 255) / 256 * 256\n", plan.headroom)
	fmt.Fprintf(&b, "LISTBOT equ LISTTOP - %d          ; the lowest block, after INIT\n", plan.lists)
	b.WriteString("BUFS    equ LISTTOP\n")
	writeBufs(&b, listBufs(layers, nil, fastExtraBufs))
	b.WriteString(`ACTTOP  equ ACT + 1026          ; the activation lists grow down from here
TPM2    equ ACT                 ; INIT: a column's -2 list (page aligned)
`)
	return b.String()
}

// fastBufSize is the size of the buffers fastBufs lays out (BUFS to
// STKBOT).
func fastBufSize(layers []quant.Layer) int { return bufsSize(listBufs(layers, nil, fastExtraBufs)) }

// fastLayout returns the sizes the fast engine's memory map needs for m.
func fastLayout(m *infer.Model, t target) (layout, error) {
	layers := m.Layers()
	plan, err := planFast(layers, fastRoom(m, t))
	if err != nil {
		return layout{}, err
	}
	return layout{tables: fastTables(m, plan), weights: plan.stored + plan.packedBytes,
		headroom: plan.headroom, bufs: fastBufSize(layers)}, nil
}

// writeFastWeights writes the fast engine's packed-column bitmaps (XBMT,
// XBMk), its lists of packed inputs (XPLk) and its weights: the stored
// blocks in (layer, input) order from SBLK, then every layer k's packed
// columns from Wk (in input order).
func writeFastWeights(b *strings.Builder, layers []quant.Layer, plan fastPlan) {
	b.WriteString("\n; XBMT: every layer's bitmap XBMk, whose bit i (byte i/8, bit i mod 8)\n")
	b.WriteString("; is set when input i is stored as its packed column, and its list XPLk:\n")
	b.WriteString("; 0 when codes 10 and 110 are +1 and -1, 1 when they are -1 and +1, the\n")
	b.WriteString("; count of inputs from the last to the lowest packed one (a word, 0 for\n")
	b.WriteString("; none), then for each packed input from the last down its count of +1\n")
	b.WriteString("; weights and its count of non-zero weights less one.\n")
	b.WriteString("XBMT:")
	for k := range layers {
		fmt.Fprintf(b, "   dw XBM%d, XPL%d\n     ", k+1, k+1)
	}
	fmt.Fprintf(b, "\nXBMTL   equ XBMT + %d            ; the last layer's entry\n", 4*(len(layers)-1))
	for k := range layers {
		l := &layers[k]
		bm := make([]byte, (l.In+7)/8)
		for i, pk := range plan.packed[k] {
			if pk {
				bm[i/8] |= 1 << (i % 8)
			}
		}
		fmt.Fprintf(b, "XBM%d:\n", k+1)
		writeBytes(b, bm)
		swap := 0
		if plan.leaves[k][0] == -1 {
			swap = 1
		}
		walk := 0 // inputs INIT walks: from the last to the lowest packed one
		if lo := slices.Index(plan.packed[k], true); lo >= 0 {
			walk = l.In - lo
		}
		fmt.Fprintf(b, "XPL%d:   db %d                    ; codes 10, 110, 1110: %d, %d, %d\n",
			k+1, swap, plan.leaves[k][0], plan.leaves[k][1], plan.leaves[k][2])
		fmt.Fprintf(b, "        dw %d                   ; inputs from the last to the lowest packed one\n", walk)
		var pl []byte
		for i := l.In - 1; i >= 0; i-- {
			if plan.packed[k][i] {
				// n+ from the column's counts by code; the non-zero
				// weights are the block's entries (planFast's count).
				_, n := fastColumn(l, plan.leaves[k], i)
				np := n[1+slices.Index(plan.leaves[k][:], 1)]
				pl = append(pl, byte(np), byte(plan.block[k][i]-3-1))
			}
		}
		writeBytes(b, pl)
	}
	b.WriteString("\n; Weights.  First the stored blocks, ready: for input i, the counts and\n")
	b.WriteString("; outputs of its +1, -1 and -2 weights (n+, the n+ outputs, n1, ..., n2, ...).\n")
	b.WriteString("; Then the packed columns: input i's weights to outputs 0, 1, ... up to its\n")
	b.WriteString("; last non-zero one as a bit string, 0 as \"0\" and the layer's three other\n")
	b.WriteString("; values (XPLk) as \"10\", \"110\" and \"1110\", then \"1111\" and 0 bits to a\n")
	b.WriteString("; whole byte; its first byte is the column's last (INIT reads downward).\n")
	b.WriteString("; INIT expands them into blocks above (see fastbufs.asm).\n")
	b.WriteString("WEIGHTS:\nSBLK:\n")
	for k := range layers {
		l := &layers[k]
		var blk []byte
		for i := range l.In {
			if plan.packed[k][i] {
				continue
			}
			for _, w := range []int8{1, -1, -2} {
				at := len(blk)
				blk = append(blk, 0)
				for o := range l.Out {
					if l.W[o*l.In+i] == w {
						blk = append(blk, byte(o))
					}
				}
				blk[at] = byte(len(blk) - at - 1)
			}
		}
		fmt.Fprintf(b, "; layer %d: %d stored blocks\n", k+1, l.In-countTrue(plan.packed[k]))
		writeBytes(b, blk)
	}
	for k := range layers {
		l := &layers[k]
		var col []byte
		for i := range l.In {
			if plan.packed[k][i] {
				c, _ := fastColumn(l, plan.leaves[k], i)
				col = append(col, c...)
			}
		}
		fmt.Fprintf(b, "W%d:                             ; %d packed columns, %d bytes\n",
			k+1, countTrue(plan.packed[k]), len(col))
		writeBytes(b, col)
	}
}

// countTrue is the number of true values in bs.
func countTrue(bs []bool) int {
	n := 0
	for _, v := range bs {
		if v {
			n++
		}
	}
	return n
}

// listTables returns the table and weight sizes listData and writeWeights
// generate for m.
func listTables(m *infer.Model) layout {
	layers := m.Layers()
	lay := layout{tables: 3 + len(m.Charset())}
	for i := range layers {
		l := &layers[i]
		lay.tables += listDesc.bytes() + l.Out
		if !fastBiasBytes(l) {
			lay.tables += l.Out
		}
		lay.weights += l.In * quant.RowBytes(l.Out)
	}
	return lay
}

// fastInput reads the input vector at STEPX: the query buckets from XV,
// the context buckets from the 21 n-gram buckets in NGR.
func fastInput(mem memReader, im *Image) []int16 {
	x := make([]int16, trigram.InputSize)
	xv := im.sym("XV")
	for i := range trigram.Buckets {
		x[i] = int16(mem.ReadWord(xv + uint16(2*i)))
	}
	ngr := im.sym("NGR")
	for j := range trigram.ContextWindows {
		x[trigram.Buckets+int(mem.Read(ngr+uint16(j))&127)] += trigram.Weight
	}
	return x
}

// fastLayer reads descriptor fields of layer li (0-based).
type fastDesc struct {
	addr           uint16
	nin, nout      int
	flags, ptlPage byte
}

func readFastDesc(mem memReader, im *Image, li int) fastDesc {
	d := im.sym("LAYERS") + uint16(li)*im.sym("FLDSZ")
	n := func(b byte) int {
		if b == 0 {
			return 256
		}
		return int(b)
	}
	f := func(name string) byte { return mem.Read(d + descOff(im, &listDesc, name)) }
	return fastDesc{addr: d, nin: n(f("FDNIN")), nout: n(f("FDNOUT")), flags: f("FDFL"), ptlPage: f("FDPT")}
}

// fastBlocks returns the block address of every input of layer li, from
// its PTL/PTH pages.
func fastBlocks(mem memReader, im *Image, li int) []uint16 {
	d := readFastDesc(mem, im, li)
	p := make([]uint16, d.nin)
	base := uint16(d.ptlPage) << 8
	for i := range p {
		p[i] = uint16(mem.Read(base+uint16(i))) | uint16(mem.Read(base+256+uint16(i)))<<8
	}
	return p
}

// fastActList reads the activation list at addr into a vector of n inputs
// of layer li (0-based), whose block addresses identify the inputs.
func fastActList(mem memReader, im *Image, addr uint16, li, n int) ([]int16, error) {
	idx := map[uint16]int{}
	for i, p := range fastBlocks(mem, im, li) {
		idx[p] = i
	}
	y := make([]int16, n)
	for k := 0; ; k++ {
		p := mem.ReadWord(addr + uint16(4*k))
		if p == 0 {
			return y, nil
		}
		i, ok := idx[p]
		if !ok || k > 1024 {
			return y, fmt.Errorf("activation list entry %d at %04Xh names block %04Xh, no input of layer %d", k, addr, p, li+1)
		}
		y[i] += int16(mem.ReadWord(addr + uint16(4*k+2)))
	}
}

// fastLayerOut reads, at STEPL, the outputs of the layer CURL: a hidden
// layer's from its activation list (the inputs of the next layer), the
// last layer's from LOGITS.
func fastLayerOut(mem memReader, im *Image) (int, []int16, error) {
	li := int(mem.Read(im.sym("CURL")))
	d := readFastDesc(mem, im, li)
	if d.flags&0x80 == 0 {
		y := make([]int16, d.nout)
		for o := range y {
			y[o] = int16(mem.ReadWord(im.sym("LOGITS") + uint16(2*o)))
		}
		return li, y, nil
	}
	y, err := fastActList(mem, im, mem.ReadWord(im.sym("ACTLIST")), li+1, d.nout)
	return li, y, err
}
