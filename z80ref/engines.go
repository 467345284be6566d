package z80ref

import (
	"errors"
	"fmt"
	"slices"

	"mulm/infer"
	"mulm/z80ref/asm"
)

// EngineKind selects an engine: the Z80 code and the data layout it reads.
type EngineKind int

const (
	// Auto lets Build choose: the fastest engine (the first of Engines)
	// that holds the model on the platform, whose file fits the size
	// limit (BuildOptions.MaxFileSize) and whose start-up is within the
	// budget (BuildOptions.MaxStartup, which says when a faster engine
	// past it is taken all the same).
	Auto EngineKind = iota
	// Compact is the packed-weight engine: column-major 2-bit weights,
	// input-stationary loops that skip zero inputs (engine.asm).
	Compact
	// Fast carries the same packed weights but expands them at start-up,
	// in place, into per-input lists of output indices, and walks only the
	// non-zero inputs and weights with SP-driven unrolled loops (fast.asm).
	Fast
	// Dense walks the packed weights themselves, a byte (four weights) at
	// a time through 256 handlers written at start-up, and so runs a model
	// of any density; it shares the fast engine's activation lists and
	// FINISH (lists.asm, dense.asm).
	Dense
)

// engines is the registry of the Z80 engines, fastest first: the order in
// which Build's Auto tries them. A new engine is one entry here (and its
// sources); every test, "mulm bench", "mulm build" and the examples
// iterate this list through Engines.
var engines = []*engineSpec{
	{kind: Fast, name: "fast", sources: fastSources, input: fastInput, layerOut: fastLayerOut,
		layer: fastLayer, layout: fastLayout, weightsName: "weights (index-list blocks, then packed columns expanded at start-up)",
		gapName:   "room for the expanded index lists (they grow down from BUFS over the packed columns)",
		slowStart: fastExpands},
	{kind: Dense, name: "dense", sources: denseSources, input: fastInput, layerOut: fastLayerOut,
		layer: fastLayer, layout: denseLayout, weightsName: "weights (packed 2-bit, walked as they are)",
		gapName: "(alignment)"},
	{kind: Compact, name: "compact", sources: compactSources, input: xvInput, layerOut: compactLayerOut,
		layer: compactLayer, layout: compactLayout, weightsName: "weights (packed 2-bit)", gapName: "(alignment)",
		lastResort: true},
}

// Engines returns every Z80 engine, fastest first: the order in which
// Build's Auto tries them.
func Engines() []EngineKind {
	ks := make([]EngineKind, len(engines))
	for i, s := range engines {
		ks[i] = s.kind
	}
	return ks
}

// spec returns k's spec, nil for Auto or an unknown kind.
func (k EngineKind) spec() *engineSpec {
	for _, s := range engines {
		if s.kind == k {
			return s
		}
	}
	return nil
}

func (k EngineKind) String() string {
	if k == Auto {
		return "auto"
	}
	if s := k.spec(); s != nil {
		return s.name
	}
	return fmt.Sprintf("EngineKind(%d)", int(k))
}

// ParseEngineKind returns the kind named s: "auto" or the String of one of
// Engines ("fast", "dense", "compact").
func ParseEngineKind(s string) (EngineKind, error) {
	names := []string{Auto.String()}
	for _, k := range append([]EngineKind{Auto}, Engines()...) {
		if k.String() == s {
			return k, nil
		}
		if k != Auto {
			names = append(names, k.String())
		}
	}
	return Auto, fmt.Errorf("z80ref: unknown engine %q (want %s)", s, orList(names))
}

// ErrDoesNotFit is matched (errors.Is) by every error saying that an
// engine cannot hold a model on a platform: *ModelError and *MemoryError.
var ErrDoesNotFit = errors.New("z80ref: the engine cannot hold the model on the platform")

// Fits is k's capacity rule: it returns nil when engine k can hold model m
// on platform p, else why not — a *ModelError (m breaks one of the
// engine's limits) or a *MemoryError (the image, buffers and stack would
// pass the platform's memory end), both matching ErrDoesNotFit — or
// another error (Auto or an unknown kind or platform). It predicts the
// memory map without assembling m. A file size limit is not part of it:
// Build checks BuildOptions.MaxFileSize.
func (k EngineKind) Fits(m *infer.Model, p Platform) error {
	_, err := k.fit(m, p, 0)
	return err
}

// fit is Fits returning the predicted memory map as well, for a file size
// limit of fileMax bytes (0 or less: the platform's default).
func (k EngineKind) fit(m *infer.Model, p Platform, fileMax int) (MemoryMap, error) {
	if m.NumLayers() == 0 {
		return nil, infer.ErrEmpty
	}
	if k.spec() == nil {
		return nil, fmt.Errorf("z80ref: %v is not an engine (want one of Engines)", k)
	}
	ps := p.spec()
	if ps == nil {
		return nil, fmt.Errorf("z80ref: %v is not a platform (want one of Platforms)", p)
	}
	mm, err := predictMap(m, k, ps, ps.origin, fileMax)
	if err != nil {
		return nil, err
	}
	end := func(mm MemoryMap) int { return mm[len(mm)-1].End() }
	if ps.movable {
		// The origin (see platformSpec.movable): first the lowest end, over
		// the page-alignment gaps of 256 origins; then, when that fits,
		// the highest origin at which the program still fits (the end
		// never falls as the origin rises, so a binary search finds it),
		// as long as the engine lays the model out the same there: an
		// engine that spends the memory it is given on speed (dense) is
		// not moved to where it would get less.
		for org := ps.origin + 1; org < ps.origin+256; org++ {
			pm, err := predictMap(m, k, ps, org, fileMax)
			if err != nil {
				return nil, err
			}
			if end(pm) < end(mm) {
				mm = pm
			}
		}
		sizes := func(mm MemoryMap) (s []Region) {
			for _, r := range mm {
				if r.Name != k.spec().gapName {
					s = append(s, Region{Name: r.Name, Size: r.Size})
				}
			}
			return s
		}
		same := func(a, b MemoryMap) bool { return slices.Equal(sizes(a), sizes(b)) }
		low := mm
		for lo, hi := mm[0].Start, ps.memEnd; end(mm) <= ps.memEnd && hi-lo > 1; {
			// mm (at lo) fits; every origin at or above hi does not.
			org := (lo + hi) / 2
			pm, err := predictMap(m, k, ps, org, fileMax)
			if err != nil {
				return nil, err
			}
			if end(pm) <= ps.memEnd && same(pm, low) {
				lo, mm = org, pm
			} else {
				hi = org
			}
		}
	}
	if end(mm) > ps.memEnd {
		return mm, &MemoryError{Kind: k, Platform: p, End: end(mm), Limit: ps.memEnd, Map: mm}
	}
	return mm, nil
}

// ModelError reports a model an engine cannot run for a reason other than
// its size in memory: one of the engine's limits. It matches ErrDoesNotFit.
type ModelError struct {
	Kind EngineKind
	Msg  string
}

func (e *ModelError) Error() string { return "z80ref: " + e.Msg }

// Is reports whether target is ErrDoesNotFit.
func (e *ModelError) Is(target error) bool { return target == ErrDoesNotFit }

// MemoryError reports a program that does not fit the platform's memory:
// its image, buffers and stack would reach End but must stay below the
// platform's MemoryEnd. It matches ErrDoesNotFit.
type MemoryError struct {
	Kind       EngineKind
	Platform   Platform
	End, Limit int
	Map        MemoryMap
}

func (e *MemoryError) Error() string {
	ps := e.Platform.spec()
	return fmt.Sprintf("z80ref: the %s program needs %04Xh-%04Xh (%d bytes with buffers and stack) "+
		"but %s ends at %04Xh: %d bytes too many\n%s",
		e.Kind, e.Map[0].Start, e.End-1, e.End-e.Map[0].Start, ps.memName, e.Limit-1, e.End-e.Limit, e.Map)
}

// Is reports whether target is ErrDoesNotFit.
func (e *MemoryError) Is(target error) bool { return target == ErrDoesNotFit }

// FileSizeError reports a program file larger than BuildOptions.MaxFileSize.
type FileSizeError struct {
	Kind        EngineKind
	Platform    Platform
	Size, Limit int
}

func (e *FileSizeError) Error() string {
	return fmt.Sprintf("z80ref: the %s engine's %s is %s, over the limit of %s",
		e.Kind, e.Platform.FileExt(), byteCount(e.Size), byteCount(e.Limit))
}

// engineSpec is everything that differs between engine kinds. A new kind
// adds a spec to engines: its sources (engine code, generated data, buffer
// layout), in the order they follow the platform's user interface,
// readers for the input vector at the STEPX hook and the layer outputs at
// the STEPL hook, and the sizes its memory map needs.
type engineSpec struct {
	kind EngineKind
	name string
	// sources returns the engine's sources for model m: code, data and
	// buffer layout, in assembly order after the user interface.
	sources func(m *infer.Model, t target) ([]asm.Source, error)
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
	layer func(m machine, im *Image, li int, x []int16) ([]int16, uint64, error)
	// layout returns the exact sizes the memory map of m's image needs,
	// so that Build can predict it before assembling; it fails with a
	// *ModelError when the engine cannot run m.
	layout func(m *infer.Model, t target) (layout, error)
	// weightsName and gapName name the weights region and the run-time
	// region between ENDIMG and BUFS.
	weightsName, gapName string
	// slowStart, when not nil, reports whether im's start-up may pass
	// Auto's budget (BuildOptions.MaxStartup), so that Build runs INIT to
	// see; nil: it never does (the dense engine writing its handlers,
	// the compact one copying its walks).
	slowStart func(im *Image) bool
	// lastResort marks an engine several times slower a character than
	// those before it (compact: about 1.3 M T-states a character against
	// 0.3–0.6 M), which Auto never takes in place of a faster engine it set
	// aside for its start-up alone.
	lastResort bool
}

// fastExpands reports whether the fast image im carries packed columns,
// which INIT expands into LISTBOT..LISTTOP: its start-up grows with them.
func fastExpands(im *Image) bool { return im.Symbols["LISTBOT"] != im.Symbols["LISTTOP"] }
