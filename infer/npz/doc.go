// Package npz imports models saved by the original Z80-μLM project (Python,
// NumPy) as .npz files, using only the standard library.
//
// An .npz file is a zip archive of NumPy .npy arrays. The original's layout:
// fc1_weight … fcN_weight (integer, shape out×in, values −2..1),
// fc1_bias … fcN_bias (integer, length out), _architecture (a 0-d |S value
// holding JSON {"input_size", "hidden_sizes", "num_classes"}) and _charset
// (a 0-d |S value: the output characters in index order, the last one the
// EOS byte 0). NumPy drops trailing NUL bytes from |S values, so when the
// charset is one entry short of num_classes the EOS entry is implied and
// added back.
//
// The .npy reader accepts format versions 1.0, 2.0 and 3.0, little- and
// big-endian signed and unsigned integers of 1, 2, 4 and 8 bytes, byte
// strings (|S), C and Fortran order. Values must fit the contract (weights
// in −2..1, biases in int16); anything else is an error naming the array
// and the problem, wrapping ErrFormat, and quoting at most a short excerpt
// of the file. The charset must follow infer.ValidCharset. Members the
// model does not use (other arrays the training script saved, notes) are
// not read at all and are ignored: ReadWarn and ReadFileWarn report each
// one; an fc(N+1)_weight beyond the layers _architecture lists is an error
// rather than ignored, as it means the architecture and the arrays
// disagree. Imported models get the original's generation limit of
// infer.DefaultMaxLen characters and shift 2 on every layer.
package npz
