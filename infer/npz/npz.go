package npz

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"mulm/infer"
	"mulm/internal/excerpt"
	"mulm/quant"
	"mulm/trigram"
)

// maxMember bounds the uncompressed size of one array in the archive.
const maxMember = 8 << 20

// ErrFormat is wrapped by every error Read and ReadFile return for a file
// that is not a valid .npz model (as infer.ErrFormat is for .mulm files).
// ReadFile returns the error of reading the file as it is (it reads the
// whole file first, so everything after that is the archive's fault);
// Read cannot tell a failing r from a damaged archive and wraps both.
var ErrFormat = errors.New("malformed .npz model")

// ReadFile imports the .npz model at path. Errors name the file.
func ReadFile(path string) (*infer.Model, error) { return ReadFileWarn(path, nil) }

// ReadFileWarn is ReadFile that calls warn (when not nil) for every member
// of the archive it ignores.
func ReadFileWarn(path string, warn func(string)) (*infer.Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := ReadWarn(bytes.NewReader(b), int64(len(b)), warn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// architecture is the original's _architecture JSON.
type architecture struct {
	InputSize   int   `json:"input_size"`
	HiddenSizes []int `json:"hidden_sizes"`
	NumClasses  int   `json:"num_classes"`
}

// Read imports an .npz model from r, which holds size bytes. Members the
// model does not use are ignored.
func Read(r io.ReaderAt, size int64) (*infer.Model, error) { return ReadWarn(r, size, nil) }

// ReadWarn is Read that calls warn (when not nil) for every member of the
// archive it ignores, e.g. `ignored member "notes.txt" (not part of the
// model)`.
func ReadWarn(r io.ReaderAt, size int64, warn func(string)) (*infer.Model, error) {
	m, err := read(r, size, warn)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFormat, err)
	}
	return m, nil
}

func read(r io.ReaderAt, size int64, warn func(string)) (*infer.Model, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a zip archive: %w", err)
	}
	members := map[string]*zip.File{}
	var order []string
	for _, f := range zr.File {
		if _, dup := members[f.Name]; dup {
			return nil, fmt.Errorf("member %s appears twice", excerpt.Quote(f.Name))
		}
		members[f.Name] = f
		order = append(order, f.Name)
	}
	used := map[string]bool{}
	get := func(name string) (*array, error) {
		f := members[name+".npy"]
		if f == nil {
			return nil, nil
		}
		used[f.Name] = true
		if f.UncompressedSize64 > maxMember {
			return nil, fmt.Errorf("%s: %d bytes is too large", f.Name, f.UncompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxMember+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		a, err := parseNPY(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		return a, nil
	}
	m, err := build(get, func(name string) bool { return members[name+".npy"] != nil })
	if err != nil {
		return nil, err
	}
	if warn != nil {
		for _, name := range order {
			if !used[name] {
				warn(fmt.Sprintf("ignored member %s (not part of the model)", excerpt.Quote(name)))
			}
		}
	}
	return m, nil
}

func build(get func(name string) (*array, error), has func(name string) bool) (*infer.Model, error) {
	archA, err := get("_architecture")
	if err != nil {
		return nil, err
	}
	csA, err := get("_charset")
	if err != nil {
		return nil, err
	}
	if archA == nil || !archA.isStr {
		return nil, fmt.Errorf("missing _architecture byte string")
	}
	if csA == nil || !csA.isStr {
		return nil, fmt.Errorf("missing _charset byte string")
	}
	var arch architecture
	if err := json.Unmarshal(archA.str, &arch); err != nil {
		return nil, fmt.Errorf("_architecture: %w", err)
	}
	if arch.InputSize != trigram.InputSize {
		return nil, fmt.Errorf("_architecture: input_size %d, want %d", arch.InputSize, trigram.InputSize)
	}
	charset := csA.str
	if len(charset) == arch.NumClasses-1 {
		charset = append(charset, 0) // NumPy dropped the trailing EOS NUL
	}
	if len(charset) != arch.NumClasses {
		return nil, fmt.Errorf("_charset has %d entries but num_classes is %d", len(charset), arch.NumClasses)
	}
	sizes := append(append([]int{arch.InputSize}, arch.HiddenSizes...), arch.NumClasses)
	var layers []quant.Layer
	for k := 1; k < len(sizes); k++ {
		in, out := sizes[k-1], sizes[k]
		wn, bn := "fc"+strconv.Itoa(k)+"_weight", "fc"+strconv.Itoa(k)+"_bias"
		w, err := get(wn)
		if err != nil {
			return nil, err
		}
		b, err := get(bn)
		if err != nil {
			return nil, err
		}
		if w == nil || b == nil {
			return nil, fmt.Errorf("missing %s or %s for layer %d of %v", wn, bn, k, sizes)
		}
		if w.isStr || len(w.shape) != 2 || w.shape[0] != out || w.shape[1] != in {
			return nil, fmt.Errorf("%s has shape %s, want (%d, %d)", wn, shapeString(w.shape), out, in)
		}
		if b.isStr || len(b.shape) != 1 || b.shape[0] != out {
			return nil, fmt.Errorf("%s has shape %s, want (%d,)", bn, shapeString(b.shape), out)
		}
		l := quant.Layer{In: in, Out: out, Shift: quant.DefaultShift, W: make([]int8, in*out), Bias: make([]int16, out)}
		for i, v := range w.ints {
			if v < quant.Min || v > quant.Max {
				return nil, fmt.Errorf("%s[%d][%d] = %d, want %d..%d", wn, i/in, i%in, v, quant.Min, quant.Max)
			}
			l.W[i] = int8(v)
		}
		for i, v := range b.ints {
			if v < -32768 || v > 32767 {
				return nil, fmt.Errorf("%s[%d] = %d does not fit int16", bn, i, v)
			}
			l.Bias[i] = int16(v)
		}
		layers = append(layers, l)
	}
	if extra := "fc" + strconv.Itoa(len(sizes)) + "_weight"; has(extra) {
		return nil, fmt.Errorf("%s present but _architecture lists %d layers", extra, len(sizes)-1)
	}
	if err := infer.ValidCharset(charset); err != nil {
		return nil, fmt.Errorf("_charset: %w", err)
	}
	m, err := infer.New(charset, layers, infer.DefaultMaxLen)
	if err != nil {
		return nil, err
	}
	return m, nil
}
