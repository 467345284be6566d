// Package tap writes and parses ZX Spectrum .TAP tape images and builds the
// BASIC loader that makes a machine-code tape load with LOAD "".
//
// # Format
//
// A .TAP file is a sequence of blocks, each stored as
//
//	2 bytes   length N of what follows (little-endian), N >= 2
//	1 byte    flag: 00h for a header block, FFh for a data block
//	N-2 bytes the data
//	1 byte    checksum: the XOR of the flag and every data byte
//
// exactly what the ROM's SA-BYTES writes and LD-BYTES reads (the leader,
// sync pulses and timing of the audio are not stored). A header block has
// 17 data bytes (so N = 19):
//
//	byte  0     type: 0 program, 1 number array, 2 character array, 3 code
//	bytes 1-10  name, padded with spaces
//	bytes 11-12 length of the data block's data (little-endian)
//	bytes 13-14 param1: autostart line (program; >= 32768 means none) or
//	            load address (code)
//	bytes 15-16 param2: program length without variables (program) or
//	            32768 (code)
//
// # API
//
//	blocks, err := tap.Parse(data)        // every block, checksums verified
//	h, err := blocks[0].Header()           // decode a 17-byte header block
//	data := tap.Encode(blocks...)          // back to bytes
//	tape := tap.Loader("chat", ramtop, org, start, code) // BASIC loader + CODE
//
// Parse errors are *Error values naming the block (1-based), its offset in
// the file and the field that is wrong; errors.Is matches ErrTruncated,
// ErrChecksum, ErrLength and ErrHeader.
//
// # The BASIC loader
//
// Loader writes a program block named like the code and autostarting at
// line 10, whose single line is
//
//	10 CLEAR ramtop: LOAD "" CODE : RANDOMIZE USR start
//
// tokenized as the 48K ROM stores it (line number big-endian, line length
// little-endian, keyword tokens CLEAR FDh, LOAD EFh, CODE AFh, RANDOMIZE
// F9h, USR C0h, each number as its ASCII digits followed by 0Eh and the
// 5-byte integer form 00h, 00h, low, high, 00h, the line ending in 0Dh),
// followed by a CODE block of the machine code at org. The listing reads
// the same on Sinclair's ROM and on OpenSE BASIC, which share the tokens.
// When the code returns, USR gives BC to RANDOMIZE (which seeds the random
// numbers with it) and the program ends with the ROM's OK report for line
// 10, statement 3 ("OK, 10:3" on OpenSE BASIC).
package tap
