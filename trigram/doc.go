// Package trigram turns text into the fixed-size integer input vector of a
// mulm model: 128 query buckets (a bag of hashed character trigrams of the
// user's query) followed by 128 context buckets (hashed 1-, 2- and 3-grams of
// the last 8 characters the model has generated).
//
// The encoders are part of the integer contract that the Go engines and the
// Z80 engines must both honour bit for bit:
//
// Query encoding. Bytes are bytes: only ASCII 'A'..'Z' are folded to lower
// case, nothing else is changed (no Unicode folding, bytes >= 0x80 and control
// bytes are hashed as they are). The query is first cut to its first
// [MaxQueryLen] (255) bytes, which is what the Z80 console buffer holds; then
// leading and trailing spaces (0x20 only) are dropped. An empty result encodes
// to all zeros. Otherwise t = " " + s + " " and each of the len(s) windows of
// three bytes adds [Weight] (32) to bucket h mod 128, where h starts at 0 and
// takes h = (h*31 + b) mod 65536 for each byte b of the window.
//
// Context encoding. The last [ContextLen] (8) generated characters, lower-cased
// the same way, left-padded with spaces to 8 bytes. For n = 1, 2, 3 and every
// start i = 0 … 8−n: h = 7*i, then h = (h*31 + b) mod 65536 over the n bytes;
// add 32 to context bucket h mod 128. That is 21 windows, so the context
// buckets always sum to 21*32 = 672.
//
// What a person types becomes a query under the console rules of package
// mulm/console, which every chat program follows (CP/M line editing, bit 7
// cleared, lines of at most 254 bytes, '!' quits); the query encoder then
// sees the line unchanged.
//
// Both encoders work on caller-owned arrays and never allocate.
package trigram
