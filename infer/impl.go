package infer

// Implementation is one Go implementation of the contract: the dense
// reference, the fast path, and any other integer forward pass. Tests (this
// package's and mulm/parity) run every check once per implementation, as
// Go's crypto packages test every registered block function; a new Go
// engine is one entry in implementations.
type Implementation struct {
	// Name identifies the implementation: "dense", "fast", "forward",
	// "simd-avx512", "simd-avx2".
	Name string
	// Trace generates the reply to query on m and records every step;
	// the result must equal DenseTrace's.
	Trace func(m *Model, query string) Trace
	// AppendReply, when not nil, appends the reply to query to dst as
	// Model.AppendReply does, with this implementation (for benchmarks);
	// it must not allocate when dst has room.
	AppendReply func(m *Model, dst []byte, query string) []byte
	// Unavailable is empty when the implementation runs in this build on
	// this machine, else why not (a build tag, a CPU feature): tests skip
	// it visibly with this reason.
	Unavailable string
}

// implementations lists the Go implementations, the reference first:
// the dense reference, the fast path, Forward (the fast path's layers run
// on whole input vectors, as the trainer scores examples) and the SIMD
// engines. An implementation that depends on the build (GOEXPERIMENT=simd)
// or the CPU is still listed when it cannot run, with Unavailable saying
// why: its entries come from a pair of files with opposite build tags
// (simd_amd64.go, simd_other.go).
var implementations = append([]Implementation{
	{Name: "dense", Trace: (*Model).DenseTrace},
	{Name: "fast", Trace: (*Model).Trace, AppendReply: (*Model).fastAppendReply},
	{Name: "forward", Trace: (*Model).forwardTrace},
}, simdImplementations()...)

// Implementations returns every Go implementation of the contract, the
// dense reference (DenseTrace) first.
func Implementations() []Implementation {
	return append([]Implementation(nil), implementations...)
}
