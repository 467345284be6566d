package z80ref

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/quant"
)

// TestRegistry checks the engine and platform lists: unique names that
// parse back, Auto outside the list, CPM the zero value and first.
func TestRegistry(t *testing.T) {
	if len(Engines()) < 2 {
		t.Fatalf("Engines() = %v", Engines())
	}
	seen := map[string]bool{}
	for _, k := range Engines() {
		name := k.String()
		if k == Auto || seen[name] || strings.HasPrefix(name, "EngineKind(") {
			t.Fatalf("engine %d named %q: Auto, a duplicate or unnamed", int(k), name)
		}
		seen[name] = true
		if got, err := ParseEngineKind(name); err != nil || got != k {
			t.Errorf("ParseEngineKind(%q) = %v, %v", name, got, err)
		}
	}
	if got, err := ParseEngineKind("auto"); err != nil || got != Auto {
		t.Errorf(`ParseEngineKind("auto") = %v, %v`, got, err)
	}
	_, err := ParseEngineKind("turbo")
	for _, k := range Engines() {
		if err == nil || !strings.Contains(err.Error(), k.String()) {
			t.Errorf("ParseEngineKind(turbo): %v, want an error listing %s", err, k)
		}
	}
	var zero BuildOptions
	if ps := Platforms(); len(ps) == 0 || ps[0] != CPM || zero.Platform != CPM {
		t.Fatalf("Platforms() = %v, want CPM first and the zero value", ps)
	}
	for _, p := range Platforms() {
		if got, err := ParsePlatform(p.String()); err != nil || got != p {
			t.Errorf("ParsePlatform(%q) = %v, %v", p.String(), got, err)
		}
		if p.Origin() >= p.MemoryEnd() || p.DefaultMaxFileSize() <= 0 || p.FileExt() == "" || p.Title() == "" {
			t.Errorf("%v: origin %04Xh, end %04Xh, file limit %d, ext %q, title %q", p, p.Origin(), p.MemoryEnd(),
				p.DefaultMaxFileSize(), p.FileExt(), p.Title())
		}
	}
	if _, err := ParsePlatform("vic20"); err == nil || !strings.Contains(err.Error(), "cpm") {
		t.Errorf("ParsePlatform(vic20): %v", err)
	}
	if CPM.Origin() != TPAStart || CPM.MemoryEnd() != TPAEnd || CPM.DefaultMaxFileSize() != DefaultMaxCOMSize {
		t.Errorf("CPM: %04Xh..%04Xh, limit %d", CPM.Origin(), CPM.MemoryEnd(), CPM.DefaultMaxFileSize())
	}
	if _, err := Build(randomModel(t, rand.New(rand.NewPCG(1, 1)), nil, 3, 2, 0.3), BuildOptions{Platform: Platform(99)}); err == nil {
		t.Error("Build for Platform(99) succeeded")
	}
}

// TestFits checks every engine's capacity rule on every platform against
// Build: Fits says nil exactly when an explicit build succeeds, and its
// errors are the typed ones Build returns.
func TestFits(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	uncountable := randomLayer(r, 256, 256, 2, 0.2, 3)
	for o := range 256 {
		uncountable.W[o*256+5] = 1 // 256 weights of +1 from input 5
	}
	um, err := infer.New([]byte("ab\x00"), []quant.Layer{uncountable, randomLayer(r, 256, 3, 2, 0.3, 3)}, 5)
	if err != nil {
		t.Fatal(err)
	}
	models := map[string]*infer.Model{
		"small":       randomModel(t, r, []int{5, 3}, 7, 9, 0.3),
		"tinychat":    randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27),
		"big":         randomModel(t, r, []int{256, 256, 160, 128}, 40, 50, 0.27),
		"huge":        randomModel(t, r, []int{256, 256, 256, 256}, 40, 50, 0.27),
		"uncountable": um,
	}
	for _, p := range Platforms() {
		for _, k := range Engines() {
			for name, m := range models {
				t.Run(p.String()+"/"+k.String()+"/"+name, func(t *testing.T) {
					fitErr := k.Fits(m, p)
					im, err := Build(m, BuildOptions{Kind: k, Platform: p})
					if (fitErr == nil) != (err == nil) {
						t.Fatalf("Fits: %v; Build: %v", fitErr, err)
					}
					// Build calls Fits' rule first, so the agreement alone
					// cannot catch a wrong refusal: two outcomes are known.
					if name == "small" && fitErr != nil {
						t.Fatalf("every engine must hold the small model: %v", fitErr)
					}
					var mo *ModelError
					if name == "uncountable" && k == Fast && !errors.As(fitErr, &mo) {
						t.Fatalf("the fast engine must refuse 256 weights of one value from an input with a *ModelError: %v", fitErr)
					}
					if fitErr == nil {
						if im.Platform != p || im.Kind != k {
							t.Fatalf("built %v on %v", im.Kind, im.Platform)
						}
						return
					}
					var me *MemoryError
					if !errors.Is(fitErr, ErrDoesNotFit) || !(errors.As(fitErr, &me) || errors.As(fitErr, &mo)) {
						t.Fatalf("Fits: %v (%T), want a *MemoryError or *ModelError matching ErrDoesNotFit", fitErr, fitErr)
					}
					if me != nil && (me.Limit != p.MemoryEnd() || me.End <= me.Limit || me.Platform != p) {
						t.Fatalf("MemoryError %+v", me)
					}
					t.Logf("%s", shortReason(fitErr))
				})
			}
		}
	}
	if err := Auto.Fits(models["small"], CPM); err == nil || errors.Is(err, ErrDoesNotFit) {
		t.Errorf("Auto.Fits: %v, want an error that is not ErrDoesNotFit", err)
	}
}

// TestImageFile checks that the file Build returns is the platform's.
func TestImageFile(t *testing.T) {
	m := randomModel(t, rand.New(rand.NewPCG(33, 34)), []int{4}, 5, 5, 0.3)
	for _, p := range Platforms() {
		im, err := Build(m, BuildOptions{Platform: p})
		if err != nil {
			t.Fatal(err)
		}
		if p == CPM && string(im.File) != string(im.COM) {
			t.Errorf("CP/M file differs from the image bytes")
		}
		if len(im.File) == 0 || len(im.COM) == 0 {
			t.Errorf("%v: file %d bytes, image %d", p, len(im.File), len(im.COM))
		}
	}
}
