package npz

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"mulm/internal/excerpt"
	"strconv"
	"strings"
)

// array is a decoded .npy array: integers, or one byte string.
type array struct {
	shape []int
	ints  []int64 // C order
	str   []byte  // for |S arrays
	isStr bool
}

const npyMagic = "\x93NUMPY"

// maxElems bounds what parseNPY accepts, far above any valid model array.
const maxElems = 1 << 20

// parseNPY decodes one .npy file.
func parseNPY(b []byte) (*array, error) {
	if len(b) < 10 || string(b[:6]) != npyMagic {
		return nil, errors.New("not a .npy file (bad magic)")
	}
	major := b[6]
	var hlen, start int
	switch major {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(b[8:])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, errors.New("truncated header")
		}
		h := binary.LittleEndian.Uint32(b[8:])
		if h > uint32(len(b)) {
			return nil, fmt.Errorf("header length %d past the end of the file", h)
		}
		hlen, start = int(h), 12
	default:
		return nil, fmt.Errorf("unsupported .npy version %d.%d", major, b[7])
	}
	if start+hlen > len(b) {
		return nil, fmt.Errorf("header length %d past the end of the file", hlen)
	}
	hdr, err := parseHeader(string(b[start : start+hlen]))
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	data := b[start+hlen:]
	n := 1
	for _, d := range hdr.shape {
		if d < 0 || d > maxElems || n*d > maxElems {
			return nil, fmt.Errorf("shape %s is too large", shapeString(hdr.shape))
		}
		n *= d
	}
	a := &array{shape: hdr.shape}
	d := hdr.descr
	if len(d) < 3 {
		return nil, fmt.Errorf("unsupported dtype %s", excerpt.Quote(d))
	}
	order, kind := d[0], d[1]
	size, err := strconv.Atoi(d[2:])
	if err != nil || size < 1 || size > maxElems {
		return nil, fmt.Errorf("unsupported dtype %s", excerpt.Quote(d))
	}
	if len(data) != n*size {
		return nil, fmt.Errorf("data is %d bytes, want %d for shape %v of %s", len(data), n*size, shapeString(hdr.shape), excerpt.Quote(d))
	}
	switch kind {
	case 'S':
		if n != 1 {
			return nil, fmt.Errorf("byte-string array of shape %s, want a single value", shapeString(hdr.shape))
		}
		a.isStr = true
		a.str = bytes.TrimRight(data, "\x00")
		return a, nil
	case 'i', 'u':
	default:
		return nil, fmt.Errorf("unsupported dtype %s (want integers or |S)", excerpt.Quote(d))
	}
	var bo binary.ByteOrder
	switch {
	case order == '<' || (order == '|' && size == 1):
		bo = binary.LittleEndian
	case order == '>':
		bo = binary.BigEndian
	default:
		return nil, fmt.Errorf("unsupported byte order in dtype %s", excerpt.Quote(d))
	}
	a.ints = make([]int64, n)
	for i := range a.ints {
		p := data[i*size:]
		var v int64
		switch size {
		case 1:
			v = int64(p[0])
			if kind == 'i' {
				v = int64(int8(p[0]))
			}
		case 2:
			v = int64(bo.Uint16(p))
			if kind == 'i' {
				v = int64(int16(bo.Uint16(p)))
			}
		case 4:
			v = int64(bo.Uint32(p))
			if kind == 'i' {
				v = int64(int32(bo.Uint32(p)))
			}
		case 8:
			u := bo.Uint64(p)
			if kind == 'u' && u > 1<<62 {
				return nil, fmt.Errorf("value %d at %d is out of range", u, i)
			}
			v = int64(u)
		default:
			return nil, fmt.Errorf("unsupported integer size in dtype %s", excerpt.Quote(d))
		}
		a.ints[i] = v
	}
	if hdr.fortran && len(a.shape) == 2 {
		r, c := a.shape[0], a.shape[1]
		t := make([]int64, n)
		for i := range r {
			for j := range c {
				t[i*c+j] = a.ints[j*r+i]
			}
		}
		a.ints = t
	} else if hdr.fortran && len(a.shape) > 2 {
		return nil, errors.New("Fortran order with more than 2 dimensions is not supported")
	}
	return a, nil
}

type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader reads the Python dict literal of a .npy header, e.g.
// {'descr': '<i2', 'fortran_order': False, 'shape': (256,), }.
func parseHeader(h string) (npyHeader, error) {
	var hdr npyHeader
	s := strings.TrimSpace(h)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return hdr, fmt.Errorf("not a dict: %s", excerpt.Quote(h))
	}
	s = s[1 : len(s)-1]
	seen := map[string]bool{}
	for {
		s = strings.TrimLeft(s, " ,")
		if s == "" {
			break
		}
		key, rest, ok := quoted(s)
		if !ok {
			return hdr, fmt.Errorf("bad key at %s", excerpt.Quote(s))
		}
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, ":") {
			return hdr, fmt.Errorf("missing ':' after %s", excerpt.Quote(key))
		}
		rest = strings.TrimSpace(rest[1:])
		switch key {
		case "descr":
			v, r, ok := quoted(rest)
			if !ok {
				return hdr, fmt.Errorf("bad descr at %s", excerpt.Quote(rest))
			}
			hdr.descr, rest = v, r
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "False"):
				rest = rest[5:]
			case strings.HasPrefix(rest, "True"):
				hdr.fortran, rest = true, rest[4:]
			default:
				return hdr, fmt.Errorf("bad fortran_order at %s", excerpt.Quote(rest))
			}
		case "shape":
			if !strings.HasPrefix(rest, "(") {
				return hdr, fmt.Errorf("bad shape at %s", excerpt.Quote(rest))
			}
			end := strings.IndexByte(rest, ')')
			if end < 0 {
				return hdr, fmt.Errorf("unterminated shape %s", excerpt.Quote(rest))
			}
			hdr.shape = []int{}
			for _, f := range strings.Split(rest[1:end], ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				d, err := strconv.Atoi(f)
				if err != nil || d < 0 {
					return hdr, fmt.Errorf("bad dimension %s", excerpt.Quote(f))
				}
				hdr.shape = append(hdr.shape, d)
			}
			rest = rest[end+1:]
		default:
			return hdr, fmt.Errorf("unknown key %s", excerpt.Quote(key))
		}
		seen[key] = true
		s = rest
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return hdr, fmt.Errorf("missing %s", excerpt.Quote(k))
		}
	}
	return hdr, nil
}

// quoted splits a leading Python string literal ('…' or "…", no escapes)
// from s.
func quoted(s string) (val, rest string, ok bool) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", s, false
	}
	return s[1 : 1+end], s[2+end:], true
}

// shapeString writes a shape as NumPy does, "(3, 256)", cut to a short
// excerpt when a header lists very many dimensions.
func shapeString(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if b.Len() > 40 {
			fmt.Fprintf(&b, "… %d dimensions", len(shape))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}
