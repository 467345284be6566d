// Package z80ref runs mulm models as real Z80 machine code: it generates and
// assembles a CP/M 2.2 program (CHAT.COM) for a model, and drives that code
// on the emulated Z80 of package mulm/z80ref/cpm to check it against
// mulm/infer bit for bit and to count its T-states.
//
// # Building
//
//	im, err := z80ref.Build(model, z80ref.BuildOptions{Kind: z80ref.Compact})
//	os.WriteFile("CHAT.COM", im.COM, 0o644)
//	fmt.Print(im.Map)          // code, tables, weights, buffers, stack
//	src := im.Source()         // one .asm file; pasmo --bin gives im.COM
//	addr, _ := im.Symbol("STEP")
//
// The program is assembled (with mulm/z80ref/asm) from embedded sources:
// chat.asm (the CP/M user interface, shared by all engines), the engine's
// code (engine.asm for Compact), the data part generated from the model
// (sizes, charset, layer descriptors, biases, packed weights) and the
// engine's buffer layout (bufs.asm). The image, its buffers and its stack
// must lie in 0100h..E3FFh, below the CCP of a 64 KB CP/M 2.2 system;
// Build predicts the memory map before assembling and returns a *TPAError
// naming the overflow when they would not. cmd/mulm's "mulm build" writes
// the .COM, and with -asm the source, with -map the memory map.
//
// # The chat program
//
// With a command tail that is not all spaces (CHAT HELLO) the program
// answers it, prints CR LF and warm boots. Otherwise it loops: it prints
// "> ", reads a line with BDOS 10 (which echoes it and a CR), prints LF;
// an empty or all-space line prompts again, a line whose first non-space
// character is "!" warm boots, and any other line is answered through
// BDOS 2 followed by CR LF. Image.Chat runs the whole .COM in a CP/M
// machine.
//
// # The compact engine
//
// Weights are stored column-major: for input i, ceil(nout/4) bytes with
// the weights from i to every output, four per byte, the first output in
// bits 7-6, codes 00 = 0, 01 = −1, 10 = +1, 11 = −2 (see PackColumns). The
// layer loop is input-stationary: a zero input costs about 100 T-states
// and a non-zero input walks its column, adding x, −x or −2x into 16-bit
// accumulators split into a low-byte page and a high-byte page. A byte
// whose remaining codes are all 0 is left at once. The query's share of
// layer 1 (bias plus query buckets) is computed once per reply (BEGIN);
// each step starts from a copy and adds only the context buckets. On the
// reference tinychat model (256→256→192→128→40) a generation step costs
// about 1.66 million T-states (median over ten queries; the original
// packed build needs 27.6 million) and the .COM is 38,145 bytes.
//
// # Entry points
//
// Every stage is a subroutine that tests call on their own through the
// symbol table (cpm.Machine.Call); all of them may change every register,
// the alternate set and AF':
//
//	GENERATE  HL = query (length byte + chars): ENCQ, BEGIN, then STEP
//	          until EOS or MAXLEN characters, printing each through BDOS 2
//	ENCQ      HL = query (length byte + chars) -> XV words 0..127
//	ENCCTX    WIN (8 bytes) -> XV words 128..255
//	PUSHW     A = character: lower-cased into WIN (shifting it left)
//	BEGIN     Q1 = layer-1 bias + query share; WIN = spaces
//	STEP      one character: ENCCTX, every layer, ARGMAX; A = index
//	LDESC     HL = layer descriptor: copied to DESC (the current layer)
//	LAYER     HL = layer descriptor: output vector = f(W·input + bias)
//	ARGMAX    A = argmax of the current layer's output vector
//
// Hooks (labels the driver puts PC hooks on): GENQ (once-per-reply work
// done), STEP (a step begins), STEPX (XV complete), STEPL (a layer done;
// CURD holds its descriptor), STEPA (A = the argmax).
//
// Buffers and tables: XV (input vector, 256 words), ACCLO/ACCHI
// (accumulators), Q1LO/Q1HI, A0/A1 (layer outputs, words, alternating),
// CONBUF (BDOS 10 buffer), QBUF, WIN, DESC, CURD, STACK; NLAYERS, MAXLEN,
// EOSIDX, CHARSET, LAYERS (descriptors of 13 bytes: weights, biases,
// input vector, output vector, nin, nout (0 = 256), stride, shift, ReLU
// flag), B1.., W1...
//
// # Driving the engine
//
// Engine runs one reply on a fresh CP/M machine by calling GENERATE and
// records an infer.Trace through the hooks (Trace, Reply), with Stats: the
// T-states of the once-per-reply work, of every step and in total. BDOS
// calls cost nothing, as in package cpm.
//
// # Adding an engine
//
// An EngineKind names an engineSpec: its sources (code, generated data,
// buffer layout), the sizes of its data for the memory-map prediction and
// a reader for layer outputs at STEPL. A new engine defines the same entry
// points, hooks and layout labels (requiredSymbols in build.go) so that
// chat.asm, Build and Engine work unchanged.
package z80ref
