package infer

// Implementation is one Go implementation of the contract: the dense
// reference, the fast path, and any other integer forward pass. Tests (this
// package's and mulm/parity) run every check once per implementation, as
// Go's crypto packages test every registered block function; a new Go
// engine is one entry in implementations.
type Implementation struct {
	// Name identifies the implementation: "dense", "fast".
	Name string
	// Trace generates the reply to query on m and records every step;
	// the result must equal DenseTrace's.
	Trace func(m *Model, query string) Trace
	// Unavailable is empty when the implementation runs in this build on
	// this machine, else why not (a build tag, a CPU feature): tests skip
	// it visibly with this reason.
	Unavailable string
}

// implementations lists the Go implementations, the reference first. An
// implementation that depends on the build (GOEXPERIMENT=simd) or the CPU
// is still listed when it cannot run, with Unavailable saying why: define
// its entry in a pair of files with opposite build tags and add it here.
var implementations = []Implementation{
	{Name: "dense", Trace: (*Model).DenseTrace},
	{Name: "fast", Trace: (*Model).Trace},
}

// Implementations returns every Go implementation of the contract, the
// dense reference (DenseTrace) first.
func Implementations() []Implementation {
	return append([]Implementation(nil), implementations...)
}
