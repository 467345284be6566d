package z80ref

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/koron-go/z80"

	"mulm/z80ref/asm"
	"mulm/z80ref/cpm"
)

// Platform is a machine the Z80 program is built for: where its image
// loads, how far its memory may reach, the file that carries it, its user
// interface, and the emulated machine that runs it. The zero value is CPM,
// the default.
type Platform int

const (
	// CPM is a 64 KB CP/M 2.2 system: a .COM loaded at 0100h (TPAStart)
	// whose image, buffers and stack stay below the CCP at E400h
	// (TPAEnd); console I/O through the BDOS (chat.asm).
	CPM Platform = iota
	// ZX48 is a ZX Spectrum 48K: a .TAP whose BASIC loader runs itself
	// after LOAD "" (CLEAR, LOAD "" CODE, RANDOMIZE USR); the image,
	// buffers and stack lie between the loader's BASIC area and the UDGs
	// (ZXOrgMin..ZXEnd), the origin chosen per build; console I/O through
	// the ROM (zxchat.asm).
	ZX48
)

// Platforms returns every platform, the default (CPM) first.
func Platforms() []Platform {
	ps := make([]Platform, len(platforms))
	for i, s := range platforms {
		ps[i] = s.platform
	}
	return ps
}

// ParsePlatform returns the platform named s (its String): "cpm".
func ParsePlatform(s string) (Platform, error) {
	for _, p := range platforms {
		if p.name == s {
			return p.platform, nil
		}
	}
	return CPM, fmt.Errorf("z80ref: unknown platform %q (want %s)", s, orList(platformNames()))
}

func platformNames() []string {
	var names []string
	for _, p := range platforms {
		names = append(names, p.name)
	}
	return names
}

// String returns the platform's name as ParsePlatform takes it: "cpm".
func (p Platform) String() string {
	if s := p.spec(); s != nil {
		return s.name
	}
	return fmt.Sprintf("Platform(%d)", int(p))
}

// Title describes the platform and its file, e.g. "CP/M 2.2 .COM".
func (p Platform) Title() string { return p.mustSpec().title }

// FileExt is the extension of the platform's program file, e.g. ".COM".
func (p Platform) FileExt() string { return p.mustSpec().fileExt }

// Origin is the lowest address the image is loaded at (TPAStart for CPM,
// where it is always loaded there; ZXOrgMin for ZX48, where Build picks
// the origin per image, Image.Org).
func (p Platform) Origin() int { return p.mustSpec().origin }

// Available reports why the platform's emulated machine cannot run here,
// or nil: the ZX48 needs the Spectrum ROM (zx.DefaultROMPath, Debian's
// opense-basic; the error wraps ErrNoROM). Build works either way.
func (p Platform) Available() error {
	if s := p.spec(); s != nil && s.available != nil {
		return s.available()
	}
	return nil
}

// ClockHz is the Z80 clock the platform's figures assume: 4 MHz for CPM,
// 3.5 MHz for ZX48.
func (p Platform) ClockHz() int { return p.mustSpec().clockHz }

// MemoryEnd is the first address the program (image, buffers and stack)
// may not use (TPAEnd for CPM).
func (p Platform) MemoryEnd() int { return p.mustSpec().memEnd }

// DefaultMaxFileSize is the file size limit Build's Auto uses unless
// BuildOptions.MaxFileSize says otherwise (DefaultMaxCOMSize for CPM).
func (p Platform) DefaultMaxFileSize() int { return p.mustSpec().defaultMaxFile }

func (p Platform) spec() *platformSpec {
	for _, s := range platforms {
		if s.platform == p {
			return s
		}
	}
	return nil
}

// mustSpec is spec for the exported accessors: an unknown platform is a
// programming error there.
func (p Platform) mustSpec() *platformSpec {
	s := p.spec()
	if s == nil {
		panic(fmt.Sprintf("z80ref: %v is not a platform", p))
	}
	return s
}

// platformSpec is everything that differs between platforms. A new
// platform is one entry in platforms: the engines (engine code, generated
// data, buffer layout) and common.asm are the same on every platform; the
// user interface, the load address, the memory limit, the container file
// and the emulated machine are the platform's.
type platformSpec struct {
	platform Platform
	// name is the flag value (mulm build -platform NAME); title describes
	// the platform and its file; fileExt is the file's extension.
	name, title, fileExt string
	// origin is the lowest load address of the image: the ORG the user
	// interface sets and the start of the memory map. When movable, Build
	// may load the image higher: at the highest origin at which the
	// program fits below memEnd (on the ZX48: the most room for BASIC and
	// as much of the program as possible out of contended RAM); a program
	// that fits nowhere is reported at the origin where it ends lowest.
	origin  int
	movable bool
	// memEnd is the first address the image, buffers and stack may not
	// reach; memName names that limit in errors ("the CP/M TPA").
	memEnd  int
	memName string
	// defaultMaxFile is the file size limit of Build's Auto by default.
	defaultMaxFile int
	// clockHz is the Z80 clock seconds are counted at.
	clockHz int
	// available reports why the emulated machine cannot run (nil: it can).
	available func() error
	// ui returns the user interface for an image at org, assembled
	// first: it sets the ORG, starts the program (calling INIT once),
	// reads lines, calls GENERATE and defines PUTCH, the console output
	// GENERATE prints through (E = the character, C = 2).
	ui func(org int) []asm.Source
	// file wraps the image's code (the bytes loaded at Org) into the
	// platform's file: a .COM is the bytes themselves.
	file func(im *Image) ([]byte, error)
	// fileSize is the size of file's result for code of n bytes, so that
	// Build can check the limit before assembling.
	fileSize func(n int) int
	// newMachine returns an emulated machine of the platform with im's
	// code loaded at im.Org, ready for Call with the CPU as GENERATE
	// expects it; what the program prints goes to out (nil: discarded).
	newMachine func(im *Image, out io.Writer) (machine, error)
	// chat runs the whole program: tail is the command line ("" for
	// none), input the typed lines.
	chat func(im *Image, tail string, input io.Reader) (ChatResult, error)
}

// platforms lists every platform, the default first.
var platforms = []*platformSpec{
	{
		platform: CPM, name: "cpm", title: "CP/M 2.2 .COM", fileExt: ".COM",
		origin: TPAStart, memEnd: TPAEnd, memName: "the CP/M TPA", clockHz: 4_000_000,
		defaultMaxFile: DefaultMaxCOMSize,
		ui:             func(int) []asm.Source { return []asm.Source{{Name: "chat.asm", Text: chatAsm}} },
		file:           func(im *Image) ([]byte, error) { return im.COM, nil },
		fileSize:       func(n int) int { return n },
		newMachine: func(im *Image, out io.Writer) (machine, error) {
			return cpm.New(im.COM, cpm.Options{Stdout: out})
		},
		chat: cpmChat,
	},
	zx48Spec,
}

// Memory limits of a 64 KB CP/M 2.2 system as the engine uses it.
const (
	// TPAStart is where CP/M loads a .COM.
	TPAStart = 0x0100
	// TPAEnd is the first address the program may not use: the CCP's base.
	// The image, its buffers and its stack must all lie below it.
	TPAEnd = 0xE400
)

// DefaultMaxCOMSize is the .COM size limit Build's Auto uses on CPM by
// default: 40 KB.
const DefaultMaxCOMSize = 40960

// machine is what the driver (Engine, its stage API and the engines'
// readers) needs of an emulated machine; *cpm.Machine satisfies it, and
// every platform's machine must.
type machine interface {
	memReader
	Write(addr uint16, b byte)
	WriteWord(addr, v uint16)
	// Mem is the whole 64 KB address space, for copying INIT's state.
	Mem() *[65536]byte
	CPU() *z80.CPU
	// Call runs the subroutine at addr until it returns, within maxT
	// T-states, and returns the T-states it took.
	Call(addr uint16, maxT uint64) (uint64, error)
	// SetHook calls fn whenever PC reaches addr, before the instruction
	// there executes (nil removes the hook).
	SetHook(addr uint16, fn func())
	TStates() uint64
	// Stop, called from a hook, ends Call.
	Stop()
}

var _ machine = (*cpm.Machine)(nil)

// memReader is the slice of a machine the readers need.
type memReader interface {
	Read(addr uint16) byte
	ReadWord(addr uint16) uint16
}

// putchChar reads the character GENERATE prints when it calls PUTCH, on
// every platform with E = the character and C = 2 (see platformSpec.ui; on
// CPM, PUTCH is the BDOS entry and this is BDOS 2), or fails on a call it
// does not expect, so that Engine.Trace can collect the reply.
func putchChar(m machine) (byte, error) {
	if c := m.CPU().BC.Lo; c != 2 {
		return 0, fmt.Errorf("GENERATE called PUTCH with C = %d, want 2", c)
	}
	return m.CPU().DE.Lo, nil
}

// cpmChat is CPM's chat: the whole .COM in a CP/M machine.
func cpmChat(im *Image, tail string, input io.Reader) (ChatResult, error) {
	var res ChatResult
	var out bytes.Buffer
	m, err := cpm.New(im.COM, cpm.Options{Tail: tail, Stdin: input, Stdout: &out, TextOutput: true,
		MaxTStates: cpm.DefaultMaxTStates})
	if err != nil {
		return res, err
	}
	err = m.Run()
	if errors.Is(err, cpm.ErrInputExhausted) {
		err = nil
	}
	res.Output = out.String()
	res.Responses = slices.Clone(m.Responses())
	res.TStates = m.TStates()
	return res, err
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
