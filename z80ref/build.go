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
	"mulm/z80ref/cpm"
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
	compactAsm []byte
	//go:embed bufs.asm
	compactBufsAsm []byte
)

// Memory limits of a 64 KB CP/M 2.2 system as the engine uses it.
const (
	// TPAStart is where CP/M loads a .COM.
	TPAStart = 0x0100
	// TPAEnd is the first address the program may not use: the CCP's base.
	// The image, its buffers and its stack must all lie below it.
	TPAEnd = 0xE400
)

// EngineKind selects an engine: the Z80 code and the data layout it reads.
type EngineKind int

const (
	// Auto lets Build choose: the fastest engine whose .COM fits the size
	// limit (BuildOptions.MaxCOMSize) and the TPA.
	Auto EngineKind = iota
	// Compact is the packed-weight engine: column-major 2-bit weights,
	// input-stationary loops that skip zero inputs (engine.asm).
	Compact
	// Fast carries the same packed weights but expands them at start-up,
	// in place, into per-input lists of output indices, and walks only the
	// non-zero inputs and weights with SP-driven unrolled loops (fast.asm).
	Fast
)

// autoOrder lists the engine kinds Auto tries, fastest first.
var autoOrder = []EngineKind{Fast, Compact}

func (k EngineKind) String() string {
	if k == Auto {
		return "auto"
	}
	if s := engines[k]; s != nil {
		return s.name
	}
	return fmt.Sprintf("EngineKind(%d)", int(k))
}

// ParseEngineKind returns the kind named s: "auto", "compact" or "fast".
func ParseEngineKind(s string) (EngineKind, error) {
	for _, k := range []EngineKind{Auto, Compact, Fast} {
		if k.String() == s {
			return k, nil
		}
	}
	return Auto, fmt.Errorf("z80ref: unknown engine %q (want auto, compact or fast)", s)
}

// engineSpec is everything that differs between engine kinds. A new kind
// adds a spec to engines: its sources (engine code, generated data, buffer
// layout), in the order they follow chat.asm, readers for the input vector
// at the STEPX hook and the layer outputs at the STEPL hook, and the sizes
// its memory map needs.
type engineSpec struct {
	name string
	// sources returns the engine's sources for model m: code, data and
	// buffer layout, in assembly order after chat.asm.
	sources func(m *infer.Model) ([]asm.Source, error)
	// input is called at the STEPX hook and returns the input vector
	// (trigram.InputSize values).
	input func(mem memReader, im *Image) []int16
	// layerOut is called at the STEPL hook and returns the index (0-based)
	// of the layer just finished and its outputs, or an error when they
	// cannot be read.
	layerOut func(mem memReader, im *Image) (int, []int16, error)
	// layer runs layer li (0-based) alone on input vector x on a machine
	// fresh from INIT and returns its outputs and the T-states of the
	// routines that computed them (Engine.Layer checks li and len(x) and
	// names the stage in errors).
	layer func(m *cpm.Machine, im *Image, li int, x []int16) ([]int16, uint64, error)
	// layout returns the exact sizes the memory map of m's image needs,
	// so that Build can predict it before assembling; it fails when the
	// engine cannot run m.
	layout func(m *infer.Model) (layout, error)
	// weightsName and gapName name the weights region and the run-time
	// region between ENDIMG and BUFS.
	weightsName, gapName string
}

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
func compactLayout(m *infer.Model) (layout, error) {
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

// memReader is the slice of the CP/M machine the readers need.
type memReader interface {
	Read(addr uint16) byte
	ReadWord(addr uint16) uint16
}

var engines = map[EngineKind]*engineSpec{
	Compact: {name: "compact", sources: compactSources, input: xvInput, layerOut: compactLayerOut,
		layer: compactLayer, layout: compactLayout, weightsName: "weights (packed 2-bit)", gapName: "(alignment)"},
	Fast: {name: "fast", sources: fastSources, input: fastInput, layerOut: fastLayerOut,
		layer: fastLayer, layout: fastLayout, weightsName: "weights (packed 2-bit; expanded into index lists at start-up)",
		gapName: "room for the index lists (they grow down from BUFS over the packed weights)"},
}

// shape is the model-independent part of an engine's layout: its code size
// and the size of its buffers and stack, taken from a build of a tiny model.
type shape struct {
	code, bufs, stack int
}

var (
	shapeMu sync.Mutex
	shapes  = map[EngineKind]shape{}
)

// engineShape returns (and caches) the shape of engine kind k.
func engineShape(k EngineKind) (shape, error) {
	shapeMu.Lock()
	defer shapeMu.Unlock()
	if s, ok := shapes[k]; ok {
		return s, nil
	}
	tiny, err := infer.New([]byte("a\x00"), []quant.Layer{{In: trigram.InputSize, Out: 2,
		W: make([]int8, 2*trigram.InputSize), Bias: make([]int16, 2)}}, 1)
	if err != nil {
		return shape{}, err
	}
	im, err := assemble(tiny, k)
	if err != nil {
		return shape{}, err
	}
	sy := im.Symbols
	s := shape{
		code:  int(sy["DATA"]) - TPAStart,
		bufs:  int(sy["STKBOT"]) - int(sy["BUFS"]),
		stack: int(sy["STACK"]) - int(sy["STKBOT"]),
	}
	shapes[k] = s
	return s, nil
}

// predictMap returns the memory map m's image will have, without
// assembling it.
func predictMap(m *infer.Model, k EngineKind) (MemoryMap, error) {
	s, err := engineShape(k)
	if err != nil {
		return nil, err
	}
	spec := engines[k]
	lay, err := spec.layout(m)
	if err != nil {
		return nil, err
	}
	if lay.bufs == 0 {
		lay.bufs = s.bufs
	}
	at := TPAStart
	var mm MemoryMap
	add := func(name string, size int, inCOM bool) {
		mm = append(mm, Region{Name: name, Start: at, Size: size, InCOM: inCOM})
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

// regionNames name the regions of a memory map that every engine has
// (the weights and the gap after them are named by the engine's spec).
var regionNames = []string{
	"code (chat UI and engine)",
	"tables (sizes, charset, layer descriptors, biases)",
	"buffers (input vector, accumulators, activations, console)",
	"stack",
}

// DefaultMaxCOMSize is the .COM size limit Build uses by default: 40 KB.
const DefaultMaxCOMSize = 40960

// BuildOptions configures Build.
type BuildOptions struct {
	// Kind is the engine. The zero value, Auto, picks the fastest engine
	// (Fast, then Compact) whose .COM is at most MaxCOMSize bytes and whose
	// program fits the TPA.
	Kind EngineKind
	// MaxCOMSize limits the .COM's size in bytes: 0 means
	// DefaultMaxCOMSize for Auto and no limit for an explicit Kind;
	// negative means no limit.
	MaxCOMSize int
}

// COMSizeError reports a .COM larger than BuildOptions.MaxCOMSize.
type COMSizeError struct {
	Kind        EngineKind
	Size, Limit int
}

func (e *COMSizeError) Error() string {
	return fmt.Sprintf("z80ref: the %s engine's .COM is %d bytes, over the limit of %d", e.Kind, e.Size, e.Limit)
}

// Region is one part of the memory map: [Start, Start+Size).
type Region struct {
	Name  string
	Start int // an address; a predicted map that does not fit may pass FFFFh
	Size  int
	// InCOM reports whether the region is part of the .COM file (code and
	// data) rather than memory the program uses at run time.
	InCOM bool
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
		if r.InCOM {
			where = ".COM"
		}
		fmt.Fprintf(&b, "%04Xh-%04Xh %6d bytes  %-8s %s\n", r.Start, r.End()-1, r.Size, where, r.Name)
	}
	return b.String()
}

// TPAError reports a program that does not fit the TPA of a 64 KB CP/M 2.2
// system: its image, buffers and stack would reach End but must stay below
// Limit (TPAEnd).
type TPAError struct {
	Kind       EngineKind
	End, Limit int
	Map        MemoryMap
}

func (e *TPAError) Error() string {
	return fmt.Sprintf("z80ref: the %s program needs %04Xh-%04Xh (%d bytes with buffers and stack) "+
		"but the CP/M TPA ends at %04Xh: %d bytes too many\n%s",
		e.Kind, TPAStart, e.End-1, e.End-TPAStart, e.Limit-1, e.End-e.Limit, e.Map)
}

// Image is a built CP/M program for one model.
type Image struct {
	Kind EngineKind
	// Reason says why Build chose Kind.
	Reason string
	// COM is the .COM file: the bytes to load at 0100h.
	COM []byte
	// Symbols holds every label and equ of the program.
	Symbols map[string]uint16
	// Map is the memory map: code, tables, weights, buffers, stack.
	Map MemoryMap

	model   *infer.Model
	sources []asm.Source
	prog    *asm.Program
}

// Build generates the data part for m, assembles it with the engine and
// the chat UI, and checks that the program fits the TPA and the .COM the
// size limit. A program that does not fit the TPA returns a *TPAError, a
// .COM over the limit a *COMSizeError (and no image). With Kind Auto,
// Build tries the engines fastest first and returns the first that fits,
// or the compact engine's error when none does; Image.Reason says why.
func Build(m *infer.Model, opt BuildOptions) (*Image, error) {
	limit := opt.MaxCOMSize
	if opt.Kind != Auto {
		if limit == 0 {
			limit = -1
		}
		im, err := buildKind(m, opt.Kind, limit)
		if err != nil {
			return nil, err
		}
		im.Reason = fmt.Sprintf("%s engine selected explicitly (%s .COM)", im.Kind, byteCount(len(im.COM)))
		return im, nil
	}
	if limit == 0 {
		limit = DefaultMaxCOMSize
	}
	var why []string
	var err error
	for _, k := range autoOrder {
		var im *Image
		im, err = buildKind(m, k, limit)
		if err == nil {
			lim := "no size limit"
			if limit > 0 {
				lim = "the limit is " + byteCount(limit)
			}
			im.Reason = fmt.Sprintf("%s engine: the fastest whose .COM fits (%s; %s)", k, byteCount(len(im.COM)), lim)
			if len(why) > 0 {
				im.Reason += "; " + strings.Join(why, "; ")
			}
			return im, nil
		}
		why = append(why, fmt.Sprintf("not %s: %s", k, shortReason(err)))
	}
	return nil, err
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
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s + " bytes"
}

// buildKind builds m's image for engine kind k; limit < 0 means no .COM
// size limit.
func buildKind(m *infer.Model, k EngineKind, limit int) (*Image, error) {
	if engines[k] == nil {
		return nil, fmt.Errorf("z80ref: unknown engine kind %d", int(k))
	}
	mm, err := predictMap(m, k)
	if err != nil {
		return nil, err
	}
	com := 0
	for _, r := range mm {
		if r.InCOM {
			com += r.Size
		}
	}
	if limit >= 0 && com > limit {
		return nil, &COMSizeError{Kind: k, Size: com, Limit: limit}
	}
	if end := mm[len(mm)-1].End(); end > TPAEnd {
		return nil, &TPAError{Kind: k, End: end, Limit: TPAEnd, Map: mm}
	}
	im, err := assemble(m, k)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(im.Map, mm) {
		return nil, fmt.Errorf("z80ref: the %s image's memory map\n%sdiffers from the predicted one\n%s", k, im.Map, mm)
	}
	if end := int(im.Symbols["BUFEND"]); end > TPAEnd {
		return nil, &TPAError{Kind: k, End: end, Limit: TPAEnd, Map: im.Map}
	}
	return im, nil
}

// assemble generates and assembles m's program for engine kind k and
// derives its memory map; it does not check the TPA limit.
func assemble(m *infer.Model, k EngineKind) (*Image, error) {
	spec := engines[k]
	srcs, err := spec.sources(m)
	if err != nil {
		return nil, err
	}
	srcs = append([]asm.Source{{Name: "chat.asm", Text: chatAsm}}, srcs...)
	prog, err := asm.Assemble(srcs...)
	if err != nil {
		return nil, fmt.Errorf("z80ref: assembling the %s engine: %w", spec.name, err)
	}
	if prog.Org != TPAStart {
		return nil, fmt.Errorf("z80ref: program origin %04Xh, want %04Xh", prog.Org, TPAStart)
	}
	im := &Image{
		Kind:    k,
		COM:     prog.Bytes,
		Symbols: make(map[string]uint16, len(prog.Symbols)),
		model:   m,
		sources: srcs,
		prog:    prog,
	}
	for k, v := range prog.Symbols {
		im.Symbols[k] = uint16(v)
	}
	for _, name := range requiredSymbols {
		if _, ok := im.Symbols[name]; !ok {
			return nil, fmt.Errorf("z80ref: the %s engine does not define %s", spec.name, name)
		}
	}
	if end := TPAStart + len(im.COM); end != int(im.Symbols["ENDIMG"]) {
		return nil, fmt.Errorf("z80ref: image ends at %04Xh but ENDIMG is %04Xh", end, im.Symbols["ENDIMG"])
	}
	if int(im.Symbols["BUFEND"]) < TPAStart+len(im.COM) {
		return nil, fmt.Errorf("z80ref: BUFEND %04Xh lies inside the image", im.Symbols["BUFEND"])
	}
	im.Map = im.memoryMap()
	return im, nil
}

// requiredSymbols are the labels every engine kind defines: the entry
// points and hooks the driver and the chat UI use, and the layout labels
// of the memory map.
var requiredSymbols = []string{
	"START", "INIT", "GENERATE", "ENCQ", "ENCCTX", "BEGIN", "STEP", "LAYER", "ARGMAX",
	"GENQ", "STEPX", "STEPL", "STEPA", "PUSHW",
	"XV", "WIN", "CONBUF", "STACK", "STKBOT",
	"DATA", "WEIGHTS", "ENDIMG", "BUFS", "BUFEND",
}

// memoryMap derives the regions from the layout labels.
func (im *Image) memoryMap() MemoryMap {
	s := im.Symbols
	spec := engines[im.Kind]
	span := func(name string, a, b uint16, inCOM bool) Region {
		return Region{Name: name, Start: int(a), Size: int(b) - int(a), InCOM: inCOM}
	}
	mm := MemoryMap{
		span(regionNames[0], TPAStart, s["DATA"], true),
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

// Source returns the whole program as one assembler file: the chat UI, the
// engine, the generated data and the buffer layout. pasmo (pasmo --bin)
// assembles it to COM.
func (im *Image) Source() string {
	var b strings.Builder
	fmt.Fprintf(&b, "; CHAT.COM for a mulm model %s, %s engine, generated by mulm/z80ref.\n", joinInts(im.model.Sizes(), "->"), im.Kind)
	b.WriteString("; Assemble with: pasmo --bin chat.asm CHAT.COM\n\n")
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
