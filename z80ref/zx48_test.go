package z80ref

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/z80ref/tap"
	"mulm/z80ref/zx"
)

// basicNumbers returns the numbers of a tokenized BASIC line (the 5-byte
// small-integer forms after each 0Eh marker) and the line's keyword tokens.
func basicNumbers(t *testing.T, prog []byte) (nums []int, toks []byte) {
	t.Helper()
	if len(prog) < 5 || prog[len(prog)-1] != 0x0D {
		t.Fatalf("program % X is not one BASIC line", prog)
	}
	body := prog[4 : len(prog)-1]
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == 0x0E:
			if i+5 >= len(body)+1 || body[i+1] != 0 || body[i+2] != 0 || body[i+5] != 0 {
				t.Fatalf("bad number form at %d in % X", i, body)
			}
			nums = append(nums, int(body[i+3])|int(body[i+4])<<8)
			i += 5
		case c >= 0xA5:
			toks = append(toks, c)
		}
	}
	return nums, toks
}

// TestZXTape checks the tape of a ZX48 build: a BASIC loader that
// autostarts and does CLEAR Org−1: LOAD "" CODE: RANDOMIZE USR START, then
// the image as a CODE file at Org, everything inside the 48K's free RAM.
func TestZXTape(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	models := map[string]*infer.Model{
		"small":    randomModel(t, r, []int{5, 3}, 7, 9, 0.3),
		"tinychat": randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27),
	}
	for name, m := range models {
		for _, k := range Engines() {
			im, err := Build(m, BuildOptions{Kind: k, Platform: ZX48})
			if name == "tinychat" && k != Compact {
				var te *MemoryError
				if !errors.As(err, &te) || te.Platform != ZX48 || te.Limit != ZXEnd {
					t.Fatalf("%s/%s: %v, want a ZX48 *MemoryError", name, k, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s/%s: %v", name, k, err)
			}
			if im.Platform != ZX48 || im.Org < ZXOrgMin || im.Symbols["START"] != uint16(im.Org) {
				t.Fatalf("%s/%s: platform %s, org %04Xh, START %04Xh", name, k, im.Platform, im.Org, im.Symbols["START"])
			}
			if end := im.Map[len(im.Map)-1].End(); end > ZXEnd || im.Map[0].Start != im.Org {
				t.Fatalf("%s/%s: map %04Xh..%04Xh outside the 48K's free RAM\n%s", name, k, im.Map[0].Start, end, im.Map)
			}
			// The accumulators and the input vector (the buffers) lie in
			// uncontended RAM.
			if b := im.Symbols["BUFS"]; b < ZXUncontended {
				t.Fatalf("%s/%s: buffers at %04Xh, in contended RAM", name, k, b)
			}
			blocks, err := tap.Parse(im.File)
			if err != nil {
				t.Fatalf("%s/%s: %v", name, k, err)
			}
			files, err := tap.Files(blocks)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 2 {
				t.Fatalf("%s/%s: %d files on the tape, want the loader and the code", name, k, len(files))
			}
			ld, code := files[0], files[1]
			if ld.Header.Type != tap.TypeProgram || ld.Header.Param1 != tap.LoaderLine {
				t.Fatalf("%s/%s: first file %+v is not an autostarting program", name, k, ld.Header)
			}
			nums, toks := basicNumbers(t, ld.Data)
			wantToks := []byte{tap.TokCLEAR, tap.TokLOAD, tap.TokCODE, tap.TokRANDOMIZE, tap.TokUSR}
			if !bytes.Equal(toks, wantToks) || len(nums) != 2 || nums[0] != im.Org-1 || nums[1] != im.Org {
				t.Fatalf("%s/%s: loader tokens % X numbers %v, want % X and [%d %d]", name, k, toks, nums, wantToks, im.Org-1, im.Org)
			}
			if code.Header.Type != tap.TypeCode || int(code.Header.Param1) != im.Org || !bytes.Equal(code.Data, im.COM) {
				t.Fatalf("%s/%s: code file %+v is not the image at %04Xh", name, k, code.Header, im.Org)
			}
		}
	}
}

// TestZXMemoryError: a program that does not fit the 48K is refused with
// an error naming the platform, the addresses and the bytes too many.
func TestZXMemoryError(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	m := randomModel(t, r, []int{256, 256, 256, 256}, 40, 50, 0.27)
	for _, k := range []EngineKind{Auto, Compact, Fast} {
		_, err := Build(m, BuildOptions{Kind: k, Platform: ZX48})
		var te *MemoryError
		if !errors.As(err, &te) || te.Platform != ZX48 || te.Limit != ZXEnd || te.End <= ZXEnd {
			t.Fatalf("%s: %v, want a ZX48 *MemoryError", k, err)
		}
		msg := err.Error()
		for _, want := range []string{"ZX Spectrum 48K", "below the UDGs", "ends at FF57h", "bytes too many"} {
			if !strings.Contains(msg, want) {
				t.Fatalf("%s: message %q lacks %q", k, msg, want)
			}
		}
	}
}

// TestZXAuto: Auto on the ZX48 picks the fastest engine that fits and says
// why the faster ones were not taken.
func TestZXAuto(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	small := randomModel(t, r, []int{5, 3}, 7, 9, 0.3)
	im, err := Build(small, BuildOptions{Platform: ZX48})
	if err != nil || im.Kind != Fast {
		t.Fatalf("small model: %v, engine %v, want fast", err, im)
	}
	big := randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27)
	im, err = Build(big, BuildOptions{Platform: ZX48})
	if err != nil || im.Kind != Compact || !strings.Contains(im.Reason, "not fast") {
		t.Fatalf("tinychat-shaped model: %v, %+v", err, im)
	}
}

// TestZXReturnToBASIC runs a tape on the emulated 48K: "!" returns to
// BASIC with the OK report, BASIC still computes (its calculator needs IY
// and HL' back), and RANDOMIZE USR starts the chat again without a second
// INIT.
func TestZXReturnToBASIC(t *testing.T) {
	if err := ZX48.Available(); err != nil {
		t.Skipf("no ZX Spectrum machine: %v", err)
	}
	r := rand.New(rand.NewPCG(25, 26))
	m := randomModel(t, r, []int{5, 3}, 7, 9, 0.3)
	for _, k := range Engines() {
		im, err := Build(m, BuildOptions{Kind: k, Platform: ZX48})
		if err != nil {
			t.Fatal(err)
		}
		rom, err := zx.ReadROM(zx.DefaultROMPath)
		if err != nil {
			t.Fatal(err)
		}
		s, err := zx.New(rom, zx.Options{})
		if err != nil {
			t.Fatal(err)
		}
		inits := 0
		s.SetHook(im.sym("INIT"), func() { inits++ })
		if err := s.Start(im.File, "> ", 0); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		screen := func() string { return strings.Join(s.Screen().Lines(), "\n") }
		lower := func() string { return strings.Join(s.Screen().Lines()[22:], "\n") }
		typeWait := func(text string, done func() bool) {
			t.Helper()
			if err := s.Type(text); err != nil {
				t.Fatal(err)
			}
			if err := s.RunUntil(func(*zx.Machine) bool { return !s.Typing() && done() }, 200*zx.FrameTStates); err != nil {
				t.Fatalf("%s: after typing %q: %v\n%s", k, text, err, screen())
			}
		}
		want := m.Reply("hi")
		typeWait("hi\n", func() bool { return strings.Contains(screen(), "> hi\n"+want+"\n>") })
		typeWait("!\n", func() bool { return strings.Contains(lower(), "OK") })
		typeWait("print 6*7\n", func() bool { return strings.Contains(screen(), "42") })
		typeWait(fmt.Sprintf("randomize usr %d\n", im.Org), func() bool { return s.PromptShown("> ") })
		typeWait("hi\n", func() bool { return strings.Contains(screen(), "> hi\n"+want+"\n>") })
		if inits != 1 {
			t.Errorf("%s: INIT ran %d times, want once", k, inits)
		}
	}
}
