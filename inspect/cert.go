package inspect

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-cmp/cmp"

	"mulm/infer"
	"mulm/internal/atomicfile"
	"mulm/quant"
	"mulm/trigram"
	"mulm/z80ref"
)

// Verdicts of a layer.
const (
	// VerdictSafe: the symbolic bounds prove that no query of any length the
	// encoder takes wraps an accumulator of this layer.
	VerdictSafe = "proved safe"
	// VerdictWraps: the search found a query that wraps an accumulator.
	VerdictWraps = "wrapping query found"
	// VerdictUnknown: neither; the gap is between the bound and the worst found.
	VerdictUnknown = "unknown"
)

// LayerVerdict is the certificate's finding for one layer.
type LayerVerdict struct {
	Verdict string
	// Bound is the symbolic bound over every query (the layer's lowest and
	// highest accumulator bounds).
	Bound quant.Range
	// ProvedUpTo is the longest query, in bytes, for which every
	// accumulator of this layer is proved to stay in the int16 range,
	// whatever earlier layers do (−1: not even for the empty query).
	ProvedUpTo int
	// Worst is the worst accumulator the search found.
	Worst Worst
	// Shortest, for a wrapping layer, is the shortest prefix of the
	// worst query that still wraps one of its accumulators.
	Shortest string `json:",omitempty"`
}

// Certificate is the overflow verdict of a model: per layer, proved safe,
// a wrapping query, or the gap between bound and search.
type Certificate struct {
	// Model is the SHA-256 of the model's .mulm encoding, so that a stored
	// certificate is never shown for another model.
	Model  string
	Layers []LayerVerdict
	// Evals is how many queries the search evaluated.
	Evals int
	// Bisected is set when ProvedUpTo was searched for (CertifyOptions.Bisect);
	// otherwise only the full query length was tried.
	Bisected bool `json:",omitempty"`
	// Z80Engines names the Z80 engines (z80ref.Engines that hold the
	// model) on which the first wrapping query was run and gave the same
	// trace as Go: every input, every layer's outputs, every character.
	Z80Engines []string `json:",omitempty"`
}

// CertifyOptions steer Certify. The zero value is usable.
type CertifyOptions struct {
	Search SearchOptions
	// Bisect finds, per layer, the longest query length the bounds prove
	// safe (about eight bound computations instead of one).
	Bisect bool
	// Z80 runs the first wrapping query on the emulated Z80 and checks its
	// trace against Go's.
	Z80 bool
}

// ModelHash returns the hex SHA-256 of m's .mulm encoding.
func ModelHash(m *infer.Model) (string, error) {
	b, err := m.MarshalBinary()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// ErrZ80Disagrees is returned by Certify when the Z80 and Go traces of a
// wrapping query differ: the parity promise would be broken.
var ErrZ80Disagrees = errors.New("inspect: the Z80 and Go disagree on a wrapping query")

// Certify bounds every accumulator of m symbolically (quant.AnalyzeSymbolic
// over every query and every context window the charset can form) and
// searches for wrapping queries (SearchWrap), and combines the two into a
// verdict per layer.
func Certify(m *infer.Model, opt CertifyOptions) (*Certificate, error) {
	hash, err := ModelHash(m)
	if err != nil {
		return nil, err
	}
	layers := m.Layers()
	cs := m.Charset()
	full := quant.AnalyzeSymbolic(layers, quant.ModelDomain(cs, trigram.MaxQueryLen))
	c := &Certificate{Model: hash, Layers: make([]LayerVerdict, len(layers)), Bisected: opt.Bisect}
	// proved[li]: the longest query length proved for layer li.
	proved := make([]int, len(layers))
	for li := range proved {
		proved[li] = -1
	}
	// A layer's bounds hold whatever earlier layers do (a neuron that may
	// wrap passes on anything it could output), so each layer is proved
	// on its own.
	record := func(n int, rep quant.OverflowReport) {
		for li := range rep.Layers {
			if len(rep.Layers[li].Wrapping) == 0 {
				proved[li] = max(proved[li], n)
			}
		}
	}
	record(trigram.MaxQueryLen, full)
	if opt.Bisect {
		for li := range proved {
			if proved[li] == trigram.MaxQueryLen {
				continue
			}
			// Binary search for a long length proved for layer li (its
			// bounds depend only on layers 0..li).
			lo, hi := proved[li], trigram.MaxQueryLen
			for lo+1 < hi {
				mid := (lo + hi) / 2
				record(mid, quant.AnalyzeSymbolic(layers[:li+1], quant.ModelDomain(cs, mid)))
				if proved[li] >= mid {
					lo = mid
				} else {
					hi = mid
				}
			}
		}
	}
	ws := SearchWrap(m, opt.Search)
	c.Evals = ws.Evals
	for li := range layers {
		lr := full.Layers[li]
		v := LayerVerdict{Bound: quant.Range{Min: lr.Min, Max: lr.Max, CanWrap: len(lr.Wrapping) > 0},
			ProvedUpTo: proved[li], Worst: ws.Layers[li]}
		switch {
		case proved[li] == trigram.MaxQueryLen:
			v.Verdict = VerdictSafe
		case ws.Layers[li].Wraps():
			v.Verdict = VerdictWraps
			v.Shortest = ShortestWrap(m, li, ws.Layers[li].Query)
		default:
			v.Verdict = VerdictUnknown
		}
		c.Layers[li] = v
	}
	if first := ws.Wrapping(); opt.Z80 && first >= 0 {
		if err := c.checkZ80(m, ws.Layers[first].Query); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (c *Certificate) checkZ80(m *infer.Model, q string) error {
	want := m.Trace(q)
	for _, k := range z80ref.Engines() {
		e, err := z80ref.NewEngine(m, k)
		if errors.Is(err, z80ref.ErrDoesNotFit) {
			continue // this engine cannot hold the model
		}
		if err != nil {
			return fmt.Errorf("inspect: Z80 check, %s engine: %w", k, err)
		}
		got, _, err := e.Trace(q)
		if err != nil {
			return fmt.Errorf("inspect: Z80 check, %s engine: %w", k, err)
		}
		if d := cmp.Diff(want, got); d != "" {
			return fmt.Errorf("%w: %s engine, query %q (-Go +Z80):\n%s", ErrZ80Disagrees, k, q, d)
		}
		c.Z80Engines = append(c.Z80Engines, k.String())
	}
	if len(c.Z80Engines) == 0 {
		return errors.New("inspect: Z80 check: no Z80 engine holds the model")
	}
	return nil
}

// ShortestWrap returns a short prefix of q that wraps an accumulator of
// layer li, found by bisection on the length: q must wrap, and the prefix
// returned always does (the bisection keeps a wrapping end); it is the
// shortest when wrapping grows with the length, as for a repeated
// character.
func ShortestWrap(m *infer.Model, li int, q string) string {
	wraps := func(n int) bool { return Evaluate(m, q[:n])[li].Wraps() }
	lo, hi := 0, len(q) // q[:lo] may not wrap, q[:hi] wraps
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if wraps(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return q[:hi]
}

// WriteText prints the certificate, one line per layer.
func (c *Certificate) WriteText(w io.Writer) error {
	for li, v := range c.Layers {
		var line string
		switch v.Verdict {
		case VerdictSafe:
			line = fmt.Sprintf("proved safe: every accumulator in [%d, %d]", v.Bound.Min, v.Bound.Max)
		case VerdictWraps:
			line = fmt.Sprintf("wrapping query found: neuron %d reaches %d at step %d of %s",
				v.Worst.Neuron, v.Worst.Acc, v.Worst.Step, Abbrev(v.Worst.Query))
			if v.Shortest != "" && len(v.Shortest) < len(v.Worst.Query) {
				line += fmt.Sprintf("; its first %d bytes wrap too", len(v.Shortest))
			}
		default:
			line = fmt.Sprintf("unknown: bound [%d, %d], worst found %d (neuron %d, %s)",
				v.Bound.Min, v.Bound.Max, v.Worst.Acc, v.Worst.Neuron, Abbrev(v.Worst.Query))
		}
		if v.Verdict != VerdictSafe && c.Bisected {
			if v.ProvedUpTo >= 0 {
				line += fmt.Sprintf("; proved safe for queries up to %d bytes", v.ProvedUpTo)
			} else {
				line += "; not proved even for the empty query"
			}
		}
		if _, err := fmt.Fprintf(w, "layer %d: %s\n", li+1, line); err != nil {
			return err
		}
	}
	var extra string
	if len(c.Z80Engines) > 0 {
		extra = fmt.Sprintf("; the first wrapping query gives the same trace on the Z80 (%s engines) as in Go", strings.Join(c.Z80Engines, ", "))
	}
	_, err := fmt.Fprintf(w, "(%d queries searched%s)\n", c.Evals, extra)
	return err
}

// Abbrev quotes a query, shortening a long run of one repeated pattern.
func Abbrev(q string) string {
	for p := 1; p <= 4 && p < len(q); p++ {
		if len(q) >= 3*p && strings.Repeat(q[:p], len(q)/p+1)[:len(q)] == q {
			return fmt.Sprintf("%q×%d (%d bytes)", q[:p], len(q)/p, len(q))
		}
	}
	if len(q) > 40 {
		return fmt.Sprintf("%q… (%d bytes)", q[:40], len(q))
	}
	return fmt.Sprintf("%q", q)
}

// SidecarPath is where the certificate of the model file path is stored.
func SidecarPath(model string) string { return model + ".cert.json" }

// ErrCertificate is wrapped by every error ReadCertificate returns for a
// malformed certificate.
var ErrCertificate = errors.New("malformed certificate")

// WriteFile stores c as JSON at path, all at once or not at all
// (atomicfile.Write): a failed write never leaves a truncated certificate.
func (c *Certificate) WriteFile(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ParseCertificate decodes a certificate and checks that it is complete and
// consistent for m.
func ParseCertificate(b []byte, m *infer.Model) (*Certificate, error) {
	var c Certificate
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCertificate, err)
	}
	hash, err := ModelHash(m)
	if err != nil {
		return nil, err
	}
	if c.Model != hash {
		return nil, fmt.Errorf("%w: made for model %.12s…, not this one (%.12s…)", ErrCertificate, c.Model, hash)
	}
	if len(c.Layers) != m.NumLayers() {
		return nil, fmt.Errorf("%w: %d layers, the model has %d", ErrCertificate, len(c.Layers), m.NumLayers())
	}
	for i, v := range c.Layers {
		switch {
		case v.Verdict != VerdictSafe && v.Verdict != VerdictWraps && v.Verdict != VerdictUnknown:
			return nil, fmt.Errorf("%w: layer %d: verdict %q", ErrCertificate, i+1, v.Verdict)
		case v.ProvedUpTo < -1 || v.ProvedUpTo > trigram.MaxQueryLen:
			return nil, fmt.Errorf("%w: layer %d: ProvedUpTo %d, want -1..%d", ErrCertificate, i+1, v.ProvedUpTo, trigram.MaxQueryLen)
		case (v.Verdict == VerdictSafe) != (v.ProvedUpTo == trigram.MaxQueryLen):
			return nil, fmt.Errorf("%w: layer %d: verdict %q with ProvedUpTo %d", ErrCertificate, i+1, v.Verdict, v.ProvedUpTo)
		case v.Verdict == VerdictWraps && !Wraps(v.Worst.Acc):
			return nil, fmt.Errorf("%w: layer %d: wrapping query with accumulator %d", ErrCertificate, i+1, v.Worst.Acc)
		case v.Worst.Neuron < 0 || v.Worst.Neuron >= m.Layer(i).Out:
			return nil, fmt.Errorf("%w: layer %d: neuron %d", ErrCertificate, i+1, v.Worst.Neuron)
		}
		if v.Verdict == VerdictWraps { // cheap to re-check: two replies
			if got := Evaluate(m, v.Worst.Query)[i]; got.Acc != v.Worst.Acc {
				return nil, fmt.Errorf("%w: layer %d: the wrapping query gives accumulator %d, not %d", ErrCertificate, i+1, got.Acc, v.Worst.Acc)
			}
			if v.Shortest != "" && !Evaluate(m, v.Shortest)[i].Wraps() {
				return nil, fmt.Errorf("%w: layer %d: the shortest wrapping query does not wrap", ErrCertificate, i+1)
			}
		}
	}
	return &c, nil
}

// ReadCertificate reads the certificate stored at path for m.
func ReadCertificate(path string, m *infer.Model) (*Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := ParseCertificate(b, m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
