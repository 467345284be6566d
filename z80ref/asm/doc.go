// Package asm is a two-pass Z80 assembler for the source syntax shared by
// pasmo and z80asm. It is used to build the Z80 inference engine; any source
// it accepts in the "pasmo-compatible subset" described below assembles with
// `pasmo --bin` to identical bytes (checked by TestPasmoCrossCheck, which
// runs pasmo 0.5.x over every instruction form when pasmo is on PATH).
//
// # Source lines
//
//	[label[:]] [mnemonic [operand[, operand...]]] [; comment]
//
// A label is an identifier (letters, digits, _ . ? @; not starting with a
// digit) followed by a colon, or without colon when it starts in column 1
// (a column-1 word that is a mnemonic or directive is the mnemonic).
// "name equ expr" may be indented and may omit the colon. Mnemonics,
// registers, conditions and directives are case-insensitive. Symbols are
// case-sensitive, exactly as in pasmo (which has a --nocase option; its
// default is case-sensitive). Register, condition and expression-keyword
// names (a, hl, ix, ixh, z, nc, p, m, mod, and, ...) and mnemonics cannot
// be symbols.
//
// # Directives
//
//	org expr        set the address; must not go backwards (error) and the
//	                expression must be computable when the line is reached
//	name equ expr   define a constant; may use forward references (see below)
//	db/defb/defm    bytes: 8-bit expressions (-128..255) and strings
//	dw/defw         16-bit little-endian words (-32768..65535)
//	ds/defs n[,v]   n bytes of v (default 0); n must be computable when reached
//	end [expr]      stop; the remaining lines (and sources) are ignored
//
// Strings: 'single' quotes are raw, with ” standing for one quote; "double"
// quotes accept the escapes \n \r \t \a \\ \" \' and \0 (other escapes are
// errors because pasmo gives them idiosyncratic meanings). In db a string of
// any length emits its bytes; elsewhere (and in db when combined with
// operators, e.g. 'a'+1) a one-character string is a character constant.
//
// The image starts at the first org (Program.Org; 0 if code precedes any
// org) and extends to the highest byte emitted; gaps left by a forward org
// are filled with zeros, as in pasmo --bin. A backwards org is an error
// (pasmo would silently overwrite; we refuse that).
//
// # Expressions
//
// Operators, loosest first (C precedence, left associative):
//
//	|  or            bitwise or
//	^  xor           bitwise xor   ("^" is not accepted by pasmo; use xor)
//	&  and           bitwise and
//	<< >>  shl shr   shifts (count 0..15)
//	+ -              add, subtract
//	* / %  mod       multiply, divide, remainder
//	- + ~ not        unary
//
// Operands: decimal 123; hex 0FFh/0ffH, $FF, #FF, 0xFF; binary %1010,
// 1010b, 0b1010 (0b1010 is not pasmo); character 'A' or "A"; $ = address of
// the start of the current instruction or directive; symbols; parentheses.
// Values are exact integers; numbers must be at most 65535.
//
// An instruction operand wholly enclosed in parentheses is a memory operand:
// "ld a,(2)" loads from address 2, "ld a,(1)+(2)" loads the constant 3
// (pasmo rejects the latter).
//
// # Pasmo compatibility
//
// Pasmo (0.5.3, checked by experiment) differs from C precedence and exact
// arithmetic, so this assembler rejects, with an error that explains the
// fix, every construct whose value could differ:
//
//   - pasmo gives << >> the precedence of * /: a shift mixed with + - * / %
//     without parentheses is an error ("1 << 2+1": write "(1<<2)+1").
//   - pasmo's leading unary minus negates the whole following sum ("-1+2" is
//     -3, "(ix-5+2)" is ix-7): a unary minus at the start of a +, - or >>
//     chain is an error; write "(-1)+2", "2-1" or "-(1+2)".
//   - pasmo's ~/NOT applies to the whole arithmetic expression ("~1+1" is
//     ~2): ~ followed by an arithmetic or shift operator is an error.
//   - pasmo computes in unsigned 16 bits: operands of / % >> must be in
//     0..65535 (so "-8/2" is an error; write "-(8/2)").
//   - pasmo reads "&12" as a hex number: '&' directly followed by a hex digit
//     is an error; put a space after '&'.
//   - pasmo evaluates each equ once per pass in source order, so a forward
//     reference to an equ whose own value depends on later symbols gets a
//     stale value in pasmo; such references are errors here ("move the equ
//     before its use"). Forward references to labels, and to equs whose
//     expression only uses earlier symbols, are fine.
//   - pasmo truncates out-of-range values silently; here db/ld n values
//     outside -128..255, words outside -32768..65535, displacements outside
//     -128..127, ports outside 0..255 are errors.
//
// Accepted here but rejected by pasmo (not in the common subset): "^",
// 0b1010, "sub a,b"/"and a,c" (explicit A for sub/and/xor/or/cp), "add b"
// (implicit A for add/adc/sbc), "sl1", "1 - -1" (unary operator after a
// binary one), and "ld a,(1)+(2)". Accepted by pasmo
// but not here: "&hex", high/low, comparison operators, "$" inside symbols,
// "defl", indented labels without colon, "in f,(c)"/"out (c),0".
//
// # Instructions
//
// Every documented Z80 instruction in Zilog syntax, plus the undocumented
// sll (alias sl1) and the ixh/ixl/iyh/iyl forms of ld, inc, dec and the
// 8-bit ALU instructions. For the 8-bit ALU both "op a,x" and "op x" are
// accepted for all eight operations.
//
// # Errors
//
// Assemble returns an ErrorList; each *Error prints as
// `file:line: message: "source text"`. Pass 1 reports syntax and operand
// errors for all lines; if there were none, pass 2 reports every value error
// (undefined symbols, ranges). At most 50 errors are collected.
package asm
