package zx

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/koron-go/z80"

	"mulm/z80ref/internal/mach"
	"mulm/z80ref/internal/tstates"
	"mulm/z80ref/tap"
)

// Timing of the 48K Spectrum.
const (
	// ClockHz is the Z80 clock of the 48K Spectrum.
	ClockHz = 3_500_000
	// FrameTStates is the length of one video frame: 312 lines of 224
	// T-states. The ULA raises INT once per frame (50.08 Hz).
	FrameTStates = 69888
	// IntTStates is how long INT stays active at the start of a frame; an
	// interrupt is accepted at an instruction boundary inside this window
	// when IFF1 is set (and the previous instruction was not EI).
	IntTStates = 32
	// ContendedStart is the frame T-state of the first contended cycle
	// (the ULA fetches the first screen byte of line 64).
	ContendedStart = 14335
	// LineTStates is the length of one scan line.
	LineTStates = 224
)

// Memory map of the 48K Spectrum.
const (
	ROMSize    = 0x4000 // 0000h-3FFFh: ROM, writes are ignored
	ScreenAddr = 0x4000 // display file (bitmap), 6144 bytes
	AttrAddr   = 0x5800 // attributes, 768 bytes
	// ContendedEnd is the first address above the contended RAM
	// (4000h-7FFFh, shared with the ULA).
	ContendedEnd = 0x8000
	// CallReturn is the sentinel return address pushed by Call.
	CallReturn = 0xFFF0
)

// System variables the machine reads.
const (
	SysKSTATE = 0x5C00 // keyboard state, 8 bytes
	SysLASTK  = 0x5C08 // LAST_K: the last key decoded by the IM 1 scan
	SysFLAGS  = 0x5C3B // FLAGS: bit 5 set when a new key is in LAST_K
	SysCHARS  = 0x5C36 // CHARS: the font address minus 256
	SysBORDCR = 0x5C48 // BORDCR: border colour * 8 (lower screen attribute)
	SysFRAMES = 0x5C78 // FRAMES: 3-byte frame counter incremented by IM 1
	SysRAMTOP = 0x5CB2 // RAMTOP
	SysERRNR  = 0x5C3A // ERR_NR: report code - 1 (FFh: none); IY points here
)

// ROM entry points shared by Sinclair's 48K ROM and OpenSE BASIC.
const (
	LDBytes   = 0x0556 // LD-BYTES: trapped to load from the inserted tape
	IM1Vector = 0x0038
)

// DefaultROMPath is where Debian's opense-basic package puts OpenSE BASIC.
const DefaultROMPath = "/usr/share/spectrum-roms/opense.rom"

// DefaultMaxTStates is the budget of one Run call when the caller gives 0:
// 20e9 T-states, about 95 minutes of a 3.5 MHz Spectrum.
const DefaultMaxTStates = 20_000_000_000

// Sentinel errors.
var (
	// ErrROM is wrapped by errors about the ROM image.
	ErrROM = errors.New("zx: bad ROM")
	// ErrStopped is returned by Run, RunUntil or Call when a hook called
	// Stop.
	ErrStopped = errors.New("zx: stopped by hook")
	// ErrTapeEnd is returned when the ROM calls LD-BYTES and the tape has
	// no block left (a real Spectrum would wait for a tape forever).
	ErrTapeEnd = errors.New("zx: LD-BYTES called with no tape block left")
	// ErrUntypable is wrapped by Type's errors.
	ErrUntypable = errors.New("zx: character has no Spectrum key")
	// ErrReset is returned by Call when the routine jumps to 0000h.
	ErrReset = errors.New("zx: routine jumped to 0000h (reset)")
)

// BudgetError reports that a T-state budget was exceeded.
type BudgetError struct {
	Limit   uint64 // the budget
	TStates uint64 // T-states spent when it stopped
	PC      uint16 // address of the next instruction
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("zx: T-state budget of %d exceeded (%d T-states) at PC=%04Xh", e.Limit, e.TStates, e.PC)
}

// Options configures a Machine. The zero value is a 48K Spectrum that
// counts memory contention and types at the default speed.
type Options struct {
	// NoContention turns off the counting of contended memory and I/O
	// (ContendedTStates then stays 0).
	NoContention bool
	// KeyHold is the number of frames a typed key is held down (default
	// DefaultKeyHold); KeyGap the number of frames all keys are up before
	// the next typed key (default DefaultKeyGap).
	KeyHold, KeyGap int
	// KeywordEntry says the ROM reads keywords in K mode (Sinclair's 48K
	// ROM: LOAD is the J key). Machine.New sets it when the ROM starts like
	// Sinclair's; OpenSE BASIC reads keywords letter by letter.
	KeywordEntry bool
}

// Default typing speed: 2 frames down, 5 frames up. The ROM's scan sees a
// key at its first interrupt; a released key is forgotten after 5 scans
// without it, so a key typed twice in a row registers twice; the repeat
// delay (REPDEL, 35 frames) is never reached.
const (
	DefaultKeyHold = 2
	DefaultKeyGap  = 5
)

// sinclairStart is the first 8 bytes of Sinclair's 48K ROM (DI; XOR A;
// LD DE,FFFFh; JP 11CBh).
var sinclairStart = []byte{0xF3, 0xAF, 0x11, 0xFF, 0xFF, 0xC3, 0xCB, 0x11}

// memory is the 64K address space.
type memory [65536]byte

// bus is the CPU's view of memory: writes below 4000h are ignored, and the
// time of the last write to the screen (4000h-5AFFh) is noted.
type bus struct{ m *Machine }

func (b bus) Get(addr uint16) uint8 { return b.m.mem[addr] }
func (b bus) Set(addr uint16, v uint8) {
	if addr >= ROMSize {
		b.m.mem[addr] = v
		if addr < AttrAddr+768 {
			b.m.screenT = b.m.t
		}
	}
}

// ports is the Spectrum's I/O: the ULA answers every even port.
type ports struct{ m *Machine }

func (p ports) In(lo uint8) uint8 {
	if lo&1 != 0 {
		return 0xFF // nothing on the bus (idle ULA: floating bus not modelled)
	}
	return p.m.readULA(p.m.portHi)
}

func (p ports) Out(lo uint8, v uint8) {
	if lo&1 == 0 {
		p.m.border = v & 7
	}
}

// Machine is a ZX Spectrum 48K running a real ROM.
type Machine struct {
	mem memory
	cpu z80.CPU
	opt Options

	t          uint64 // total T-states
	steps      uint64 // instructions executed
	frameStart uint64 // T-state at which the current frame began
	frames     uint64 // frames begun (interrupt requests)
	contended  uint64 // T-states added by contention
	halted     bool   // executing HALT (waiting for an interrupt)
	afterEI    bool   // the last instruction was EI: no interrupt before the next
	portHi     uint8  // high byte of the port address of the current IN
	border     uint8
	screenT    uint64     // T-state of the last CPU write to the screen
	acc        accessList // the current instruction's bus cycles (contention)
	scache     screenCache

	keys  [8]uint8 // pressed keys per half-row (bit set = pressed)
	kb    keyboard
	tape  []tap.Block
	tapeN int // next block

	hooks mach.Hooks
}

// ReadROM reads a 16K ROM file.
func ReadROM(path string) ([]byte, error) {
	rom, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrROM, err)
	}
	if len(rom) != ROMSize {
		return nil, fmt.Errorf("%w: %s has %d bytes, a 48K ROM has %d", ErrROM, path, len(rom), ROMSize)
	}
	return rom, nil
}

// New returns a 48K Spectrum with rom (16384 bytes) mapped at 0000h, in the
// state after a reset: PC=0, interrupts disabled, IM 0, AF=SP=FFFFh, RAM
// zero. Nothing has run yet; see Boot.
func New(rom []byte, opt Options) (*Machine, error) {
	if len(rom) != ROMSize {
		return nil, fmt.Errorf("%w: %d bytes, a 48K ROM has %d", ErrROM, len(rom), ROMSize)
	}
	if opt.KeyHold <= 0 {
		opt.KeyHold = DefaultKeyHold
	}
	if opt.KeyGap <= 0 {
		opt.KeyGap = DefaultKeyGap
	}
	if bytes.Equal(rom[:len(sinclairStart)], sinclairStart) {
		opt.KeywordEntry = true
	}
	m := &Machine{opt: opt}
	copy(m.mem[:ROMSize], rom)
	m.cpu.Memory = bus{m}
	m.cpu.IO = ports{m}
	m.cpu.AF.SetU16(0xFFFF)
	m.cpu.SP = 0xFFFF
	return m, nil
}

// CPU returns the emulated CPU for register access.
func (m *Machine) CPU() *z80.CPU { return &m.cpu }

// Mem returns the 64K address space (ROM included: writes through Mem are
// not blocked, writes by the CPU are).
func (m *Machine) Mem() *[65536]byte { return (*[65536]byte)(&m.mem) }

// Read returns the byte at addr.
func (m *Machine) Read(addr uint16) byte { return m.mem[addr] }

// Write stores b at addr (also in the ROM area: it is the caller's
// business).
func (m *Machine) Write(addr uint16, b byte) { m.mem[addr] = b }

// ReadWord returns the little-endian word at addr.
func (m *Machine) ReadWord(addr uint16) uint16 {
	return mach.ReadWord((*[65536]byte)(&m.mem), addr)
}

// WriteWord stores the little-endian word v at addr.
func (m *Machine) WriteWord(addr, v uint16) {
	mach.WriteWord((*[65536]byte)(&m.mem), addr, v)
}

// TStates returns the T-states executed so far, contention included.
func (m *Machine) TStates() uint64 { return m.t }

// ContendedTStates returns how many of TStates were contention delays
// (the ULA holding the CPU off 4000h-7FFFh or the ULA port). A program
// that never touches contended memory or port FEh while the screen is
// drawn keeps it unchanged.
func (m *Machine) ContendedTStates() uint64 { return m.contended }

// Instructions returns the number of instructions executed.
func (m *Machine) Instructions() uint64 { return m.steps }

// Frames returns the number of frames begun (interrupt requests raised)
// since the machine was created.
func (m *Machine) Frames() uint64 { return m.frames }

// FrameTState returns the T-state within the current frame (0 at INT).
func (m *Machine) FrameTState() uint64 { return m.t - m.frameStart }

// ScreenWriteTState returns the T-state of the instruction that last wrote
// to the screen (display file or attributes), 0 if none has.
func (m *Machine) ScreenWriteTState() uint64 { return m.screenT }

// Border returns the border colour (0-7) last written to port FEh.
func (m *Machine) Border() uint8 { return m.border }

// KeywordEntry reports whether the ROM is taken to read keywords in K
// mode (see Options.KeywordEntry).
func (m *Machine) KeywordEntry() bool { return m.opt.KeywordEntry }

// SetHook installs fn to be called whenever PC reaches addr, before the
// instruction there executes (and before the tape trap). A nil fn removes
// the hook. If the hook changes PC, execution continues at the new PC.
// The signature is *cpm.Machine's, so both fit z80ref's machine
// interface; a hook that needs the machine captures it.
func (m *Machine) SetHook(addr uint16, fn func()) { m.hooks.Set(addr, fn) }

// Stop, called from a hook, makes the running Run, RunUntil or Call return
// ErrStopped before the instruction at the hooked address executes.
func (m *Machine) Stop() { m.hooks.Stop() }

// Run executes maxT T-states (0 = DefaultMaxTStates) and returns nil, or
// an error that stopped it earlier (ErrStopped, ErrTapeEnd).
func (m *Machine) Run(maxT uint64) error {
	if maxT == 0 {
		maxT = DefaultMaxTStates
	}
	return m.exec(m.t+maxT, nil, false)
}

// RunUntil runs until cond returns true, checked at the start of every
// frame (every 69,888 T-states, before the interrupt), or until maxT
// T-states (0 = DefaultMaxTStates) have passed: then it returns a
// *BudgetError.
func (m *Machine) RunUntil(cond func(m *Machine) bool, maxT uint64) error {
	if maxT == 0 {
		maxT = DefaultMaxTStates
	}
	if cond(m) {
		return nil
	}
	start := m.t
	err := m.exec(m.t+maxT, cond, false)
	if errors.Is(err, errBudget) {
		return &BudgetError{Limit: maxT, TStates: m.t - start, PC: m.cpu.PC}
	}
	return err
}

// RunFrames runs until n more frames have begun.
func (m *Machine) RunFrames(n int) error {
	end := m.frames + uint64(n)
	return m.RunUntil(func(m *Machine) bool { return m.frames >= end }, uint64(n+1)*FrameTStates)
}

// Call runs the subroutine at addr: it pushes CallReturn on the current
// stack, sets PC=addr and runs (interrupts, keyboard and tape included)
// until the routine returns to CallReturn. It returns the T-states spent,
// including the routine's final RET. maxT is the budget (0 =
// DefaultMaxTStates). PC is restored afterwards; everything else is left
// as the routine left it.
func (m *Machine) Call(addr uint16, maxT uint64) (uint64, error) {
	if maxT == 0 {
		maxT = DefaultMaxTStates
	}
	savedPC := m.cpu.PC
	m.cpu.SP -= 2
	m.WriteWord(m.cpu.SP, CallReturn)
	m.cpu.PC = addr
	m.halted = false
	start := m.t
	err := m.exec(m.t+maxT, nil, true)
	if errors.Is(err, errBudget) {
		err = &BudgetError{Limit: maxT, TStates: m.t - start, PC: m.cpu.PC}
	}
	if err == nil {
		m.cpu.PC = savedPC
	}
	return m.t - start, err
}

// errBudget is exec's internal "limit reached" (Run treats it as success).
var errBudget = errors.New("zx: budget")

// exec is the step loop. It returns nil when limit is reached in Run mode
// (cond == nil, !inCall), errBudget when cond or a Call is cut short, nil
// when cond holds or the Call returns, or the error that stopped it.
func (m *Machine) exec(limit uint64, cond func(*Machine) bool, inCall bool) error {
	cpu := &m.cpu
	mem := &m.mem
	contend := !m.opt.NoContention
	m.hooks.ClearStop()
	for {
		// Frame boundary: keyboard, condition, interrupt request.
		if m.t-m.frameStart >= FrameTStates {
			m.frameStart += FrameTStates
			m.frames++
			m.kb.frame(m)
			if cond != nil && cond(m) {
				return nil
			}
		}
		if m.t >= limit {
			if cond == nil && !inCall {
				return nil
			}
			return errBudget
		}
		pc := cpu.PC
		if m.t-m.frameStart < IntTStates && cpu.IFF1 && !m.afterEI {
			m.interrupt(contend)
			continue
		}
		if m.halted {
			hookedHere := m.hooks.At(pc)
			if !hookedHere && (pc < ScreenAddr || pc >= ContendedEnd || !contend) {
				// HALT repeats 4 T-state NOPs until the next frame (or the
				// limit): skip them at once.
				next := m.frameStart + FrameTStates
				if limit < next {
					next = limit
				}
				n := (next - m.t + 3) / 4
				m.t += 4 * n
				m.steps += n
				r := cpu.IR.Lo
				cpu.IR.Lo = r&0x80 | (r+uint8(n))&0x7F
				continue
			}
		}
		if m.hooks.At(pc) {
			if m.hooks.Call(pc) {
				return ErrStopped
			}
			if cpu.PC != pc {
				continue
			}
		}
		if pc == LDBytes && m.tape != nil && !m.halted {
			if err := m.loadTrap(); err != nil {
				return err
			}
			m.afterEI = false
			continue
		}
		if inCall && pc == CallReturn {
			return nil
		}
		if inCall && pc == 0 {
			return ErrReset
		}
		op := mem[pc]
		var c uint64
		repeatable := false
		if e := tstates.Info(op); e&0xFF != 0 { // unprefixed
			c = uint64(e & 0xFF)
			if k := uint8(e >> 8); k != tstates.KNone && k != tstates.KHALT {
				c += tstates.Extra(k, op, cpu.AF.Lo, cpu.BC.Hi)
			}
		} else {
			c, repeatable = m.tableCost(pc)
		}
		switch op {
		case 0xDB:
			m.portHi = cpu.AF.Hi // IN A,(n): A on the high address lines
		case 0xED:
			m.portHi = cpu.BC.Hi // IN r,(C), INI...: B on the high address lines
		case 0x76:
			m.halted = true
		}
		ft := m.t - m.frameStart
		cont := contend && ft+c+24 >= ContendedStart && ft < ContendedStart+192*LineTStates && m.mayContend(pc, op)
		acc := &m.acc
		if cont {
			acc.n = 0
			m.accesses(acc, pc)
		}
		cpu.Step()
		m.steps++
		m.afterEI = op == 0xFB
		if repeatable && cpu.PC == pc {
			c += 5
			if cont {
				acc.repeatTail()
			}
		}
		if cont {
			if d := acc.cost(ft) - c; d != 0 {
				m.contended += d
				c += d
			}
		}
		m.t += c
	}
}

// interrupt accepts the maskable interrupt: IM 1 (and IM 0, whose bus
// reads FFh = RST 38h on a Spectrum) cost 13 T-states, IM 2 19 (vector
// read from I*256+FFh).
func (m *Machine) interrupt(contend bool) {
	cpu := &m.cpu
	if m.halted {
		cpu.PC++ // the interrupt ends the HALT; RETI resumes after it
		m.halted = false
	}
	cpu.IFF1, cpu.IFF2 = false, false
	r := cpu.IR.Lo
	cpu.IR.Lo = r&0x80 | (r+1)&0x7F
	var acc accessList
	acc.internal(7)
	acc.mem(cpu.SP-1, 3)
	acc.mem(cpu.SP-2, 3)
	cpu.SP -= 2
	m.WriteWord(cpu.SP, cpu.PC)
	c := uint64(13)
	if cpu.IM == 2 {
		v := uint16(cpu.IR.Hi)<<8 | 0xFF
		acc.mem(v, 3)
		acc.mem(v+1, 3)
		c = 19
		cpu.PC = m.ReadWord(v)
	} else {
		cpu.PC = IM1Vector
	}
	if contend {
		if d := acc.cost(m.t-m.frameStart) - c; d != 0 {
			m.contended += d
			c += d
		}
	}
	m.t += c
	m.steps++
}

// tableCost returns the T-states of the instruction at pc from the shared
// tables (conditions evaluated on the current flags and B) and whether it
// is a block instruction that costs 5 more when it repeats.
func (m *Machine) tableCost(pc uint16) (uint64, bool) {
	cpu := &m.cpu
	mem := &m.mem
	switch op := mem[pc]; op {
	case 0xCB:
		return uint64(tstates.CB(mem[pc+1])), false
	case 0xED:
		op2 := mem[pc+1]
		return uint64(tstates.ED(op2)), tstates.IsBlockRepeat(op2)
	case 0xDD, 0xFD:
		op2 := mem[pc+1]
		if op2 == 0xCB {
			return uint64(tstates.XYCB(mem[pc+3])), false
		}
		c := uint64(tstates.XY(op2))
		if k := tstates.Kind(op2); k != tstates.KNone && k != tstates.KHALT {
			c += tstates.Extra(k, op2, cpu.AF.Lo, cpu.BC.Hi)
		}
		return c, false
	default:
		e := tstates.Info(op)
		c := uint64(e & 0xFF)
		if k := uint8(e >> 8); k != tstates.KNone && k != tstates.KHALT {
			c += tstates.Extra(k, op, cpu.AF.Lo, cpu.BC.Hi)
		}
		return c, false
	}
}
