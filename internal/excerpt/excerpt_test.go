package excerpt

import (
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"hi", `"hi"`},
		{"a\x00\n", `"a\x00\n"`},
		{strings.Repeat("x", Max), `"` + strings.Repeat("x", Max) + `"`},
		{strings.Repeat("y", 1<<20), `"` + strings.Repeat("y", Max) + `"… (1048576 bytes)`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%.20q) = %.60s, want %.60s", tc.in, got, tc.want)
		}
	}
	if got := Quote([]byte("\xff")); got != `"\xff"` {
		t.Errorf("bytes: %s", got)
	}
}
