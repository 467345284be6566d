package z80ref

import (
	"math/rand/v2"
	"testing"
)

// TestDenseSizes checks the handler sizes the planner assumes against the
// assembled templates, and that the plan's handlers do not overlap.
func TestDenseSizes(t *testing.T) {
	m := randomModel(t, rand.New(rand.NewPCG(3, 4)), []int{64}, 5, 5, 0.7)
	im, err := Build(m, BuildOptions{Kind: Dense})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"HTLEN": denseHTLen, "HTNLEN": denseHTNLen, "HTELEN": denseHTELen} {
		if got := int(im.Symbols[name]); got != want {
			t.Errorf("%s = %d in dense.asm, the planner assumes %d", name, got, want)
		}
	}
	p := planDense(m, target{origin: 0x100, memEnd: 0xE400, code: 0x600, stack: 128})
	used := make([]bool, p.size)
	for tv, s := range p.code {
		a := p.page[tv]*256 + tv
		for k := a; k < a+p.handlerLen(int(s)); k++ {
			if used[k] {
				t.Fatalf("handler %d overlaps another at %d", tv, k)
			}
			used[k] = true
		}
	}
}
