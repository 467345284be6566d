package z80ref

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
)

// TestStagesMatchTrace runs every stage alone on what the Go reference's
// dense trace (infer.Model.DenseTrace, not the Z80's own Trace) recorded,
// on every engine kind: the query and context encoders give the trace's
// input vector, and each layer alone on its input gives the trace's
// outputs. Calls run concurrently on one Engine.
func TestStagesMatchTrace(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	m := randomModel(t, r, []int{33, 7}, 12, 6, 0.3)
	for _, k := range Engines() {
		e, err := NewEngine(m, k)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, q := range []string{"hello", "", "  Are you a ROBOT?  ", strings.Repeat("q", 300)} {
			wg.Go(func() {
				tr := m.DenseTrace(q)
				xq, tq, err := e.EncodeQuery(q)
				if err != nil || tq == 0 {
					t.Errorf("%v EncodeQuery(%q): %v, %d T-states", k, q, err, tq)
					return
				}
				for s, st := range tr.Steps {
					xc, tc, err := e.EncodeContext([]byte(tr.Reply[:s]))
					if err != nil || tc == 0 {
						t.Errorf("%v EncodeContext: %v, %d T-states", k, err, tc)
						return
					}
					if d := cmp.Diff(st.Input, append(append([]int16(nil), xq...), xc...)); d != "" {
						t.Errorf("%v query %q step %d: encoders (-reference +stages):\n%s", k, q, s, d)
						return
					}
					in := st.Input
					for li, want := range st.Layers {
						got, tl, err := e.Layer(li, in)
						if err != nil || tl == 0 {
							t.Errorf("%v Layer(%d): %v, %d T-states", k, li, err, tl)
							return
						}
						if d := cmp.Diff(want, got); d != "" {
							t.Errorf("%v query %q step %d layer %d (-reference +alone):\n%s", k, q, s, li+1, d)
							return
						}
						in = want
					}
				}
			})
		}
		wg.Wait()
	}
}

// TestLayerStageErrors checks the arguments Layer refuses and that its
// errors name the engine and the stage.
func TestLayerStageErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	m := randomModel(t, r, []int{5}, 3, 2, 0.3)
	for _, k := range Engines() {
		e, err := NewEngine(m, k)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			li int
			x  []int16
		}{{-1, make([]int16, 256)}, {2, make([]int16, 5)}, {0, make([]int16, 5)}, {1, make([]int16, 256)}} {
			_, _, err := e.Layer(c.li, c.x)
			if err == nil {
				t.Fatalf("%v: Layer(%d, %d inputs) did not fail", k, c.li, len(c.x))
			}
			if s := err.Error(); !strings.Contains(s, k.String()+" engine") || !strings.Contains(s, "Layer(") {
				t.Fatalf("%v: error %q does not name the engine and the stage", k, s)
			}
		}
		// A layer alone on inputs a reply never feeds: negative, >= 256.
		x := []int16{-32768, 32767, -1, 256, 300}
		got, _, err := e.Layer(1, x)
		if err != nil {
			t.Fatal(err)
		}
		l := m.Layer(1)
		want := make([]int16, l.Out)
		infer.DenseLayer(want, &l, x, false)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%v (-want +got):\n%s", k, d)
		}
	}
}
