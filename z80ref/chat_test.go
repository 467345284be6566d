package z80ref

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestChatUI(t *testing.T) {
	for _, k := range Engines() {
		t.Run(k.String(), func(t *testing.T) { testChatUI(t, k) })
	}
}

func testChatUI(t *testing.T, k EngineKind) {
	r := rand.New(rand.NewPCG(19, 20))
	m := randomModel(t, r, []int{16, 12}, 30, 12, 0.35)
	im := mustBuildKind(t, m, k)

	// Interactive: prompt, echo (BDOS 10 echoes the line and CR, the
	// program adds LF), reply, CR LF; empty and all-space lines re-prompt;
	// "!" warm boots.
	lines := []string{"hello", "", "   ", "What is your name", " x ", "  !quit", "never read"}
	res, err := im.Chat("", strings.NewReader(strings.Join(lines, "\n")+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, l := range lines[:6] {
		want.WriteString("> " + l + "\n")
		if strings.TrimSpace(l) != "" && !strings.HasPrefix(strings.TrimLeft(l, " "), "!") {
			want.WriteString(m.Reply(l) + "\n")
		}
	}
	if res.Output != want.String() {
		t.Fatalf("output\n%q\nwant\n%q", res.Output, want.String())
	}
	if len(res.Responses) != 7 {
		t.Fatalf("%d responses, want 7", len(res.Responses))
	}
	t.Logf("%d T-states; output:\n%s", res.TStates, res.Output)

	// Input ends without "!": a normal end.
	res, err = im.Chat("", strings.NewReader("hi\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "> hi\n" + m.Reply("hi") + "\n> "; res.Output != want {
		t.Fatalf("output %q, want %q", res.Output, want)
	}

	// Command tail: answered once (the CCP upper-cases it), then warm boot.
	for _, tail := range []string{"hello there", "Are you a ROBOT", "  spaced  "} {
		res, err = im.Chat(tail, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := m.Reply(strings.ToUpper(tail)) + "\n"; res.Output != want {
			t.Fatalf("tail %q: output %q, want %q", tail, res.Output, want)
		}
	}
	// An all-space tail is no query: the chat loop starts.
	res, err = im.Chat("   ", strings.NewReader("!\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Output != "> !\n" {
		t.Fatalf("all-space tail: output %q", res.Output)
	}
}
