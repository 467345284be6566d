//go:build !(goexperiment.simd && amd64)

package qat

func axpy(y, x []float32, a float32)    { axpyGeneric(y, x, a) }
func dot(x, y []float32) float32        { return dotGeneric(x, y) }
func adamRange(a *adamArgs, lo, hi int) { adamGeneric(a, lo, hi) }

// simdKernels names the float kernels in use.
const simdKernels = "portable"
