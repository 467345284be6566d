package z80ref

import (
	"errors"
	"testing"

	"mulm/infer"
)

// TestEmptyModel: building the empty model is an error, not a panic.
func TestEmptyModel(t *testing.T) {
	for _, m := range []*infer.Model{nil, {}} {
		if _, err := Build(m, BuildOptions{}); !errors.Is(err, infer.ErrEmpty) {
			t.Errorf("Build(%v): %v, want infer.ErrEmpty", m, err)
		}
		if _, err := NewEngine(m, Fast); !errors.Is(err, infer.ErrEmpty) {
			t.Errorf("NewEngine(%v): %v, want infer.ErrEmpty", m, err)
		}
		for _, k := range Engines() {
			if err := k.Fits(m, CPM); !errors.Is(err, infer.ErrEmpty) {
				t.Errorf("%v.Fits(%v): %v, want infer.ErrEmpty", k, m, err)
			}
		}
	}
}
