// Package randmodel builds random mulm models for tests: any shape, a
// chosen share of non-zero weights, and optionally weights and biases large
// enough to make 16-bit accumulators wrap.
package randmodel
