// Package infer runs a mulm model: 16-bit integer inference of a 2-bit
// quantized character-level language model, bit for bit what the Z80
// engines in mulm/z80ref compute.
//
// # The contract
//
// A reply to a query is generated one character at a time. For each step:
//
//  1. The input vector x (256 int16) is the query's 128 trigram buckets
//     followed by the 128 context buckets of the last 8 generated
//     characters (package trigram defines both encoders).
//  2. Every layer computes, for each output neuron o,
//     acc = bias[o] + Σ w[o][i]·x[i], each addition wrapping in 16-bit
//     two's complement (weights are −2, −1, 0 or +1), then
//     y[o] = acc >> shift, an arithmetic shift that rounds toward −∞
//     (shift 2 unless the model says otherwise). Hidden layers then apply
//     ReLU, max(y, 0). The last layer's y are the logits.
//  3. The next character is the argmax of the logits, the lowest index
//     winning a tie. The charset's last entry is EOS: the reply ends there,
//     or after the model's MaxLen characters (50 for the original models).
//
// # Forward paths
//
// DenseTrace (and DenseLayer) read exactly like the contract: every weight
// of every neuron. Reply, AppendReply, Chars and Trace use the fast path:
// weights are unpacked once at load into, per input, the lists of outputs
// it adds into with + and with − (a −2 weight listed twice); only non-zero
// inputs are walked; the query's share of layer 1 is computed once per
// reply, and the share of the context n-grams that lie in the padding of a
// short reply once at load. Accumulators are 32 bits wide (so that Go adds
// into memory in one instruction) and truncated to 16 bits before the
// shift: 2^16 divides 2^32, so this is exactly the wrapping 16-bit sum.
// Because wrapping addition is associative and commutative the two paths
// give bit-identical results, which the tests check on many random models,
// including ones built to make accumulators wrap. Trace records the input
// vector the fast path used (the query buckets it counted and the context
// buckets of the n-grams it walked plus the padding share's), so that an
// encoder fault in it shows as a differing input.
//
// Implementations lists every Go implementation of the contract, the
// dense reference first: each is a name, a Trace function and, when it
// cannot run in this build or on this CPU, the reason. This package's
// tests and mulm/parity run every check once per implementation; a new Go
// engine is one entry there.
//
// # The SIMD engine
//
// Built with GOEXPERIMENT=simd on amd64, the package also has SIMD engines
// (package simd/archsimd): the same input-stationary pass with the
// accumulators held as int16 vectors, each non-zero input adding its whole
// weight column (int16, padded to a whole number of vectors) at once;
// vector int16 arithmetic wraps exactly as the contract's does. AVX-512
// (32 lanes, non-zero outputs found with a mask) or AVX2 (16 lanes) is
// chosen by the CPU's features at run time, and AppendReply and Reply use
// it; Trace and Chars stay on the portable fast path. Without the
// experiment the build is the portable one, unchanged.
//
// Every implementation is an entry of Implementations (dense, fast,
// forward — the fast path's layers on a whole input vector, Model.Forward,
// with which the trainer scores its examples — and the SIMD engines,
// marked unavailable where they cannot run): this package's tests and
// mulm/parity run every check on each. BenchmarkEngines measures them side
// by side:
//
//	GOEXPERIMENT=simd go test ./infer -run XXX -bench Engines -cpu 1
//
// A Model is immutable and safe for concurrent use. AppendReply does not
// allocate when dst has room; Reply allocates only its result.
//
// # Model files
//
// Models are stored in the .mulm format (see Load and Model.WriteTo),
// whose charset holds distinct printable ASCII characters and the EOS
// byte (ValidCharset), and can be imported from the original project's .npz files with package
// mulm/infer/npz.
package infer
