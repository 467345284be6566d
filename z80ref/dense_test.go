package z80ref

import (
	"fmt"
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
	for name, want := range map[string]int{"HTLEN": denseHTLen, "HSTLEN": denseHSTLen, "HTILEN": denseHTILen, "HTNLEN": denseHTNLen, "HTELEN": denseHTELen} {
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

// TestDenseTight builds dense models whose memory is short of a copy of
// NEXT and carry stubs in every handler, so that the plan mixes handlers
// with and without them, and checks every stage of their replies against
// the Go reference.
func TestDenseTight(t *testing.T) {
	for _, n := range []int{64, 88} {
		m := randomModel(t, rand.New(rand.NewPCG(1, 2)), []int{256, 192, 128}, n, 20, 0.73)
		im, err := Build(m, BuildOptions{Kind: Dense})
		if err != nil {
			t.Fatal(err)
		}
		p := planDense(m, target{origin: TPAStart, memEnd: TPAEnd, code: int(im.Symbols["DATA"]) - TPAStart, stack: 128})
		var kinds [2][2]int // [inline][stub] counts over the byte values with weights
		for s := 1; s < 256; s++ {
			kinds[b2i(p.inline[s])][b2i(p.stub[s])]++
		}
		t.Logf("%d outputs: handlers by (copy of NEXT, stubs): %v", n, kinds)
		mixedStub := kinds[0][1]+kinds[1][1] > 0 && kinds[0][0]+kinds[1][0] > 0
		mixedNext := kinds[1][0]+kinds[1][1] > 0 && kinds[0][0]+kinds[0][1] > 0
		if !mixedStub && !mixedNext {
			t.Fatalf("%d outputs: the plan is not mixed: %v", n, kinds)
		}
		checkRepliesKind(t, fmt.Sprintf("dense, %d outputs", n), m, replyQueries[:3], Dense)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
