//go:build !(goexperiment.simd && amd64)

package infer

// simdNet is empty in builds without the SIMD engines.
type simdNet struct{}

type simdState struct{}

type kernel struct{}

func bestKernel() *kernel { return nil }

func (m *Model) simdAppendReply(*kernel, []byte, string) []byte {
	panic("infer: no SIMD engine in this build")
}

func buildSIMD(*Model) *simdNet { return nil }

func simdImplementations() []Implementation {
	why := "built without GOEXPERIMENT=simd on amd64"
	return []Implementation{
		{Name: "simd-avx512", Unavailable: why},
		{Name: "simd-avx2", Unavailable: why},
	}
}
