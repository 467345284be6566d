package chatapp

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mulm/internal/randmodel"
	"mulm/z80ref"
	"mulm/z80ref/tap"
)

func TestChatGoAndZ80Agree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{16}, MaxLen: 6})
	model, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	queries := []string{"hello", "how are you", "zzz"}
	in := strings.Join(queries, "\n") + "\n\n!\n"
	for _, z80 := range []bool{false, true} {
		var out, errOut bytes.Buffer
		args := []string{}
		if z80 {
			args = append(args, "-z80")
		}
		if code := Run("test", model, "hi there", args, strings.NewReader(in), &out, &errOut); code != 0 {
			t.Fatalf("z80=%v: exit %d: %s", z80, code, errOut.String())
		}
		lines := strings.Split(out.String(), "\n")
		if lines[0] != "hi there" {
			t.Fatalf("intro line %q", lines[0])
		}
		for i, q := range queries {
			got := strings.TrimPrefix(lines[1+i], "> ")
			if z80 {
				r, timing, ok := strings.Cut(got, "   [")
				if !ok || !strings.Contains(timing, "s at 4 MHz") {
					t.Fatalf("z80 line %q has no timing", got)
				}
				got = r
			}
			if want := m.Reply(q); got != want {
				t.Errorf("z80=%v: reply to %q = %q, want %q", z80, q, got, want)
			}
		}
	}
}

func TestWriteCOM(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	model, _ := randmodel.Model(rng, randmodel.Options{Hidden: []int{8}}).MarshalBinary()
	path := filepath.Join(t.TempDir(), "CHAT.COM")
	var out, errOut bytes.Buffer
	if code := Run("test", model, "", []string{"-com", path}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		t.Fatalf("COM not written: %v", err)
	}
	if !strings.Contains(out.String(), "bytes") {
		t.Fatalf("output %q", out.String())
	}
}

func TestBadModel(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Run("test", []byte("nope"), "", nil, strings.NewReader(""), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "embedded model") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestWriteTAP(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m := randmodel.Model(rng, randmodel.Options{Hidden: []int{8}})
	model, _ := m.MarshalBinary()
	path := filepath.Join(t.TempDir(), "CHAT.TAP")
	var out, errOut bytes.Buffer
	if code := Run("test", model, "", []string{"-tap", path}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := tap.Parse(b)
	if err != nil {
		t.Fatalf("the tape: %v", err)
	}
	files, err := tap.Files(blocks)
	if err != nil || len(files) != 2 || files[0].Header.Type != tap.TypeProgram || files[1].Header.Type != tap.TypeCode {
		t.Fatalf("the tape holds %+v (%v), want a BASIC loader and a CODE file", files, err)
	}
	img, err := z80ref.Build(m, z80ref.BuildOptions{Platform: z80ref.ZX48})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files[1].Data, img.COM) || int(files[1].Header.Param1) != img.Org || !bytes.Equal(b, img.File) {
		t.Fatalf("the CODE file is not the ZX48 image")
	}
	if !strings.Contains(out.String(), "ZX Spectrum 48K") {
		t.Fatalf("output %q", out.String())
	}
}
