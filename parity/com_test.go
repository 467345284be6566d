package parity

import (
	"errors"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/z80ref"
)

// checkCOM builds the program of every Z80 engine on every platform for m, feeds it the queries
// one a line and checks the transcript: a prompt, the echoed query, the
// reply Reply gives, for every query, then the exit.
func checkCOM(t *testing.T, m *infer.Model, queries []string) {
	t.Helper()
	var want strings.Builder
	for _, q := range queries {
		want.WriteString("> " + q + "\n" + m.Reply(q) + "\n")
	}
	want.WriteString("> !\n")
	for _, tg := range targets() {
		t.Run(tg.String(), func(t *testing.T) {
			img, err := z80ref.Build(m, z80ref.BuildOptions{Kind: tg.k, Platform: tg.p})
			if errors.Is(err, z80ref.ErrDoesNotFit) {
				buildEngine(t, m, tg, "the chat model") // fails or skips, as the capacity table says
			}
			if err != nil {
				t.Fatal(err)
			}
			res, err := img.Chat("", strings.NewReader(strings.Join(queries, "\n")+"\n!\n"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Output != want.String() {
				t.Errorf("%v transcript:\n%s\nwant:\n%s", tg, res.Output, want.String())
			}
			// The command tail answers once and exits, like CHAT.COM hello.
			res, err = img.Chat(queries[0], strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.TrimSpace(res.Output), m.Reply(strings.ToUpper(queries[0])); got != want {
				t.Errorf("%v with tail %q printed %q, want %q", tg, queries[0], got, want)
			}
		})
	}
}
