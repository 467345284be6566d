// Package cpm is a CP/M 2.2 console machine built on github.com/koron-go/z80
// that counts Z80 T-states. It runs CP/M .COM programs that use the console
// through the BDOS (or the BIOS jump table), measures their speed in
// T-states, and lets tests call individual Z80 subroutines.
//
// # API
//
//	m, err := cpm.New(com, cpm.Options{Tail: "arg", Stdin: r, Stdout: w, TextOutput: true})
//	err = m.Run()              // nil on warm boot / BDOS 0
//	m.TStates()                // total T-states (Run and Call)
//	m.Instructions()           // instructions executed
//	m.Responses()              // per-input T-states and output
//	t, err := m.Call(addr, 0)  // run one subroutine
//	m.CPU(), m.Mem(), m.Read/Write/ReadWord/WriteWord, m.SetHook, m.Stop
//
// # Memory map (64K CP/M 2.2)
//
//	0000h  JP FA03h (BIOS warm boot)      -> trapped: Run stops, returns nil
//	0003h  IOBYTE = 0, 0004h drive/user = 0
//	0005h  JP EC06h (BDOS); the word at 0006h is EC06h, the top of the TPA
//	005Ch  default FCB 1, 006Ch default FCB 2 (filled from the tail as the
//	       CCP does: optional d: drive, 8+3 blank-padded upper-case name,
//	       '*' -> '?'; blank names when the tail has no arguments)
//	0080h  command tail: length byte, then the tail as the CCP stores it
//	       (upper-cased, leading space, e.g. " HELLO"), then a 0 byte;
//	       0080h is also the default DMA address
//	0100h  TPA: the .COM is loaded here; it must end below EC00h
//	E400h  CCP area (no CCP is present; the program may use it)
//	EBFEh  initial SP; the word there is 0000h, so a final RET warm boots
//	EC00h  BDOS (entry EC06h, trapped and emulated in Go)
//	FA00h  BIOS jump table, 17 entries of "JP itself"; entries are trapped:
//	       BOOT/WBOOT stop, CONST/CONIN/CONOUT are emulated (raw, no echo),
//	       the others return an *UnsupportedError
//	FFF0h  CallReturn, the return address pushed by Call
//
// koron-go executes the documented instructions and many undocumented ones;
// opcodes it does not know are logged by koron ("Z80 warn: detect invalid
// code") and skipped. Any other PC in EC00h-FFFFh is an error
// (*UnsupportedError). The
// registers other than PC and SP start at 0. I/O ports read 0 and ignore
// writes; there are no interrupts, so HALT stops Run with *HaltError.
//
// # BDOS
//
// A PC of 0005h or EC06h is a BDOS call. It is emulated in Go, followed by
// an emulated RET. As in CP/M 2.2 the result (aret) is returned in HL with
// A=L and B=H (0 for functions without a result); other registers are
// preserved. Implemented functions:
//
//	0   system reset: stop (Run returns nil)
//	1   console input with echo (graphic chars, CR, LF, TAB, BS echoed; TAB
//	    expanded)
//	2   console output of E (TAB expanded to columns of 8, like CP/M 2.2)
//	6   direct console I/O: E=FFh returns a char or 0 without waiting,
//	    E=FEh returns status FFh/00h (CP/M 3; absent from the DRI 2.2 BDOS),
//	    else outputs E raw
//	7/8 get/set IOBYTE (byte 0003h)
//	9   print the '$'-terminated string at DE (TAB expanded)
//	10  read console buffer at DE: DE[0]=max, DE[1]=count, DE[2..]=chars
//	11  console status: A=FFh if a char is ready else 00h (as documented by
//	    DRI; the 2.2 BDOS code returns 01h; FFh satisfies every common test)
//	12  version: HL=0022h, A=22h, B=00h
//	13/14/25/26/32 reset disks, select disk, current disk (0), set DMA,
//	    get/set user code: accepted as no-ops / trivial answers
//
// Any other function stops Run with *UnsupportedError naming the function
// number and the caller's address.
//
// Console input comes from Options.Stdin. A line end ("\n", "\r\n" or
// "\r") arrives as one CR (0Dh) for BDOS 1, 6, 10 and BIOS CONIN.
//
// BDOS 10 reads one typed character at a time and edits the line as the
// "read" routine of Digital Research's CP/M 2.2 BDOS does, echo included:
//
//   - Every character has bit 7 cleared first (so a byte 88h is ^H, 8Dh
//     a CR, E1h an "a").
//   - CR or LF ends the line; only a CR is echoed (no LF), as DRI's
//     readen does ("mvi c,cr! jmp conout").
//   - ^H (08h) removes the last character and backs the cursor over it
//     (BS, space, BS for each column it used: a TAB, or a control
//     character shown as ^X, is backed over whole); nothing on an empty
//     line. As in DRI's code the column is found by retyping the line
//     silently from its start column, so after a ^E it can back up wrongly.
//   - DEL (7Fh, rub out) removes the last character and echoes the removed
//     character; nothing on an empty line.
//   - ^U (15h) discards the line: "#", CR LF, spaces up to the column where
//     the line began, and the line starts again.
//   - ^X (18h) discards the line and backs the cursor up to where it began.
//   - ^R (12h) retypes the line: "#", CR LF, spaces to the start column,
//     then the characters kept so far.
//   - ^E (05h) prints CR LF (a physical end of line); the line goes on.
//   - ^P (10h) toggles the printer echo: while on, everything the console
//     prints also goes to Options.List (nil discards it).
//   - ^C (03h) as the first character of the line (also after ^U, ^X, ^H
//     or DEL emptied it) echoes "^C" and warm boots: Run returns nil.
//     Anywhere else it is an ordinary character.
//   - Every other character is stored and echoed (control characters as
//     ^X, TAB expanded to columns of 8).
//   - When the buffer is full (count = max) the read ends at once, before
//     the line end: what is typed next, the line end included, is the next
//     read's. So an over-long line continues as the next read, and a line
//     that exactly fills the buffer leaves its CR behind (the next read
//     returns an empty line). Nothing typed is dropped.
//   - A last line without a line end is delivered when the input ends —
//     unless Options.Interactive is set, for a console fed as the keys are
//     typed: then Run returns ErrInputExhausted with the line kept, and the
//     next Run, once more has been typed, goes on with it (the echo of each
//     key appears as it is read).
//
// When the input is exhausted and the
// program asks for a character or a line, Run returns ErrInputExhausted.
// Console status polls (BDOS 11, BDOS 6 with FEh/FFh, BIOS CONST) may block
// until the reader has data or EOF; after EOF they answer "not ready", and
// after 100000 consecutive such polls without output they also return
// ErrInputExhausted, so that a program waiting for a key does not spin to
// the budget. The ^S/^C checks CP/M makes during output are not emulated.
//
// Output bytes go raw to Options.Stdout (buffered; flushed before every
// input request and when Run or Call returns). With Options.TextOutput every
// CR byte is dropped, so CR LF becomes "\n".
//
// # T-states
//
// koron-go does not count cycles. Before each cpu.Step the machine decodes
// the instruction at PC (prefixes CB, ED, DD, FD, DD CB d op, FD CB d op)
// and adds its cost from the tables of z80ref/internal/tstates: Zilog Z80 CPU User
// Manual figures for documented instructions, standard figures for the
// undocumented ones (IXH/IXL/IYH/IYL 8, SLL 8/15, ED NOPs 8, DDCB register
// forms 23; a DD/FD prefix before an instruction that does not use HL adds
// 4). Conditional instructions: JR cc 12/7, DJNZ 13/8, CALL cc 17/10,
// RET cc 11/5, JP cc 10/10. The condition is evaluated on the flags (or B
// for DJNZ) before the step, which is exact even when a branch target
// equals the next instruction. koron executes one iteration of LDIR, LDDR,
// CPIR, CPDR, INIR, INDR, OTIR and OTDR per Step and rewinds PC when it
// repeats; an iteration costs 21 if PC is back at the instruction after the
// step (it repeats) and 16 on the last one.
//
// Time inside the emulated BDOS/BIOS counts zero: the program's CALL 5
// costs its usual 17 T-states, the JP at 0005h and the emulated RET cost
// nothing. The JP 0 or RET that warm boots is counted.
//
// # Responses
//
// Run records one Response per console line: the first runs from the start
// of Run (Input ""), each following one from the end of a BDOS 10 line read
// (Input = the characters stored in the buffer) to the next BDOS 10 request
// or the end of Run (also on errors). TStates is the T-states executed in
// the interval, Output the console bytes produced in it (after TextOutput;
// the BDOS 10 echo itself belongs to no response). Character input (BDOS 1,
// 6, BIOS CONIN) does not split responses. Output during Call is not
// recorded.
//
// # Budget
//
// Options.MaxTStates (default DefaultMaxTStates = 20e9) bounds one Run; the
// maxT argument bounds one Call. Exceeding it returns *BudgetError with the
// PC of the next instruction. The check is made after each instruction, so
// the total may exceed the budget by one instruction.
//
// RunFor(n) runs a slice of n T-states (a *BudgetError ends it, and the
// next RunFor goes on) without splitting Responses at the slice
// boundaries, and Current returns the Response in progress: a caller that
// paces the machine to a wall clock (package mulm/web/play) reads the
// T-states of the reply being printed.
//
// # Hooks
//
// SetHook registers a function called when PC reaches an
// address, before the instruction executes; Stop called from a hook ends
// Run/Call with ErrStopped. Without hooks the step loop pays one integer
// test per instruction.
package cpm
