// Command figures recomputes every figure that README.md, the doc.go files
// and the TRAIN.md files quote, compares each with what the document says,
// and rewrites the documents with -w.
//
//	go run ./internal/figures          # check: list every figure, doc value and code value
//	go run ./internal/figures -w       # rewrite the documents with the values the code gives
//	go run ./internal/figures -host    # also measure the host-dependent figures (Go ns/step, ...)
//
// Each figure is an entry in the figures list (figures.go): the document,
// a pattern (the document's text around the figure, with a {slot} for
// each number; a run of spaces in the pattern matches any line wrapping,
// comment markers // and ; included), its kind and the command that
// reproduces it. Exact figures (sizes, T-states, exact-match rates) are
// the same on every host; go test ./internal/figures fails, naming the
// document line, the doc's value and the code's, when one has drifted.
// Host figures (nanoseconds, emulator speed) are measured only with -host
// and never rewritten. Manual figures (training runs of many minutes)
// are not recomputed: their entry names the command that reproduces them.
// Figures on the original project's models and data need ../shared
// (see README.md); without it they are skipped, visibly.
//
// A new figure is one entry: add it where the document quotes it.
package main
