package z80ref

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
	"mulm/z80ref/cpm"
)

// rig is one image loaded in a CP/M machine, for calling single routines.
type rig struct {
	t  *testing.T
	im *Image
	m  *cpm.Machine
}

func newRig(t *testing.T, im *Image) *rig {
	t.Helper()
	m, err := im.Machine(cpm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m.CPU().SP = im.sym("STACK")
	return &rig{t: t, im: im, m: m}
}

// call runs the routine at label and returns its T-states.
func (r *rig) call(label string) uint64 {
	r.t.Helper()
	addr, ok := r.im.Symbol(label)
	if !ok {
		r.t.Fatalf("no symbol %s", label)
	}
	n, err := r.m.Call(addr, 2_000_000_000)
	if err != nil {
		r.t.Fatalf("%s: %v", label, err)
	}
	if sp := r.m.CPU().SP; sp != r.im.sym("STACK") {
		r.t.Fatalf("%s left SP at %04Xh, want %04Xh", label, sp, r.im.sym("STACK"))
	}
	return n
}

func (r *rig) words(addr uint16, n int) []int16 {
	w := make([]int16, n)
	for i := range w {
		w[i] = int16(r.m.ReadWord(addr + uint16(2*i)))
	}
	return w
}

func (r *rig) setWords(addr uint16, w []int16) {
	for i, v := range w {
		r.m.WriteWord(addr+uint16(2*i), uint16(v))
	}
}

// mustBuild builds the compact image of m.
func mustBuild(t testing.TB, m *infer.Model) *Image { return mustBuildKind(t, m, Compact) }

// mustBuildKind builds m's image for engine kind k.
func mustBuildKind(t testing.TB, m *infer.Model, k EngineKind) *Image {
	t.Helper()
	im, err := Build(m, BuildOptions{Kind: k})
	if err != nil {
		t.Fatal(err)
	}
	return im
}

func queryCases(r *rand.Rand) []string {
	qs := []string{
		"", " ", "     ", "a", "A", " a ", "hello", "HELLO", "Hello, World!",
		"  leading", "trailing   ", "  both  ", "in  side", "\t tab\t", "x\x00y", "\x01\x1f\x7f",
		"\x80\xff\xc3\xa9t\xe9", "[\\]^_`{|}~@", "AZaz@[`{", strings.Repeat("z", 255),
		strings.Repeat("ab ", 85), " " + strings.Repeat("Q", 253) + " ", strings.Repeat(" ", 255),
	}
	for range 40 {
		b := make([]byte, r.IntN(256))
		for i := range b {
			switch r.IntN(4) {
			case 0:
				b[i] = ' '
			case 1:
				b[i] = byte(r.IntN(256))
			default:
				b[i] = byte('A' + r.IntN(58))
			}
		}
		qs = append(qs, string(b))
	}
	return qs
}

// TestENCQ runs the shared query encoder in every engine's image (after
// INIT, which expands the fast engine's weights) against trigram.
func TestENCQ(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m := randomModel(t, r, []int{4}, 3, 5, 0.3)
	qs := queryCases(r)
	for _, k := range Engines() {
		g := newRig(t, mustBuildKind(t, m, k))
		g.call("INIT")
		buf := g.im.sym("CONBUF") + 1
		xv := g.im.sym("XV")
		for _, q := range qs {
			g.m.Write(buf, byte(len(q)))
			for i := range len(q) {
				g.m.Write(buf+1+uint16(i), q[i])
			}
			// Dirty the query half of XV first: ENCQ must clear it.
			for i := range 128 {
				g.m.WriteWord(xv+uint16(2*i), 0xBEEF)
			}
			g.m.CPU().HL.SetU16(buf)
			g.call("ENCQ")
			var want [trigram.Buckets]int16
			trigram.EncodeQuery(&want, q)
			if d := cmp.Diff(want[:], g.words(xv, 128)); d != "" {
				t.Fatalf("%v: query %q (-want +got):\n%s", k, q, d)
			}
		}
	}
}

// randomWindow returns a context window of any bytes when anyByte is set,
// else of lower-case letters, spaces and punctuation.
func randomWindow(r *rand.Rand, anyByte bool) (w [trigram.ContextLen]byte) {
	for i := range w {
		if anyByte {
			w[i] = byte(r.IntN(256))
		} else {
			w[i] = " abcdefghijklmnopqrstuvwxyz?!.,"[r.IntN(31)]
		}
	}
	return w
}

func TestENCCTXAndPUSHW(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	im := mustBuild(t, randomModel(t, r, []int{4}, 3, 5, 0.3))
	g := newRig(t, im)
	win := im.sym("WIN")
	xv := im.sym("XV") + 256
	check := func(w [trigram.ContextLen]byte, what string) {
		t.Helper()
		for i := range 128 {
			g.m.WriteWord(xv+uint16(2*i), 0x1234)
		}
		g.call("ENCCTX")
		var want [trigram.Buckets]int16
		trigram.EncodeWindow(&want, &w)
		if d := cmp.Diff(want[:], g.words(xv, 128)); d != "" {
			t.Fatalf("%s: window %q (-want +got):\n%s", what, w[:], d)
		}
	}
	// Any window bytes, written directly.
	for k := range 200 {
		w := randomWindow(r, k < 100)
		for i, b := range w {
			g.m.Write(win+uint16(i), b)
		}
		check(w, "direct")
	}
	// Generated text pushed one character at a time, as GENERATE does.
	for i := range 8 {
		g.m.Write(win+uint16(i), ' ')
	}
	var text []byte
	for range 40 {
		c := byte(r.IntN(256))
		text = append(text, c)
		g.m.CPU().AF.Hi = c
		g.call("PUSHW")
		var w [trigram.ContextLen]byte
		trigram.FillWindow(&w, text)
		var got [trigram.ContextLen]byte
		for i := range got {
			got[i] = g.m.Read(win + uint16(i))
		}
		if got != w {
			t.Fatalf("after pushing %q: window %q, want %q", text, got[:], w[:])
		}
		check(w, "pushed")
	}
}

// layerModel is a model whose layers have the widths that stress the
// column walk: 1, 3, 4, 5, 255 and 256 inputs and outputs, random shifts
// 0..15 (with 0 and 15 present), dense enough weights to wrap.
func layerModel(t *testing.T, r *rand.Rand) *infer.Model {
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
		l := randomLayer(r, sizes[i], sizes[i+1], shift, 0.6, 30000)
		layers = append(layers, l)
	}
	m, err := infer.New([]byte("a\x00"), layers, 3)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func randomInputs(r *rand.Rand, n int, mode int) []int16 {
	x := make([]int16, n)
	for i := range x {
		switch {
		case mode == 0 && r.IntN(4) > 0: // sparse, small
		case mode == 0:
			x[i] = int16(r.IntN(200) - 50)
		case mode == 1: // anything: accumulators wrap
			x[i] = int16(r.Uint32())
		default: // extremes
			x[i] = []int16{-32768, 32767, -1, 1, 0, 16384}[r.IntN(6)]
		}
	}
	return x
}

func TestLAYER(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := layerModel(t, r)
	im := mustBuild(t, m)
	g := newRig(t, im)
	g.call("INIT") // the compact engine copies its column walks
	layers := m.Layers()
	for li := range layers {
		l := &layers[li]
		desc := im.sym("LAYERS") + uint16(li)*im.sym("LDSIZE")
		din := g.m.ReadWord(desc + 4)
		dout := g.m.ReadWord(desc + 6)
		relu := li < len(layers)-1
		for trial := range 12 {
			x := randomInputs(r, l.In, trial%3)
			g.setWords(din, x)
			g.m.CPU().HL.SetU16(desc)
			g.call("LAYER")
			want := make([]int16, l.Out)
			infer.DenseLayer(want, l, x, relu)
			if d := cmp.Diff(want, g.words(dout, l.Out)); d != "" {
				t.Fatalf("layer %d (%d->%d, shift %d) trial %d (-want +got):\n%s", li+1, l.In, l.Out, l.Shift, trial, d)
			}
			if got := g.words(din, l.In); !cmp.Equal(got, x) {
				t.Fatalf("layer %d changed its input", li+1)
			}
		}
	}
}

func TestARGMAX(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{2, 3, 40, 255} {
		m := randomModel(t, r, []int{3}, n, 5, 0.3)
		im := mustBuild(t, m)
		g := newRig(t, im)
		desc := im.sym("LAYERS") + im.sym("LDSIZE") // the last layer
		dout := g.m.ReadWord(desc + 6)
		cases := [][]int16{
			make([]int16, n), // all equal: index 0
		}
		for range 60 {
			v := make([]int16, n)
			for i := range v {
				switch r.IntN(3) {
				case 0:
					v[i] = int16(r.Uint32())
				case 1:
					v[i] = []int16{-32768, 32767, -1, 0, 1}[r.IntN(5)]
				default:
					v[i] = int16(r.IntN(5) - 2) // many ties
				}
			}
			cases = append(cases, v)
		}
		all := func(x int16) []int16 {
			v := make([]int16, n)
			for i := range v {
				v[i] = x
			}
			return v
		}
		cases = append(cases, all(-32768), all(32767), all(-5))
		for _, v := range cases {
			g.m.CPU().HL.SetU16(desc)
			g.call("LDESC")
			g.setWords(dout, v)
			g.call("ARGMAX")
			if got, want := int(g.m.CPU().AF.Hi), infer.Argmax(v); got != want {
				t.Fatalf("n=%d argmax of %v = %d, want %d", n, v, got, want)
			}
		}
	}
}
