package z80ref

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/quant"
)

func TestPackColumns(t *testing.T) {
	// Hand-packed: 2 inputs, 5 outputs (2 bytes a column, 3 padding codes).
	// Input 0 to outputs 0..4: 0 -1 +1 -2 +1 = 00 01 10 11 | 10 00 00 00;
	// input 1: -2 -2 0 0 -1 = 11 11 00 00 | 01 00 00 00.
	hand := quant.Layer{In: 2, Out: 5, W: []int8{0, -2, -1, -2, 1, 0, -2, 0, 1, -1}, Bias: make([]int16, 5)}
	if got, want := PackColumns(&hand), []byte{0x1B, 0x80, 0xF0, 0x40}; !bytes.Equal(got, want) {
		t.Fatalf("hand case: % X, want % X", got, want)
	}
	r := rand.New(rand.NewPCG(11, 12))
	for _, sz := range [][2]int{{1, 1}, {3, 5}, {7, 4}, {2, 255}, {5, 256}} {
		l := randomLayer(r, sz[0], sz[1], 2, 0.7, 3)
		p := PackColumns(&l)
		stride := quant.RowBytes(l.Out)
		if len(p) != l.In*stride {
			t.Fatalf("%v: %d bytes, want %d", sz, len(p), l.In*stride)
		}
		dec := map[byte]int8{0: 0, 1: -1, 2: 1, 3: -2}
		for i := range l.In {
			for o := range stride * 4 {
				c := p[i*stride+o/4] >> (6 - 2*uint(o%4)) & 3
				if o >= l.Out {
					if c != 0 {
						t.Fatalf("%v: padding code %d at input %d output %d", sz, c, i, o)
					}
					continue
				}
				if w := l.W[o*l.In+i]; dec[c] != w {
					t.Fatalf("%v: input %d output %d: code %d, weight %d", sz, i, o, c, w)
				}
			}
		}
	}
}

// TestPasmo assembles Image.Source with pasmo and compares the bytes.
func TestPasmo(t *testing.T) {
	pasmo, err := exec.LookPath("pasmo")
	if err != nil {
		t.Skip("pasmo not installed")
	}
	r := rand.New(rand.NewPCG(13, 14))
	models := map[string]*infer.Model{
		"small":    randomModel(t, r, []int{5, 3}, 7, 9, 0.3),
		"tinychat": randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27),
	}
	for mname, m := range models {
		for _, p := range Platforms() {
			for _, k := range Engines() {
				name := mname + "-" + k.String() + "-" + p.String()
				im, err := Build(m, BuildOptions{Kind: k, Platform: p})
				var me *MemoryError
				if p == ZX48 && k != Compact && mname == "tinychat" && errors.As(err, &me) {
					// Only the compact engine holds a 256→256→192→128
					// model in the 48K's 41 KB (TestZXTape).
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				pasmoCheck(t, pasmo, name, im)
			}
		}
	}
	// The dense engine's lean variant (TestDenseLean): Auto on a model
	// with a larger charset.
	wide := randomModel(t, r, []int{256, 192, 128}, 54, 20, 0.7)
	im, err := Build(wide, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, c0 := im.Symbols["L1C0"]; im.Kind != Dense || c0 {
		t.Fatalf("wide model: %s engine, L1C0 %v: not the lean dense variant", im.Kind, c0)
	}
	pasmoCheck(t, pasmo, "wide-dense-lean", im)
}

// pasmoCheck assembles im's source with pasmo and compares the bytes.
func pasmoCheck(t *testing.T, pasmo, name string, im *Image) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, name+".asm")
	bin := filepath.Join(dir, name+".com")
	if err := os.WriteFile(src, []byte(im.Source()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pasmo, "--bin", src, bin).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: pasmo: %v\n%s", name, err, out)
	}
	got, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, im.COM) {
		n := min(len(got), len(im.COM))
		i := 0
		for i < n && got[i] == im.COM[i] {
			i++
		}
		t.Fatalf("%s: pasmo gives %d bytes, Build %d; first difference at %04Xh", name, len(got), len(im.COM), im.Org+i)
	}
}

func TestMemoryError(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	// Five 256-wide layers: 80 KB of weights.
	m := randomModel(t, r, []int{256, 256, 256, 256}, 40, 50, 0.27)
	for _, k := range Engines() {
		_, err := Build(m, BuildOptions{Kind: k})
		var te *MemoryError
		if !errors.As(err, &te) {
			t.Fatalf("%s: Build: %v, want a *MemoryError", k, err)
		}
		if te.Limit != TPAEnd || te.End <= TPAEnd {
			t.Fatalf("MemoryError %+v", te)
		}
		if !strings.Contains(err.Error(), "TPA ends at E3FFh") {
			t.Fatalf("message: %v", err)
		}
		t.Log(err)
	}
	// Auto: no engine holds it.
	_, err := Build(m, BuildOptions{})
	if !errors.Is(err, ErrDoesNotFit) {
		t.Fatalf("Build: %v, want an error matching ErrDoesNotFit", err)
	}
	// A file size limit below what the compact engine needs.
	small := randomModel(t, r, []int{8}, 5, 5, 0.27)
	_, err = Build(small, BuildOptions{MaxFileSize: 100})
	var ce *FileSizeError
	if !errors.As(err, &ce) || ce.Limit != 100 || ce.Kind != Engines()[len(Engines())-1] {
		t.Fatalf("Build with a 100-byte limit: %v, want a *FileSizeError", err)
	}
	if errors.Is(err, ErrDoesNotFit) {
		t.Fatalf("a *FileSizeError matches ErrDoesNotFit: %v", err)
	}
	// The error names every engine's reason, with the sizes grouped.
	for _, k := range Engines() {
		if want := fmt.Sprintf("not %s: the %s engine's .COM is ", k, k); !strings.Contains(err.Error(), want) {
			t.Errorf("Build with a 100-byte limit: %q does not say %q", err, want)
		}
	}
	if !strings.HasPrefix(err.Error(), "z80ref: no engine fits on cpm (the limit is 100 bytes): ") {
		t.Errorf("Build with a 100-byte limit: %q", err)
	}
	// It ends with the compact engine's size, thousands grouped.
	tail := regexp.MustCompile(`not compact: the compact engine's \.COM is (\d{1,3}(?:,\d{3})*) bytes, over the limit of 100 bytes$`).FindStringSubmatch(err.Error())
	if tail == nil || strings.ReplaceAll(tail[1], ",", "") != strconv.Itoa(ce.Size) || ce.Size < 1000 {
		t.Errorf("Build with a 100-byte limit: %q does not end with the compact size %d, grouped", err, ce.Size)
	}

	// Models that just fit.
	for _, tc := range []struct {
		hidden []int
		k      EngineKind
	}{{[]int{256, 256, 160, 128}, Compact}, {[]int{256, 200, 128}, Fast}} {
		m = randomModel(t, r, tc.hidden, 40, 50, 0.27)
		im, err := Build(m, BuildOptions{Kind: tc.k})
		if err != nil {
			t.Fatal(err)
		}
		if end := im.Map[len(im.Map)-1].End(); end > TPAEnd {
			t.Fatalf("map ends at %04Xh", end)
		}
		t.Logf("%s: %d bytes .COM, %04Xh..%04Xh used", tc.k, len(im.COM), TPAStart, im.Map[len(im.Map)-1].End()-1)
	}
}

// TestAutoStartup checks Auto's start-up budget (BuildOptions.MaxStartup)
// on a model near the fast engine's capacity, whose packed columns take
// INIT over DefaultMaxStartup T-states to expand: Auto takes the dense
// engine and says why; without a budget, or with one above the fast
// start-up, the fast one; with a file limit that only the fast and the
// compact .COM meet, the fast one again (never compact), saying that its
// start-up is over the budget.
func TestAutoStartup(t *testing.T) {
	m := randomModel(t, rand.New(rand.NewPCG(30, 31)), []int{256, 192, 128}, 40, 50, 0.30)
	build := func(k EngineKind) *Image {
		t.Helper()
		im, err := Build(m, BuildOptions{Kind: k, MaxFileSize: DefaultMaxCOMSize})
		if err != nil {
			t.Fatal(err)
		}
		return im
	}
	fast, compact := build(Fast), build(Compact)
	fastT, err := NewEngineFromImage(fast).Startup()
	if err != nil {
		t.Fatal(err)
	}
	if fastT <= DefaultMaxStartup {
		t.Fatalf("the test needs a fast start-up over %d: %d", DefaultMaxStartup, fastT)
	}
	t.Logf("fast: start-up %d T-states, expanding %d bytes of index lists", fastT, fast.Symbols["LISTTOP"]-fast.Symbols["LISTBOT"])
	cases := []struct {
		name          string
		budget, limit int
		want          EngineKind
		reason        []string
	}{
		{"default budget", 0, 0, Dense, []string{"dense engine: the fastest that fits and starts within the budget",
			fmt.Sprintf("not fast: its start-up takes %s T-states, over the budget of 2,000,000", tCount(fastT))}},
		{"no budget", -1, 0, Fast, []string{"fast engine: the fastest that fits ("}},
		{"a budget of the fast start-up", int(fastT), 0, Fast, []string{"fast engine: the fastest that fits ("}},
		{"the compact .COM's size as the file limit, which the dense .COM passes", 0, len(compact.COM), Fast, []string{
			"fast engine: the fastest that fits (",
			"though its start-up takes ",
			"over the budget of 2,000,000: only the compact engine, several times slower a character, would meet it",
			"not dense: the dense engine's .COM is"}},
		{"a file limit only the fast .COM meets", 0, len(compact.COM) - 1, Fast, []string{
			"fast engine: the fastest that fits (",
			"over the budget of 2,000,000: no other engine that fits meets it",
			"not dense: the dense engine's .COM is",
			"not compact: the compact engine's .COM is"}},
	}
	for _, c := range cases {
		im, err := Build(m, BuildOptions{MaxStartup: c.budget, MaxFileSize: c.limit})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.budget == 0 && c.limit == 0 {
			n, err := NewEngineFromImage(im).Startup()
			if err != nil || n > DefaultMaxStartup {
				t.Errorf("%s: the %s engine starts in %d T-states, %v", c.name, im.Kind, n, err)
			}
			t.Logf("%s: %s, start-up %d T-states", c.name, im.Kind, n)
		}
		if im.Kind != c.want {
			t.Errorf("%s: the %s engine (want %s): %s", c.name, im.Kind, c.want, im.Reason)
		}
		for _, r := range c.reason {
			if !strings.Contains(im.Reason, r) {
				t.Errorf("%s: the reason %q does not say %q", c.name, im.Reason, r)
			}
		}
		if c.want == Fast && strings.Contains(im.Reason, "not fast") {
			t.Errorf("%s: the reason of the fast engine's image says %q", c.name, im.Reason)
		}
	}
	// An explicit engine ignores the budget.
	if im, err := Build(m, BuildOptions{Kind: Fast, MaxStartup: 1}); err != nil || im.Kind != Fast {
		t.Errorf("explicit fast with a budget of 1: %v, %v", im, err)
	}
	// Auto never measures the dense engine's start-up (its slowStart is
	// nil): on a model with every weight non-zero, the most work its INIT
	// does, it is within the default budget.
	full := randomModel(t, rand.New(rand.NewPCG(32, 33)), []int{256, 192, 128}, 12, 50, 1)
	im, err := Build(full, BuildOptions{Kind: Dense})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := NewEngineFromImage(im).Startup(); err != nil || n > DefaultMaxStartup {
		t.Errorf("the dense start-up of a model without zero weights: %d T-states (budget %d), %v", n, DefaultMaxStartup, err)
	}
}

// TestAutoChoice checks which engine Build picks and that it says why.
func TestAutoChoice(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	m := randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27)
	im, err := Build(m, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind != Fast || !strings.Contains(im.Reason, "fast engine") {
		t.Fatalf("default build: %s engine, reason %q", im.Kind, im.Reason)
	}
	t.Log(im.Reason)
	// A limit below this .COM: the fast engine packs more columns to fit.
	limit := len(im.COM) - 1
	if im, err = Build(m, BuildOptions{MaxFileSize: limit}); err != nil || im.Kind != Fast || len(im.COM) > limit {
		t.Fatalf("limit %d: %v, %v", limit, im, err)
	}
	// A limit below the smallest fast .COM (every column that saves bytes
	// packed): the compact engine if its .COM fits, else nothing.
	ps := CPM.spec()
	s, err := engineShape(Fast, ps, newTarget(ps, 0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	small, err := assemble(m, Fast, ps, newTarget(ps, s.code, s.stack, 1))
	if err != nil {
		t.Fatal(err)
	}
	limit = len(small.COM) - 1
	cim := mustBuild(t, m)
	im, err = Build(m, BuildOptions{MaxFileSize: limit})
	switch {
	case len(cim.COM) <= limit && (err != nil || im.Kind != Compact || !strings.Contains(im.Reason, "not fast: the fast engine's .COM is")):
		t.Fatalf("limit %d: %v, %v", limit, im, err)
	case len(cim.COM) > limit && err == nil:
		t.Fatalf("limit %d: Build succeeded", limit)
	}
	if err == nil {
		t.Log(im.Reason)
	}
	// Index lists too big for the TPA, no size limit: compact.
	m = randomModel(t, r, []int{256, 256, 160, 128}, 40, 50, 0.27)
	im, err = Build(m, BuildOptions{MaxFileSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind != Compact || !strings.Contains(im.Reason, "not fast: the fast program needs") {
		t.Fatalf("big model: %s engine, reason %q", im.Kind, im.Reason)
	}
	t.Log(im.Reason)
	// A model the fast engine cannot count (256 weights of +1 from one
	// input): dense, the next fastest, with the reason.
	l := randomLayer(r, 256, 256, 2, 0.2, 3)
	for o := range 256 {
		l.W[o*256+5] = 1
	}
	l2 := randomLayer(r, 256, 3, 2, 0.3, 3)
	m2, err := infer.New([]byte("ab\x00"), []quant.Layer{l, l2}, 5)
	if err != nil {
		t.Fatal(err)
	}
	im, err = Build(m2, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind != Dense || !strings.Contains(im.Reason, "256 weights of 1") {
		t.Fatalf("uncountable model: %s engine, reason %q", im.Kind, im.Reason)
	}
	t.Log(im.Reason)
	if _, err := Build(m2, BuildOptions{Kind: Fast}); err == nil {
		t.Fatal("Build(Fast) of an uncountable model succeeded")
	}
	checkRepliesKind(t, "one input all +1", m2, replyQueries[:2], Dense)
}

func TestMemoryMap(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	m := randomModel(t, r, []int{256, 192, 128}, 40, 50, 0.27)
	for _, k := range Engines() {
		t.Run(k.String(), func(t *testing.T) { testMemoryMap(t, mustBuildKind(t, m, k)) })
	}
}

func testMemoryMap(t *testing.T, im *Image) {
	t.Logf(".COM %d bytes\n%s", len(im.COM), im.Map)
	if len(im.COM) > 40960 {
		t.Errorf(".COM %d bytes, want at most 40960", len(im.COM))
	}
	at := TPAStart
	com := 0
	for _, reg := range im.Map {
		if int(reg.Start) != at || reg.Size < 0 {
			t.Fatalf("region %q starts at %04Xh, want %04Xh", reg.Name, reg.Start, at)
		}
		at = reg.End()
		if reg.InFile {
			com += reg.Size
		}
	}
	if com != len(im.COM) {
		t.Fatalf(".COM regions add to %d, want %d", com, len(im.COM))
	}
	want := 256*64 + 256*48 + 192*32 + 128*10
	switch im.Kind {
	case Dense:
		want += 256 + 256 + 192 + 128 // a sentinel after every column
	case Fast:
		// Stored blocks (3 counts and an output per non-zero weight) for
		// the inputs whose bitmap bit is clear, packed columns (as XPLk
		// lists them) for the others.
		want = 0
		sy := im.Symbols
		_, sizes := fastPackedColumns(t, im)
		for k, l := range im.model.Layers() {
			bm := sy[fmt.Sprintf("XBM%d", k+1)]
			for i := range l.In {
				if im.COM[int(bm)+i/8-TPAStart]>>(i%8)&1 == 1 {
					size, ok := sizes[k][i]
					if !ok {
						t.Fatalf("layer %d input %d: its bitmap bit is set, XPL%d does not list it", k+1, i, k+1)
					}
					want += size
					continue
				}
				want += 3
				for o := range l.Out {
					if l.W[o*l.In+i] != 0 {
						want++
					}
				}
			}
		}
		if got := int(sy["ENDIMG"]) - int(sy["WEIGHTS"]); got != want {
			t.Fatalf("weights %d bytes, stored blocks and packed columns %d", got, want)
		}
	}
	if w := im.Map[2]; w.Size != want {
		t.Fatalf("weights %d bytes, want %d", w.Size, want)
	}
}
