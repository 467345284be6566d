// Package quant holds mulm's 2-bit weight codes and the arithmetic around
// them: packing four codes to a byte, quantizing float32 weights and biases
// the way the original trainer does, and two static overflow analyses that
// bound every accumulator of a model over all inputs the encoders can
// produce: AnalyzeOverflow by intervals (exact for the first layer, loose
// after it) and AnalyzeSymbolic by symbolic linear bound propagation
// (DeepPoly/CROWN-style back-substitution through the shifts and ReLUs,
// exact over the 21 context n-grams of every context window the charset
// can form; for the second layer also a bound that enumerates the vertices
// of the query simplex, where convexity puts the worst case).
//
// Weights take the four values −2, −1, 0, +1. On disk and in the Z80 image
// they are stored as codes w+2 (0→−2, 1→−1, 2→0, 3→+1), four to a byte,
// weight i of a row in bits 2·(i mod 4) and 2·(i mod 4)+1 of byte i/4. Rows
// are row-major by output neuron and each row starts on a fresh byte; the
// padding codes at the end of a row are 2 (weight 0).
//
// Weight quantization: scale = the 95th percentile of |w| over the layer
// (linear interpolation between order statistics, as numpy and torch
// compute quantiles; at least 1e-6), then w_q = clamp(round(w/scale), −2, 1)
// with round-half-to-even. Bias quantization: b_q = round(32·b), half to
// even, clamped to int16.
package quant
