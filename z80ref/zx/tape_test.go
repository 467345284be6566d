package zx

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mulm/internal/zxtest"
	"mulm/z80ref/tap"
)

// ldBytesROM is a ROM whose LD-BYTES entry pushes SA/LD-RET like the real
// ones (LD HL,053Fh; PUSH HL) and whose SA/LD-RET is a RET, for trap tests
// without the real ROM.
func ldBytesROM() []byte {
	rom := make([]byte, ROMSize)
	copy(rom[LDBytes:], []byte{0xF3, 0x14, 0x08, 0x15, 0x3E, 0x0F, 0xD3, 0xFE, 0x21, 0x3F, 0x05, 0xE5})
	rom[0x053F] = 0xC9
	return rom
}

// trapCall runs LD-BYTES with A=flag, carry=load, IX=dst, DE=n on m.
func trapCall(t testing.TB, m *Machine, flag byte, load bool, dst, n uint16) (ok bool, err error) {
	cpu := m.CPU()
	cpu.SP = 0x3F00 // in the ROM area: the load cannot overwrite the return address
	cpu.AF.Hi, cpu.AF.Lo = flag, 0
	if load {
		cpu.AF.Lo = 1
	}
	cpu.IX = dst
	cpu.DE.SetU16(n)
	if _, err := m.Call(LDBytes, 1000); err != nil {
		return false, err
	}
	return cpu.AF.Lo&1 != 0, nil
}

func TestLoadTrap(t *testing.T) {
	m, err := New(ldBytesROM(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	code := []byte{1, 2, 3, 4, 5}
	tape := tap.Encode(tap.CodeBlocks("x", 0x9000, code)...)
	if err := m.LoadTape(tape); err != nil {
		t.Fatal(err)
	}
	// A data block where a header is expected: consumed, fails.
	if err := m.LoadTape(tap.Encode(tap.Block{Flag: 0xFF, Data: code}, tap.CodeBlocks("x", 0x9000, code)[0], tap.Block{Flag: 0xFF, Data: code}, tap.Block{Flag: 0xFF, Data: code})); err != nil {
		t.Fatal(err)
	}
	if ok, err := trapCall(t, m, 0x00, true, 0x9000, 17); err != nil || ok {
		t.Fatalf("flag mismatch: ok %v err %v", ok, err)
	}
	// The header.
	if ok, err := trapCall(t, m, 0x00, true, 0x9100, 17); err != nil || !ok {
		t.Fatalf("header: ok %v err %v", ok, err)
	}
	if h, _ := (tap.Block{Flag: 0, Data: m.Mem()[0x9100:0x9111]}).Header(); h.Name != "x" || h.Length != 5 {
		t.Errorf("header loaded as %+v", h)
	}
	cpu := m.CPU()
	if cpu.IX != 0x9111 || cpu.DE.U16() != 0 {
		t.Errorf("after the header IX=%04X DE=%04X, want 9111h, 0", cpu.IX, cpu.DE.U16())
	}
	// Data shorter than asked for: loaded, fails.
	if ok, err := trapCall(t, m, 0xFF, true, 0x9200, 6); err != nil || ok {
		t.Fatalf("short block: ok %v err %v", ok, err)
	}
	if !bytes.Equal(m.Mem()[0x9200:0x9205], code) {
		t.Errorf("short block loaded % x", m.Mem()[0x9200:0x9206])
	}
	// VERIFY against matching memory succeeds and writes nothing.
	copy(m.Mem()[0x9300:], code)
	if ok, err := trapCall(t, m, 0xFF, false, 0x9300, 5); err != nil || !ok {
		t.Fatalf("verify: ok %v err %v", ok, err)
	}
	// The tape is used up.
	if _, err := trapCall(t, m, 0xFF, true, 0x9400, 5); !errors.Is(err, ErrTapeEnd) {
		t.Fatalf("past the end: %v, want ErrTapeEnd", err)
	}
	// Loading into the ROM area changes nothing there.
	m.LoadTape(tape)
	trapCall(t, m, 0x00, true, 0x3FF8, 17)
	if !bytes.Equal(m.Mem()[0x3FF8:0x4000], make([]byte, 8)) {
		t.Error("the trap wrote into the ROM")
	}
}

// FuzzLoadTrap loads arbitrary blocks with arbitrary LD-BYTES arguments:
// no panic, nothing written below 4000h or outside IX..IX+DE, IX and DE
// moved by the same count.
func FuzzLoadTrap(f *testing.F) {
	f.Add([]byte{1, 2, 3}, byte(0xFF), byte(0xFF), true, uint16(0x9000), uint16(3))
	f.Add([]byte{}, byte(0), byte(0), true, uint16(0x3FFE), uint16(17))
	f.Add([]byte{9, 9}, byte(0xFF), byte(0xFF), false, uint16(0xFFFF), uint16(0xFFFF))
	rom := ldBytesROM()
	f.Fuzz(func(t *testing.T, data []byte, flag, want byte, load bool, ix, de uint16) {
		m, err := New(rom, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.LoadTape(tap.Encode(tap.Block{Flag: flag, Data: data})); err != nil {
			t.Fatal(err)
		}
		before := *m.Mem()
		cpu := m.CPU()
		if _, err := trapCall(t, m, want, load, ix, de); err != nil {
			t.Fatal(err)
		}
		n := uint16(cpu.IX - ix)
		if cpu.DE.U16() != de-n {
			t.Fatalf("IX moved %d, DE %d", n, de-cpu.DE.U16())
		}
		after := m.Mem()
		for a := 0; a < 0x10000; a++ {
			if after[a] == before[a] {
				continue
			}
			inLoad := uint16(a)-ix < n
			inStack := a == 0x3EFE || a == 0x3EFF // Call's return address
			if inStack {
				continue
			}
			if a < ROMSize || !inLoad {
				t.Fatalf("byte %04Xh changed (IX %04X, %d loaded)", a, ix, n)
			}
		}
	})
}

// TestPasmoTape loads a tape written by pasmo --tapbas (its own BASIC
// loader and CODE block, nothing of ours) with LOAD "", and checks that
// its code block holds the bytes our assembler makes of the same source.
func TestPasmoTape(t *testing.T) {
	rom := openSE(t)
	pasmo, err := exec.LookPath("pasmo")
	if err != nil {
		t.Skip("pasmo not installed (apt-get install pasmo)")
	}
	path := filepath.Join(t.TempDir(), "echo.tap")
	if out, err := exec.Command(pasmo, "--tapbas", zxtest.EchoPath(t), path).CombinedOutput(); err != nil {
		t.Fatalf("pasmo: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := tap.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	files, err := tap.Files(blocks)
	if err != nil {
		t.Fatal(err)
	}
	p := zxtest.Echo(t)
	if len(files) != 2 || files[1].Header.Type != tap.TypeCode || files[1].Header.Param1 != p.Org || !bytes.Equal(files[1].Data, p.Bytes) {
		t.Fatalf("pasmo's tape: %+v", files)
	}
	m, err := New(rom, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(data, "> ", 30*ClockHz); err != nil {
		t.Fatalf("%v\n%s", err, m.Screen())
	}
	r, err := m.Ask("hi there", "> ", 30*ClockHz)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Lines) != 1 || r.Lines[0] != "HI THERE" || !r.EchoOK {
		t.Errorf("reply %+v", r)
	}
}

// TestStartKinds starts the echo program from the other kinds of tape a
// person can run: CODE first (LOAD "" CODE, RANDOMIZE USR), a program
// without autostart (LOAD "", RUN); and checks the refusals.
func TestStartKinds(t *testing.T) {
	rom := openSE(t)
	p := zxtest.Echo(t)
	start := uint16(p.Symbols["start"])
	noAuto := tap.ProgramBlocks("echo", tap.NoAutostart, tap.LoaderProgram(p.Org-1, start))
	for _, c := range []struct {
		name string
		tape []byte
	}{
		{"CODE first", tap.Encode(tap.CodeBlocks("echo", p.Org, p.Bytes)...)},
		{"no autostart", tap.Encode(append(noAuto, tap.CodeBlocks("echo", p.Org, p.Bytes)...)...)},
	} {
		m, err := New(rom, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Start(c.tape, "> ", 60*ClockHz); err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, m.Screen())
		}
		r, err := m.Ask("ok", "> ", 30*ClockHz)
		if err != nil || len(r.Lines) != 1 || r.Lines[0] != "OK" {
			t.Errorf("%s: reply %+v, %v", c.name, r, err)
		}
	}
	sinclair := ldBytesROM()
	copy(sinclair, sinclairStart)
	for _, c := range []struct {
		name string
		rom  []byte
		tape []byte
		msg  string
	}{
		{"CODE on a keyword ROM", sinclair, tap.Encode(tap.CodeBlocks("echo", p.Org, p.Bytes)...), `needs "randomize usr 32768\n" typed`},
		{"array", rom, tap.Encode(tap.Header{Type: tap.TypeNumArray, Name: "a", Length: 1}.Block(), tap.Block{Flag: 0xFF, Data: []byte{0}}), "is an array"},
		{"no header", rom, tap.Encode(tap.Block{Flag: 0xFF, Data: []byte{0}}), "no header block"},
	} {
		m, err := New(c.rom, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = m.Start(c.tape, "> ", ClockHz)
		if !errors.Is(err, ErrStartTape) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want ErrStartTape with %q", c.name, err, c.msg)
		}
		if m.TStates() != 0 {
			t.Errorf("%s: ran %d T-states before refusing", c.name, m.TStates())
		}
	}
}
