package z80ref

import (
	"fmt"
	"strings"

	"mulm/infer"
	"mulm/quant"
	"mulm/z80ref/asm"
)

// Compact engine: data generator and layout reader. The layout is described
// in engine.asm and doc.go.

// compactAsm is engine.asm with its templates (the two column walks)
// expanded.
var compactAsm = expandAsm("engine.asm", compactAsmTmpl, nil)

// compactCode maps a weight to the compact engine's 2-bit code: weight 0 is
// 00 so that the column walk can leave a byte as soon as the rest is zero.
func compactCode(w int8) byte {
	switch w {
	case 0:
		return 0
	case -1:
		return 1
	case 1:
		return 2
	case -2:
		return 3
	}
	panic(fmt.Sprintf("z80ref: weight %d out of range", w))
}

// PackColumns packs layer l the way the compact engine reads it: for every
// input i a column of ceil(Out/4) bytes with the weights from i to every
// output, four to a byte, the first output in bits 7-6, codes 00 = 0,
// 01 = −1, 10 = +1, 11 = −2, padding codes 00. Column i starts at byte
// i·ceil(Out/4).
func PackColumns(l *quant.Layer) []byte {
	stride := quant.RowBytes(l.Out)
	out := make([]byte, l.In*stride)
	for i := range l.In {
		col := out[i*stride : (i+1)*stride]
		for o := range l.Out {
			c := compactCode(l.W[o*l.In+i])
			col[o/4] |= c << (6 - 2*uint(o%4))
		}
	}
	return out
}

// compactSources generates the data part for m and returns the compact
// engine's sources: engine.asm, the data and bufs.asm.
func compactSources(m *infer.Model, _ target) ([]asm.Source, error) {
	var b strings.Builder
	layers := m.Layers()
	if len(layers) > 255 {
		return nil, fmt.Errorf("z80ref: %d layers, the compact engine counts at most 255", len(layers))
	}
	writeDataHeader(&b, m, "compact", "")

	b.WriteString("\n; Layer descriptors (the layout is in layout.asm).\n")
	b.WriteString("LAYERS:\n")
	for li, l := range layers {
		in := "XV"
		if li > 0 {
			in = actBuf(li - 1)
		}
		relu := 0x80
		if li == len(layers)-1 {
			relu = 0
		}
		compactDesc.writeDesc(&b, fmt.Sprintf("L%dD", li+1), []string{
			fmt.Sprintf("W%d", li+1), fmt.Sprintf("B%d", li+1), in, actBuf(li),
			fmt.Sprint(l.In & 255), fmt.Sprint(l.Out & 255), fmt.Sprint(quant.RowBytes(l.Out)),
			fmt.Sprint(l.Shift), hexByte(byte(relu)),
		}, fmt.Sprintf("%d->%d", l.In, l.Out))
	}
	b.WriteString("\n; Biases, one word per output.\n")
	writeBiases(&b, layers, 0, func(*quant.Layer) bool { return false })
	b.WriteString("\n; Weights, column-major: column i (input i) has STRIDE bytes, the\n")
	b.WriteString("; first output of a byte in bits 7-6; 00 = 0, 01 = -1, 10 = +1, 11 = -2.\n")
	writeWeights(&b, layers)
	return []asm.Source{
		layoutSource(&compactDesc),
		{Name: "common.asm", Text: commonAsm},
		{Name: "engine.asm", Text: compactAsm},
		{Name: "data.asm", Text: []byte(b.String())},
		{Name: "bufs.asm", Text: compactBufsAsm},
	}, nil
}

// compactDataSizes returns the sizes of the tables and weights that
// compactSources generates for m.
func compactDataSizes(m *infer.Model) (tables, weights int) {
	tables = 3 + len(m.Charset())
	for _, l := range m.Layers() {
		tables += compactDesc.bytes() + 2*l.Out
		weights += l.In * quant.RowBytes(l.Out)
	}
	return tables, weights
}

// actBuf is the output buffer of layer li (0-based): A0, A1, A0, ...
func actBuf(li int) string { return fmt.Sprintf("A%d", li%2) }

// compactLayerOut reads, at STEPL, the layer whose descriptor is at CURD.
func compactLayerOut(mem memReader, im *Image) (int, []int16, error) {
	d := mem.ReadWord(im.sym("CURD"))
	li := int(d-im.sym("LAYERS")) / int(im.sym("LDSIZE"))
	out := mem.ReadWord(d + descOff(im, &compactDesc, "DOUT"))
	n := int(mem.Read(d + descOff(im, &compactDesc, "NOUT")))
	if n == 0 {
		n = 256
	}
	y := make([]int16, n)
	for o := range y {
		y[o] = int16(mem.ReadWord(out + uint16(2*o)))
	}
	return li, y, nil
}

// writeBiases writes the label Bk and the biases of every layer k (layers[0]
// being layer first+1), eight a line: one byte each for a layer where
// asByte is true, else one word.
func writeBiases(b *strings.Builder, layers []quant.Layer, first int, asByte func(*quant.Layer) bool) {
	for li := range layers {
		l := &layers[li]
		op, hex := "dw", func(v int16) string { return hexWord(uint16(v)) }
		if asByte(l) {
			op, hex = "db", func(v int16) string { return hexByte(byte(v)) }
		}
		fmt.Fprintf(b, "B%d:\n", first+li+1)
		for k := 0; k < len(l.Bias); k += 8 {
			ws := make([]string, 0, 8)
			for _, v := range l.Bias[k:min(k+8, len(l.Bias))] {
				ws = append(ws, hex(v))
			}
			fmt.Fprintf(b, "        %s %s\n", op, strings.Join(ws, ", "))
		}
	}
}

// writeWeights writes WEIGHTS and, labelled Wk, every layer k's weights
// packed by PackColumns, as the compact engine reads them.
func writeWeights(b *strings.Builder, layers []quant.Layer) {
	b.WriteString("WEIGHTS:\n")
	for li := range layers {
		l := &layers[li]
		fmt.Fprintf(b, "W%d:                             ; %d columns of %d bytes\n",
			li+1, l.In, quant.RowBytes(l.Out))
		writeBytes(b, PackColumns(l))
	}
}

func writeBytes(b *strings.Builder, data []byte) {
	for k := 0; k < len(data); k += 16 {
		hs := make([]string, 0, 16)
		for _, c := range data[k:min(k+16, len(data))] {
			hs = append(hs, hexByte(c))
		}
		fmt.Fprintf(b, "        db %s\n", strings.Join(hs, ","))
	}
}

// hexByte and hexWord write numbers the way every Z80 assembler reads them:
// a leading digit and an h suffix.
func hexByte(c byte) string   { return fmt.Sprintf("0%02Xh", c) }
func hexWord(v uint16) string { return fmt.Sprintf("0%04Xh", v) }

func pad(n int) string { return strings.Repeat(" ", max(1, 5-n)) }

func joinInts(xs []int, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, sep)
}

// writeDataHeader starts an engine's generated data part: a comment naming
// the model, then DATA with first (the data an engine wants right after
// its code, or "") and the sizes and the charset every engine reads.
func writeDataHeader(b *strings.Builder, m *infer.Model, engine, first string) {
	cs := m.Charset()
	n := m.NumLayers()
	fmt.Fprintf(b, "; ===========================================================================\n")
	fmt.Fprintf(b, "; data.asm - generated by mulm/z80ref for the %s engine. Do not edit.\n", engine)
	fmt.Fprintf(b, "; Model: %s, %d charset entries (last = EOS), at most %d characters.\n",
		joinInts(m.Sizes(), "->"), len(cs), m.MaxLen())
	fmt.Fprintf(b, "; ===========================================================================\n\n")
	b.WriteString("DATA:\n")
	b.WriteString(first)
	fmt.Fprintf(b, "NLAYERS: db %d%s; number of layers\n", n, pad(len(fmt.Sprint(n))))
	fmt.Fprintf(b, "MAXLEN:  db %d%s; most characters in a reply\n", m.MaxLen(), pad(len(fmt.Sprint(m.MaxLen()))))
	fmt.Fprintf(b, "EOSIDX:  db %d%s; index of EOS, the last charset entry\n", m.EOS(), pad(len(fmt.Sprint(m.EOS()))))
	b.WriteString("CHARSET:                        ; output characters in index order (EOS last)\n")
	writeBytes(b, cs)
}
