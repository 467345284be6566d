// Package mach holds what the machines of z80ref (cpm, zx) share beyond
// the T-state tables: the PC hooks with their stop request, and the
// little-endian word access to a 64K address space.
package mach
