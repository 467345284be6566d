package z80ref

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/quant"
)

func TestPackColumns(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, sz := range [][2]int{{1, 1}, {3, 5}, {7, 4}, {2, 255}, {5, 256}} {
		l := randomLayer(r, sz[0], sz[1], 2, 0.7, 3)
		p := PackColumns(&l)
		stride := quant.RowBytes(l.Out)
		if len(p) != l.In*stride {
			t.Fatalf("%v: %d bytes, want %d", sz, len(p), l.In*stride)
		}
		dec := map[byte]int8{0: 0, 1: -1, 2: 1, 3: -2}
		for i := range l.In {
			for o := range stride * 4 {
				c := p[i*stride+o/4] >> (6 - 2*uint(o%4)) & 3
				if o >= l.Out {
					if c != 0 {
						t.Fatalf("%v: padding code %d at input %d output %d", sz, c, i, o)
					}
					continue
				}
				if w := l.W[o*l.In+i]; dec[c] != w {
					t.Fatalf("%v: input %d output %d: code %d, weight %d", sz, i, o, c, w)
				}
			}
		}
	}
}

// TestPasmo assembles Image.Source with pasmo and compares the bytes.
func TestPasmo(t *testing.T) {
	pasmo, err := exec.LookPath("pasmo")
	if err != nil {
		t.Skip("pasmo not installed")
	}
	r := rand.New(rand.NewPCG(13, 14))
	models := map[string]*infer.Model{
		"small":    randomModel(t, r, []int{5, 3}, 7, 9, 0.3),
		"tinychat": randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27),
	}
	for name, m := range models {
		im := mustBuild(t, m)
		dir := t.TempDir()
		src := filepath.Join(dir, name+".asm")
		bin := filepath.Join(dir, name+".com")
		if err := os.WriteFile(src, []byte(im.Source()), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pasmo, "--bin", src, bin).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: pasmo: %v\n%s", name, err, out)
		}
		got, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, im.COM) {
			n := min(len(got), len(im.COM))
			i := 0
			for i < n && got[i] == im.COM[i] {
				i++
			}
			t.Fatalf("%s: pasmo gives %d bytes, Build %d; first difference at %04Xh", name, len(got), len(im.COM), TPAStart+i)
		}
	}
}

func TestTPAError(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	// Five 256-wide layers: 80 KB of weights.
	m := randomModel(t, r, []int{256, 256, 256, 256}, 40, 50, 0.27)
	_, err := Build(m, BuildOptions{})
	var te *TPAError
	if !errors.As(err, &te) {
		t.Fatalf("Build: %v, want a *TPAError", err)
	}
	if te.Limit != TPAEnd || te.End <= TPAEnd {
		t.Fatalf("TPAError %+v", te)
	}
	if !strings.Contains(err.Error(), "TPA ends at E3FFh") {
		t.Fatalf("message: %v", err)
	}
	t.Log(err)

	// A model that just fits.
	m = randomModel(t, r, []int{256, 256, 160, 128}, 40, 50, 0.27)
	im, err := Build(m, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if end := im.Map[len(im.Map)-1].End(); end > TPAEnd {
		t.Fatalf("map ends at %04Xh", end)
	}
}

func TestMemoryMap(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	im := mustBuild(t, randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27))
	t.Logf(".COM %d bytes\n%s", len(im.COM), im.Map)
	if len(im.COM) > 40960 {
		t.Errorf(".COM %d bytes, want at most 40960", len(im.COM))
	}
	at := TPAStart
	com := 0
	for _, reg := range im.Map {
		if int(reg.Start) != at || reg.Size < 0 {
			t.Fatalf("region %q starts at %04Xh, want %04Xh", reg.Name, reg.Start, at)
		}
		at = reg.End()
		if reg.InCOM {
			com += reg.Size
		}
	}
	if com != len(im.COM) {
		t.Fatalf(".COM regions add to %d, want %d", com, len(im.COM))
	}
	if w := im.Map[2]; w.Size != 256*64+256*48+192*32+128*10 {
		t.Fatalf("weights %d bytes", w.Size)
	}
}
