package parity

import (
	"strings"
	"testing"

	"mulm/infer"
	"mulm/z80ref"
)

// checkCOM builds the .COM of every Z80 engine for m, feeds it the queries
// one a line and checks the transcript: a prompt, the echoed query, the
// reply Reply gives, for every query, then the exit.
func checkCOM(t *testing.T, m *infer.Model, queries []string) {
	t.Helper()
	var want strings.Builder
	for _, q := range queries {
		want.WriteString("> " + q + "\n" + m.Reply(q) + "\n")
	}
	want.WriteString("> !\n")
	for _, k := range z80Kinds {
		img, err := z80ref.Build(m, z80ref.BuildOptions{Kind: k})
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		res, err := img.Chat("", strings.NewReader(strings.Join(queries, "\n")+"\n!\n"))
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		if res.Output != want.String() {
			t.Errorf("%v engine transcript:\n%s\nwant:\n%s", k, res.Output, want.String())
		}
		// The command tail answers once and exits, like CHAT.COM hello.
		res, err = img.Chat(queries[0], strings.NewReader(""))
		if err != nil {
			t.Fatalf("%v: %v", k, err)
		}
		if got, want := strings.TrimSpace(res.Output), m.Reply(strings.ToUpper(queries[0])); got != want {
			t.Errorf("%v engine with tail %q printed %q, want %q", k, queries[0], got, want)
		}
	}
}
