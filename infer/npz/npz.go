package npz

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"mulm/infer"
	"mulm/quant"
	"mulm/trigram"
)

// maxMember bounds the uncompressed size of one array in the archive.
const maxMember = 8 << 20

// ReadFile imports the .npz model at path. Errors name the file.
func ReadFile(path string) (*infer.Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Read(bytes.NewReader(b), int64(len(b)))
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

// Read imports an .npz model from r, which holds size bytes.
func Read(r io.ReaderAt, size int64) (*infer.Model, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npz: not a zip archive: %w", err)
	}
	arrays := map[string]*array{}
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("npz: member %q is not a .npy file", f.Name)
		}
		if f.UncompressedSize64 > maxMember {
			return nil, fmt.Errorf("npz: %s: %d bytes is too large", f.Name, f.UncompressedSize64)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npz: %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxMember+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("npz: %s: %w", f.Name, err)
		}
		a, err := parseNPY(b)
		if err != nil {
			return nil, fmt.Errorf("npz: %s: %w", f.Name, err)
		}
		arrays[name] = a
	}
	return build(arrays)
}

func build(arrays map[string]*array) (*infer.Model, error) {
	archA, csA := arrays["_architecture"], arrays["_charset"]
	if archA == nil || !archA.isStr {
		return nil, fmt.Errorf("npz: missing _architecture byte string")
	}
	if csA == nil || !csA.isStr {
		return nil, fmt.Errorf("npz: missing _charset byte string")
	}
	var arch architecture
	if err := json.Unmarshal(archA.str, &arch); err != nil {
		return nil, fmt.Errorf("npz: _architecture: %w", err)
	}
	if arch.InputSize != trigram.InputSize {
		return nil, fmt.Errorf("npz: _architecture: input_size %d, want %d", arch.InputSize, trigram.InputSize)
	}
	charset := csA.str
	if len(charset) == arch.NumClasses-1 {
		charset = append(charset, 0) // NumPy dropped the trailing EOS NUL
	}
	if len(charset) != arch.NumClasses {
		return nil, fmt.Errorf("npz: _charset has %d entries but num_classes is %d", len(charset), arch.NumClasses)
	}
	sizes := append(append([]int{arch.InputSize}, arch.HiddenSizes...), arch.NumClasses)
	var layers []quant.Layer
	for k := 1; k < len(sizes); k++ {
		in, out := sizes[k-1], sizes[k]
		wn, bn := "fc"+strconv.Itoa(k)+"_weight", "fc"+strconv.Itoa(k)+"_bias"
		w, b := arrays[wn], arrays[bn]
		if w == nil || b == nil {
			return nil, fmt.Errorf("npz: missing %s or %s for layer %d of %v", wn, bn, k, sizes)
		}
		if w.isStr || len(w.shape) != 2 || w.shape[0] != out || w.shape[1] != in {
			return nil, fmt.Errorf("npz: %s has shape %v, want (%d, %d)", wn, w.shape, out, in)
		}
		if b.isStr || len(b.shape) != 1 || b.shape[0] != out {
			return nil, fmt.Errorf("npz: %s has shape %v, want (%d,)", bn, b.shape, out)
		}
		l := quant.Layer{In: in, Out: out, Shift: quant.DefaultShift, W: make([]int8, in*out), Bias: make([]int16, out)}
		for i, v := range w.ints {
			if v < quant.Min || v > quant.Max {
				return nil, fmt.Errorf("npz: %s[%d][%d] = %d, want %d..%d", wn, i/in, i%in, v, quant.Min, quant.Max)
			}
			l.W[i] = int8(v)
		}
		for i, v := range b.ints {
			if v < -32768 || v > 32767 {
				return nil, fmt.Errorf("npz: %s[%d] = %d does not fit int16", bn, i, v)
			}
			l.Bias[i] = int16(v)
		}
		layers = append(layers, l)
	}
	if extra := "fc" + strconv.Itoa(len(sizes)) + "_weight"; arrays[extra] != nil {
		return nil, fmt.Errorf("npz: %s present but _architecture lists %d layers", extra, len(sizes)-1)
	}
	m, err := infer.New(charset, layers, infer.DefaultMaxLen)
	if err != nil {
		return nil, fmt.Errorf("npz: %w", err)
	}
	return m, nil
}
