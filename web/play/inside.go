package play

import (
	"cmp"
	"slices"

	"mulm/infer"
)

// TopN is how many candidates Inside lists for each character.
const TopN = 5

// Step is the inside view of one generated character.
type Step struct {
	// Char is the character chosen ("" for EOS, the end of the reply).
	Char string `json:"char"`
	// Input is the 256-entry input vector: 128 query buckets, then 128
	// context buckets (a 16×16 heat map on the page).
	Input []int16 `json:"input"`
	// Active holds, for every layer but the last, the indices and values
	// of its non-zero outputs (after the ReLU).
	Active [][]Unit `json:"active"`
	// Sizes holds every layer's number of outputs.
	Sizes []int `json:"sizes"`
	// Top holds the TopN highest logits of the last layer, highest first
	// (ties by index, as the argmax breaks them).
	Top []Candidate `json:"top"`
}

// Unit is one output of a layer.
type Unit struct {
	Index int   `json:"i"`
	Value int16 `json:"v"`
}

// Candidate is one output of the last layer: a character and its logit.
type Candidate struct {
	Char  string `json:"char"` // "" for EOS
	Logit int16  `json:"logit"`
}

// Inside returns the inside view of m's reply to query: one Step per
// generated character, from infer's Trace.
func Inside(m *infer.Model, query string) []Step {
	cs := m.Charset()
	char := func(i int) string {
		if i == m.EOS() {
			return ""
		}
		return string(cs[i : i+1])
	}
	tr := m.Trace(query)
	steps := make([]Step, len(tr.Steps))
	for si, st := range tr.Steps {
		s := Step{Char: char(st.Next), Input: st.Input}
		for li, out := range st.Layers {
			s.Sizes = append(s.Sizes, len(out))
			if li < len(st.Layers)-1 {
				act := []Unit{}
				for i, v := range out {
					if v != 0 {
						act = append(act, Unit{i, v})
					}
				}
				s.Active = append(s.Active, act)
				continue
			}
			idx := make([]int, len(out))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(out[b], out[a]) })
			for _, i := range idx[:min(TopN, len(idx))] {
				s.Top = append(s.Top, Candidate{char(i), out[i]})
			}
		}
		steps[si] = s
	}
	return steps
}
