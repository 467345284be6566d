// Package phrase holds the shared machinery of the example data generators:
// a tiny template language for paraphrases, contraction variants, a typo
// generator, a nonsense generator (random letters, word salads and
// pronounceable pseudo-words), a class-balanced sampler and the reader
// and writer of the `query|response` training format.
//
// Everything that takes a *rand.Rand is deterministic for a given generator
// state, and nothing iterates over a map to decide an output order, so a
// fixed seed always gives byte-identical data.
package phrase
