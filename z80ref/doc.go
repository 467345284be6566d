// Package z80ref runs mulm models as real Z80 machine code: it generates and
// assembles a program for a model and a platform (a CP/M 2.2 CHAT.COM by
// default, or a ZX Spectrum 48K CHAT.TAP), and drives that code on the
// platform's emulated Z80 (package mulm/z80ref/cpm for CP/M, mulm/z80ref/zx
// for the Spectrum) to check it against mulm/infer bit for bit and to
// count its T-states.
//
// # Building
//
//	im, err := z80ref.Build(model, z80ref.BuildOptions{}) // Auto: fastest that fits
//	fmt.Println(im.Kind, im.Reason)
//	os.WriteFile("CHAT.COM", im.File, 0o644)
//	fmt.Print(im.Map)          // code, tables, weights, buffers, stack
//	src := im.Source()         // one .asm file; pasmo --bin gives im.COM
//	addr, _ := im.Symbol("STEP")
//
// # Engines and platforms
//
// Engines lists the engines (EngineKind), fastest first: today Fast, Dense,
// then Compact. Platforms lists the platforms (Platform), the default first:
// today CPM (the zero value), then ZX48. Every engine runs on every platform; each
// engine's capacity rule, EngineKind.Fits, says whether it can hold a
// model on a platform and, when not, why: a *ModelError (a limit of the
// engine) or a *MemoryError (past the platform's MemoryEnd), both
// matching ErrDoesNotFit. With Kind Auto (the zero value) Build tries
// Engines in order and takes the first that fits and whose file is at
// most BuildOptions.MaxFileSize bytes (the platform's DefaultMaxFileSize,
// 40,960 for CP/M, unless set; a *FileSizeError otherwise), and whose
// start-up (INIT, run on the platform's machine) is within
// BuildOptions.MaxStartup T-states (DefaultMaxStartup, half a second at
// 4 MHz, unless set): the fast engine on a model near its capacity, whose
// many packed columns take longer to expand, gives way to the dense one;
// the compact engine, several times slower a character, never takes the
// place of an engine set aside for its start-up alone. Image.Reason says
// which and why. An explicit Kind builds that engine (or fails).
// The tests, mulm/parity, "mulm build -engine E -platform P", "mulm
// bench" and the examples iterate these lists.
//
// The program is assembled (with mulm/z80ref/asm) from embedded sources:
// chat.asm (the CP/M user interface) and common.asm (the generation loop
// and the query encoder), shared by all engines, the engine's code
// (engine.asm for Compact; lists.asm with fast.asm or dense.asm for Fast
// and Dense, their repeated runs written once as text/template
// definitions and expanded at build time), the generated layout.asm (the
// layer descriptor's size and field offsets, from one Go table per engine
// family), the data part generated from the model (sizes, charset, layer
// descriptors, biases, packed weights) and the engine's buffer layout
// (bufs.asm; generated from one Go table for Fast and Dense). The image,
// its buffers and its stack
// must lie in 0100h..E3FFh, below the CCP of a 64 KB CP/M 2.2 system;
// Build predicts the memory map before assembling and returns a
// *MemoryError naming the overflow when they would not. cmd/mulm's "mulm build" writes
// the .COM, and with -asm the source, with -map the memory map.
//
// GENERATE prints each character of the reply by calling PUTCH with E =
// the character and C = 2, which the platform's user interface defines:
// chat.asm makes PUTCH the BDOS entry itself (function 2, no cost over a
// direct BDOS call), zxchat.asm a routine around RST 10h. No engine code
// depends on the platform.
//
// # The ZX Spectrum 48K (ZX48)
//
// "mulm build -platform zx48 -o CHAT.TAP" writes a tape (package
// mulm/z80ref/tap) of two files: a BASIC loader that runs itself (10 CLEAR
// Org−1: LOAD "" CODE : RANDOMIZE USR START) and the image as a CODE file
// at Org, so LOAD "" is all a user types. The image, buffers and stack lie
// in ZXOrgMin (5E00h) .. ZXEnd−1 (FF57h), between the loader's BASIC area
// (BASIC at 5CCBh, its workspace and machine stack below RAMTOP) and the
// UDGs; Build loads the image at the highest origin at which it fits, so
// that BASIC has the most room and as much of the program as possible
// (all of a small one; the buffers always) lies in uncontended RAM above
// 8000h; what does not fit is a *MemoryError naming the bytes too many.
// The compact engine holds the original tinychat model there
// (5E17h..FF29h, "mulm build -platform zx48 -map"), after its console
// buffers moved inside its layer-output buffers. The fast engine holds our
// guess example (15.6 % non-zero weights; 7EADh..FE6Ah, all but the
// first 339 bytes of its code in uncontended RAM) and our tinychat
// example (19 %; 6A64h..FE96h); for
// the original models the fast engine's weights and buffers, and the
// dense engine's packed weights and tables, exceed the 48K's 41 KB, so
// Auto picks compact there ("-map" says why).
//
// zxchat.asm is the user interface: START (from USR) saves SP, IY and HL'
// (BASIC's calculator needs HL' back), runs INIT on the first entry only,
// opens stream 2 (CHAN-OPEN, 1601h) and clears the screen (CL-ALL,
// 0DAFh); it prints "> " and reads a line from the ROM's IM 1 keyboard
// scan (FLAGS 5C3Bh bit 5, LAST_K 5C08h; MODE and FLAGS bit 3 set for
// letters), echoing with RST 10h: keys 20h..7Fh are the line, DELETE
// takes one back, ENTER or the 254th character ends it, keyword tokens,
// graphics and the cursor, mode and edit keys are ignored. Then the
// console rules of CHAT.COM: an empty or all-space line prompts again, a
// first non-space "!" returns to BASIC, any other line is answered. PUTCH
// sets SCR_CT (5C8Ch) before each character so the ROM never stops at
// "scroll?". The engines use IY and the alternate registers, which the
// ROM's IM 1 handler and BASIC need, so the engine runs with interrupts
// off (DI before INIT and GENERATE) and IY = ERR_NR (5C3Ah) and EI are
// restored before any key is read. "!" restores SP, IY and HL' and RETs to
// the USR caller with BC = 0: BASIC ends with its OK report ("OK, 10:3" on OpenSE BASIC) and is usable
// (RANDOMIZE USR START chats again, without a second INIT). These ROM
// addresses and system variables, and 0038h (IM 1) and 0556h (LD-BYTES,
// used by the loader), are the ones Sinclair's 48K ROM and OpenSE BASIC
// share; 10A8h (KEY-INPUT in Sinclair's ROM, not an entry point in
// OpenSE's) is not used. Tested on OpenSE BASIC (Sinclair's ROM is not
// available here): in package mulm/z80ref/zx and in Fuse
// (../shared/tools/zxrun.sh).
//
// On the Spectrum, Engine runs GENERATE on a booted 48K (ZX48.Available
// says whether its ROM is installed) with interrupts off, as zxchat.asm
// calls it, and counts the 48K's memory contention: for the compact
// engine the code and the first 6-7 KB of weights lie in contended RAM
// below 8000h, the buffers (accumulators, input vector, the run-time copy
// of the column walks) above it. Image.Chat loads the tape with
// LOAD "", types each line key by key and reads the transcript from RST
// 10h and the screen.
//
// # The chat program
//
// With a command tail that is not all spaces (CHAT HELLO) the program
// answers it, prints CR LF and warm boots. Otherwise it loops: it prints
// "> ", reads a line of at most 254 bytes (CONMAX; not 255, on which
// RunCPM's BDOS 10 hangs) with BDOS 10 (which edits and echoes it and
// ends with a CR), prints LF; an empty or all-space line prompts again, a
// line whose first non-space character is "!" warm boots, and any other
// line is answered through BDOS 2 followed by CR LF. These are the
// console rules of package mulm/console, which mulm chat follows too.
// Image.Chat runs the whole .COM in a CP/M machine.
//
// # The compact engine
//
// Weights are stored column-major: for input i, ceil(nout/4) bytes with
// the weights from i to every output, four per byte, the first output in
// bits 7-6, codes 00 = 0, 01 = −1, 10 = +1, 11 = −2 (see PackColumns). The
// layer loop is input-stationary: a zero input costs about 60 T-states
// and a non-zero input walks its column, adding x, −x or −2x into 16-bit
// accumulators split into a low-byte page and a high-byte page: for x in
// 1..127 (nearly every input) with 8-bit adds and "inc (hl)"/"dec (hl)"
// on the high page when they carry, −2x as a subtraction of 2x held in a
// register; any other x with 16-bit adds. A byte whose remaining codes
// are all 0 is left at once. The two walks, written once as a template,
// are copied by INIT into the buffers (RWALK) and run there: on the ZX
// Spectrum that is uncontended RAM, where the image's code below 8000h
// would wait for the display on every fetch. The query's share of
// layer 1 (bias plus query buckets) is computed once per reply (BEGIN);
// each step starts from a copy and adds only the context buckets. On the
// reference tinychat model (256→256→192→128→40) a generation step costs
// about 1.31 million T-states (median over 20 queries; the original
// packed build needs 27.6 million) and the .COM is 38,247 bytes.
//
// # The fast engine
//
// The .COM carries one block per input of every layer: the count and the
// output indices of its +1 weights, of its −1 weights, of its −2 weights
// (one byte each). Where the file size limit leaves no room for a block,
// the input's packed column stands in: its weights as a bit string, 0 as
// "0", +1 and −1 as "10" and "110" (the layer's more frequent of them
// first), −2 as "1110", "1111" after the last non-zero weight, with the
// column's +1 and non-zero counts in a table (its block's size and
// layout). INIT, which chat.asm calls once at start-up, expands those
// columns in place with a decoder unrolled by bit position (15 T-states a
// weight 0, 54 a code "10"; go test ./z80ref -run TestFastXCOLCost -v);
// the builder packs first the columns whose packing saves the most bytes
// per T-state of expansion. Where the file limit is not below the memory
// (the Spectrum's default limit is its RAM) nothing can need packing, and
// the program carries no decoder. The expanded blocks grow down from LISTTOP
// over the packed columns, last column first; the builder places LISTTOP
// (the start of the buffers) so that no block ever overwrites packed bytes
// not yet read, and refuses a model with 256 weights of one
// value from one input (a *ModelError) or whose lists do not fit the TPA (a
// *MemoryError): the lists take about one byte per non-zero weight, so a
// tinychat-shaped model fits up to about 32 % non-zero weights. Inputs are
// walked from activation lists (block address, value) of the non-zero
// inputs only, with SP reading the index lists two at a time in unrolled
// loops (interrupts off meanwhile); accumulators are split low/high byte
// pages so that an 8-bit activation costs an 8-bit add per weight and an
// "inc (hl)" on a carry. Each hidden layer's finish builds the next layer's
// activation list. On the reference tinychat model a generation step
// costs about 0.42 million T-states (median over 20 queries, 0.10 s at
// 4 MHz; the original's index-list build needs 2.1 million and 45,056
// bytes), the .COM is 40,956 bytes and INIT takes 1.05 million T-states
// once. "mulm bench" measures every engine on any model.
//
// # The dense engine
//
// The fast engine's activation lists, FINISH and buffers (lists.asm) with
// a walk over the packed columns themselves, so that it runs a model of
// any density: a non-zero input's column is read a byte (four weights) at
// a time with SP, and each byte jumps to one of 256 handlers that add its
// four weights times x (x in 1..127; 2x for −2) into the split
// accumulators; any other x = 256h + l (128..255 included) walks the
// column twice: h through the same handlers on the high bytes (2h, plus 1
// when l >= 128, for −2), whose carries go to a scratch page ACCX, then l
// (2l mod 256 for −2). INIT writes the handlers into
// the run-time memory, handler t at offset t of page HPT[t] (one table
// lookup per byte); the builder chose which stored byte value stands for
// which four codes so that the handlers pack tightly, ended every column
// with a sentinel (the model's rarest byte that starts no column of 64
// bytes, whose handler checks E for the column's end), stored the columns in pairs interleaved byte by byte (one
// POP fetches a byte and steps SP to the column's next: no DEC SP), and
// copies the dispatch into as many handlers, most
// frequent bytes first, as the memory holds. A bucket hit by several
// context n-grams is walked once, and STEP's layer 1 runs pre-shifted
// (BEGIN keeps Q1 >> the layer's shift, CTXACT scales the context's x to
// match; exact, see L1LIST in lists.asm), so that its walk carries into
// the high bytes less often. XV and Q1 lie over INIT's code and the
// tables only INIT reads (dead once it has returned), and a later layer
// whose biases are words keeps its reset image in the data (the same
// bytes), which leaves that memory to the handlers. The first steps of a reply, whose windows
// start with k = 8, 7, 6 spaces, add layer 1's share of the n-grams inside
// those spaces from vectors INIT walked once (C0V, L1C0 in lists.asm; as
// many as the memory holds with the handlers, before their copies of the
// dispatch) and walk only the other n-grams; where their code would take
// the file over Build's limit (on the 256→256→192→128 shape, more than 48
// output characters at 40,960 bytes), Build takes the lean variant
// without them (target.lean), up to 56 characters. It refuses no model for its
// weights; memory bounds its widths (parity's mustHold: every 256→256→192→128→n
// model with n ≤ 64). On the reference tinychat model (27 % non-zero) a
// step costs about 0.53 million T-states (median over 20 queries), the .COM
// is 40,650 bytes and INIT takes 1.14 million T-states.
//
// # Entry points
//
// Every stage is a subroutine that tests call on their own through the
// symbol table (cpm.Machine.Call); all of them may change every register,
// the alternate set and AF'. Every engine defines:
//
//	GENERATE  HL = query (length byte + chars): ENCQ, BEGIN, then STEP
//	          until EOS or MAXLEN characters, printing each through PUTCH
//	ENCQ      HL = query (length byte + chars) -> XV words 0..127
//	ENCCTX    WIN (8 bytes) -> XV words 128..255
//	PUSHW     A = character: lower-cased into WIN (shifting it left)
//	BEGIN     Q1 = layer-1 bias + query share; WIN = spaces
//	STEP      one character: ENCCTX, every layer, ARGMAX; A = index
//	INIT      one-time start-up (Fast: expand the weights; Dense: write the
//	          handlers; Compact: copy the column walks to RWALK)
//	LAYER     HL = layer descriptor: compute the layer (below)
//	ARGMAX    A = argmax of the last layer's outputs
//
// Compact: LDESC (HL = descriptor, copied to DESC); LAYER computes output
// vector = f(W·input + bias) between the descriptor's word vectors.
// Fast: LAYER walks the activation list at ACTLIST and FINISH writes the
// next list (hidden layers) or LOGITS (words, the last layer); WALK, QACT,
// CTXACT, FINISH, CPYN and L1LIST are documented in lists.asm (shared by
// the fast and dense engines; each has its own INIT and WALK, in fast.asm
// and dense.asm); ENCCTX writes the 21 n-gram buckets to NGR instead of
// XV's context half.
//
// Hooks (labels the driver puts PC hooks on): GENQ (once-per-reply work
// done), STEP (a step begins), STEPX (the input vector complete), STEPL (a
// layer done; Compact: CURD holds its descriptor; Fast: CURL its index),
// STEPA (A = the argmax).
//
// Compact buffers and tables: XV (input vector, 256 words), ACCLO/ACCHI
// (accumulators), Q1LO/Q1HI, A0/A1 (layer outputs, words, alternating),
// CONBUF (console buffer) and QBUF (both inside A0/A1, read by ENCQ only),
// WIN, DESC, CURD, STACK; NLAYERS, MAXLEN,
// EOSIDX, CHARSET, LAYERS (descriptors of 13 bytes: weights, biases,
// input vector, output vector, nin, nout (0 = 256), stride, shift, ReLU
// flag), B1.., W1...
//
// # Driving the engine
//
// Engine runs one reply on a fresh machine of the image's platform by
// calling GENERATE and records an infer.Trace through the hooks (Trace,
// Reply), with Stats: the T-states of the once-per-reply work, of every
// step and in total. BDOS calls cost nothing, as in package cpm; on the
// ZX48 the ROM's RST 10h and the memory contention are counted, as on the
// real machine. INIT runs once per Engine; every
// machine starts from the memory it left (Startup returns its T-states).
//
// # Running one stage
//
// Engine also runs each stage alone, on a fresh machine from the memory
// INIT left, returning its result and the T-states of the engine's
// routines: EncodeQuery (ENCQ on a console buffer holding the query),
// EncodeContext (PUSHW for the last 8 characters of the reply so far,
// then ENCCTX) and Layer (one layer on any int16 input vector; the
// engines call the entry points STEP calls: LAYER for a layer after the
// first; for layer 1 the compact engine BEGIN and L1CTX, the fast engine
// BEGIN and L1LIST on an activation list written as their own routines
// write them, the dense engine, whose STEP pre-shifts layer 1, L1GQ and
// L1GC: the same without the pre-shift). Package mulm/parity compares them with mulm/trigram
// and infer.DenseLayer.
//
// # Adding an engine or a platform
//
// An engine is one entry in the engines list (engines.go), fastest first:
// an engineSpec with its sources (code, generated data, buffer layout),
// the sizes its memory map needs (for the prediction and Fits), readers
// for the input vector at STEPX and the layer outputs at STEPL, a driver
// that runs one layer alone (Engine.Layer), and the names of its weights
// region and of the gap after it. It defines the same entry points, hooks
// and layout labels (requiredSymbols in build.go) so that every user
// interface, Build and Engine work unchanged; mulm/parity's capacity table
// (mustHold) states which models it must hold.
//
// A platform is one entry in the platforms list (platform.go): a
// platformSpec with its name, load address, memory end, default file size
// limit, clock, user interface source (chat.asm for CP/M, zxchat.asm for
// the ZX48; it defines PUTCH), file container (the raw bytes for a .COM, a
// .TAP for the ZX48), the emulated machine Engine runs on (anything
// satisfying the machine interface, as *cpm.Machine and
// *zx.Machine do), how to read what GENERATE prints, and how a whole chat
// session runs.
package z80ref
