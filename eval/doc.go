// Package eval measures a model on query|response pairs the way the Z80
// will answer them: every distinct query is answered with infer's Reply
// (bit for bit what the Z80 prints) and the reply is compared with each
// pair's response (sequence exact-match), per response class and as a
// confusion table.
//
// Nearest is the yardstick a model's figure on held-out phrasings can be
// read against: no weights, each query answered with the response of the
// most similar training query in the model's own trigram buckets
// (`mulm eval -nearest`); NewNearestBuckets puts the same trigrams in more
// buckets, to measure what the model's 128 cost (`-buckets`).
//
// `mulm eval` prints its Report; the trainer (package quant/qat) chooses
// its best model with it. Neither owns it: the measure is the same
// whether a model was trained here, imported, or hand-made.
package eval
