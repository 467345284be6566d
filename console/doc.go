// Package console holds the console rules of mulm's chat programs: what a
// line a person types becomes before the query encoder (package trigram)
// sees it, and which lines end the chat. mulm chat, the examples
// (internal/chatapp), the CP/M CHAT.COM (z80ref/chat.asm) and the ZX
// Spectrum tape follow these rules, and the parity suite proves that the
// Go side and the CP/M program answer the same typed bytes identically.
//
// # Typing a line
//
// A Reader turns typed bytes into the lines a program receives, exactly as
// the CP/M 2.2 BDOS function 10 (read console buffer) of Digital Research
// does it for CHAT.COM (see package mulm/z80ref/cpm for the echo):
//
//   - "\n", "\r\n" and "\r" are one Enter (CR).
//   - Bit 7 of every byte is cleared first: bytes ≥ 80h are read as the
//     byte − 80h (so UTF-8 "café" is read as "cafC)", and 88h is ^H).
//   - CR or LF ends the line. ^H (08h) and DEL (7Fh) remove the last
//     character; ^U (15h) and ^X (18h) discard the line; ^R (12h), ^E
//     (05h) and ^P (10h) change only the screen or the printer echo, not
//     the line. Every other byte is part of the line, control bytes
//     included.
//   - ^C (03h) typed as the first character of a line ends the program.
//   - A line holds at most [MaxLine] (254) bytes. When it is full the line
//     ends there, and what is typed next (the Enter included) starts the
//     next line: an over-long typed line is read as several lines, and a
//     line of exactly 254 bytes is followed by an empty one. Nothing
//     typed is dropped and no length is too long to read.
//   - A last line without an Enter is read when the input ends.
//
// # What a chat program does with a line
//
// [Classify]: a line that is empty or all spaces (20h) is skipped (the
// prompt comes again); a line whose first character other than a space is
// "!" ends the chat; any other line is the query, passed on unchanged (the
// query encoder drops leading and trailing spaces and reads at most 255
// bytes, so a line of [MaxLine] bytes is read whole).
//
// # Why 254 and not 255
//
// BDOS 10 takes a buffer of up to 255 bytes, but RunCPM, a CP/M emulator
// many people run on small boards, hangs when a typed line fills a
// 255-byte buffer (its loop counts the characters in a byte). CHAT.COM
// therefore asks for 254 bytes, and so does everything that follows these
// rules; the query encoder's limit of 255 bytes (trigram.MaxQueryLen) is
// never reached by a typed line.
package console
