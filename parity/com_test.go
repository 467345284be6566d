package parity

import (
	"strings"
	"testing"

	"mulm/infer"
	"mulm/z80ref"
)

// checkScreen checks that the screen (a ZX Spectrum's 24 rows of 32
// cells, the bottom two BASIC's) shows the end of the transcript as a
// person reads it: each line wrapped at 32 columns, the last one on the
// last non-blank row of the upper screen.
func checkScreen(t *testing.T, screen []string, transcript string) {
	t.Helper()
	const cols, upper = 32, 22
	var rows []string
	for _, l := range strings.Split(strings.TrimSuffix(transcript, "\n"), "\n") {
		for len(l) > cols {
			rows, l = append(rows, l[:cols]), l[cols:]
		}
		rows = append(rows, strings.TrimRight(l, " "))
	}
	got := screen[:upper]
	for len(got) > 0 && got[len(got)-1] == "" {
		got = got[:len(got)-1]
	}
	n := min(len(got), len(rows))
	if n == 0 || strings.Join(got[len(got)-n:], "\n") != strings.Join(rows[len(rows)-n:], "\n") {
		t.Errorf("the screen shows\n%s\nwant its last rows to read\n%s", strings.Join(got, "\n"), strings.Join(rows[len(rows)-n:], "\n"))
	}
}

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
			img := buildImage(t, m, tg, "the chat model")
			res, err := img.Chat("", strings.NewReader(strings.Join(queries, "\n")+"\n!\n"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Output != want.String() {
				t.Errorf("%v transcript:\n%s\nwant:\n%s", tg, res.Output, want.String())
			}
			if res.Screen != nil {
				checkScreen(t, res.Screen, want.String())
			}
			if tg.p != z80ref.CPM {
				return // the command tail is CP/M's
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
