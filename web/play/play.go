package play

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"mulm/console"
	"mulm/infer"
	"mulm/infer/npz"
	"mulm/z80ref"
	"mulm/z80ref/cpm"
)

// ClockHz is the clock of the Z80 the playground imitates: 4 MHz.
const ClockHz = 4_000_000

const (
	// MaxCatchUp is the most wall-clock time one real-time Frame makes up
	// for: after a pause (a hidden tab, a slow frame) the Z80 resumes
	// instead of racing through the time it missed.
	MaxCatchUp = 250 * time.Millisecond
	// TurboWork is the wall-clock time a turbo Frame spends emulating, so
	// that the page stays responsive.
	TurboWork = 20 * time.Millisecond
	// turboSlice is the T-states of one RunFor in turbo.
	turboSlice = 200_000
)

// ErrUnknownFormat is returned by LoadModel for a file that is neither a
// .mulm model nor an .npz archive.
var ErrUnknownFormat = errors.New("not a .mulm model or an .npz archive")

// MaxModelFile bounds the size of a file LoadModel reads: well above any
// model that fits a Z80 (a .mulm is at most infer.MaxFileSize).
const MaxModelFile = 16 << 20

// ErrTooLarge is returned by LoadModel for a file over MaxModelFile bytes.
var ErrTooLarge = fmt.Errorf("larger than %d bytes, too large for a model", MaxModelFile)

// LoadModel reads a model file dropped on the page: a .mulm model or the
// original project's .npz, told apart by their first bytes. Errors name
// the file.
func LoadModel(name string, data []byte) (*infer.Model, error) {
	var (
		m   *infer.Model
		err error
	)
	switch {
	case len(data) > MaxModelFile:
		err = ErrTooLarge
	case npz.Sniff(data) == npz.MULM:
		m, err = infer.Unmarshal(data)
	case npz.Sniff(data) == npz.NPZ:
		m, err = npz.Read(bytes.NewReader(data), int64(len(data)))
	default:
		err = ErrUnknownFormat
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// Engines returns the engine names z80ref.ParseEngineKind takes: "auto",
// then z80ref.Engines, fastest first.
func Engines() []string {
	names := []string{z80ref.Auto.String()}
	for _, k := range z80ref.Engines() {
		names = append(names, k.String())
	}
	return names
}

// Platform describes one of z80ref.Platforms for the page.
type Platform struct {
	Name  string `json:"name"`  // as z80ref.ParsePlatform takes it: "cpm"
	Title string `json:"title"` // "CP/M 2.2 .COM"
	Ext   string `json:"ext"`   // ".COM"
}

// Platforms returns z80ref.Platforms, the default first: the program files
// the page offers for download.
func Platforms() []Platform {
	var ps []Platform
	for _, p := range z80ref.Platforms() {
		ps = append(ps, Platform{p.String(), p.Title(), p.FileExt()})
	}
	return ps
}

// ProgramFile returns the program file of m built for the platform named
// platform with engine kind, as z80ref.Build makes it.
func ProgramFile(m *infer.Model, kind z80ref.EngineKind, platform string) ([]byte, error) {
	p, err := z80ref.ParsePlatform(platform)
	if err != nil {
		return nil, err
	}
	im, err := z80ref.Build(m, z80ref.BuildOptions{Kind: kind, Platform: p})
	if err != nil {
		return nil, err
	}
	return im.File, nil
}

// Reply is one answered query.
type Reply struct {
	// Index counts the replies of a session from 0.
	Index int `json:"index"`
	// Query is the line as the Z80 read it.
	Query string `json:"query"`
	// Z80 is what the CP/M program printed in reply.
	Z80 string `json:"z80"`
	// Go is infer's reply to the same query.
	Go string `json:"go"`
	// Match reports Z80 == Go.
	Match bool `json:"match"`
	// TStates is the Z80's time for the reply: from the end of the line
	// read to the next prompt's line read (the reply, its CR LF and the
	// prompt).
	TStates uint64 `json:"tstates"`
	// Seconds is TStates at ClockHz.
	Seconds float64 `json:"seconds"`
}

// Frame is what one call of Session.Frame produced.
type Frame struct {
	// Output is the console output (raw bytes: CR, LF, BS as the program
	// and the BDOS wrote them).
	Output string `json:"output"`
	// Waiting reports that the Z80 waits for console input.
	Waiting bool `json:"waiting"`
	// Busy is the T-states of the reply in progress (0 when none).
	Busy uint64 `json:"busy"`
	// TStates is the machine's T-states in this Frame.
	TStates uint64 `json:"tstates"`
	// Replies are the replies completed in this Frame.
	Replies []Reply `json:"replies,omitempty"`
	// Err is the error that stopped the machine, if any.
	Err string `json:"err,omitempty"`
}

// Session is one CP/M machine running a model's CHAT.COM, fed with keys
// as they are typed and run in slices matched to a wall clock. It is not
// safe for concurrent use.
type Session struct {
	model   *infer.Model
	img     *z80ref.Image
	m       *cpm.Machine
	keys    keyQueue
	out     bytes.Buffer
	credit  int64 // T-states owed to the wall clock
	seen    int   // Responses already turned into replies
	replies []Reply
	err     error
	waiting bool // the last Run stopped for want of input
}

// NewSession starts img's CHAT.COM on a fresh CP/M machine fed with the
// keys as they are typed (cpm.Options.Interactive).
func NewSession(img *z80ref.Image) (*Session, error) {
	s := &Session{model: img.Model(), img: img}
	if err := s.boot(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Session) boot() error {
	m, err := s.img.Machine(cpm.Options{Stdin: &s.keys, Stdout: &s.out, Interactive: true})
	if err != nil {
		return err
	}
	s.m, s.seen, s.credit = m, 0, 0
	return nil
}

// Image returns the image the session runs.
func (s *Session) Image() *z80ref.Image { return s.img }

// Type queues keys for the console (CR ends a line; BS, DEL, ^U, ^X, ^R,
// ^E edit it, as in CP/M 2.2). Bit 7 is stripped by the BDOS.
func (s *Session) Type(keys []byte) {
	s.keys.buf = append(s.keys.buf, keys...)
	if len(keys) > 0 {
		s.waiting = false
	}
}

// Run runs at most about n T-states (one instruction more at most),
// stopping early when the program waits for input; it returns the
// T-states run. After a warm boot (a "!" line) the program starts again.
func (s *Session) Run(n uint64) uint64 {
	if s.err != nil {
		return 0
	}
	start := s.m.TStates()
	err := s.m.RunFor(n)
	ran := s.m.TStates() - start
	s.collect()
	s.waiting = errors.Is(err, cpm.ErrInputExhausted)
	var be *cpm.BudgetError
	switch {
	case errors.As(err, &be), errors.Is(err, cpm.ErrInputExhausted):
	case err == nil: // warm boot
		s.out.WriteString("[warm boot: CHAT.COM starts again]\r\n")
		if err := s.boot(); err != nil {
			s.err = err
		}
	default:
		s.err = err
	}
	return ran
}

// Waiting reports whether the program waits for console input that has
// not been typed yet.
func (s *Session) Waiting() bool {
	return s.err == nil && s.waiting
}

// Frame advances the machine for dt of wall-clock time and returns what
// happened. In real time it runs dt's worth of T-states at ClockHz (at
// most MaxCatchUp), carrying the excess of the last instruction over to
// the next Frame; time spent waiting for input is not made up for. In
// turbo it runs as fast as it can for about TurboWork.
func (s *Session) Frame(dt time.Duration, turbo bool) Frame {
	var f Frame
	startReplies := len(s.replies)
	if turbo {
		s.credit = 0
		t0 := time.Now()
		for !s.Waiting() && s.err == nil && time.Since(t0) < TurboWork {
			f.TStates += s.Run(turboSlice)
		}
	} else {
		dt = min(dt, MaxCatchUp)
		s.credit += int64(dt) * ClockHz / int64(time.Second)
		for s.credit > 0 && !s.Waiting() && s.err == nil {
			n := s.Run(uint64(s.credit))
			f.TStates += n
			s.credit -= int64(n)
		}
		if s.Waiting() || s.err != nil {
			s.credit = 0
		}
	}
	f.Output = s.out.String()
	s.out.Reset()
	f.Waiting = s.Waiting()
	if r, ok := s.m.Current(); ok && console.Classify([]byte(r.Input)) == console.Ask {
		f.Busy = r.TStates
	}
	f.Replies = append(f.Replies, s.replies[startReplies:]...)
	if s.err != nil {
		f.Err = s.err.Error()
	}
	return f
}

// Replies returns every reply of the session so far.
func (s *Session) Replies() []Reply { return append([]Reply(nil), s.replies...) }

// collect turns the Responses completed since the last call into replies.
func (s *Session) collect() {
	rs := s.m.Responses()
	for ; s.seen < len(rs); s.seen++ {
		r := rs[s.seen]
		if console.Classify([]byte(r.Input)) != console.Ask {
			continue // a blank line (the prompt again) or "!" (warm boot)
		}
		z := strings.TrimPrefix(string(r.Output), "\n")
		z, _, _ = strings.Cut(z, "\r\n")
		g := s.model.Reply(r.Input)
		s.replies = append(s.replies, Reply{
			Index: len(s.replies), Query: r.Input, Z80: z, Go: g, Match: z == g,
			TStates: r.TStates, Seconds: float64(r.TStates) / ClockHz,
		})
	}
}

// keyQueue is the console input: what was typed and not yet read, then
// io.EOF until more is typed.
type keyQueue struct{ buf []byte }

func (k *keyQueue) Read(p []byte) (int, error) {
	if len(k.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, k.buf)
	k.buf = k.buf[n:]
	return n, nil
}
