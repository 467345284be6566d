// Package inspect looks inside a mulm model: weight and activation
// statistics, accumulator ranges against the int16 limits, a search for
// queries that make accumulators wrap and the certificate that combines it
// with the symbolic bounds of package quant, quantization sensitivity per
// layer, and a search for queries that make a model give a wanted reply.
//
// Everything here reads a model through the public API of mulm/infer and
// mulm/quant; the numbers are plain data that the command line (mulm
// inspect, mulm info, mulm probe) and the browser playground present.
package inspect
