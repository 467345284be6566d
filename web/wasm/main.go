//go:build js && wasm

// Command wasm is the playground's WebAssembly module: package
// mulm/web/play, the builder (z80ref.Build) and infer, bound to the page
// through a global object "mulm" (see mulm/web's app.js). Arguments and
// results cross as strings, Uint8Arrays and JSON.
package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"time"

	"mulm/examples"
	"mulm/infer"
	"mulm/web/play"
	"mulm/z80ref"
)

// built is a model made into a CHAT.COM, and its session.
type built struct {
	Name    string `json:"name"`
	Engine  string `json:"engine"`
	Reason  string `json:"reason"`
	COMSize int    `json:"comSize"`
	Sizes   []int  `json:"sizes"`
	Charset string `json:"charset"`
	Intro   string `json:"intro,omitempty"`
	// Platform is the platform of the session's image (CP/M).
	Platform string `json:"platform"`

	kind    z80ref.EngineKind
	model   *infer.Model
	img     *z80ref.Image
	session *play.Session
}

// app is the module's state: the model in use, and the Spectrum running
// its tape when the page shows the Spectrum screen.
type app struct {
	cur *built
	zx  *play.Spectrum
}

func main() {
	a := &app{}
	api := map[string]any{
		"examples": a.examples, "engines": a.engines, "load": a.load, "type": a.typeKeys,
		"frame": a.frame, "platforms": a.platforms, "file": a.file, "inside": a.inside, "reply": a.reply,
		"hasSpectrum": func(js.Value, []js.Value) any { return play.HasSpectrum() },
		"spectrum":    a.spectrum, "zxType": a.zxType, "zxFrame": a.zxFrame, "zxPixels": a.zxPixels, "zxLines": a.zxLines,
	}
	obj := js.Global().Get("Object").New()
	for name, fn := range api {
		obj.Set(name, js.FuncOf(fn.(func(js.Value, []js.Value) any)))
	}
	js.Global().Set("mulm", obj)
	if ready := js.Global().Get("mulmReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

func jsonOf(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"err":%q}`, err.Error())
	}
	return string(b)
}

// bytesOf copies a Uint8Array.
func bytesOf(u js.Value) []byte {
	b := make([]byte, u.Get("length").Int())
	js.CopyBytesToGo(b, u)
	return b
}

func errJSON(err error) any { return jsonOf(map[string]string{"err": err.Error()}) }

func (a *app) examples(js.Value, []js.Value) any {
	type ex struct{ Name, Intro string }
	var l []ex
	for _, e := range examples.All() {
		l = append(l, ex{e.Name, e.Intro})
	}
	return jsonOf(l)
}

func (a *app) engines(js.Value, []js.Value) any { return jsonOf(play.Engines()) }

// load(name, bytes|null, engine): builds the example called name (bytes
// null) or the dropped file name holding bytes, with engine ("auto", ...),
// starts a session on it and returns its description as JSON.
func (a *app) load(_ js.Value, args []js.Value) any {
	name, engine := args[0].String(), args[2].String()
	var (
		data  []byte
		intro string
	)
	if args[1].IsNull() || args[1].IsUndefined() {
		e, ok := examples.Get(name)
		if !ok {
			return errJSON(fmt.Errorf("no example called %q", name))
		}
		data, intro = e.Model, e.Intro
	} else {
		data = bytesOf(args[1])
	}
	kind, err := z80ref.ParseEngineKind(engine)
	if err != nil {
		return errJSON(err)
	}
	m, err := play.LoadModel(name, data)
	if err != nil {
		return errJSON(err)
	}
	img, err := z80ref.Build(m, z80ref.BuildOptions{Kind: kind})
	if err != nil {
		return errJSON(fmt.Errorf("%s: %w", name, err))
	}
	s, err := play.NewSession(img)
	if err != nil {
		return errJSON(err)
	}
	cs := m.Charset()
	a.zx = nil
	a.cur = &built{Name: name, Engine: img.Kind.String(), Reason: img.Reason, COMSize: len(img.COM),
		Sizes: m.Sizes(), Charset: string(cs[:len(cs)-1]), Intro: intro, Platform: img.Platform.String(), kind: kind, model: m, img: img, session: s}
	return jsonOf(a.cur)
}

// type(keys): console input, one byte per character.
func (a *app) typeKeys(_ js.Value, args []js.Value) any {
	if a.cur != nil {
		s := args[0].String()
		b := make([]byte, 0, len(s))
		for _, r := range s {
			if r < 0x80 {
				b = append(b, byte(r))
			}
		}
		a.cur.session.Type(b)
	}
	return nil
}

// frame(ms, turbo): run the machine for ms of wall-clock time (turbo: as
// fast as it can, briefly) and return a play.Frame as JSON.
func (a *app) frame(_ js.Value, args []js.Value) any {
	if a.cur == nil {
		return errJSON(fmt.Errorf("no model loaded"))
	}
	dt := time.Duration(args[0].Float() * float64(time.Millisecond))
	return jsonOf(a.cur.session.Frame(dt, args[1].Bool()))
}

func (a *app) platforms(js.Value, []js.Value) any { return jsonOf(play.Platforms()) }

// file(platform): the model's program file for the platform (the
// session's own image for its platform, else built now) as a Uint8Array,
// or an error message (a string).
func (a *app) file(_ js.Value, args []js.Value) any {
	if a.cur == nil {
		return "no model loaded"
	}
	b := a.cur.img.File
	if name := args[0].String(); name != a.cur.Platform {
		var err error
		if b, err = play.ProgramFile(a.cur.model, a.cur.kind, name); err != nil {
			return fmt.Sprintf("%s: %v", a.cur.Name, err)
		}
	}
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

// inside(query): the inside view of infer's reply, as JSON.
func (a *app) inside(_ js.Value, args []js.Value) any {
	if a.cur == nil {
		return errJSON(fmt.Errorf("no model loaded"))
	}
	return jsonOf(play.Inside(a.cur.model, args[0].String()))
}

// reply(query): infer's reply (for tests and the parity mark).
func (a *app) reply(_ js.Value, args []js.Value) any {
	if a.cur == nil {
		return ""
	}
	return a.cur.model.Reply(args[0].String())
}

// spectrum(rom, tape): starts a Spectrum with the ROM running tape (a
// dropped .TAP), or when tape is null the model's .TAP, built now;
// returns "" or an error message.
func (a *app) spectrum(_ js.Value, args []js.Value) any {
	rom := bytesOf(args[0])
	var tape []byte
	if args[1].IsNull() || args[1].IsUndefined() {
		if a.cur == nil {
			return "no model loaded"
		}
		var err error
		if tape, err = play.ProgramFile(a.cur.model, a.cur.kind, play.SpectrumPlatform); err != nil {
			return fmt.Sprintf("%s: %v", a.cur.Name, err)
		}
	} else {
		tape = bytesOf(args[1])
	}
	s, err := play.NewSpectrum(rom, tape)
	if err != nil {
		return err.Error()
	}
	a.zx = s
	return ""
}

func (a *app) zxType(_ js.Value, args []js.Value) any {
	if a.zx != nil {
		a.zx.Type(args[0].String())
	}
	return nil
}

// zxFrame(ms, turbo): a play.SpectrumFrame as JSON.
func (a *app) zxFrame(_ js.Value, args []js.Value) any {
	if a.zx == nil {
		return errJSON(fmt.Errorf("no Spectrum running"))
	}
	dt := time.Duration(args[0].Float() * float64(time.Millisecond))
	return jsonOf(a.zx.Frame(dt, args[1].Bool()))
}

// zxPixels(u8): copies the screen's RGBA pixels into the Uint8Array u8
// (320×240×4 bytes).
func (a *app) zxPixels(_ js.Value, args []js.Value) any {
	if a.zx != nil {
		pix, _, _ := a.zx.Pixels()
		js.CopyBytesToJS(args[0], pix)
	}
	return nil
}

// zxLines(): the screen as text, JSON (for tests).
func (a *app) zxLines(js.Value, []js.Value) any {
	if a.zx == nil {
		return "[]"
	}
	return jsonOf(a.zx.Lines())
}
