// Package phrasetest holds the checks every example data generator must
// pass: it is deterministic, the committed files are exactly its output,
// and those files are valid.
package phrasetest
