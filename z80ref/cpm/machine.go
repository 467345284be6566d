package cpm

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/koron-go/z80"

	"mulm/z80ref/internal/mach"
	"mulm/z80ref/internal/tstates"
)

// Memory map of the emulated 64K CP/M 2.2 system.
const (
	TPA       = 0x0100 // program load address
	CCPBase   = 0xE400 // console command processor (not present; free memory)
	BDOSBase  = 0xEC00 // BDOS; the first byte a .COM may not occupy
	BDOSEntry = 0xEC06 // BDOS entry, target of the JP at 0005h
	BIOSBase  = 0xFA00 // BIOS jump table (17 entries)
	// InitialSP is the stack pointer at program start. The word at
	// InitialSP holds 0000h, so a RET from the program warm boots.
	InitialSP = 0xEBFE
	// CallReturn is the sentinel return address pushed by Call.
	CallReturn = 0xFFF0

	biosEntries = 17
	sysBase     = BDOSBase // PCs >= sysBase are trapped
)

// DefaultMaxTStates is the budget used when Options.MaxTStates (or Call's
// maxT) is 0: 20e9 T-states, about 83 minutes of a 4 MHz Z80.
const DefaultMaxTStates = 20_000_000_000

// eofPollLimit is the number of consecutive console-status polls (BDOS 11,
// BDOS 6 with E=FEh/FFh, BIOS CONST) answered "no character" after the
// input is exhausted, without any console output in between, after which
// Run gives up with ErrInputExhausted instead of spinning to the budget.
const eofPollLimit = 100000

// ErrInputExhausted is returned by Run (and Call) when the program asks for
// console input and Options.Stdin has no more. Callers piping a fixed input
// treat it as a normal end of the session.
var ErrInputExhausted = errors.New("cpm: console input exhausted")

// ErrWarmBoot is returned by Call when the routine warm boots (jumps to
// 0000h, calls BDOS 0 or BIOS BOOT/WBOOT) instead of returning.
var ErrWarmBoot = errors.New("cpm: program warm booted")

// ErrStopped is returned by Run or Call when a hook called Machine.Stop.
var ErrStopped = errors.New("cpm: stopped by hook")

// BudgetError reports that the T-state budget was exceeded.
type BudgetError struct {
	Limit   uint64 // the budget of this Run or Call
	TStates uint64 // T-states spent in this Run or Call when it stopped
	PC      uint16 // address of the next instruction
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("cpm: T-state budget of %d exceeded (%d T-states) at PC=%04Xh", e.Limit, e.TStates, e.PC)
}

// UnsupportedError reports a BDOS function or BIOS entry that this machine
// does not implement, or execution reaching the system area.
type UnsupportedError struct {
	What    string // "BDOS function", "BIOS entry" or "execution in system area"
	Num     int    // BDOS function number (C) or BIOS entry index; -1 otherwise
	PC      uint16 // PC at the trap (0005h, EC06h, BIOS entry, ...)
	RetAddr uint16 // return address on the stack (caller's CALL + 3)
}

func (e *UnsupportedError) Error() string {
	if e.Num < 0 {
		return fmt.Sprintf("cpm: %s at PC=%04Xh (top of stack %04Xh)", e.What, e.PC, e.RetAddr)
	}
	return fmt.Sprintf("cpm: unsupported %s %d at PC=%04Xh (called from %04Xh)", e.What, e.Num, e.PC, e.RetAddr-3)
}

// HaltError reports a HALT instruction: there are no interrupts, so the
// CPU would never resume.
type HaltError struct{ PC uint16 }

func (e *HaltError) Error() string { return fmt.Sprintf("cpm: HALT at PC=%04Xh", e.PC) }

// Options configures a Machine.
type Options struct {
	// Tail is the command tail (the arguments after the program name).
	// A leading space is added if missing; it is upper-cased like the CCP
	// does and stored at 0080h. At most 126 characters (with the space).
	Tail string
	// Stdin supplies console input; nil means no input at all.
	Stdin io.Reader
	// Stdout receives console output; nil discards it.
	Stdout io.Writer
	// TextOutput drops every CR (0Dh) byte written to Stdout and recorded
	// in Response.Output, so that CR LF becomes "\n".
	TextOutput bool
	// List receives the printer echo that ^P turns on in BDOS 10; nil
	// discards it.
	List io.Writer
	// MaxTStates is the T-state budget of one Run; 0 means
	// DefaultMaxTStates.
	MaxTStates uint64
	// Interactive is for a console fed as the keys are typed (a browser,
	// a terminal) whose Stdin reports io.EOF while nothing more has been
	// typed: when the input runs dry in the middle of a BDOS 10 line, Run
	// returns ErrInputExhausted instead of delivering the part typed so
	// far, and the next Run, once more is typed, goes on with the same
	// line.
	Interactive bool
}

// Response is the work done by the program for one console input: from the
// start of Run, or from the end of a BDOS 10 line read, to the next BDOS 10
// request or the end of Run.
type Response struct {
	Input   string // the line as delivered to the program ("" for the first)
	Output  []byte // console output in the interval (after TextOutput)
	TStates uint64 // T-states executed in the interval
}

// Memory is the 64 KB RAM; it implements z80.Memory.
type Memory [65536]byte

// Get implements z80.Memory.
func (m *Memory) Get(addr uint16) uint8 { return m[addr] }

// Set implements z80.Memory.
func (m *Memory) Set(addr uint16, v uint8) { m[addr] = v }

// Machine is a Z80 running CP/M 2.2 console programs.
type Machine struct {
	mem Memory
	cpu z80.CPU

	t     uint64 // total T-states
	steps uint64 // instructions executed

	opt Options
	in  *bufio.Reader
	out *bufio.Writer

	column   uint8 // BDOS console column (for tab expansion)
	strtcol  uint8 // BDOS 10: the column where the line started
	compcol  uint8 // BDOS 10: non-zero while ^H computes a column
	listcp   bool  // BDOS 10: ^P printer echo on
	reading  lineRead
	eofPolls int

	// response bookkeeping
	respOpen  bool
	respInput string
	respStart uint64
	respOut   []byte
	responses []Response

	// hooks
	hooks mach.Hooks
}

// New loads a .COM image at 0100h and prepares page zero, the command tail,
// the default FCBs and the registers as the CP/M 2.2 CCP would.
func New(com []byte, opt Options) (*Machine, error) {
	if len(com) > BDOSBase-TPA {
		return nil, fmt.Errorf("cpm: program of %d bytes does not fit in the TPA (max %d)", len(com), BDOSBase-TPA)
	}
	tail, err := ccpTail(opt.Tail)
	if err != nil {
		return nil, err
	}
	m := &Machine{opt: opt}
	m.cpu.Memory = &m.mem
	copy(m.mem[TPA:], com)

	// Page zero.
	m.mem[0x0000] = 0xC3 // JP BIOS warm boot
	m.WriteWord(0x0001, BIOSBase+3)
	m.mem[0x0003] = 0    // IOBYTE
	m.mem[0x0004] = 0    // current drive A:, user 0
	m.mem[0x0005] = 0xC3 // JP BDOS
	m.WriteWord(0x0006, BDOSEntry)
	// BIOS jump table: each entry is "JP itself" so that programs that
	// read the vector targets get the (trapped) entry address.
	for i := 0; i < biosEntries; i++ {
		a := uint16(BIOSBase + 3*i)
		m.mem[a] = 0xC3
		m.WriteWord(a+1, a)
	}
	// Command tail and default FCBs.
	m.mem[0x80] = byte(len(tail))
	copy(m.mem[0x81:], tail)
	if len(tail) < 127 {
		m.mem[0x81+len(tail)] = 0
	}
	f1, rest := parseFCB(tail)
	f2, _ := parseFCB(rest)
	copy(m.mem[0x5C:0x6C], f1[:])
	copy(m.mem[0x6C:0x7C], f2[:])
	m.mem[0x7C] = 0 // current record

	// Registers.
	m.cpu.PC = TPA
	m.cpu.SP = InitialSP
	m.WriteWord(InitialSP, 0x0000)

	if opt.Stdin != nil {
		m.in = bufio.NewReader(opt.Stdin)
	}
	w := opt.Stdout
	if w == nil {
		w = io.Discard
	}
	m.out = bufio.NewWriter(w)
	return m, nil
}

// CPU returns the emulated CPU for register access (PC, SP, AF, BC, ...).
func (m *Machine) CPU() *z80.CPU { return &m.cpu }

// Mem returns the 64 KB memory.
func (m *Machine) Mem() *[65536]byte { return (*[65536]byte)(&m.mem) }

// Read returns the byte at addr.
func (m *Machine) Read(addr uint16) byte { return m.mem[addr] }

// Write stores b at addr.
func (m *Machine) Write(addr uint16, b byte) { m.mem[addr] = b }

// ReadWord returns the little-endian word at addr.
func (m *Machine) ReadWord(addr uint16) uint16 {
	return mach.ReadWord((*[65536]byte)(&m.mem), addr)
}

// WriteWord stores the little-endian word v at addr.
func (m *Machine) WriteWord(addr, v uint16) {
	mach.WriteWord((*[65536]byte)(&m.mem), addr, v)
}

// TStates returns the total T-states executed by Run and Call so far.
func (m *Machine) TStates() uint64 { return m.t }

// Instructions returns the number of instructions (koron Steps) executed.
func (m *Machine) Instructions() uint64 { return m.steps }

// Responses returns the per-input T-state records of Run (see Response).
func (m *Machine) Responses() []Response { return m.responses }

// SetHook installs fn to be called whenever PC reaches addr, before the
// instruction there executes (also before BDOS/BIOS traps). A nil fn removes
// the hook. If the hook changes PC, execution continues at the new PC
// (whose hook, if any, is called too). Hooks cost nothing when none is set.
func (m *Machine) SetHook(addr uint16, fn func()) { m.hooks.Set(addr, fn) }

// Stop, called from a hook, makes Run or Call return ErrStopped before the
// instruction at the hooked address executes.
func (m *Machine) Stop() { m.hooks.Stop() }

// Run executes the program from the current state until it warm boots
// (jump to 0000h, RET to the initial 0000h, BDOS 0, BIOS BOOT/WBOOT), which
// returns nil, or until an error: ErrInputExhausted, *BudgetError,
// *UnsupportedError, *HaltError, ErrStopped, or an I/O error. The machine
// state is left as it was when Run stopped (after ErrInputExhausted the PC
// is still at the BDOS entry), so Run may be called again to resume; the
// resumed part is recorded as a new Response with Input "".
func (m *Machine) Run() error {
	max := m.opt.MaxTStates
	if max == 0 {
		max = DefaultMaxTStates
	}
	m.openResponse("")
	err := m.exec(m.t+max, max, false)
	m.closeResponse()
	if ferr := m.out.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	return err
}

// Call runs the subroutine at addr: it pushes CallReturn on the current
// stack, sets PC=addr and runs until the routine returns to CallReturn.
// It returns the T-states spent (including the routine's final RET, not
// including any CALL). maxT is the budget (0 = DefaultMaxTStates). The
// routine may use the BDOS. PC is restored afterwards; all other registers
// and memory are left as the routine left them. Console output during Call
// goes to Stdout but is not recorded in Responses.
func (m *Machine) Call(addr uint16, maxT uint64) (uint64, error) {
	if maxT == 0 {
		maxT = DefaultMaxTStates
	}
	savedPC := m.cpu.PC
	m.cpu.SP -= 2
	m.WriteWord(m.cpu.SP, CallReturn)
	m.cpu.PC = addr
	start := m.t
	err := m.exec(m.t+maxT, maxT, true)
	if ferr := m.out.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	if err == nil {
		m.cpu.PC = savedPC
	}
	return m.t - start, err
}

// action of a trap.
const (
	actExec     = iota // execute the instruction at PC normally
	actContinue        // state changed (emulated routine); dispatch again
	actStop            // stop with the returned error (nil = clean stop)
)

// exec is the step loop shared by Run and Call. The T-state and step
// counters live in locals and are written back whenever control leaves the
// loop (traps, hooks, return).
func (m *Machine) exec(limit, budget uint64, inCall bool) error {
	cpu := &m.cpu
	mem := &m.mem
	start := m.t
	t, steps := m.t, m.steps
	defer func() { m.t, m.steps = t, steps }()
	hooked := m.hooks.Any()
	m.hooks.ClearStop()
	for {
		pc := cpu.PC
		if hooked && m.hooks.At(pc) {
			m.t, m.steps = t, steps
			stopped := m.hooks.Call(pc)
			hooked = m.hooks.Any()
			if stopped {
				return ErrStopped
			}
			if cpu.PC != pc {
				continue
			}
		}
		if pc < 8 || pc >= sysBase {
			m.t, m.steps = t, steps
			act, err := m.trap(pc, inCall)
			hooked = m.hooks.Any()
			if act == actStop {
				return err
			}
			if act == actContinue {
				continue
			}
		}
		var c uint64
		switch op := mem[pc]; op {
		case 0xCB:
			c = uint64(tstates.CB(mem[pc+1]))
		case 0xED:
			op2 := mem[pc+1]
			c = uint64(tstates.ED(op2))
			if tstates.IsBlockRepeat(op2) {
				cpu.Step()
				if cpu.PC == pc { // koron runs one iteration and rewinds PC
					c += 5
				}
				steps++
				t += c
				if t > limit {
					return &BudgetError{Limit: budget, TStates: t - start, PC: cpu.PC}
				}
				continue
			}
		case 0xDD, 0xFD:
			op2 := mem[pc+1]
			if op2 == 0xCB {
				c = uint64(tstates.XYCB(mem[pc+3]))
			} else {
				c = uint64(tstates.XY(op2))
				if k := tstates.Kind(op2); k != tstates.KNone && k != tstates.KHALT {
					c += tstates.Extra(k, op2, cpu.AF.Lo, cpu.BC.Hi)
				}
			}
		default:
			e := tstates.Info(op)
			c = uint64(e & 0xFF)
			if k := uint8(e >> 8); k != tstates.KNone {
				if k == tstates.KHALT {
					return &HaltError{PC: pc}
				}
				c += tstates.Extra(k, op, cpu.AF.Lo, cpu.BC.Hi)
			}
		}
		cpu.Step()
		steps++
		t += c
		if t > limit {
			return &BudgetError{Limit: budget, TStates: t - start, PC: cpu.PC}
		}
	}
}

// trap handles PCs in page zero below 0008h and in the system area.
func (m *Machine) trap(pc uint16, inCall bool) (int, error) {
	switch {
	case pc == 0x0000:
		return m.warmBoot(inCall)
	case pc == 0x0005 || pc == BDOSEntry:
		return m.bdos(pc, inCall)
	case pc < 8:
		return actExec, nil
	case pc >= BIOSBase && pc < BIOSBase+3*biosEntries && (pc-BIOSBase)%3 == 0:
		return m.bios(pc, inCall)
	case pc == CallReturn && inCall:
		return actStop, nil
	}
	return actStop, &UnsupportedError{What: "execution in system area", Num: -1, PC: pc, RetAddr: m.ReadWord(m.cpu.SP)}
}

func (m *Machine) warmBoot(inCall bool) (int, error) {
	if inCall {
		return actStop, ErrWarmBoot
	}
	return actStop, nil
}

// ret emulates a RET (free of T-states).
func (m *Machine) ret() {
	m.cpu.PC = m.ReadWord(m.cpu.SP)
	m.cpu.SP += 2
}

func (m *Machine) openResponse(input string) {
	if m.respOpen {
		return
	}
	m.respOpen = true
	m.respInput = input
	m.respStart = m.t
	m.respOut = nil
}

func (m *Machine) closeResponse() {
	if !m.respOpen {
		return
	}
	m.respOpen = false
	m.responses = append(m.responses, Response{Input: m.respInput, Output: m.respOut, TStates: m.t - m.respStart})
	m.respOut = nil
}
