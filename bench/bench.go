package bench

import (
	"runtime"
	"time"

	"mulm/infer"
)

// queries are the benchmark queries: typical chat, as the original's
// tinychat model was trained on.
var queries = []string{
	"hello", "hi", "how are you", "what is your name", "who are you",
	"are you a robot", "who made you", "what can you do", "do you like music",
	"tell me a joke", "what time is it", "where do you live", "are you happy",
	"i am sad", "thank you", "what is love", "do you dream", "good morning",
	"goodbye", "help",
}

// Queries returns the benchmark queries every published figure is
// measured on (a copy).
func Queries() []string { return append([]string(nil), queries...) }

// ClockHz is the Z80 clock of the seconds figures: a 4 MHz Z80.
const ClockHz = 4_000_000

// GoResult is a Go engine's speed on this host.
type GoResult struct {
	// Replies is how many replies were generated in the measurement,
	// Steps and Chars how many generation steps (EOS included) and
	// printed characters they had.
	Replies, Steps, Chars int
	Elapsed               time.Duration
	// Allocs is the number of heap allocations per reply, from the
	// process's runtime.MemStats: with more than one P it may include the
	// odd sync.Pool refill when the goroutine moves to another P (a
	// fraction of one per reply, less the longer the measurement).
	Allocs float64
}

// NsPerStep is the time of one generation step (EOS steps included).
func (r GoResult) NsPerStep() float64 { return float64(r.Elapsed.Nanoseconds()) / float64(r.Steps) }

// NsPerChar is the time per printed character (the once-per-reply query
// work included).
func (r GoResult) NsPerChar() float64 { return float64(r.Elapsed.Nanoseconds()) / float64(r.Chars) }

// GoReply measures AppendReply (the SIMD engine in GOEXPERIMENT=simd
// builds on a CPU that has it, else the fast path; no allocation with
// enough room) over qs, repeated for at least d.
func GoReply(m *infer.Model, qs []string, d time.Duration) GoResult {
	buf := make([]byte, 0, infer.MaxMaxLen)
	return measure(qs, d, func(q string) (int, int) {
		buf = m.AppendReply(buf[:0], q)
		steps := len(buf) + 1 // the EOS step
		if len(buf) == m.MaxLen() {
			steps = len(buf)
		}
		return steps, len(buf)
	})
}

// GoTrace measures impl's Trace over qs, repeated for at least d; it
// allocates as traces do.
func GoTrace(m *infer.Model, impl infer.Implementation, qs []string, d time.Duration) GoResult {
	return measure(qs, d, func(q string) (int, int) {
		tr := impl.Trace(m, q)
		return len(tr.Steps), len(tr.Reply)
	})
}

// measure runs reply over qs in turn until d has passed (whole rounds).
func measure(qs []string, d time.Duration, reply func(q string) (steps, chars int)) GoResult {
	var r GoResult
	for _, q := range qs { // warm up: pools, caches
		reply(q)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for r.Elapsed < d || r.Replies == 0 {
		for _, q := range qs {
			s, c := reply(q)
			r.Steps += s
			r.Chars += c
			r.Replies++
		}
		r.Elapsed = time.Since(start)
	}
	runtime.ReadMemStats(&after)
	r.Allocs = float64(after.Mallocs-before.Mallocs) / float64(r.Replies)
	return r
}

// Original is a published figure of the original Z80-μLM project or of
// a fork of it, quoted beside ours: not measured here.
type Original struct {
	// Build names the build, Model the model the figure was taken on.
	Build, Model string
	// Platform is where it ran, as mulm build -platform names it ("cpm",
	// "zx48"; z80ref.ParsePlatform gives its clock).
	Platform string
	// FileBytes is its program file's size (0: not published).
	FileBytes int
	// TPerChar is its T-states per character (0: not published, only
	// SPerChar).
	TPerChar uint64
	// SPerChar is its published seconds per character when no T-states
	// were (else 0: the T-states at the platform's clock are the seconds).
	SPerChar float64
}

// Originals returns the original project's published Z80 figures, then a
// fork's ZX Spectrum figure (quoted by issue 9: 11.76 s per character).
func Originals() []Original {
	return []Original{
		{Build: "original packed build", Model: "the original tinychat", Platform: "cpm", FileBytes: 39_992, TPerChar: 27_600_000},
		{Build: "original index-list build", Model: "the original tinychat", Platform: "cpm", FileBytes: 45_056, TPerChar: 2_100_000},
		{Build: "a fork's Spectrum build", Model: "the original tinychat", Platform: "zx48", SPerChar: 11.76},
	}
}
