package z80ref

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
	"mulm/z80ref/asm"
)

// The embedded assembler sources. chat.asm is the CP/M user interface and
// common.asm the generation loop and query encoder, shared by every engine
// kind; engine.asm and bufs.asm belong to the compact engine (fast.asm to
// the fast one, see fast.go).
var (
	//go:embed chat.asm
	chatAsm []byte
	//go:embed common.asm
	commonAsm []byte
	//go:embed engine.asm
	compactAsmTmpl []byte
	//go:embed bufs.asm
	compactBufsAsm []byte
)

// layout holds the model-dependent sizes of a memory map.
type layout struct {
	// tables and weights are the generated data: DATA to WEIGHTS and
	// WEIGHTS to ENDIMG.
	tables, weights int
	// headroom is the least distance from ENDIMG to BUFS (which is then
	// rounded up to a page): 0 for the compact engine; room for the fast
	// engine's index lists.
	headroom int
	// bufs is the size of the buffers (BUFS to STKBOT), or 0 when it does
	// not depend on the model (the engine's shape gives it).
	bufs int
}

// compactLayout is the compact engine's layout.
func compactLayout(m *infer.Model, _ target) (layout, error) {
	t, w := compactDataSizes(m)
	return layout{tables: t, weights: w}, nil
}

// xvInput reads the input vector from XV (256 words), as the compact
// engine leaves it.
func xvInput(mem memReader, im *Image) []int16 {
	x := make([]int16, trigram.InputSize)
	for i := range x {
		x[i] = int16(mem.ReadWord(im.sym("XV") + uint16(2*i)))
	}
	return x
}

// target is what an engine's generator knows of where its program goes:
// the platform's origin and memory end, and the engine's code and stack
// sizes there (0 while engineShape measures them). An engine that trades
// speed for memory (dense) fills the memory up to memEnd. fileMax is the
// most code bytes (origin onwards) the platform's default file size limit
// allows: the fast engine stores as many columns as ready index lists as
// that room holds.
//
// pack says whether the fast engine may store columns packed (and so
// carries INIT's column decoder, XCOL): only when the file limit is below
// the memory the program may use, origin to memEnd at the platform's
// lowest origin. Otherwise (the Spectrum's default limit is its RAM) a
// model whose ready blocks do not fit the file would not fit the memory
// either, expanded, and the decoder would be dead code.
//
// lean says whether the dense engine builds its lean variant: without the
// C0 vectors and their code (lists.asm's Ctx0), which engineTarget
// chooses when the full variant's file would exceed fileMax, so that a
// model with a larger charset still gets the dense engine.
type target struct {
	origin, memEnd int
	code, stack    int
	fileMax        int
	pack, lean     bool
}

// newTarget is the target of an engine with the given code and stack
// sizes on platform ps, for a file of at most fileMax bytes (0 or less:
// the platform's default limit).
func newTarget(ps *platformSpec, code, stack, fileMax int) target {
	if fileMax <= 0 {
		fileMax = ps.defaultMaxFile
	}
	fileMax -= ps.fileSize(0)
	return target{origin: ps.origin, memEnd: ps.memEnd, code: code, stack: stack,
		fileMax: fileMax, pack: fileMax < ps.memEnd-ps.origin}
}

// shape is the model-independent part of an engine's layout on a
// platform: its code size (user interface and engine) and the size of its
// buffers and stack, taken from a build of a tiny model.
type shape struct {
	code, bufs, stack int
}

type shapeKey struct {
	k          EngineKind
	p          Platform
	pack, lean bool // target.pack, target.lean: the engines' code depends on them
}

var (
	shapeMu sync.Mutex
	shapes  = map[shapeKey]shape{}
)

// engineShape returns (and caches) the shape of engine kind k on platform
// ps for target t (its pack and lean; its sizes are ignored).
func engineShape(k EngineKind, ps *platformSpec, t target) (shape, error) {
	shapeMu.Lock()
	defer shapeMu.Unlock()
	t.code, t.stack = 0, 0
	key := shapeKey{k, ps.platform, t.pack, t.lean}
	if s, ok := shapes[key]; ok {
		return s, nil
	}
	tiny, err := infer.New([]byte("a\x00"), []quant.Layer{{In: trigram.InputSize, Out: 2,
		W: make([]int8, 2*trigram.InputSize), Bias: make([]int16, 2)}}, 1)
	if err != nil {
		return shape{}, err
	}
	im, err := assemble(tiny, k, ps, t)
	if err != nil {
		return shape{}, err
	}
	sy := im.Symbols
	s := shape{
		code:  int(sy["DATA"]) - ps.origin,
		bufs:  int(sy["STKBOT"]) - int(sy["BUFS"]),
		stack: int(sy["STACK"]) - int(sy["STKBOT"]),
	}
	shapes[key] = s
	return s, nil
}

// predictMap returns the memory map m's image will have for engine kind k
// on platform ps at origin org, without assembling it. fileMax is the
// file size limit (0 or less: the platform's default).
func predictMap(m *infer.Model, k EngineKind, ps *platformSpec, org, fileMax int) (MemoryMap, error) {
	t, s, err := engineTarget(m, k, ps, fileMax)
	if err != nil {
		return nil, err
	}
	spec := k.spec()
	t.origin = org
	lay, err := spec.layout(m, t)
	if err != nil {
		return nil, err
	}
	if lay.bufs == 0 {
		lay.bufs = s.bufs
	}
	at := org
	var mm MemoryMap
	add := func(name string, size int, inFile bool) {
		mm = append(mm, Region{Name: name, Start: at, Size: size, InFile: inFile})
		at += size
	}
	add(regionNames[0], s.code, true)
	add(regionNames[1], lay.tables, true)
	add(spec.weightsName, lay.weights, true)
	if gap := (at+lay.headroom+255)/256*256 - at; gap > 0 {
		add(spec.gapName, gap, false)
	}
	add(regionNames[2], lay.bufs, false)
	add(regionNames[3], s.stack, false)
	return mm, nil
}

// engineTarget returns the target engine kind k builds m with on
// platform ps for a file of at most fileMax bytes (as newTarget takes it),
// and its shape: for the dense engine the lean variant (target.lean) when
// the full one's code, tables and weights would exceed the file limit (a
// negative fileMax: no limit, never lean).
func engineTarget(m *infer.Model, k EngineKind, ps *platformSpec, fileMax int) (target, shape, error) {
	t := newTarget(ps, 0, 0, fileMax)
	s, err := engineShape(k, ps, t)
	if err != nil {
		return t, s, err
	}
	if k == Dense && fileMax >= 0 {
		if tab := denseTables(m, false); s.code+tab.tables+tab.weights > t.fileMax {
			t.lean = true
			if s, err = engineShape(k, ps, t); err != nil {
				return t, s, err
			}
		}
	}
	t.code, t.stack = s.code, s.stack
	return t, s, nil
}

// regionNames name the regions of a memory map that every engine has
// (the weights and the gap after them are named by the engine's spec).
var regionNames = []string{
	"code (user interface and engine)",
	"tables (sizes, charset, layer descriptors, biases)",
	"buffers (input vector, accumulators, activations, console)",
	"stack",
}

// BuildOptions configures Build. The zero value builds the fastest engine
// that fits for CP/M.
type BuildOptions struct {
	// Kind is the engine. The zero value, Auto, picks the fastest engine
	// (the first of Engines) that holds the model on the platform and
	// whose file is at most MaxFileSize bytes.
	Kind EngineKind
	// Platform is the machine to build for; the zero value is CPM.
	Platform Platform
	// MaxFileSize limits the program file's size in bytes: 0 means the
	// platform's DefaultMaxFileSize for Auto and no limit for an explicit
	// Kind; negative means no limit.
	MaxFileSize int
	// MaxStartup is Auto's budget for the program's one-time start-up
	// (INIT, before the first prompt), in T-states: 0 means
	// DefaultMaxStartup, negative no budget; an explicit Kind ignores it.
	// Auto runs INIT of the fast engine's image on the platform's machine
	// when the image carries packed columns (whose expansion is the only
	// start-up that grows past the budget, on a model near the engine's
	// capacity; the Spectrum packs none by default) and sets the engine
	// aside when it passes the budget, for the next engine that fits. The
	// dense engine's start-up, writing its handlers, stays under the
	// default budget even with no zero weights (TestAutoStartup);
	// compact's takes a few thousand T-states. But Auto never prefers the
	// compact engine, several times slower a character, to an engine it
	// set aside: when no other engine fits within the budget it takes the
	// fastest it set aside, and Image.Reason says so.
	MaxStartup int
}

// DefaultMaxStartup is Auto's start-up budget (BuildOptions.MaxStartup)
// in T-states: half a second at 4 MHz, 0.57 s at the Spectrum's 3.5 MHz.
const DefaultMaxStartup = 2_000_000

// Region is one part of the memory map: [Start, Start+Size).
type Region struct {
	Name  string
	Start int // an address; a predicted map that does not fit may pass FFFFh
	Size  int
	// InFile reports whether the region is part of the program file (code
	// and data, loaded at the platform's origin) rather than memory the
	// program uses at run time.
	InFile bool
}

// End is the first address after the region.
func (r Region) End() int { return r.Start + r.Size }

// MemoryMap lists an image's regions in address order.
type MemoryMap []Region

// String formats the map as a table, one region a line.
func (mm MemoryMap) String() string {
	var b strings.Builder
	for _, r := range mm {
		where := "run time"
		if r.InFile {
			where = "file"
		}
		fmt.Fprintf(&b, "%04Xh-%04Xh %6d bytes  %-8s %s\n", r.Start, r.End()-1, r.Size, where, r.Name)
	}
	return b.String()
}

// Image is a built program for one model, engine and platform.
type Image struct {
	Kind     EngineKind
	Platform Platform
	// Reason says why Build chose Kind.
	Reason string
	// Org is the address the image is loaded and started at: TPAStart on
	// CPM; on ZX48 chosen by Build (see Platform.Origin).
	Org int
	// COM is the program's bytes as loaded at Org (on CPM, the .COM file;
	// on ZX48, the tape's CODE block).
	COM []byte
	// File is the platform's program file (on CPM the same bytes as COM).
	File []byte
	// Symbols holds every label and equ of the program.
	Symbols map[string]uint16
	// Map is the memory map: code, tables, weights, buffers, stack.
	Map MemoryMap

	model   *infer.Model
	sources []asm.Source
	prog    *asm.Program
}

// Build generates the data part for m, assembles it with the engine and
// the platform's user interface, and checks that the program fits the
// platform's memory and its file the size limit. A program that does not
// fit returns a *MemoryError (or a *ModelError when the engine cannot run
// m at all; both match ErrDoesNotFit), a file over the limit a
// *FileSizeError (and no image). With Kind Auto, Build tries Engines in
// order and returns the first that fits and starts within
// BuildOptions.MaxStartup (see there); Image.Reason says why. When none
// fits, its error gives every engine's reason and wraps the last one's
// error (errors.As finds the compact engine's *MemoryError or
// *FileSizeError).
func Build(m *infer.Model, opt BuildOptions) (*Image, error) {
	if m.NumLayers() == 0 {
		return nil, infer.ErrEmpty
	}
	ps := opt.Platform.spec()
	if ps == nil {
		return nil, fmt.Errorf("z80ref: %v is not a platform (want %s)", opt.Platform, orList(platformNames()))
	}
	limit := opt.MaxFileSize
	if opt.Kind != Auto {
		if limit == 0 {
			limit = -1
		}
		im, err := buildKind(m, opt.Kind, ps, limit)
		if err != nil {
			return nil, err
		}
		im.Reason = fmt.Sprintf("%s engine selected explicitly (%s %s)", im.Kind, byteCount(len(im.File)), ps.fileExt)
		return im, nil
	}
	if limit == 0 {
		limit = ps.defaultMaxFile
	}
	budget := opt.MaxStartup
	if budget == 0 {
		budget = DefaultMaxStartup
	}
	lim := "no size limit"
	if limit > 0 {
		lim = "the limit is " + byteCount(limit)
	}
	chosen := func(im *Image, why []string, head, extra string) *Image {
		im.Reason = fmt.Sprintf("%s engine: %s (%s %s; %s)%s", im.Kind, head, byteCount(len(im.File)), ps.fileExt, lim, extra)
		if len(why) > 0 {
			im.Reason += "; " + strings.Join(why, "; ")
		}
		return im
	}
	// aside is the first (fastest) engine set aside for its start-up,
	// asideT that start-up and why[asideAt] the reason it was set aside;
	// last is the last-resort engine when it fits after one was.
	var aside *Image
	var asideT uint64
	var asideAt int
	last := Auto
	var why []string
	var err error
	for _, k := range Engines() {
		var im *Image
		im, err = buildKind(m, k, ps, limit)
		if err != nil {
			why = append(why, fmt.Sprintf("not %s: %s", k, shortReason(err)))
			continue
		}
		if k.spec().lastResort {
			if aside != nil {
				last = k
				break
			}
			return chosen(im, why, "the fastest that fits", ""), nil
		}
		if budget > 0 && k.spec().slowStart != nil && k.spec().slowStart(im) {
			t, err := NewEngineFromImage(im).Startup()
			if err != nil {
				return nil, err
			}
			if t > uint64(budget) {
				if aside == nil {
					aside, asideT, asideAt = im, t, len(why)
				}
				why = append(why, fmt.Sprintf("not %s: its start-up takes %s T-states, over the budget of %s",
					k, tCount(t), tCount(uint64(budget))))
				continue
			}
		}
		head := "the fastest that fits"
		if aside != nil {
			head = "the fastest that fits and starts within the budget"
		}
		return chosen(im, why, head, ""), nil
	}
	if aside != nil {
		// Every reason but the aside's own.
		why = slices.Delete(why, asideAt, asideAt+1)
		meet := "no other engine that fits meets it"
		if last != Auto {
			meet = fmt.Sprintf("only the %s engine, several times slower a character, would meet it", last)
		}
		return chosen(aside, why, "the fastest that fits", fmt.Sprintf(
			", though its start-up takes %s T-states, over the budget of %s: %s",
			tCount(asideT), tCount(uint64(budget)), meet)), nil
	}
	// None fits: every engine's reason, the last one's error wrapped (it
	// decides what errors.Is and errors.As see).
	return nil, &noEngineError{
		msg: fmt.Sprintf("z80ref: no engine fits on %s (%s): %s", ps.platform, lim, strings.Join(why, "; ")),
		err: err,
	}
}

// noEngineError is Auto's error when no engine fits: msg gives every
// engine's reason, err is the last engine's error.
type noEngineError struct {
	msg string
	err error
}

func (e *noEngineError) Error() string { return e.msg }
func (e *noEngineError) Unwrap() error { return e.err }

// tCount formats n with thousands separators: "2,000,000".
func tCount(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// shortReason is the first line of err without the package prefix.
func shortReason(err error) string {
	s := strings.TrimPrefix(err.Error(), "z80ref: ")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// byteCount formats n as "40,960 bytes".
func byteCount(n int) string {
	return tCount(uint64(n)) + " bytes"
}

// buildKind builds m's image for engine kind k on platform ps; limit < 0
// means no file size limit.
func buildKind(m *infer.Model, k EngineKind, ps *platformSpec, limit int) (*Image, error) {
	mm, err := k.fit(m, ps.platform, limit)
	if err != nil {
		return nil, err
	}
	code := 0
	for _, r := range mm {
		if r.InFile {
			code += r.Size
		}
	}
	if size := ps.fileSize(code); limit >= 0 && size > limit {
		return nil, &FileSizeError{Kind: k, Platform: ps.platform, Size: size, Limit: limit}
	}
	t, _, err := engineTarget(m, k, ps, limit)
	if err != nil {
		return nil, err
	}
	t.origin = mm[0].Start
	im, err := assemble(m, k, ps, t)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(im.Map, mm) {
		return nil, fmt.Errorf("z80ref: the %s image's memory map\n%sdiffers from the predicted one\n%s", k, im.Map, mm)
	}
	if end := int(im.Symbols["BUFEND"]); end > ps.memEnd {
		return nil, &MemoryError{Kind: k, Platform: ps.platform, End: end, Limit: ps.memEnd, Map: im.Map}
	}
	if im.File, err = ps.file(im); err != nil {
		return nil, fmt.Errorf("z80ref: the %s file: %w", ps.fileExt, err)
	}
	return im, nil
}

// assemble generates and assembles m's program for engine kind k on
// platform ps at origin t.origin and derives its memory map; it does not
// check the memory limit.
func assemble(m *infer.Model, k EngineKind, ps *platformSpec, t target) (*Image, error) {
	org := t.origin
	spec := k.spec()
	srcs, err := spec.sources(m, t)
	if err != nil {
		return nil, err
	}
	srcs = append(ps.ui(org), srcs...)
	prog, err := asm.Assemble(srcs...)
	if err != nil {
		return nil, fmt.Errorf("z80ref: assembling the %s engine for %s: %w", spec.name, ps.name, err)
	}
	if int(prog.Org) != org {
		return nil, fmt.Errorf("z80ref: program origin %04Xh, want %04Xh", prog.Org, org)
	}
	im := &Image{
		Kind:     k,
		Platform: ps.platform,
		Org:      org,
		COM:      prog.Bytes,
		Symbols:  make(map[string]uint16, len(prog.Symbols)),
		model:    m,
		sources:  srcs,
		prog:     prog,
	}
	for k, v := range prog.Symbols {
		im.Symbols[k] = uint16(v)
	}
	for _, name := range requiredSymbols {
		if _, ok := im.Symbols[name]; !ok {
			return nil, fmt.Errorf("z80ref: the %s engine does not define %s", spec.name, name)
		}
	}
	if end := org + len(im.COM); end != int(im.Symbols["ENDIMG"]) {
		return nil, fmt.Errorf("z80ref: image ends at %04Xh but ENDIMG is %04Xh", end, im.Symbols["ENDIMG"])
	}
	if int(im.Symbols["BUFEND"]) < org+len(im.COM) {
		return nil, fmt.Errorf("z80ref: BUFEND %04Xh lies inside the image", im.Symbols["BUFEND"])
	}
	if ovl, ok := im.Symbols["OVLEND"]; ok && ovl > im.Symbols["INITEND"] {
		// (The dense engine's XV and Q1 over INIT: sizes fixed by the
		// shape, so this is the engine's bug, not the model's.)
		return nil, fmt.Errorf("z80ref: the %s engine's buffers over INIT end at %04Xh, past INITEND %04Xh", spec.name, ovl, im.Symbols["INITEND"])
	}
	im.Map = im.memoryMap()
	return im, nil
}

// requiredSymbols are the labels every engine kind defines: the entry
// points and hooks the driver and the user interface use, and the layout
// labels of the memory map.
var requiredSymbols = []string{
	"START", "INIT", "GENERATE", "PUTCH", "ENCQ", "ENCCTX", "BEGIN", "STEP", "LAYER", "ARGMAX",
	"GENQ", "STEPX", "STEPL", "STEPA", "PUSHW",
	"XV", "WIN", "CONBUF", "STACK", "STKBOT",
	"DATA", "WEIGHTS", "ENDIMG", "BUFS", "BUFEND",
}

// memoryMap derives the regions from the layout labels.
func (im *Image) memoryMap() MemoryMap {
	s := im.Symbols
	spec := im.Kind.spec()
	span := func(name string, a, b uint16, inFile bool) Region {
		return Region{Name: name, Start: int(a), Size: int(b) - int(a), InFile: inFile}
	}
	mm := MemoryMap{
		span(regionNames[0], uint16(im.Org), s["DATA"], true),
		span(regionNames[1], s["DATA"], s["WEIGHTS"], true),
		span(spec.weightsName, s["WEIGHTS"], s["ENDIMG"], true),
	}
	if s["BUFS"] > s["ENDIMG"] {
		mm = append(mm, span(spec.gapName, s["ENDIMG"], s["BUFS"], false))
	}
	mm = append(mm,
		span(regionNames[2], s["BUFS"], s["STKBOT"], false),
		span(regionNames[3], s["STKBOT"], s["STACK"], false),
	)
	return mm
}

// Symbol returns the address of a label or the value of an equ.
func (im *Image) Symbol(name string) (uint16, bool) {
	v, ok := im.Symbols[name]
	return v, ok
}

// sym returns a symbol that Build checked exists.
func (im *Image) sym(name string) uint16 { return im.Symbols[name] }

// Model returns the model the image was built from.
func (im *Image) Model() *infer.Model { return im.model }

// Source returns the whole program as one assembler file: the user
// interface, the engine, the generated data and the buffer layout. pasmo
// (pasmo --bin) assembles it to COM.
func (im *Image) Source() string {
	var b strings.Builder
	fmt.Fprintf(&b, "; %s for a mulm model %s, %s engine, generated by mulm/z80ref.\n",
		im.Platform.Title(), joinInts(im.model.Sizes(), "->"), im.Kind)
	if im.Platform == CPM {
		fmt.Fprintf(&b, "; Assemble with: pasmo --bin chat.asm CHAT%s\n\n", im.Platform.FileExt())
	} else {
		fmt.Fprintf(&b, "; Assemble with: pasmo --bin chat.asm CHAT.BIN (the code, loaded at %04Xh)\n\n", im.Org)
	}
	for _, s := range im.sources {
		fmt.Fprintf(&b, "; ======================== %s ========================\n", s.Name)
		b.Write(s.Text)
		if len(s.Text) > 0 && s.Text[len(s.Text)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// WriteListing writes the assembler listing (address, bytes, source line).
func (im *Image) WriteListing(w io.Writer) error { return im.prog.WriteListing(w) }
