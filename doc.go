// Package mulm is a Go implementation of Z80-μLM: a 2-bit quantized,
// character-level language model small enough to chat inside a 40 KB CP/M
// program on a 4 MHz Z80, with a pure-Go engine and Z80 machine code that
// give bit-identical answers.
//
// # Packages
//
//   - trigram: the query and context encoders that turn text into the
//     256-entry int16 input vector.
//   - quant: 2-bit weight codes {−2, −1, 0, +1}, packing, quantization of
//     float weights and biases, and a static overflow analysis.
//   - quant/qat: quantization-aware training in pure Go.
//   - infer: the model (immutable, safe for concurrent use), a plain dense
//     forward path that reads like the contract and a fast one proven
//     identical, a trace API, and the .mulm file format; infer/npz imports
//     the original project's .npz models.
//   - z80ref: the same engine as Z80 assembly, with an assembler
//     (z80ref/asm), a CP/M .COM builder and a CP/M 2.2 machine that counts
//     T-states (z80ref/cpm).
//   - parity: tests that run identical inputs through Go and the emulated
//     Z80 and require identical results at every stage.
//   - examples/tinychat, examples/guess: two example models trained here on
//     the project's own generated data.
//   - cmd/mulm: the command-line tool (chat, info, import, train, eval,
//     build, cpm, bench, …).
//
// # The integer contract
//
// For every generated character: x = 128 query trigram buckets followed by
// 128 context buckets (each n-gram adds 32 to its bucket; see package
// trigram for the hashes); every layer computes acc = bias + Σ w·x with
// wrapping 16-bit additions, then acc >> shift (arithmetic, rounding toward
// −∞; shift 2 by default) and, on hidden layers, ReLU; the next character
// is the argmax of the last layer (lowest index wins ties); the last
// charset entry is EOS; a reply stops at EOS or after the model's limit
// (50 characters for the original models). Package infer's documentation
// gives the details, and the Z80 engines in z80ref implement the same
// contract.
//
// # Running
//
//	go run ./cmd/mulm chat -model examples/tinychat/model.mulm
//	go test ./...          # the whole suite, parity included
//	go test ./parity       # Go against the emulated Z80 only
//
// See README.md for a tour.
package mulm
