package randmodel

import (
	"math/rand/v2"

	"mulm/infer"
	"mulm/quant"
)

// Options shape a random model.
type Options struct {
	// Hidden are the hidden layer widths; the input is always 256 wide and
	// the output as wide as the charset.
	Hidden []int
	// Charset is the output characters; the last entry is EOS. Default:
	// " ABCDEFGHIJKLMNOPQRSTUVWXYZ?!" plus a NUL for EOS.
	Charset []byte
	// Density is the share of non-zero weights (default 0.27, as in the
	// original models).
	Density float64
	// BiasRange bounds |bias| (default 8).
	BiasRange int
	// Wrap makes accumulators wrap: dense rows of equal-sign weights and
	// biases anywhere in the int16 range.
	Wrap bool
	// Shift is every layer's shift (default quant.DefaultShift); set
	// RandomShift to pick 0..15 per layer instead.
	Shift       uint8
	RandomShift bool
	// MaxLen is the generation limit (default infer.DefaultMaxLen).
	MaxLen int
}

// DefaultCharset is the charset used when Options.Charset is empty.
var DefaultCharset = []byte(" ABCDEFGHIJKLMNOPQRSTUVWXYZ?!\x00")

// Layers returns random layers for the options.
func Layers(rng *rand.Rand, o Options) []quant.Layer {
	cs := o.Charset
	if len(cs) == 0 {
		cs = DefaultCharset
	}
	density := o.Density
	if density == 0 {
		density = 0.27
	}
	br := o.BiasRange
	if br == 0 {
		br = 8
	}
	shift := o.Shift
	if shift == 0 {
		shift = quant.DefaultShift
	}
	sizes := append(append([]int{256}, o.Hidden...), len(cs))
	var layers []quant.Layer
	for k := 1; k < len(sizes); k++ {
		l := quant.Layer{In: sizes[k-1], Out: sizes[k], Shift: shift}
		if o.RandomShift {
			l.Shift = uint8(rng.IntN(16))
		}
		l.W = make([]int8, l.In*l.Out)
		l.Bias = make([]int16, l.Out)
		for r := range l.Out {
			row := l.W[r*l.In : (r+1)*l.In]
			if o.Wrap && rng.IntN(3) == 0 {
				// A row of one sign: sums run far past int16.
				w := int8(-2)
				if rng.IntN(2) == 0 {
					w = 1
				}
				for i := range row {
					if rng.IntN(4) != 0 {
						row[i] = w
					}
				}
				l.Bias[r] = int16(rng.Uint32())
				continue
			}
			for i := range row {
				if rng.Float64() < density {
					row[i] = int8(rng.IntN(4)) - 2
					for row[i] == 0 {
						row[i] = int8(rng.IntN(4)) - 2
					}
				}
			}
			l.Bias[r] = int16(rng.IntN(2*br+1) - br)
			if o.Wrap {
				l.Bias[r] = int16(rng.Uint32())
			}
		}
		layers = append(layers, l)
	}
	return layers
}

// Model returns a random model for the options; it panics only if the
// options themselves break the contract (a test bug).
func Model(rng *rand.Rand, o Options) *infer.Model {
	cs := o.Charset
	if len(cs) == 0 {
		cs = DefaultCharset
	}
	ml := o.MaxLen
	if ml == 0 {
		ml = infer.DefaultMaxLen
	}
	m, err := infer.New(cs, Layers(rng, o), ml)
	if err != nil {
		panic(err)
	}
	return m
}

// Query returns a random query of up to n bytes drawn from letters,
// spaces and, when wild is set, any byte value.
func Query(rng *rand.Rand, n int, wild bool) string {
	b := make([]byte, rng.IntN(n+1))
	const letters = "abcdefghijklmnopqrstuvwxyz  ABCXYZ?"
	for i := range b {
		if wild && rng.IntN(4) == 0 {
			b[i] = byte(rng.IntN(256))
		} else {
			b[i] = letters[rng.IntN(len(letters))]
		}
	}
	return string(b)
}
