package npz_test

import (
	"bufio"
	"compress/gzip"
	"os"
	"strings"
	"testing"

	"mulm/infer"
	"mulm/infer/npz"
)

const refDir = "../../../shared/reference/"

func loadRef(t *testing.T, name string) *infer.Model {
	t.Helper()
	path := refDir + name + "-model.npz"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("reference model absent: %v", err)
	}
	m, err := npz.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// refPairs reads the original's training data the way its loader does:
// strip, split at the first '|', upper-case both sides, drop queries
// shorter than 2 characters, cut queries to 60 and responses to 50 at a
// word boundary when there is one in the last 20 characters.
func refPairs(t *testing.T, name string) [][2]string {
	t.Helper()
	f, err := os.Open(refDir + name + "-training.txt.gz")
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	cut := func(s string, n, from int) string {
		if len(s) <= n {
			return s
		}
		if strings.Contains(s[from:n], " ") {
			return s[:strings.LastIndex(s[:n], " ")]
		}
		return s[:n]
	}
	var pairs [][2]string
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		q, r, ok := strings.Cut(line, "|")
		if !ok {
			continue
		}
		q, r = strings.ToUpper(strings.TrimSpace(q)), strings.ToUpper(strings.TrimSpace(r))
		if len(q) < 2 || len(r) < 1 {
			continue
		}
		pairs = append(pairs, [2]string{cut(q, 60, 40), cut(r, 50, 30)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pairs
}

func TestReferenceModelsLoad(t *testing.T) {
	for _, c := range []struct {
		name    string
		sizes   []int
		charset string
		nonzero [3]int // weights of −2, −1, +1 over all layers
	}{
		{"tinychat", []int{256, 256, 192, 128, 40}, " ABCDEFGHIJKLMNOPQRSTUVWXYZ012345678!/?\x00", [3]int{443, 21632, 17287}},
		{"guess", []int{256, 256, 192, 128, 11}, "ABEIMNOSWY\x00", [3]int{-1, -1, -1}},
	} {
		m := loadRef(t, c.name)
		if got := m.Sizes(); !equalInts(got, c.sizes) {
			t.Errorf("%s: sizes %v, want %v", c.name, got, c.sizes)
		}
		if got := string(m.Charset()); got != c.charset {
			t.Errorf("%s: charset %q, want %q", c.name, got, c.charset)
		}
		var n [3]int
		for _, l := range m.Layers() {
			for _, w := range l.W {
				switch w {
				case -2:
					n[0]++
				case -1:
					n[1]++
				case 1:
					n[2]++
				}
			}
		}
		// The counts for tinychat are the ones the reference README gives.
		if c.nonzero[0] >= 0 && n != c.nonzero {
			t.Errorf("%s: weight counts (−2, −1, +1) = %v, want %v", c.name, n, c.nonzero)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReferenceExactMatch reproduces, through mulm/infer, the sequence
// exact-match that the reference README reports for the shipped models
// (measured there with an independent exact integer simulation).
func TestReferenceExactMatch(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	for _, c := range []struct {
		name  string
		pairs int
		match float64 // percent, one decimal
	}{
		{"tinychat", 2990, 37.0},
		{"guess", 28718, 79.8},
	} {
		m := loadRef(t, c.name)
		pairs := refPairs(t, c.name)
		if len(pairs) != c.pairs {
			t.Errorf("%s: %d pairs, want %d", c.name, len(pairs), c.pairs)
		}
		hit := 0
		buf := make([]byte, 0, 64)
		for _, p := range pairs {
			buf = m.AppendReply(buf[:0], p[0])
			if string(buf) == p[1] {
				hit++
			}
		}
		pct := float64(hit) * 100 / float64(len(pairs))
		t.Logf("%s: %d/%d = %.2f%%", c.name, hit, len(pairs), pct)
		if pct < c.match-0.05 || pct >= c.match+0.05 {
			t.Errorf("%s: exact match %.2f%%, want %.1f%%", c.name, pct, c.match)
		}
	}
}

func TestReferenceHello(t *testing.T) {
	m := loadRef(t, "tinychat")
	if r := m.Reply("hello"); r != "HI" {
		t.Fatalf("Reply(hello) = %q, want HI", r)
	}
}
