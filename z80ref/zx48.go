package z80ref

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"mulm/z80ref/asm"
	"mulm/z80ref/cpm"
	"mulm/z80ref/tap"
	"mulm/z80ref/zx"
)

//go:embed zxchat.asm
var zxChatAsm []byte

// Memory limits of a ZX Spectrum 48K as the chat tape uses it.
const (
	// ZXOrgMin is the lowest address the program may start at: the tape's
	// BASIC loader (PROG = 5CCBh, one line of 36 bytes) and the room its
	// CLEAR and LOAD "" CODE need for BASIC's workspace and machine stack
	// lie below; the loader's CLEAR sets RAMTOP just below the origin.
	// Measured in Fuse on OpenSE BASIC with a small program: LOAD stops
	// with "4 Out of memory" for origins up to 5D84h and works from 5DA0h;
	// 5E00h leaves BASIC 96 bytes more than that.
	ZXOrgMin = 0x5E00
	// ZXEnd is the first address the program may not use: the UDGs
	// (FF58h..FFFFh), which the ROM keeps at the top of a 48K machine.
	ZXEnd = 0xFF58
	// ZXUncontended is where the 48K's uncontended RAM begins: below it
	// (4000h..7FFFh) the ULA delays the CPU's memory accesses, and the
	// machine (z80ref/zx) counts those delays.
	ZXUncontended = 0x8000
	// ZXClockHz is the 48K's Z80 clock.
	ZXClockHz = zx.ClockHz
)

// ZX Spectrum ROM entry points and system variables zxchat.asm and the
// driver rely on; each is at the same address, with the same meaning, in
// Sinclair's 48K ROM and in OpenSE BASIC.
const (
	zxChanOpen = 0x1601 // CHAN-OPEN: A = stream
	zxERRNR    = 0x5C3A // ERR_NR, where IY points for the ROM
	zxPrintA   = 0x0010 // RST 10h: print A on the current channel
)

// zxTapeName is the name of the tape's files (at most 10 characters).
const zxTapeName = "mulm chat"

var zx48Spec = &platformSpec{
	platform: ZX48, name: "zx48", title: "ZX Spectrum 48K .TAP", fileExt: ".TAP",
	origin: ZXOrgMin, movable: true, memEnd: ZXEnd, clockHz: ZXClockHz,
	// No limit of its own: the largest tape whose code fits the memory.
	defaultMaxFile: ZXEnd - ZXOrgMin + zxTapeOverhead,
	memName:        fmt.Sprintf("the ZX Spectrum 48K's RAM (%04Xh above the BASIC loader to %04Xh below the UDGs)", ZXOrgMin, ZXEnd-1),
	ui: func(org int) []asm.Source {
		return []asm.Source{
			{Name: "zxorg.asm", Text: fmt.Appendf(nil, "ZXORG   equ %s            ; the origin Build chose\n", hexWord(uint16(org)))},
			{Name: "zxchat.asm", Text: zxChatAsm},
		}
	},
	file:       zxTape,
	fileSize:   func(n int) int { return n + zxTapeOverhead },
	newMachine: zxNewMachine,
	chat:       zxChat,
	available: func() error {
		_, err := zxBooted()
		return err
	},
}

// zxTape is the .TAP of a ZX48 image: the BASIC loader (CLEAR Org−1:
// LOAD "" CODE: RANDOMIZE USR START) and the CODE block of the image.
func zxTape(im *Image) ([]byte, error) {
	return tap.Loader(zxTapeName, uint16(im.Org-1), uint16(im.Org), im.sym("START"), im.COM)
}

// zxTapeOverhead is the size of the tape minus its code: the headers, the
// loader and the block framing (the loader's numbers, origins of five
// digits, have a fixed size). Computed once: fileSize is called for every
// origin Build's fit tries.
var zxTapeOverhead = func() int {
	t, err := tap.Loader(zxTapeName, ZXOrgMin-1, ZXOrgMin, ZXOrgMin, []byte{0})
	if err != nil {
		panic(err) // fixed arguments that tap.Loader accepts
	}
	return len(t) - 1
}()

// ErrNoROM is wrapped by the errors of the ZX48 machine when the ROM it
// runs (zx.DefaultROMPath, Debian's opense-basic) cannot be read; tests
// skip on it.
var ErrNoROM = zx.ErrROM

// zxBooted is a 48K Spectrum's memory after the ROM has booted and stream
// 2 (the upper screen) is open: what the driver's machines start from.
var zxBooted = sync.OnceValues(func() (*[65536]byte, error) {
	rom, err := zx.ReadROM(zx.DefaultROMPath)
	if err != nil {
		return nil, err
	}
	m, err := zx.New(rom, zx.Options{})
	if err != nil {
		return nil, err
	}
	if err := m.Boot(); err != nil {
		return nil, err
	}
	c := m.CPU()
	c.IY = zxERRNR
	c.AF.Hi = 2
	if _, err := m.Call(zxChanOpen, 1_000_000); err != nil {
		return nil, fmt.Errorf("z80ref: CHAN-OPEN 2 on the booted Spectrum: %w", err)
	}
	mem := *m.Mem()
	return &mem, nil
})

var _ machine = (*zx.Machine)(nil)

// zxNewMachine is a booted 48K Spectrum with im's code at im.Org and the
// CPU as zxchat.asm calls the engine: interrupts off (the engines use IY,
// which the ROM's IM 1 handler needs), IM 1, IY = ERR_NR. What the program
// prints goes to the screen; out is not used.
func zxNewMachine(im *Image, _ io.Writer) (machine, error) {
	booted, err := zxBooted()
	if err != nil {
		return nil, fmt.Errorf("z80ref: the ZX Spectrum's ROM: %w", err)
	}
	m, err := zx.New(booted[:zx.ROMSize], zx.Options{})
	if err != nil {
		return nil, err
	}
	*m.Mem() = *booted
	copy(m.Mem()[im.Org:], im.COM)
	c := m.CPU()
	c.IFF1, c.IFF2 = false, false
	c.IM = 1
	c.IY = zxERRNR
	return m, nil
}

// zxPrompt is the prompt zxchat.asm prints.
const zxPrompt = "> "

// zxChat runs the tape on a 48K Spectrum: LOAD "" typed, then each input
// line typed key by key, as a patient person types: each key only while
// the program waits for one (it reads no keys while the engine runs, with
// interrupts off), until the input ends or the program returns to BASIC.
// A last line without an Enter is typed but never answered. Output is what the program
// printed through RST 10h, with ENTER (0Dh) as "\n" and each BS (8) taking
// back the character before it, so that it reads like the CP/M
// transcript; the screen itself is in Screen.
func zxChat(im *Image, tail string, input io.Reader) (ChatResult, error) {
	var res ChatResult
	if tail != "" {
		return res, errors.New("z80ref: the ZX48 program has no command line")
	}
	rom, err := zx.ReadROM(zx.DefaultROMPath)
	if err != nil {
		return res, fmt.Errorf("z80ref: the ZX Spectrum's ROM: %w", err)
	}
	m, err := zx.New(rom, zx.Options{})
	if err != nil {
		return res, err
	}
	var (
		out      []byte // everything printed since the tape started
		cur      []byte // printed in the current interval
		inProg   bool
		returned bool
	)
	start, quit := im.sym("START"), im.sym("ZXQUIT")
	keyWait := false // the program waits in GETKEY
	m.SetHook(start, func() { inProg = true })
	m.SetHook(quit, func() { returned = true })
	m.SetHook(im.sym("GETKEY"), func() { keyWait = true })
	m.SetHook(im.sym("GENERATE"), func() { keyWait = false })
	m.SetHook(zxPrintA, func() {
		if !inProg || returned {
			return
		}
		c := m.CPU().AF.Hi
		for _, b := range []*[]byte{&out, &cur} {
			switch c {
			case 8:
				if len(*b) > 0 {
					*b = (*b)[:len(*b)-1]
				}
			case 13:
				*b = append(*b, '\n')
			default:
				*b = append(*b, c)
			}
		}
	})
	tape, err := zxTape(im)
	if err != nil {
		return res, err
	}
	if err := m.Start(tape, zxPrompt, 0); err != nil {
		return res, fmt.Errorf("z80ref: loading the tape: %w", err)
	}
	res.Responses = append(res.Responses, cpm.Response{Output: cur, TStates: m.TStates()})
	cur = nil
	sc := bufio.NewScanner(input)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for !returned && sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		t0 := m.TStates()
		for _, c := range line + "\n" {
			err := m.RunUntil(func(*zx.Machine) bool { return keyWait || returned }, zx.DefaultMaxTStates)
			if err != nil {
				return res, fmt.Errorf("z80ref: waiting to type %q of %q: %w", c, line, err)
			}
			if returned {
				break
			}
			if err := m.Type(string(c)); err != nil {
				return res, fmt.Errorf("z80ref: typing %q: %w", line, err)
			}
			if err := m.RunUntil(func(*zx.Machine) bool { return !m.Typing() }, zx.DefaultMaxTStates); err != nil {
				return res, fmt.Errorf("z80ref: typing %q: %w", line, err)
			}
		}
		err := m.RunUntil(func(*zx.Machine) bool {
			return returned || keyWait && m.PromptShown(zxPrompt) && strings.HasSuffix(string(cur), zxPrompt)
		}, zx.DefaultMaxTStates)
		if err != nil {
			return res, fmt.Errorf("z80ref: after typing %q: %w", line, err)
		}
		res.Responses = append(res.Responses, cpm.Response{Input: line, Output: cur, TStates: m.TStates() - t0})
		cur = nil
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	if returned {
		// Let BASIC print its report.
		if err := m.RunFrames(25); err != nil {
			return res, err
		}
	}
	res.Output = string(out)
	res.Screen = m.Screen().Lines()
	res.TStates = m.TStates()
	return res, nil
}
