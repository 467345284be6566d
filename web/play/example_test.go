package play_test

import (
	"fmt"
	"time"

	"mulm/examples"
	"mulm/web/play"
	"mulm/z80ref"
)

// A session of tinychat's CHAT.COM: type a line with a typing mistake
// fixed by Backspace, run the Z80 in real-time frames until it answers.
func ExampleSession() {
	e, _ := examples.Get("tinychat")
	m, err := play.LoadModel("tinychat.mulm", e.Model)
	if err != nil {
		panic(err)
	}
	img, err := z80ref.Build(m, z80ref.BuildOptions{})
	if err != nil {
		panic(err)
	}
	s, err := play.NewSession(img)
	if err != nil {
		panic(err)
	}
	s.Type([]byte("helo\bp\r"))
	frames := 0
	for len(s.Replies()) == 0 {
		s.Frame(20*time.Millisecond, false) // 80,000 T-states each
		frames++
	}
	r := s.Replies()[0]
	fmt.Printf("%q: Z80 %q, Go %q, match %v\n", r.Query, r.Z80, r.Go, r.Match)
	fmt.Printf("after %.1f s at 4 MHz, start-up included\n", float64(frames)*0.02)
	// Output:
	// "help": Z80 "TRY ME", Go "TRY ME", match true
	// after 0.6 s at 4 MHz, start-up included
}
