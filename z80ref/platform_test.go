package z80ref

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/z80ref/asm"
	"mulm/z80ref/cpm"
)

// TestPlatformIsOneEntry registers a second platform for the duration of
// the test — CP/M with the program loaded at 8000h and its memory ending
// at E000h, a made-up machine (the dense engine's handlers alone take about 10 KB) — and checks that it is one entry: Build,
// Fits, Engine.Trace and the memory map follow its origin and limit with
// no other change, and every engine answers as the Go reference on it.
func TestPlatformIsOneEntry(t *testing.T) {
	const high Platform = 99
	ui := bytes.Replace(chatAsm, []byte("org 0100h"), []byte("org 8000h"), 1)
	if bytes.Equal(ui, chatAsm) {
		t.Fatal("chat.asm has no org 0100h to move")
	}
	spec := *CPM.spec()
	spec.platform, spec.name, spec.title = high, "cpm-high", "CP/M at 8000h"
	spec.origin, spec.memEnd, spec.memName = 0x8000, 0xE000, "the made-up memory"
	spec.ui = func(int) []asm.Source { return []asm.Source{{Name: "chat.asm", Text: ui}} }
	spec.newMachine = func(im *Image, out io.Writer) (machine, error) {
		m, err := cpm.New(nil, cpm.Options{Stdout: out})
		if err != nil {
			return nil, err
		}
		copy(m.Mem()[0x8000:], im.COM)
		return m, nil
	}
	saved := platforms
	platforms = append(append([]*platformSpec(nil), platforms...), &spec)
	t.Cleanup(func() { platforms = saved })

	if p, err := ParsePlatform("cpm-high"); err != nil || p != high || !strings.Contains(strings.Join(platformNames(), " "), "cpm-high") {
		t.Fatalf("ParsePlatform: %v, %v", p, err)
	}
	r := rand.New(rand.NewPCG(41, 42))
	m := randomModel(t, r, []int{16, 8}, 9, 8, 0.3)
	for _, k := range Engines() {
		t.Run(k.String(), func(t *testing.T) {
			if err := k.Fits(m, high); err != nil {
				t.Fatal(err)
			}
			e, err := NewEngineFor(m, k, high)
			if err != nil {
				t.Fatal(err)
			}
			im := e.Image()
			if im.Platform != high || im.Map[0].Start != 0x8000 || im.Symbols["START"] != 0x8000 {
				t.Fatalf("image on %v at %04Xh, START %04Xh", im.Platform, im.Map[0].Start, im.Symbols["START"])
			}
			for _, q := range replyQueries {
				got, _, err := e.Trace(q)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(m.DenseTrace(q), got); d != "" {
					t.Fatalf("query %q (-want +got):\n%s", q, d)
				}
			}
		})
	}
	// A model that fits CP/M's TPA but not 8000h-DFFFh: the error names
	// the platform's limit.
	big := randomModel(t, r, []int{256, 128}, 20, 8, 0.27)
	for _, k := range Engines() {
		if err := k.Fits(big, CPM); err != nil {
			t.Fatalf("%v on CP/M: %v", k, err)
		}
		err := k.Fits(big, high)
		var me *MemoryError
		if !errors.As(err, &me) || me.Limit != 0xE000 || !strings.Contains(err.Error(), "the made-up memory ends at DFFFh") {
			t.Fatalf("%v on %v: %v, want a *MemoryError naming the made-up memory", k, high, err)
		}
	}
}
