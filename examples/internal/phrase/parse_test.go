package phrase

import (
	"strings"
	"testing"

	"mulm/quant/qat/dataset"
)

// FuzzParse: Parse is the strict reading of the one parser of the format
// (dataset): every file it accepts, dataset.Parse reads to the same pairs
// (queries upper-cased, as the trainer reads them), with no rejection.
func FuzzParse(f *testing.F) {
	f.Add([]byte("# header\n\nhi there|HI\r\nwhat?|WHAT?\n"))
	f.Add([]byte("\xEF\xBB\xBFhi|HI\n  # note\n"))
	f.Add([]byte("a|b|C\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		const alphabet = "ABCHIWT? "
		pairs, err := Parse(strings.NewReader(string(b)), alphabet)
		if err != nil {
			if len(err.Error()) > 600 { // bounded, however long the line
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		s, err := dataset.Parse(strings.NewReader(string(b)), "fuzz", dataset.Options{})
		if err != nil {
			t.Fatalf("dataset.Parse rejects what Parse accepts: %v", err)
		}
		if len(s.Rejected) > 0 || len(s.Pairs) != len(pairs) {
			t.Fatalf("dataset kept %d, rejected %v; Parse kept %d", len(s.Pairs), s.Rejected, len(pairs))
		}
		for i, p := range pairs {
			if d := s.Pairs[i]; d.Query != strings.ToUpper(p.Q) || d.Response != p.A {
				t.Fatalf("pair %d: dataset %q|%q, Parse %q|%q", i, d.Query, d.Response, p.Q, p.A)
			}
		}
	})
}
