package npz

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// npyFile writes a .npy version 1.0 file by hand: magic, version, header
// length, the dict padded with spaces and ending in '\n' so that the data
// starts at a multiple of 64, then the data.
func npyFile(descr, shape string, data []byte) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	pad := 64 - (10+len(dict)+1)%64
	if pad == 64 {
		pad = 0
	}
	dict += strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	b.Write(data)
	return b.Bytes()
}

func int8s(v ...int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func int16s(v ...int16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(x))
	}
	return b
}

func zipOf(t testing.TB, files map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, data := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tinyModel is a 256→2→3 model with a charset "AB" + implied EOS.
func tinyModel() map[string][]byte {
	w1 := make([]int8, 2*256)
	w1[0], w1[256+255] = 1, -2
	return map[string][]byte{
		"fc1_weight.npy":    npyFile("|i1", "(2, 256)", int8s(w1...)),
		"fc1_bias.npy":      npyFile("<i2", "(2,)", int16s(5, -7)),
		"fc2_weight.npy":    npyFile("|i1", "(3, 2)", int8s(1, 0, -1, -2, 0, 1)),
		"fc2_bias.npy":      npyFile("<i2", "(3,)", int16s(0, 300, -300)),
		"_architecture.npy": npyFile("|S62", "()", []byte(`{"input_size": 256, "hidden_sizes": [2], "num_classes": 3}    `)),
		"_charset.npy":      npyFile("|S2", "()", []byte("AB")),
	}
}

func TestReadSmallModel(t *testing.T) {
	b := zipOf(t, tinyModel())
	m, err := Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Charset()); got != "AB\x00" {
		t.Fatalf("charset %q, want implied EOS", got)
	}
	l1, l2 := m.Layer(0), m.Layer(1)
	if l1.W[0] != 1 || l1.W[256+255] != -2 || l1.Bias[1] != -7 || l1.Shift != 2 {
		t.Fatalf("layer 1 read wrong: w0=%d w511=%d b1=%d", l1.W[0], l1.W[511], l1.Bias[1])
	}
	if want := []int8{1, 0, -1, -2, 0, 1}; string(int8s(l2.W...)) != string(int8s(want...)) || l2.Bias[2] != -300 {
		t.Fatalf("layer 2 read wrong: %v %v", l2.W, l2.Bias)
	}
	// Biases decide: index 1 (B) wins every step until the limit.
	if r := m.Reply("x"); r != strings.Repeat("B", 50) {
		t.Fatalf("Reply = %q", r)
	}
}

func TestFortranAndWideTypes(t *testing.T) {
	f := tinyModel()
	// fc2_weight as big-endian int32 in Fortran order: column-major.
	// The (3, 2) matrix [[1, 0], [-1, -2], [0, 1]] column by column.
	vals := []int32{1, -1, 0, 0, -2, 1}
	data := make([]byte, 24)
	for i, v := range vals {
		binary.BigEndian.PutUint32(data[4*i:], uint32(v))
	}
	hdr := npyFile(">i4", "(3, 2)", data)
	f["fc2_weight.npy"] = bytes.Replace(hdr, []byte("'fortran_order': False"), []byte("'fortran_order': True "), 1)
	b := zipOf(t, f)
	m, err := Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Layer(1).W, []int8{1, 0, -1, -2, 0, 1}; string(int8s(got...)) != string(int8s(want...)) {
		t.Fatalf("fortran weights %v, want %v", got, want)
	}
}

func TestReadRejects(t *testing.T) {
	cases := []struct {
		name string
		mod  func(map[string][]byte)
		want string
	}{
		{"weight range", func(f map[string][]byte) {
			f["fc2_weight.npy"] = npyFile("|i1", "(3, 2)", int8s(1, 0, 2, -2, 0, 1))
		}, "fc2_weight[1][0] = 2"},
		{"bias range", func(f map[string][]byte) {
			f["fc2_bias.npy"] = npyFile("<i4", "(3,)", []byte{0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0})
		}, "fc2_bias[1] = 65536"},
		{"shape", func(f map[string][]byte) { f["fc2_weight.npy"] = npyFile("|i1", "(2, 3)", int8s(1, 0, 1, 0, 0, 1)) }, "fc2_weight has shape (2, 3), want (3, 2)"},
		{"missing", func(f map[string][]byte) { delete(f, "fc2_bias.npy") }, "missing fc2_weight or fc2_bias"},
		{"charset", func(f map[string][]byte) { f["_charset.npy"] = npyFile("|S1", "()", []byte("A")) }, "_charset has 1 entries but num_classes is 3"},
		{"data size", func(f map[string][]byte) { f["fc1_bias.npy"] = npyFile("<i2", "(2,)", int16s(1)) }, "data is 2 bytes, want 4"},
		{"dtype", func(f map[string][]byte) { f["fc1_bias.npy"] = npyFile("<f4", "(2,)", make([]byte, 8)) }, "unsupported dtype"},
		{"magic", func(f map[string][]byte) { f["fc1_bias.npy"] = []byte("garbage!!!!") }, "bad magic"},
		{"json", func(f map[string][]byte) { f["_architecture.npy"] = npyFile("|S3", "()", []byte("{x}")) }, "_architecture"},
		{"extra layer", func(f map[string][]byte) { f["fc3_weight.npy"] = npyFile("|i1", "(1, 1)", int8s(0)) }, "fc3_weight present"},
	}
	for _, c := range cases {
		f := tinyModel()
		c.mod(f)
		b := zipOf(t, f)
		_, err := Read(bytes.NewReader(b), int64(len(b)))
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat and %q", c.name, err, c.want)
		}
	}
	if _, err := Read(bytes.NewReader([]byte("nope")), 4); err == nil || !strings.Contains(err.Error(), "not a zip") {
		t.Errorf("not a zip: err = %v", err)
	}
}

func FuzzParseNPY(f *testing.F) {
	for _, b := range tinyModel() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseNPY(b)
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.shape {
			n *= d
		}
		if !a.isStr && len(a.ints) != n {
			t.Fatalf("%d values for shape %v", len(a.ints), a.shape)
		}
	})
}

// TestUnknownMembers: members the model does not use are ignored with a
// warning, even when they are not arrays mulm can read (float32 here).
func TestUnknownMembers(t *testing.T) {
	f := tinyModel()
	f["readme.txt"] = []byte("hi")
	f["loss_history.npy"] = npyFile("<f4", "(2,)", make([]byte, 8))
	b := zipOf(t, f)
	var warnings []string
	m, err := ReadWarn(bytes.NewReader(b), int64(len(b)), func(w string) { warnings = append(warnings, w) })
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(warnings)
	want := []string{`ignored member "loss_history.npy" (not part of the model)`, `ignored member "readme.txt" (not part of the model)`}
	if !slices.Equal(warnings, want) || m.NumLayers() != 2 {
		t.Errorf("warnings %q, want %q", warnings, want)
	}
}

// TestLongInputShortErrors: an error quotes at most a short excerpt of the
// file, however long the header it complains about.
func TestLongInputShortErrors(t *testing.T) {
	f := tinyModel()
	hdr := "{" + strings.Repeat("x", 0xFFFF-2) + "}"
	f["fc1_bias.npy"] = append(append([]byte("\x93NUMPY\x01\x00\xff\xff"), hdr...), 0, 0, 0, 0)
	b := zipOf(t, f)
	_, err := Read(bytes.NewReader(b), int64(len(b)))
	if err == nil || !errors.Is(err, ErrFormat) || len(err.Error()) > 200 {
		t.Errorf("error of %d bytes: %.300v", len(err.Error()), err)
	}
}

// FuzzRead builds a valid archive in the harness and replaces one member's
// .npy bytes (or adds one) with the fuzzer's: the zip CRC is always right,
// so mutations reach the .npy and model parsers.
func FuzzRead(f *testing.F) {
	names := slices.Sorted(maps.Keys(tinyModel()))
	for i, n := range names {
		f.Add(uint8(i), tinyModel()[n])
	}
	f.Add(uint8(len(names)), npyFile("|i1", "(1, 1)", int8s(0)))
	f.Add(uint8(0), npyFile("|S9", "()", []byte(`{"a": 1}`)))
	f.Fuzz(func(t *testing.T, which uint8, member []byte) {
		files := tinyModel()
		name := "fc3_weight.npy"
		if int(which) < len(names) {
			name = names[which]
		}
		files[name] = member
		b := zipOf(t, files)
		m, err := Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, ErrFormat) || len(err.Error()) > 400 {
				t.Fatalf("error without ErrFormat or too long: %.500v", err)
			}
			return
		}
		m.Reply("hi")
	})
}

// FuzzReadArchive fuzzes the whole archive bytes (mostly the zip reader).
func FuzzReadArchive(f *testing.F) {
	f.Add(zipOf(f, tinyModel()))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Read(bytes.NewReader(b), int64(len(b)))
		if err == nil {
			m.Reply("hi")
		}
	})
}

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		b    string
		want Format
	}{
		{"MULM\x01", MULM}, {"PK\x03\x04rest", NPZ}, {"PK\x05\x06", Unknown},
		{"MUL", Unknown}, {"", Unknown}, {"mulm", Unknown},
	} {
		if got := Sniff([]byte(c.b)); got != c.want {
			t.Errorf("Sniff(%q) = %d, want %d", c.b, got, c.want)
		}
	}
}
