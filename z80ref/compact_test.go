package z80ref

import (
	"math/rand/v2"
	"testing"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
)

// Column-walk costs of the compact engine (engine.asm's ACCUM header),
// in T-states: a code that more codes of its byte follow (weight 0, -1,
// +1, -2), the extra of the byte's last non-zero code (±1, -2) and of an
// all-zero byte's one weight 0 (negative: cheaper), a carry or borrow into
// the high byte, and per byte: its load, the step to its last output and
// the end test that goes on to the next byte (the column's last byte ends
// the walk instead, part of a walk's fixed cost). W16 has no carries to
// count (its adds are 16-bit).
const (
	walkLoad, walkBend, walkNext   = 13, 15, 19
	w8Zero, w8M1, w8P1, w8M2       = 38, 71, 71, 81
	w8LastPM, w8LastM2, w8LastZero = 5, 7, -5
	w8Carry                        = 36
	w8M2Carry                      = 31 // a -2 that borrows continues as a -1 does
	w16P1, w16M1, w16M2, w16Last   = 95, 107, 164, 7
)

// walkCost is the cost that the header's figures give a walk of the
// column codes (one per output, engine codes 0..3 as compactCode maps
// them) with x's walk (wide: W16) and carry[o] set where output o's add
// carries into its high byte.
func walkCost(codes []byte, carry []bool, wide bool) int {
	t := 0
	nb := (len(codes) + 3) / 4
	for b := range nb {
		t += walkLoad + walkBend
		if b < nb-1 {
			t += walkNext
		}
		k := 0 // the last non-zero code of the byte (0 when all are 0)
		for j := range 4 {
			if o := 4*b + j; o < len(codes) && codes[o] != 0 {
				k = j
			}
		}
		for j := 0; j <= k; j++ {
			o := 4*b + j
			c := byte(0)
			if o < len(codes) {
				c = codes[o]
			}
			last := j == k
			switch {
			case c == 0:
				t += w8Zero
				if last {
					t += w8LastZero
				}
			case wide:
				t += []int{0, w16M1, w16P1, w16M2}[c]
				if last {
					t += w16Last
				}
			default:
				t += []int{0, w8M1, w8P1, w8M2}[c]
				switch {
				case carry[o] && c == 3:
					t += w8M2Carry
					if last {
						t += w8LastPM
					}
				case carry[o]:
					t += w8Carry
					if last {
						t += w8LastPM
					}
				case last && c == 3:
					t += w8LastM2
				case last:
					t += w8LastPM
				}
			}
		}
	}
	return t
}

// TestCompactWalkCost measures the compact engine's column walks: a
// hidden layer with one non-zero input of random weights (any mix, any
// width 1..256) against the same layer with all inputs 0, and checks the
// difference against walkCost plus a fixed cost per walk (W8 with x in
// 1..63, W16 with x = 300), which must be the same for every column. The
// biases choose where an add carries (low byte FFh with +1, 00h with -1
// or -2) and keep every output positive, so that FINISH costs the same.
func TestCompactWalkCost(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	fixed := map[bool]int{}
	for trial := range 60 {
		out := 1 + r.IntN(256)
		if trial < 4 {
			out = 256
		}
		wide := trial%3 == 2
		l := quant.Layer{In: 4, Out: out, W: make([]int8, 4*out), Bias: make([]int16, out)}
		codes := make([]byte, out)
		carry := make([]bool, out)
		nz := r.Float64()
		for o := range out {
			w := int8(0)
			if r.Float64() < nz {
				w = []int8{-2, -1, 1}[r.IntN(3)]
			}
			l.W[o*l.In] = w
			codes[o] = compactCode(w)
			lo := []int16{0x80, 0x80, 0xFF, 0x00}[r.IntN(4)]
			l.Bias[o] = 0x1000 + lo
			carry[o] = !wide && (w == 1 && lo == 0xFF || w < 0 && lo == 0)
		}
		first := quant.Layer{In: trigram.InputSize, Out: 4, W: make([]int8, 4*trigram.InputSize), Bias: make([]int16, 4)}
		final := quant.Layer{In: out, Out: 2, W: make([]int8, 2*out), Bias: make([]int16, 2)}
		m, err := infer.New([]byte("a\x00"), []quant.Layer{first, l, final}, 1)
		if err != nil {
			t.Fatal(err)
		}
		e, err := NewEngine(m, Compact)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]int16, 4)
		_, t0, err := e.Layer(1, x)
		if err != nil {
			t.Fatal(err)
		}
		x[0] = int16(1 + r.IntN(63))
		if wide {
			x[0] = 300
		}
		y, t1, err := e.Layer(1, x)
		if err != nil {
			t.Fatal(err)
		}
		want := make([]int16, out)
		infer.DenseLayer(want, &l, x, true)
		for o := range want {
			if y[o] != want[o] || want[o] <= 0 {
				t.Fatalf("trial %d: output %d = %d, want %d (positive)", trial, o, y[o], want[o])
			}
		}
		f := int(t1-t0) - walkCost(codes, carry, wide)
		if prev, ok := fixed[wide]; ok && f != prev {
			t.Fatalf("trial %d (%d outputs, wide %v): the walk costs %d T more than the figures, earlier columns %d",
				trial, out, wide, f, prev)
		}
		fixed[wide] = f
	}
	t.Logf("fixed cost of a walk over a zero input: W8 %d T, W16 %d T", fixed[false], fixed[true])
}
