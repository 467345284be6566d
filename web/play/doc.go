// Package play is the engine room of the browser playground (package
// mulm/web): a CP/M machine running a model's CHAT.COM, fed with keys as
// they are typed and run in slices matched to a wall clock, with infer's
// answer and inside view beside the Z80's. It has no browser code, so
// that its tests run natively; mulm/web/wasm binds it to the page.
//
//	m, err := play.LoadModel("model.mulm", data) // or an original .npz
//	im, err := z80ref.Build(m, z80ref.BuildOptions{})
//	s, err := play.NewSession(im)
//	s.Type([]byte("hello\r"))
//	for {
//		f := s.Frame(16*time.Millisecond, false) // one animation frame
//		fmt.Print(f.Output)
//		for _, r := range f.Replies {
//			fmt.Println(r.Z80, r.Go, r.Match, r.Seconds)
//		}
//	}
//
// # Real time
//
// The page calls Frame once per animation frame with the wall-clock time
// since the last one. In real time a Frame runs that time's worth of
// T-states at ClockHz (4 MHz) with cpm.Machine.RunFor, carrying the
// excess of the last instruction over, so that characters appear when a
// 4 MHz Z80 would print them — the engine's start-up (INIT, whose
// T-states mulm bench prints) included. A pause longer than MaxCatchUp (a hidden tab) is not
// made up for, and nor is the time the program waits for input (the
// emulated BDOS costs no T-states). In turbo a Frame emulates as fast as
// it can for TurboWork of wall-clock time.
//
// # Console
//
// The machine's BDOS 10 has the CP/M 2.2 editing keys: BS erases, ^U and
// ^X discard the line, ^R retypes it; cpm.Options.Interactive keeps a
// line the typist has not finished. A "!" line warm boots the program;
// the session starts it again.
//
// # Replies
//
// Every line the program answers becomes a Reply: what the Z80 printed,
// infer's Reply to the same line, whether they match, and the Z80's
// T-states (cpm.Response: from the end of the line read to the next
// prompt's). Inside gives, for each generated character, the input
// vector, the non-zero activations of every hidden layer and the top
// candidates with their logits, from infer.Model.Trace.
//
// # The Spectrum screen
//
// Spectrum runs a .TAP on a ZX Spectrum 48K (package z80ref/zx with the
// real ROM): NewSpectrum boots the ROM and types LOAD "", Type presses
// keys, Frame paces it at 3.5 MHz like Session.Frame, and Pixels gives
// the screen for the page's canvas. The page runs the model's .TAP
// (ProgramFile for SpectrumPlatform) when the registry has that platform,
// or any dropped .TAP.
package play
