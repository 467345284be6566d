package parity

import (
	"bytes"
	"strings"
	"testing"

	"mulm/console"
	"mulm/infer"
	"mulm/internal/chatapp"
	"mulm/z80ref"
)

// typedSessions are byte streams as a person types them at the prompt,
// editing keys included.
var typedSessions = []string{
	"whzt\b\bat is your name\nhello\n",
	"caf\xc3\xa9\ncafe\n",
	"   \n  hello  \n   !\nnever answered\n",
	"hello\x15hi\nab\x18how are you\n",
	"how\x12 are\x05 you\x10\n\x10x\x7f\x7fhello\n",
	"!hi\n",
	"\x03hello\n",
	"hi\x03\n",
	"a\x01b\n\ttab\n\x80\x81hi\n",
	"\xe8\xe9\n\xa1\xa1\n",
	strings.Repeat("what is your name ", 17) + "\nhi\n",
	strings.Repeat("x", console.MaxLine) + "\nhi\n",
	"no line end",
}

// TestConsoleRules types the same bytes into the Go chat (package
// console and infer, through chatapp.Chat) and into the real CHAT.COM of
// every engine on the CP/M machine, whose BDOS 10 edits the line as DRI's
// does: the lines read, what is done with each and every reply must
// agree. (The CP/M machine's per-line records make the comparison exact;
// another platform's console is checked against package console by that
// platform's own tests.)
func TestConsoleRules(t *testing.T) {
	m, err := infer.ReadFile("../examples/tinychat/model.mulm")
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets() {
		if tg.p != z80ref.CPM {
			continue
		}
		t.Run(tg.String(), func(t *testing.T) {
			img := buildImage(t, m, tg, "the tinychat example")
			checkConsole(t, m, img)
		})
	}
}

func checkConsole(t *testing.T, m *infer.Model, img *z80ref.Image) {
	if v, ok := img.Symbol("CONMAX"); !ok || int(v) != console.MaxLine {
		t.Fatalf("chat.asm CONMAX = %d (%v), console.MaxLine = %d", v, ok, console.MaxLine)
	}
	for _, typed := range typedSessions {
		checkTyped(t, m, img, typed)
	}
}

// checkTyped types the bytes into the CP/M program and into chatapp.Chat.
func checkTyped(t *testing.T, m *infer.Model, img *z80ref.Image, typed string) {
	t.Helper()
	res, err := img.Chat("", strings.NewReader(typed))
	if err != nil {
		t.Fatalf("%q: %v", typed, err)
	}
	// What the Go side reads and answers, in the form of the CP/M
	// machine's per-line records: the line read and what the program
	// printed after it (LF, reply, CR LF, the next prompt).
	var want []string
	var chat strings.Builder // what chatapp.Chat must print
	r := console.NewReader(strings.NewReader(typed))
	for {
		chat.WriteString("> ")
		b, err := r.ReadLine()
		if err == console.ErrInterrupt {
			break // warm boot inside BDOS 10: no line, no output
		}
		if err != nil {
			chat.WriteString("\n")
			break
		}
		out := "\n"
		switch console.Classify(b) {
		case console.Ask:
			reply := m.Reply(string(b))
			out += reply + "\n> "
			chat.WriteString(reply + "\n")
		case console.Skip:
			out += "> "
		}
		want = append(want, string(b)+" → "+out)
		if console.Classify(b) == console.Quit {
			break
		}
	}
	var got []string
	for _, rsp := range res.Responses[1:] {
		got = append(got, rsp.Input+" → "+string(rsp.Output))
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("typed %q:\nCHAT.COM read and printed\n  %q\nthe Go console rules give\n  %q", typed, got, want)
	}
	var gochat bytes.Buffer
	if err := chatapp.Chat(m, chatapp.Options{}, strings.NewReader(typed), &gochat); err != nil {
		t.Fatal(err)
	}
	if gochat.String() != chat.String() {
		t.Errorf("typed %q: mulm chat printed %q, want %q", typed, gochat.String(), chat.String())
	}
}

// FuzzConsole types arbitrary bytes into the example model's CHAT.COM
// (fast engine) and into the Go chat: checkTyped must hold.
func FuzzConsole(f *testing.F) {
	for _, s := range typedSessions {
		f.Add([]byte(s))
	}
	m, err := infer.ReadFile("../examples/tinychat/model.mulm")
	if err != nil {
		f.Fatal(err)
	}
	img, err := z80ref.Build(m, z80ref.BuildOptions{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, typed []byte) {
		ends := 0
		for _, c := range typed {
			if c&0x7F == '\r' || c&0x7F == '\n' {
				ends++
			}
		}
		if len(typed) > 600 || ends > 4 {
			return // a few lines are enough; each reply costs emulated time
		}
		checkTyped(t, m, img, string(typed))
	})
}

// TestConsoleCafe is the case that made the rule: "café" typed in UTF-8.
// The CP/M console clears bit 7, so both sides answer "cafC)".
func TestConsoleCafe(t *testing.T) {
	m, err := infer.ReadFile("../examples/tinychat/model.mulm")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := chatapp.Chat(m, chatapp.Options{Query: "caf\xc3\xa9"}, nil, &out); err != nil {
		t.Fatal(err)
	}
	if want := m.Reply("cafC)") + "\n"; out.String() != want {
		t.Errorf("chat -q café printed %q, want %q (the reply to \"cafC)\")", out.String(), want)
	}
}

// spectrumTypable reports whether a person can type s on a 48K
// Spectrum's keyboard (letters, digits, space, the SYMBOL SHIFT
// punctuation, DELETE as BS or DEL, ENTER as "\n") and ends it with ENTER:
// the Spectrum sends no line without one.
func spectrumTypable(s string) bool {
	for _, c := range []byte(s) {
		if (c < ' ' || c > '~') && c != '\b' && c != 0x7F && c != '\n' {
			return false
		}
	}
	return strings.HasSuffix(s, "\n")
}

// TestConsoleRulesZX types every session a Spectrum keyboard can type into
// the tape of every engine on the emulated 48K, key by key as a patient
// person does, and checks the transcript against package console's rules:
// the lines it reads (DELETE applied, a 254th character ending the line),
// what is done with each, every reply.
func TestConsoleRulesZX(t *testing.T) {
	if err := z80ref.ZX48.Available(); err != nil {
		t.Skipf("no ZX Spectrum machine: %v", err)
	}
	m, err := infer.ReadFile("../examples/tinychat/model.mulm")
	if err != nil {
		t.Fatal(err)
	}
	sessions := []string{"hello\x7f\x7f\x7f\x7f\x7fhi\n", "  \n!\nhello\n"}
	for _, s := range typedSessions {
		if spectrumTypable(s) && (!testing.Short() || len(s) < 100) {
			sessions = append(sessions, s)
		}
	}
	for _, tg := range targets() {
		if tg.p != z80ref.ZX48 {
			continue
		}
		t.Run(tg.String(), func(t *testing.T) {
			img := buildImage(t, m, tg, "the tinychat example")
			if v, ok := img.Symbol("ZXLINE"); !ok || int(v) != console.MaxLine {
				t.Fatalf("zxchat.asm ZXLINE = %d (%v), console.MaxLine = %d", v, ok, console.MaxLine)
			}
			for _, typed := range sessions {
				res, err := img.Chat("", strings.NewReader(typed))
				if err != nil {
					t.Fatalf("%q: %v", typed, err)
				}
				var want strings.Builder
				r := console.NewReader(strings.NewReader(typed))
				for {
					b, err := r.ReadLine()
					if err != nil {
						want.WriteString("> ") // waiting at the prompt
						break
					}
					want.WriteString("> " + string(b) + "\n")
					if a := console.Classify(b); a == console.Ask {
						want.WriteString(m.Reply(string(b)) + "\n")
					} else if a == console.Quit {
						break
					}
				}
				if res.Output != want.String() {
					t.Errorf("typed %q: the tape printed\n%q\nthe console rules give\n%q", typed, res.Output, want.String())
				}
			}
		})
	}
}
