// Command mulm trains, inspects, builds and runs mulm models.
//
// Usage:
//
//	mulm chat   -model M [-z80] [-q QUERY]     chat in pure Go, or on the emulated Z80
//	mulm info   -model M [-certify]            shape, weights, overflow certificate (stored as M.cert.json)
//	mulm inspect -model M [-data D] -o DIR [-sensitivity]  pictures (PNG) and numbers (index.html)
//	mulm probe  -model M -want REPLY           queries that make the model give REPLY
//	mulm import -npz X.npz -o X.mulm           convert the original's models
//	mulm train  -data D [-heldout H] -o M      quantization-aware training
//	mulm eval   -model M -data D               sequence exact-match, per class
//	mulm eval   -nearest T -data D [-buckets N] the same for the nearest training query's response (a yardstick)
//	mulm data   stats|balance -data D          class counts, ceiling, resampling
//	mulm build  -model M -o CHAT.COM [-asm F] [-engine E] [-platform P]  the Z80 program (fastest engine that fits)
//	mulm cpm    [-stats] FILE.COM [tail]       run any CP/M 2.2 console program
//	mulm zx     [-stats] [-png F] TAPE.TAP     run a tape in the ZX Spectrum 48K (OpenSE ROM)
//	mulm bench  -model M                       T-states per character of every Z80 engine
//	mulm serve  [-addr 127.0.0.1:8080]         the browser playground
//	mulm web    -o DIR                         the playground as static files
//
// M is a .mulm model or the original project's .npz. "mulm COMMAND -h"
// lists a command's flags.
package main
