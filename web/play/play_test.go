package play

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"mulm/examples"
	"mulm/infer"
	"mulm/z80ref"
)

func example(t testing.TB, name string) (*infer.Model, *z80ref.Image) {
	t.Helper()
	e, _ := examples.Get(name)
	m, err := LoadModel(name+".mulm", e.Model)
	if err != nil {
		t.Fatal(err)
	}
	im, err := z80ref.Build(m, z80ref.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return m, im
}

// untilWaiting runs turbo frames until the program waits for input and
// returns everything they produced.
func untilWaiting(t *testing.T, s *Session) Frame {
	t.Helper()
	var all Frame
	for range 10000 {
		f := s.Frame(0, true)
		all.Output += f.Output
		all.TStates += f.TStates
		all.Replies = append(all.Replies, f.Replies...)
		if f.Err != "" {
			t.Fatal(f.Err)
		}
		if f.Waiting {
			all.Waiting = true
			return all
		}
	}
	t.Fatal("the program never waited for input")
	return all
}

func TestSessionChat(t *testing.T) {
	m, im := example(t, "tinychat")
	s, err := NewSession(im)
	if err != nil {
		t.Fatal(err)
	}
	if f := untilWaiting(t, s); f.Output != "> " || len(f.Replies) != 0 {
		t.Fatalf("start: %+v", f)
	}
	// "helo", backspace, "p": the Z80 answers "help"; then "what are you".
	s.Type([]byte("helo\bp\rwhat are you\r"))
	f := untilWaiting(t, s)
	want := []string{"help", "what are you"}
	if len(f.Replies) != len(want) {
		t.Fatalf("replies %+v", f.Replies)
	}
	echo := "helo\b \bp\r\n" + m.Reply("help") + "\r\n> what are you\r\n" + m.Reply("what are you") + "\r\n> "
	if f.Output != echo {
		t.Errorf("output %q, want %q", f.Output, echo)
	}
	for i, r := range f.Replies {
		if r.Index != i || r.Query != want[i] || r.Go != m.Reply(want[i]) || r.Z80 != r.Go || !r.Match {
			t.Errorf("reply %d: %+v", i, r)
		}
		if r.TStates < 100_000 || r.Seconds != float64(r.TStates)/ClockHz {
			t.Errorf("reply %d: %d T-states, %v s", i, r.TStates, r.Seconds)
		}
	}
	if f.Replies[0].TStates+f.Replies[1].TStates > f.TStates {
		t.Errorf("replies take %d+%d T-states of the frames' %d", f.Replies[0].TStates, f.Replies[1].TStates, f.TStates)
	}
	// Blank lines re-prompt; "!" warm boots and the program starts again.
	s.Type([]byte("  \r!\r"))
	f = untilWaiting(t, s)
	if len(f.Replies) != 0 || f.Output != "  \r\n> !\r\n[warm boot: CHAT.COM starts again]\r\n> " {
		t.Errorf("after blank and !: %q %+v", f.Output, f.Replies)
	}
	s.Type([]byte("hello\r"))
	f = untilWaiting(t, s)
	if len(f.Replies) != 1 || f.Replies[0].Index != 2 || !f.Replies[0].Match || f.Replies[0].Z80 != m.Reply("hello") {
		t.Errorf("after warm boot: %+v", f.Replies)
	}
	if n := len(s.Replies()); n != 3 {
		t.Errorf("%d replies in all", n)
	}
}

// In real time a Frame runs its wall-clock time's worth of T-states: the
// prompt appears only once INIT's T-states have passed at 4 MHz, and a
// reply's T-states take their time.
func TestSessionRealTime(t *testing.T) {
	// tinychat's reply below takes about 3 million T-states, well over
	// MaxCatchUp's 1 million (guess's replies are too short for that).
	_, im := example(t, "tinychat")
	// INIT's T-states: the first run to the prompt, in turbo.
	s, _ := NewSession(im)
	initT := untilWaiting(t, s).TStates

	s, _ = NewSession(im)
	const frame = 16 * time.Millisecond
	perFrame := uint64(frame) * ClockHz / uint64(time.Second)
	var total uint64
	var out string
	frames := 0
	for ; !strings.Contains(out, "> "); frames++ {
		f := s.Frame(frame, false)
		total += f.TStates
		if want := uint64(frames+1) * perFrame; !f.Waiting && (total < want || total > want+23) {
			t.Fatalf("%d frames ran %d T-states, want %d", frames+1, total, want)
		}
		out += f.Output
	}
	if total != initT || uint64(frames) != (initT+perFrame-1)/perFrame {
		t.Errorf("prompt after %d frames, %d T-states; want %d T-states", frames, total, initT)
	}
	// Waiting costs nothing and is not made up for later.
	for range 10 {
		if f := s.Frame(time.Second, false); f.TStates != 0 || !f.Waiting {
			t.Fatalf("waiting frame %+v", f)
		}
	}
	// A long pause is made up for only MaxCatchUp's worth.
	s.Type([]byte("how old are you\r"))
	f := s.Frame(time.Hour, false)
	if max := uint64(MaxCatchUp) * ClockHz / uint64(time.Second); f.TStates < max || f.TStates > max+23 {
		t.Errorf("after a pause: %d T-states, want %d", f.TStates, max)
	}
	if f.Busy == 0 || f.Busy > f.TStates {
		t.Errorf("busy %d of %d", f.Busy, f.TStates)
	}
	r := untilWaiting(t, s).Replies
	if len(r) != 1 || !r[0].Match {
		t.Errorf("replies %+v", r)
	}
}

func TestInside(t *testing.T) {
	m, _ := example(t, "tinychat")
	for _, q := range []string{"hello", "what is your name", "zzzz"} {
		steps := Inside(m, q)
		var got strings.Builder
		for i, st := range steps {
			got.WriteString(st.Char)
			if len(st.Input) != 256 || !slices.Equal(st.Sizes, m.Sizes()[1:]) {
				t.Fatalf("%q step %d: %d inputs, sizes %v (model %v)", q, i, len(st.Input), st.Sizes, m.Sizes())
			}
			if len(st.Active) != m.NumLayers()-1 || len(st.Top) != TopN || st.Top[0].Char != st.Char {
				t.Fatalf("%q step %d: %+v", q, i, st)
			}
			for l, act := range st.Active {
				for j, u := range act {
					if u.Value <= 0 || u.Index >= st.Sizes[l] || (j > 0 && u.Index <= act[j-1].Index) {
						t.Fatalf("%q step %d layer %d: unit %+v", q, i, l, u)
					}
				}
			}
			for j := 1; j < TopN; j++ {
				if st.Top[j].Logit > st.Top[j-1].Logit {
					t.Fatalf("%q step %d: top %+v not sorted", q, i, st.Top)
				}
			}
		}
		if got.String() != m.Reply(q) {
			t.Errorf("%q: inside view spells %q, reply %q", q, got.String(), m.Reply(q))
		}
	}
}

func TestLoadModel(t *testing.T) {
	e, _ := examples.Get("guess")
	if _, err := LoadModel("g.mulm", e.Model); err != nil {
		t.Error(err)
	}
	_, err := LoadModel("junk.bin", []byte("hello"))
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "junk.bin") {
		t.Errorf("junk: %v", err)
	}
	_, err = LoadModel("huge.mulm", append(e.Model, make([]byte, MaxModelFile)...))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "huge.mulm") {
		t.Errorf("huge: %v", err)
	}
	_, err = LoadModel("cut.mulm", e.Model[:100])
	if !errors.Is(err, infer.ErrFormat) || !strings.Contains(err.Error(), "cut.mulm") {
		t.Errorf("truncated: %v", err)
	}
	_, err = LoadModel("bad.npz", []byte("PK\x03\x04garbage"))
	if err == nil || !strings.Contains(err.Error(), "bad.npz") {
		t.Errorf("bad npz: %v", err)
	}
	path := filepath.Join("..", "..", "..", "shared", "reference", "tinychat-model.npz")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("the original's model is absent (%v): .npz import not tried", err)
	}
	if _, err := LoadModel("model.npz", b); err != nil {
		t.Error(err)
	}
}

func TestEngines(t *testing.T) {
	got := Engines()
	if len(got) != len(z80ref.Engines())+1 || got[0] != "auto" {
		t.Fatalf("engines %v", got)
	}
	for _, name := range got {
		if k, err := z80ref.ParseEngineKind(name); err != nil || k.String() != name {
			t.Errorf("%s: %v %v", name, k, err)
		}
	}
}

func TestPlatforms(t *testing.T) {
	m, _ := example(t, "guess")
	ps := Platforms()
	if len(ps) != len(z80ref.Platforms()) || ps[0].Name != "cpm" || ps[0].Ext != ".COM" {
		t.Fatalf("platforms %+v", ps)
	}
	for _, p := range ps {
		pl, _ := z80ref.ParsePlatform(p.Name)
		im, err := z80ref.Build(m, z80ref.BuildOptions{Kind: z80ref.Compact, Platform: pl})
		if err != nil {
			t.Fatal(err)
		}
		f, err := ProgramFile(m, z80ref.Compact, p.Name)
		if err != nil || !slices.Equal(f, im.File) {
			t.Errorf("%s: %d bytes, %v; Build gives %d", p.Name, len(f), err, len(im.File))
		}
	}
	if _, err := ProgramFile(m, z80ref.Auto, "vic20"); err == nil || !strings.Contains(err.Error(), "vic20") {
		t.Errorf("unknown platform: %v", err)
	}
}
