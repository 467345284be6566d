package quant

import (
	"fmt"
	"math"
	"slices"
)

// Min and Max are the smallest and largest weight values.
const (
	Min = -2
	Max = 1
)

// Code returns the 2-bit code of weight w (w+2). w must be in [Min, Max].
func Code(w int8) byte { return byte(w + 2) }

// Weight returns the weight of a 2-bit code (only the low two bits count).
func Weight(c byte) int8 { return int8(c&3) - 2 }

// RowBytes is the number of packed bytes of one row of n weights.
func RowBytes(n int) int { return (n + 3) / 4 }

// Pack packs a row-major matrix of rows×cols weights into
// rows*RowBytes(cols) bytes. It reports an error naming the first weight
// outside [Min, Max].
func Pack(w []int8, rows, cols int) ([]byte, error) {
	if rows < 0 || cols < 0 || len(w) != rows*cols {
		return nil, fmt.Errorf("quant: %d weights do not make a %d×%d matrix", len(w), rows, cols)
	}
	stride := RowBytes(cols)
	out := make([]byte, rows*stride)
	for r := range rows {
		row := out[r*stride : (r+1)*stride]
		for i := range row {
			row[i] = 0xAA // four padding codes 2 (weight 0)
		}
		for i, v := range w[r*cols : (r+1)*cols] {
			if v < Min || v > Max {
				return nil, fmt.Errorf("quant: weight [%d][%d] = %d is outside [%d, %d]", r, i, v, Min, Max)
			}
			shift := 2 * uint(i%4)
			row[i/4] = row[i/4]&^(3<<shift) | Code(v)<<shift
		}
	}
	return out, nil
}

// Unpack is the inverse of Pack. Padding codes are ignored.
func Unpack(packed []byte, rows, cols int) ([]int8, error) {
	stride := RowBytes(cols)
	if rows < 0 || cols < 0 || len(packed) != rows*stride {
		return nil, fmt.Errorf("quant: %d packed bytes do not make a %d×%d matrix (want %d)", len(packed), rows, cols, rows*stride)
	}
	w := make([]int8, rows*cols)
	for r := range rows {
		for i := range cols {
			w[r*cols+i] = Weight(packed[r*stride+i/4] >> (2 * uint(i%4)))
		}
	}
	return w, nil
}

// Percentile returns the p-th percentile (0..100) of xs by linear
// interpolation between closest ranks (numpy's default method). xs is not
// modified.
func Percentile(xs []float32, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := make([]float64, len(xs))
	for i, x := range xs {
		s[i] = float64(x)
	}
	slices.Sort(s)
	pos := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// WeightScale returns the scale used to quantize w: the 95th percentile of
// |w|, at least 1e-6.
func WeightScale(w []float32) float32 {
	abs := make([]float32, len(w))
	for i, x := range w {
		abs[i] = float32(math.Abs(float64(x)))
	}
	return float32(max(Percentile(abs, 95), 1e-6))
}

// QuantizeWeight maps one weight with the given scale to
// clamp(round(w/scale), −2, 1), rounding half to even.
func QuantizeWeight(w, scale float32) int8 {
	q := math.RoundToEven(float64(w) / float64(scale))
	return int8(max(Min, min(Max, q)))
}

// QuantizeWeights quantizes a whole layer with its own WeightScale and
// returns the codes' weights and the scale.
func QuantizeWeights(w []float32) ([]int8, float32) {
	scale := WeightScale(w)
	q := make([]int8, len(w))
	for i, x := range w {
		q[i] = QuantizeWeight(x, scale)
	}
	return q, scale
}

// QuantizeBias returns round(32·b), half to even, clamped to int16.
func QuantizeBias(b float32) int16 {
	q := math.RoundToEven(float64(b) * 32)
	return int16(max(math.MinInt16, min(math.MaxInt16, q)))
}
