// Package parity holds the test suite that proves mulm's promise: the
// pure-Go engines (infer's dense and fast paths) and the Z80 engines of
// z80ref, run on the emulated CP/M machine, give bit-identical results at
// every stage — the input vector (both encoders), every layer's outputs,
// the argmax and the printed reply.
//
// Every check runs against every implementation, the way Go's crypto
// packages test every registered block function: the dense Go path is the
// reference, and every other Go implementation (infer.Implementations)
// and every Z80 engine on every platform (z80ref.Engines ×
// z80ref.Platforms) must match it, each as its own subtest
// (TestRandomModels/3/z80-fast-cpm). An unavailable Go implementation is
// a visible skip; so is an engine that cannot hold a model, but only where
// the capacity table (mustHold in impl_test.go) allows it: a refusal of a
// model the table says the engine must hold fails, and so does an engine
// or platform without a row. The tests also count what the compared
// traces exercise: a random model meant to wrap must wrap, and negative
// sums must be floored somewhere. A failure names the first
// differing step, stage, neuron and values, followed by go-cmp's full
// diff. Besides whole replies, each stage is compared alone through the
// z80ref.Engine stage API: the encoders on edge cases and random strings
// (TestEncoderStages) and every layer on random weights, biases and
// inputs of the whole int16 range, with wrapping accumulators and floored
// negative sums asserted (TestLayerAlone, FuzzLayer). What a person types
// is compared too: the same typed bytes, editing keys included, through
// package console and infer and through the real CHAT.COM, whose BDOS 10
// edits the line as CP/M 2.2 does, give the same lines and replies
// (TestConsoleRules, FuzzConsole).
//
// Run it with
//
//	go test ./parity                       # the default run, a few minutes at most
//	go test ./parity -run Reference        # the original's models (needs ../shared)
//	go test ./parity -fuzz FuzzReply       # or FuzzEncoders, FuzzLayer, FuzzConsole
//
// The package has no non-test code beyond this documentation.
package parity
