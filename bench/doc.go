// Package bench holds the one set of benchmark queries (Queries) that
// every figure is measured on, and measures the Go engines on them in
// nanoseconds on this host (GoReply, GoTrace); the Z80 engines are
// measured, in exact T-states, by z80ref.BenchAll and Engine.Bench. "mulm bench" prints its results, mulm/internal/figures puts
// them into the documents, and the packages' benchmarks use the same
// queries. Figures of the original project that are quoted beside ours
// (Originals) are published figures, not measurements, and name the
// model they were taken on.
package bench
