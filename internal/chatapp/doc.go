// Package chatapp is the terminal chat shared by the examples and
// "mulm chat": it chats with a model in pure Go, or with -z80 runs every
// query through the model's CP/M program on the emulated Z80 and prints the
// time the reply would take on a 4 MHz machine; the examples' -com writes
// that CP/M program and -tap the ZX Spectrum 48K tape (one flag per
// z80ref.Platforms entry, named by its file's extension).
package chatapp
