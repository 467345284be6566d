package web

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"mulm/examples"
	"mulm/infer"
	"mulm/infer/npz"
	"mulm/internal/randmodel"
	"mulm/internal/zxtest"
	"mulm/web/play"
	"mulm/z80ref"
	"mulm/z80ref/zx"
)

var screenshot = flag.String("screenshot", "", "also write the browser test's screenshot here (e.g. ../docs/playground.png)")

// chromium returns the path of a Chromium, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: the browser tests of the playground are skipped (.ci/run installs it)")
	return ""
}

// page is the playground in a headless Chromium, with the problems the
// page reported: console errors, exceptions, failed requests.
type page struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string
}

func (p *page) problem(format string, args ...any) {
	p.mu.Lock()
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
	p.mu.Unlock()
}

// checkProblems fails the test for every problem the page reported.
func (p *page) checkProblems() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.problems {
		p.t.Errorf("page: %s", pr)
	}
	p.problems = nil
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression and decodes its JSON value into v.
func (p *page) eval(expr string, v any) {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string]("JSON.stringify("+expr+")"))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		p.t.Fatalf("%s = %s: %v", expr, s, err)
	}
}

// wait polls a JavaScript condition.
func (p *page) wait(cond string, timeout time.Duration) {
	p.t.Helper()
	_, err := chromedp.Run(p.ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(timeout),
		chromedp.WithPollingInterval(10*time.Millisecond)))
	if err != nil {
		p.t.Fatalf("waiting for %s: %v", cond, err)
	}
}

// reply is a play.Reply as the page keeps it, with the wall-clock time
// from Enter to the reply's end.
type reply struct {
	play.Reply
	Wall float64 `json:"wall"`
}

// ask types line and Enter into the terminal and returns the page's
// record of the reply.
func (p *page) ask(line string) reply {
	p.t.Helper()
	var n int
	p.eval("mulmState.replies.length", &n)
	p.wait("mulmState.waiting", 30*time.Second)
	p.do(chromedp.SendKeys(chromedp.ID("term"), line+kb.Enter))
	p.wait(fmt.Sprintf("mulmState.replies.length > %d && mulmState.waiting", n), 30*time.Second)
	var r reply
	p.eval(fmt.Sprintf("mulmState.replies[%d]", n), &r)
	return r
}

// mark returns the parity mark the page shows for reply i.
func (p *page) mark(i int) string {
	p.t.Helper()
	var s string
	p.eval(fmt.Sprintf(`document.querySelector('#replies tr[data-index="%d"] .mark').textContent`, i), &s)
	return s
}

func (p *page) setTurbo(on bool) {
	p.t.Helper()
	var cur bool
	p.eval("mulmState.turbo", &cur)
	if cur != on {
		p.do(chromedp.Click(chromedp.ID("turbo")))
	}
	p.eval("mulmState.turbo", &cur)
	if cur != on {
		p.t.Fatalf("turbo is %v after a click", cur)
	}
}

func (p *page) selectModel(name string) {
	p.t.Helper()
	p.do(chromedp.SetValue(chromedp.ID("model"), name),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('model').dispatchEvent(new Event('change'))`))
	p.wait(fmt.Sprintf("mulmState.model.name === %q", name), 10*time.Second)
}

// checkUploaded checks the page's build of the uploaded model m against
// z80ref.Build (engine and .COM size) and its reply to q against infer's,
// and returns z80ref.Build's image.
func (p *page) checkUploaded(m *infer.Model, q string) *z80ref.Image {
	t := p.t
	t.Helper()
	im, err := z80ref.Build(m, z80ref.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Engine  string `json:"engine"`
		COMSize int    `json:"comSize"`
	}
	p.eval("mulmState.model", &info)
	if info.Engine != im.Kind.String() || info.COMSize != len(im.COM) {
		t.Errorf("page built %+v, z80ref.Build gives %s, %d bytes", info, im.Kind, len(im.COM))
	}
	r := p.ask(q)
	if want := m.Reply(q); r.Z80 != want || !r.Match {
		t.Errorf("reply %+v, infer says %q", r, want)
	}
	return im
}

func exampleModel(t *testing.T, name string) *infer.Model {
	e, _ := examples.Get(name)
	m, err := infer.Unmarshal(e.Model)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// initTStates is the T-states from start-up to the first prompt's line
// read: INIT and the prompt.
func initTStates(t *testing.T, m *infer.Model) uint64 {
	im, err := z80ref.Build(m, z80ref.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := play.NewSession(im)
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	for !s.Waiting() {
		n += s.Run(1 << 30)
	}
	return n
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the browser tests of the playground are skipped")
	}
	chrome := chromium(t)
	began := time.Now()
	mod, err := BuildModule(t.Context(), BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("WebAssembly module built in %v: %d bytes", time.Since(began).Round(time.Millisecond), len(mod.Wasm))
	srv := httptest.NewServer(Handler(mod))
	defer srv.Close()

	downloads := t.TempDir()
	actx, cancel := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chrome),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	p := &page{t: t, ctx: ctx}
	err = chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				p.problem("console.%s: %s", ev.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			desc := ""
			if d.Exception != nil {
				desc = d.Exception.Description
			}
			p.problem("exception: %s %s at %s:%d", d.Text, desc, d.URL, d.LineNumber+1)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				p.problem("log: %s %s", ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventLoadingFailed:
			p.problem("request failed: %s (%s)", ev.ErrorText, ev.Type)
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				p.problem("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		dlMu   sync.Mutex
		dlDone = map[string]bool{}
	)
	err = chromedp.ListenBrowser(ctx, func(ev any) {
		if ev, ok := ev.(*browser.EventDownloadProgress); ok && ev.State == browser.DownloadProgressStateCompleted {
			dlMu.Lock()
			dlDone[ev.GUID] = true
			dlMu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: new(true),
	}); err != nil {
		t.Fatal(err)
	}
	browserUp := time.Now()

	tiny := exampleModel(t, "tinychat")
	t.Run("load", func(t *testing.T) {
		p.t = t
		p.do(chromedp.EmulateViewport(1280, 800), chromedp.Navigate(srv.URL))
		p.wait("mulmState.ready", 10*time.Second)
		var readyAt, promptAt float64
		p.eval("mulmState.readyAt", &readyAt)
		// A figure, not a check (timings belong in commands that print
		// them): the target is 2 s on localhost.
		t.Logf("interactive %.0f ms after navigation start (the module loaded and tinychat built)", readyAt)
		var focused string
		p.eval("document.activeElement.id", &focused)
		if focused != "term" {
			t.Errorf("focus on %q, want the terminal", focused)
		}
		// In real time the prompt appears once INIT's T-states have
		// passed at 4 MHz.
		p.wait("mulmState.waiting", 20*time.Second)
		p.eval("performance.now()", &promptAt)
		var clock struct{ Frames, Ms, Tstates float64 }
		p.eval("mulmState.clock", &clock)
		t.Logf("clock %+v", clock)
		want := float64(initTStates(t, tiny)) / play.ClockHz * 1000
		t.Logf("prompt %.0f ms after interactive; INIT and prompt take %.0f ms at 4 MHz", promptAt-readyAt, want)
		if promptAt-readyAt < want*0.95 {
			t.Errorf("the prompt came %.0f ms after start, faster than a 4 MHz Z80 (%.0f ms)", promptAt-readyAt, want)
		}
		var screen string
		p.eval("mulmState.screen()", &screen)
		if screen != "> " {
			t.Errorf("screen %q, want the prompt", screen)
		}
		p.checkProblems()
	})

	t.Run("hello", func(t *testing.T) {
		p.t = t
		p.setTurbo(true)
		r := p.ask("hello")
		if want := tiny.Reply("hello"); r.Query != "hello" || r.Z80 != want || r.Go != want || !r.Match {
			t.Errorf("reply %+v, infer says %q", r, want)
		}
		if m := p.mark(r.Index); m != "✓" {
			t.Errorf("parity mark %q", m)
		}
		var screen string
		p.eval("mulmState.screen()", &screen)
		if want := "> hello\n" + tiny.Reply("hello") + "\n> "; screen != want {
			t.Errorf("screen %q, want %q", screen, want)
		}
		p.checkProblems()
	})

	t.Run("editing keys", func(t *testing.T) {
		p.t = t
		// "helo", Backspace, "p": BDOS 10 erases the "o"; Ctrl+U then
		// discards "xyz" before "what are you".
		r := p.ask("helo" + kb.Backspace + "p")
		if want := tiny.Reply("help"); r.Query != "help" || r.Z80 != want || !r.Match {
			t.Errorf("after a backspace: %+v, infer says %q for \"help\"", r, want)
		}
		var n int
		p.eval("mulmState.replies.length", &n)
		p.do(chromedp.SendKeys(chromedp.ID("term"), "xyz"),
			chromedp.KeyEvent("u", chromedp.KeyModifiers(kb.ModifierCtrl)))
		r = p.ask("what are you")
		if want := tiny.Reply("what are you"); r.Query != "what are you" || r.Z80 != want || !r.Match {
			t.Errorf("after Ctrl+U: %+v, infer says %q", r, want)
		}
		var screen string
		p.eval("mulmState.screen()", &screen)
		if !strings.Contains(screen, "> help\n") || !strings.Contains(screen, "> xyz#\n  what are you\n") {
			t.Errorf("screen %q", screen)
		}
		p.checkProblems()
	})

	guess := exampleModel(t, "guess")
	t.Run("guess", func(t *testing.T) {
		p.t = t
		p.selectModel("guess")
		r := p.ask("is it alive")
		if want := guess.Reply("is it alive"); r.Z80 != want || r.Go != want || !r.Match || p.mark(r.Index) != "✓" {
			t.Errorf("reply %+v, infer says %q", r, want)
		}
		p.checkProblems()
	})

	t.Run("turbo", func(t *testing.T) {
		p.t = t
		const q = "does it swim"
		turbo := p.ask(q)
		p.setTurbo(false)
		real := p.ask(q)
		p.setTurbo(true)
		if turbo.TStates != real.TStates || !real.Match || !turbo.Match {
			t.Fatalf("the same query: %+v in turbo, %+v in real time", turbo, real)
		}
		at4MHz := real.Seconds
		t.Logf("%q: %d T-states = %.3f s at 4 MHz; shown after %.3f s in real time, %.3f s in turbo",
			q, real.TStates, at4MHz, real.Wall, turbo.Wall)
		// Real time: never faster than the T-states' time at 4 MHz (less
		// one frame: the frame that delivers the line counts from its
		// start), and not much slower unless the host is very busy; turbo:
		// much faster.
		if real.Wall < at4MHz-0.02 || real.Wall > at4MHz+1 {
			t.Errorf("real time: %.3f s for a %.3f s reply", real.Wall, at4MHz)
		}
		if turbo.Wall > real.Wall/2 {
			t.Errorf("turbo: %.3f s for a %.3f s reply (%.3f s in real time)", turbo.Wall, at4MHz, real.Wall)
		}
		p.checkProblems()
	})

	// A model of our own, uploaded as a .mulm file.
	rng := rand.New(rand.NewPCG(3, 4))
	up := randmodel.Model(rng, randmodel.Options{Hidden: []int{24}, MaxLen: 8})
	upFile := filepath.Join(t.TempDir(), "mine.mulm")
	if err := infer.WriteFile(upFile, up); err != nil {
		t.Fatal(err)
	}
	t.Run("upload", func(t *testing.T) {
		p.t = t
		p.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{upFile}))
		p.wait(`mulmState.model.name === "mine.mulm"`, 10*time.Second)
		im := p.checkUploaded(up, "hi there")
		// Download the .COM and compare it with z80ref.Build's.
		p.do(chromedp.Click(chromedp.ID("download-cpm")))
		var got []byte
		var err error
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && got == nil; time.Sleep(20 * time.Millisecond) {
			dlMu.Lock()
			for guid := range dlDone {
				got, err = os.ReadFile(filepath.Join(downloads, guid))
				if err != nil {
					t.Fatal(err)
				}
			}
			dlMu.Unlock()
		}
		if !bytes.Equal(got, im.COM) {
			t.Errorf("downloaded .COM: %d bytes, differs from z80ref.Build's %d", len(got), len(im.COM))
		}
		// A file that is not a model: a clear message, the session goes on.
		bad := filepath.Join(t.TempDir(), "notes.txt")
		os.WriteFile(bad, []byte("not a model"), 0o644)
		p.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{bad}))
		p.wait(`document.getElementById('status').textContent !== ""`, 5*time.Second)
		var msg, name string
		p.eval("document.getElementById('status').textContent", &msg)
		p.eval("mulmState.model.name", &name)
		if !strings.Contains(msg, "notes.txt") || !strings.Contains(msg, play.ErrUnknownFormat.Error()) || name != "mine.mulm" {
			t.Errorf("bad upload: status %q, model %q", msg, name)
		}
		p.checkProblems()
	})

	t.Run("upload npz", func(t *testing.T) {
		p.t = t
		path, err := filepath.Abs(filepath.Join("..", "..", "shared", "reference", "guess-model.npz"))
		if err != nil {
			t.Fatal(err)
		}
		orig, err := npz.ReadFile(path)
		if err != nil {
			t.Skipf("the original's guess model is absent (%v): no .npz upload", err)
		}
		p.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{path}))
		p.wait(`mulmState.model.name === "guess-model.npz"`, 10*time.Second)
		p.checkUploaded(orig, "is it an animal")
		p.checkProblems()
	})

	t.Run("phone", func(t *testing.T) {
		p.t = t
		p.do(chromedp.EmulateViewport(400, 800, chromedp.EmulateMobile, chromedp.EmulateTouch))
		defer p.do(chromedp.EmulateViewport(1280, 800))
		var shown bool
		p.eval(`getComputedStyle(document.getElementById('lineform')).display !== 'none'`, &shown)
		if !shown {
			t.Fatal("no input field on a phone-sized screen")
		}
		p.selectModel("guess")
		var n int
		p.eval("mulmState.replies.length", &n)
		p.wait("mulmState.waiting", 10*time.Second)
		p.do(chromedp.SendKeys(chromedp.ID("line"), "is it red"), chromedp.Click(chromedp.ID("send")))
		p.wait(fmt.Sprintf("mulmState.replies.length > %d && mulmState.waiting", n), 30*time.Second)
		var r reply
		p.eval(fmt.Sprintf("mulmState.replies[%d]", n), &r)
		if want := guess.Reply("is it red"); r.Query != "is it red" || r.Z80 != want || !r.Match {
			t.Errorf("reply %+v, infer says %q", r, want)
		}
		p.checkProblems()
	})

	// zxScreen waits until the Spectrum's screen text satisfies a
	// JavaScript condition on lines (an array of strings).
	zxScreen := func(cond string) {
		p.t.Helper()
		p.wait(`mulmState.spectrum && ((lines) => `+cond+`)(JSON.parse(mulm.zxLines()))`, 30*time.Second)
	}
	t.Run("spectrum tape", func(t *testing.T) {
		p.t = t
		if mod.ROM == nil {
			t.Skipf("no Spectrum ROM at %s: the Spectrum screen is not tried", zx.DefaultROMPath)
		}
		tape := filepath.Join(t.TempDir(), "echo.tap")
		if err := os.WriteFile(tape, zxtest.EchoTape(t), 0o644); err != nil {
			t.Fatal(err)
		}
		p.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{tape}))
		zxScreen(`lines.some((l) => l.startsWith("ZX ECHO")) && lines.some((l) => l.trim() === ">")`)
		var focused string
		p.eval("document.activeElement.id", &focused)
		if focused != "zx" {
			t.Errorf("focus on %q, want the Spectrum screen", focused)
		}
		p.do(chromedp.SendKeys(chromedp.ID("zx"), "hi there"+kb.Enter))
		zxScreen(`lines.some((l) => l.trim() === "HI THERE")`)
		p.do(chromedp.Click(chromedp.ID("spectrum-toggle")))
		p.wait("!mulmState.spectrum", 5*time.Second)
		p.checkProblems()
	})

	t.Run("spectrum chat", func(t *testing.T) {
		p.t = t
		if !play.HasSpectrum() {
			t.Skipf("z80ref has no %s platform yet: the Spectrum switch is hidden", play.SpectrumPlatform)
		}
		if mod.ROM == nil {
			t.Skipf("no Spectrum ROM at %s: the Spectrum screen is not tried", zx.DefaultROMPath)
		}
		p.selectModel("tinychat")
		p.do(chromedp.Click(chromedp.ID("spectrum-toggle")))
		p.wait("mulmState.spectrum", 10*time.Second)
		zxScreen(`lines.some((l) => l.trimEnd().endsWith(">"))`)
		p.do(chromedp.SendKeys(chromedp.ID("zx"), "hello"+kb.Enter))
		zxScreen(fmt.Sprintf(`lines.some((l) => l.trim() === %q)`, tiny.Reply("hello")))
		p.do(chromedp.Click(chromedp.ID("spectrum-toggle")))
		p.wait("!mulmState.spectrum", 5*time.Second)
		p.checkProblems()
	})

	t.Run("inside view", func(t *testing.T) {
		p.t = t
		p.selectModel("tinychat")
		for _, q := range []string{"hello", "how old are you", "tell me a joke"} {
			if r := p.ask(q); !r.Match {
				t.Errorf("%+v", r)
			}
		}
		p.do(chromedp.Click(chromedp.ID("inside-toggle")))
		r := p.ask("what is your name")
		var chars []string
		p.eval(`[...document.querySelectorAll('#inside-chars button')].map(b => b.textContent)`, &chars)
		steps := play.Inside(tiny, r.Query)
		if len(chars) != len(steps) || strings.Join(chars[:len(chars)-1], "") != strings.ReplaceAll(tiny.Reply(r.Query), " ", "␠") {
			t.Errorf("inside view characters %q for reply %q", chars, r.Z80)
		}
		var top [][]string
		p.eval(`[...document.querySelectorAll('#inside-step .top tr')].map(tr => [...tr.cells].slice(0, 2).map(c => c.textContent))`, &top)
		if len(top) != play.TopN || top[0][1] != fmt.Sprint(steps[0].Top[0].Logit) {
			t.Errorf("top candidates %q, want logit %d first", top, steps[0].Top[0].Logit)
		}
		var canvases int
		p.eval(`document.querySelectorAll('#inside-step canvas').length`, &canvases)
		if canvases != tiny.NumLayers() { // the inputs and every hidden layer
			t.Errorf("%d heat maps", canvases)
		}
		p.do(chromedp.Focus(chromedp.ID("term")), chromedp.Evaluate[chromedp.Void]("window.scrollTo(0, 0)"))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "playground.png")
		if *screenshot != "" {
			out = *screenshot
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s (%d bytes)", out, len(png))
		p.checkProblems()
	})
	t.Logf("browser tests: %v after the browser started", time.Since(browserUp).Round(time.Millisecond))
}
