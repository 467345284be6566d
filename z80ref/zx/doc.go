// Package zx is a ZX Spectrum 48K built on github.com/koron-go/z80 that
// runs a real ROM (OpenSE BASIC from Debian's opense-basic package by
// default, DefaultROMPath; a ROM with keyword entry such as Sinclair's 48K
// ROM is typed at in K mode, untested here for want of the ROM), loads .TAP tapes
// through the ROM's own LOAD, types on its keyboard like a person and reads
// the screen back as text, counting T-states with the 48K's memory
// contention. It is to the Spectrum what z80ref/cpm is to CP/M.
//
// # API
//
//	rom, err := zx.ReadROM(zx.DefaultROMPath)
//	m, err := zx.New(rom, zx.Options{})
//	err = m.Start(tape, "> ", 0)       // LoadTape, Boot, TypeLoad, WaitPrompt
//	err = m.Type("hello\n")            // queued; typed while the machine runs
//	err = m.WaitPrompt("> ", 0)        // run until typed and the prompt is back
//	r, err := m.Ask("hello", "> ", 0)  // type a line + ENTER, wait, r.Lines = reply rows
//	m.Screen().Lines()                 // the 24 rows as text (.Report(), .ScrollPrompt())
//	m.Run(t) / m.RunUntil(cond, t) / m.RunFrames(n)
//	t, err := m.Call(addr, maxT)       // run one subroutine
//	m.TStates(), m.ContendedTStates(), m.Frames(), m.Instructions()
//	m.FrameTState(), m.LastKeyTState(), m.ScreenWriteTState()
//	m.CPU(), m.Mem(), m.Read/Write/ReadWord/WriteWord, m.SetHook, m.Stop
//	m.Image(scale) / m.WritePNG(w, scale) // the screen with its border
//
// The method set mirrors *cpm.Machine (Read, Write, ReadWord, WriteWord,
// CPU, Mem, Call(addr, maxT), SetHook(addr, func()), Stop, TStates,
// Instructions), so *zx.Machine satisfies z80ref's internal machine
// interface as it is.
//
// # Machine
//
//	0000h-3FFFh  ROM (16384 bytes given to New); CPU writes are ignored
//	4000h-57FFh  display file: 192 lines of 32 bytes, interleaved (CellAddr,
//	             LineAddr)
//	5800h-5AFFh  attributes, one per character cell
//	5B00h-FFFFh  RAM (5C00h on: the ROM's system variables, BASIC, ...)
//
// 4000h-7FFFh is contended (see below). New leaves the CPU as after a reset
// (PC=0, DI, IM 0, AF=SP=FFFFh); Boot runs the ROM until its frame counter
// FRAMES (5C78h) reaches BootFrames.
//
// The ULA raises INT at the start of every frame of FrameTStates = 69,888
// T-states and holds it for IntTStates = 32: an interrupt is accepted at an
// instruction boundary in that window if IFF1 is set and the previous
// instruction was not EI. IM 1 and IM 0 (the bus reads FFh, RST 38h) cost
// 13 T-states and jump to 0038h, IM 2 19 (vector at I*256+FFh); an
// interrupt during HALT resumes after the HALT. A HALT with no interrupt
// to come (DI; HALT) runs until the budget, as on the real machine.
//
// Port FEh (any even port) is the ULA: reading returns the keyboard
// half-rows selected by the high address byte (A for IN A,(n), B for
// IN r,(C)) in bits 0-4 (0 = pressed), bit 6 (EAR) 0, bits 5 and 7 1;
// writing sets the border colour (bits 0-2). Odd ports read FFh. There is
// no sound, no tape signal and no floating-bus emulation.
//
// # Keyboard
//
// Type queues characters; at the start of each frame (before the
// interrupt) the typist presses the next character's keys for KeyHold
// frames (default 2) and then releases everything for KeyGap frames
// (default 5): the ROM's IM 1 scan (KEYBOARD at 02BFh) sees each key once,
// puts it in LAST_K (5C08h) and sets FLAGS (5C3Bh) bit 5 — a program that
// does not read keys for a while loses them, as on a real Spectrum. A
// character takes 7 frames (0.14 s). Capitals are CAPS SHIFT + letter,
// the punctuation SYMBOL SHIFT + key, ENTER is '\n', DELETE (CAPS SHIFT +
// 0) is '\b' or DEL; see Type for the list.
//
// # Tape
//
// LoadTape inserts a .TAP image (package z80ref/tap). When the ROM reaches
// LD-BYTES (0556h, the same in Sinclair's ROM and OpenSE) the next block
// is loaded at once, the way emulators' tape traps work: flag check,
// IX/DE/parity as the ROM leaves them, then the ROM's own SA/LD-RET. The
// load takes no T-states. With no tape inserted the ROM's loader runs and
// waits for a signal that never comes; with the tape used up, LD-BYTES
// makes Run return ErrTapeEnd.
//
// TypeLoad types the LOAD command: `load ""` letter by letter on OpenSE
// BASIC, which has no keyword entry; on a ROM that starts like Sinclair's
// (Options.KeywordEntry, set by New) it presses J (LOAD in K mode), then
// "" and ENTER. Start does LoadTape, Boot, TypeLoad and WaitPrompt; for a
// tape whose first file is CODE it types `load "" code` and then
// `randomize usr ADDR` (the load address), for a program without
// autostart `load ""` and `run` (OpenSE only).
//
// # Screen
//
// Screen decodes each 8x8 cell of the display file against the font the
// ROM prints with (CHARS, 5C36h, + 256), then the ROM's font at 3D00h, the
// block graphics (CHR$ 128-143) and the inverse of both fonts; a cell
// whose INK equals its PAPER is blank; anything else is Unknown (¤). 60h
// is £ and 7Fh ©. This is what a person sees, the same rule as
// ../shared/tools/zxrun.sh applies to Fuse's memory. Image renders the
// screen with a 32x24-pixel border in the standard palette (0/C0h, BRIGHT
// FFh) for WritePNG.
//
// # T-states and contention
//
// Instruction costs come from z80ref/internal/tstates, shared with
// z80ref/cpm. Unless Options.NoContention, the ULA's memory contention is
// counted: during the 192 screen lines (frame T-states 14335 to 14335 +
// 192*224, the first 128 T-states of each 224-T-state line) a bus cycle
// with an address in 4000h-7FFFh is delayed by 6,5,4,3,2,1,0,0 T-states
// according to its T-state mod 8; each instruction is broken into its bus
// cycles for this (contention.go). I/O to even ports and ports 40xxh-7Fxxh
// is contended too. ContendedTStates reports the total delay, so a test
// can assert that a program's inner loop never touches contended memory
// (the count does not grow). The tape trap and hooks take no time.
//
// # Conversations
//
// Ask types a line and ENTER at a program that prints a prompt and echoes
// what is typed with RST 10h (as mulm's chat tapes do), runs until the
// prompt is back on a changed screen as the last thing printed (the ROM's
// print position S_POSN right after it), and returns the rows between the echoed line and the new
// prompt, whether the echo read as typed (Reply.EchoOK: no key dropped),
// the T-states from the first key to ENTER and from ENTER to the last
// screen write, and the contention in between. It stops with
// ErrScrollPrompt when the ROM asks "scroll?" (the program let the screen
// fill without resetting SCR_CT), and returns Reply.Report when a BASIC
// report appears in the bottom rows (the program returned to BASIC).
// mulm zx is Start followed by Ask for each line of stdin.
//
// # Checked against Fuse
//
// The tests compare the machine with Fuse 1.6.0 (48K, OpenSE BASIC 3.2.1)
// run by ../shared/tools/zxrun.sh on the same tapes: the boot screen, an
// echo session's screen and picture (TestEchoSession), where the scroll
// prompt stops it (TestScrollPrompt), per-frame loop counts from
// contended and uncontended RAM (TestTimingAgainstFuse), and the frame
// T-state at which each of some sixty instructions of every bus-cycle
// shape starts, at two phases (TestPhaseAgainstFuse): all equal.
//
// A Machine is not safe for concurrent use; run one per goroutine.
//
// # Budget and hooks
//
// Run(maxT) runs maxT T-states; RunUntil(cond, maxT) checks cond at every
// frame start and returns *BudgetError when maxT passes first; Call
// returns *BudgetError likewise. SetHook registers a function called when
// PC reaches an address, before the instruction; Stop from a hook makes
// Run/RunUntil/Call return ErrStopped. Interrupts, the keyboard and the
// tape trap keep working during Call.
package zx
