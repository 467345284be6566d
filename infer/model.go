package infer

import (
	"errors"
	"fmt"
	"sync"

	"mulm/quant"
	"mulm/trigram"
)

// Limits of the contract.
const (
	// MaxCharset is the largest charset, EOS included.
	MaxCharset = 255
	// DefaultMaxLen is the generation limit of the original models.
	DefaultMaxLen = 50
	// MaxMaxLen is the largest generation limit a model may set; the Z80
	// engines count generated characters in one byte.
	MaxMaxLen = 255
)

// Model is a quantized mulm model ready to answer. It is immutable after
// New and safe for concurrent use by any number of goroutines.
//
// The zero Model, and a nil *Model, is the empty model: no layers, no
// charset, every reply empty (Reply returns "", Chars yields nothing,
// Sizes is nil, EOS is −1). It cannot be written: MarshalBinary and
// WriteTo return ErrEmpty. Build a real one with New, Load or ReadFile.
type Model struct {
	charset []byte
	layers  []quant.Layer
	maxLen  int
	fast    []fastLayer
	pool    sync.Pool // of *state, scratch for the fast path
	// simd is the model laid out for the SIMD engine (nil in builds
	// without it); simdKernel is the one this CPU runs best (nil: none).
	simd       *simdNet
	simdKernel *kernel
	simdPool   sync.Pool // of *simdState
}

// New validates and builds a model. charset lists the output characters in
// index order; its last entry stands for EOS (its byte value is never
// printed). layers are the model's layers in order; the first takes
// trigram.InputSize inputs, each next one takes the previous one's outputs
// and the last has one output per charset entry. maxLen (1..MaxMaxLen) is
// the most characters a reply may have. New copies its arguments.
func New(charset []byte, layers []quant.Layer, maxLen int) (*Model, error) {
	if err := validate(charset, layers, maxLen); err != nil {
		return nil, err
	}
	m := &Model{
		charset: append([]byte(nil), charset...),
		maxLen:  maxLen,
	}
	for _, l := range layers {
		m.layers = append(m.layers, l.Clone())
	}
	m.fast = buildFast(m.layers)
	m.pool.New = func() any { return new(state) }
	if k := bestKernel(); k != nil {
		m.simd, m.simdKernel = buildSIMD(m), k
		m.simdPool.New = func() any { return new(simdState) }
	}
	return m, nil
}

func validate(charset []byte, layers []quant.Layer, maxLen int) error {
	if len(charset) < 2 || len(charset) > MaxCharset {
		return fmt.Errorf("infer: charset has %d entries, want 2..%d (EOS included)", len(charset), MaxCharset)
	}
	if maxLen < 1 || maxLen > MaxMaxLen {
		return fmt.Errorf("infer: generation limit %d, want 1..%d", maxLen, MaxMaxLen)
	}
	if len(layers) == 0 {
		return errors.New("infer: model has no layers")
	}
	in := trigram.InputSize
	for i := range layers {
		l := &layers[i]
		if err := l.Validate(); err != nil {
			return fmt.Errorf("infer: layer %d: %w", i+1, err)
		}
		if l.In != in {
			return fmt.Errorf("infer: layer %d has %d inputs, want %d", i+1, l.In, in)
		}
		in = l.Out
	}
	if in != len(charset) {
		return fmt.Errorf("infer: last layer has %d outputs but the charset has %d entries", in, len(charset))
	}
	return nil
}

// ErrEmpty is returned when the empty model (the zero Model or a nil
// *Model) is written.
var ErrEmpty = errors.New("infer: the model is empty (the zero Model): build one with New, Load or ReadFile")

// empty reports whether m is the empty model.
func (m *Model) empty() bool { return m == nil || len(m.layers) == 0 }

// Charset returns a copy of the output characters; the last is EOS.
func (m *Model) Charset() []byte {
	if m.empty() {
		return nil
	}
	return append([]byte(nil), m.charset...)
}

// EOS is the index of the end-of-sequence entry (the last one).
func (m *Model) EOS() int {
	if m.empty() {
		return -1
	}
	return len(m.charset) - 1
}

// MaxLen is the most characters one reply may have.
func (m *Model) MaxLen() int {
	if m.empty() {
		return 0
	}
	return m.maxLen
}

// NumLayers is the number of layers.
func (m *Model) NumLayers() int {
	if m.empty() {
		return 0
	}
	return len(m.layers)
}

// Layer returns a deep copy of layer i (0-based); like a slice index it
// panics unless 0 ≤ i < NumLayers().
func (m *Model) Layer(i int) quant.Layer { return m.layers[i].Clone() }

// Layers returns deep copies of all layers.
func (m *Model) Layers() []quant.Layer {
	if m.empty() {
		return nil
	}
	out := make([]quant.Layer, len(m.layers))
	for i := range m.layers {
		out[i] = m.layers[i].Clone()
	}
	return out
}

// Sizes returns the widths: the input size followed by every layer's output
// size, e.g. [256 256 192 128 40].
func (m *Model) Sizes() []int {
	if m.empty() {
		return nil
	}
	s := []int{m.layers[0].In}
	for _, l := range m.layers {
		s = append(s, l.Out)
	}
	return s
}
