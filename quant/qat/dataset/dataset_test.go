package dataset

import (
	"bytes"
	"compress/gzip"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseKeepsAndRejects(t *testing.T) {
	in := strings.Join([]string{
		"# comment with a | pipe",         // 1 ignored
		"",                                // 2 ignored
		"hello|hi",                        // 3 kept
		"  spaced  |  out  \r",            // 4 kept
		"no pipe here",                    // 5 no '|'
		"a|B",                             // 6 query too short
		" x |YES",                         // 7 query too short after trim
		"query|",                          // 8 empty response
		"query|   ",                       // 9 empty response
		"take the lamp|TAKE|EXTRA",        // 10 kept, response with pipe
		"long|" + strings.Repeat("X", 51), // 11 response too long
		strings.Repeat("q", 256) + "|OK",  // 12 query too long
		"tab|A\tB",                        // 13 non-printable
		"   ",                             // 14 ignored
		"   # indented comment",           // 15 ignored
	}, "\n")
	s, err := Parse(strings.NewReader(in), "f.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{{"HELLO", "HI", "f.txt", 3}, {"SPACED", "OUT", "f.txt", 4}, {"TAKE THE LAMP", "TAKE|EXTRA", "f.txt", 10}}
	if len(s.Pairs) != len(want) {
		t.Fatalf("pairs %v, want %v", s.Pairs, want)
	}
	for i := range want {
		if s.Pairs[i] != want[i] {
			t.Errorf("pair %d = %v, want %v", i, s.Pairs[i], want[i])
		}
	}
	rej := map[int]string{5: "no '|'", 6: "shorter than 2", 7: "shorter than 2", 8: "empty response", 9: "empty response",
		11: "response longer than 50", 12: "query longer than 255", 13: "not printable"}
	if len(s.Rejected) != len(rej) {
		t.Fatalf("rejected %v, want lines %v", s.Rejected, rej)
	}
	for _, r := range s.Rejected {
		if r.File != "f.txt" || !strings.Contains(r.Reason, rej[r.Line]) || rej[r.Line] == "" {
			t.Errorf("rejection %v, want reason containing %q", r, rej[r.Line])
		}
		if !strings.HasPrefix(r.String(), "f.txt:") {
			t.Errorf("rejection %q does not start with file:line", r)
		}
	}
	// Only ASCII letters are upper-cased: other bytes reach the model as
	// the user types them (the trigram encoder folds ASCII only), and a bad
	// byte is reported as it is in the file.
	s, err = Parse(strings.NewReader("caf\u00e9 ok|yes\nq \xff|OK\nbad byte|A\xffB\n"), "u.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pairs) != 2 || s.Pairs[0].Query != "CAF\u00e9 OK" || s.Pairs[0].Response != "YES" || s.Pairs[1].Query != "Q \xff" {
		t.Errorf("non-ASCII queries: %+v", s.Pairs)
	}
	if len(s.Rejected) != 1 || s.Rejected[0].Line != 3 || !strings.Contains(s.Rejected[0].Reason, "0xff at column 2") {
		t.Errorf("invalid byte in response: %v", s.Rejected)
	}
	// A line too long for the scanner is an error naming its line.
	_, err = Parse(strings.NewReader("ok|YES\n"+strings.Repeat("x", 2<<20)+"|NO\n"), "big.txt", Options{})
	if err == nil || !strings.Contains(err.Error(), "big.txt:2:") {
		t.Errorf("over-long line: %v, want an error naming big.txt:2", err)
	}
	// A smaller response limit.
	s, _ = Parse(strings.NewReader("hello|HELLO\n"), "g", Options{MaxResponseLen: 4})
	if len(s.Pairs) != 0 || len(s.Rejected) != 1 || !strings.Contains(s.Rejected[0].Reason, "longer than 4") {
		t.Errorf("MaxResponseLen 4: %+v", s)
	}
}

func TestGzipAndFiles(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("how are you|FINE\nx|NO\n"))
	zw.Close()
	gz := filepath.Join(dir, "a.txt") // no .gz suffix: detected by magic bytes
	os.WriteFile(gz, b.Bytes(), 0o644)
	plain := filepath.Join(dir, "b.txt")
	os.WriteFile(plain, []byte("who are you|BOT\n"), 0o644)
	s, err := ReadFiles([]string{gz, plain}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Pairs) != 2 || s.Pairs[0] != (Pair{"HOW ARE YOU", "FINE", gz, 1}) || s.Pairs[1] != (Pair{"WHO ARE YOU", "BOT", plain, 1}) {
		t.Fatalf("pairs %v", s.Pairs)
	}
	if len(s.Rejected) != 1 || s.Rejected[0].File != gz || s.Rejected[0].Line != 2 {
		t.Fatalf("rejected %v", s.Rejected)
	}
	// A corrupt gzip stream is an error, not silent data.
	bad := append([]byte{0x1f, 0x8b}, []byte("garbage garbage garbage")...)
	if _, err := Parse(bytes.NewReader(bad), "bad", Options{}); err == nil {
		t.Fatal("corrupt gzip accepted")
	}
	if _, err := ReadFiles([]string{filepath.Join(dir, "missing")}, Options{}); err == nil {
		t.Fatal("missing file accepted")
	}
}

func TestCharset(t *testing.T) {
	pairs := []Pair{{"Q1", "OK!", "f", 1}, {"Q2", "NO 2?", "f", 2}, {"Q3", "K/9", "f", 3}}
	got := DeriveCharset(pairs)
	if want := " KNO29!/?\x00"; string(got) != want {
		t.Fatalf("charset %q, want %q", got, want)
	}
	if err := CheckCharset(pairs, got); err != nil {
		t.Fatal(err)
	}
	err := CheckCharset(pairs, []byte("KNO \x00"))
	if err == nil || !strings.Contains(err.Error(), "f:1") || !strings.Contains(err.Error(), `'!'`) {
		t.Fatalf("CheckCharset error %v, want one naming f:1 and '!'", err)
	}
	// EOS never matches a response character.
	if err := CheckCharset([]Pair{{"QQ", "A", "f", 1}}, []byte("A")); err == nil {
		t.Fatal("EOS entry accepted as a character")
	}
	cs, err := ExplicitCharset("yesno ")
	if err != nil || string(cs) != "YESNO \x00" {
		t.Fatalf("ExplicitCharset = %q, %v", cs, err)
	}
	if _, err := ExplicitCharset("\x01"); err == nil {
		t.Fatal("control character accepted in charset")
	}
	_, err = Parse(strings.NewReader("hi|YES\nbye|NOPE\n"), "d.txt", Options{Charset: []byte("YESNO")})
	if err == nil || !strings.Contains(err.Error(), "d.txt:2") || !strings.Contains(err.Error(), `'P'`) {
		t.Fatalf("explicit charset error %v, want d.txt:2 and 'P'", err)
	}
	if _, err = Parse(strings.NewReader("hi|yes\n"), "d.txt", Options{Charset: []byte("yes")}); err != nil {
		t.Fatalf("lower-case explicit charset: %v", err)
	}
}

func TestStatsCeilingBalanceSplit(t *testing.T) {
	var pairs []Pair
	add := func(q, r string, n int) {
		for range n {
			pairs = append(pairs, Pair{q, r, "f", len(pairs) + 1})
		}
	}
	add("A B", "YES", 2)
	add("A B", "NO", 1)
	add("C D", "NO", 3)
	add("E F", "OK", 1)
	if c := Ceiling(pairs); c != 6.0/7 {
		t.Fatalf("ceiling %v, want 6/7", c)
	}
	if Ceiling(nil) != 1 {
		t.Fatal("empty ceiling")
	}
	cls := Classes(pairs)
	if len(cls) != 3 || cls[0] != (Class{"NO", 4}) || cls[1] != (Class{"YES", 2}) || cls[2] != (Class{"OK", 1}) {
		t.Fatalf("classes %v", cls)
	}
	con := Contradictions(pairs)
	if len(con) != 1 || strings.Join(con["A B"], ",") != "NO,YES" {
		t.Fatalf("contradictions %v", con)
	}
	b := Balance(pairs, 3, 7)
	if got := Classes(b); len(got) != 3 || got[0].Count != 3 || got[1].Count != 3 || got[2].Count != 3 {
		t.Fatalf("balanced classes %v", got)
	}
	b2 := Balance(pairs, 3, 7)
	for i := range b {
		if b[i] != b2[i] {
			t.Fatal("Balance not deterministic")
		}
	}
	// Hand-checked content: grouped NO, YES, OK; NO (lines 3..6) is
	// subsampled without replacement; YES keeps both its lines (1, 2) and
	// repeats one; OK (line 7) is repeated three times.
	lines := func(ps []Pair, resp string) []int {
		var ls []int
		for _, p := range ps {
			if p.Response != resp {
				t.Fatalf("pair %v out of its class group %s", p, resp)
			}
			ls = append(ls, p.Line)
		}
		return ls
	}
	no, yes, ok := lines(b[0:3], "NO"), lines(b[3:6], "YES"), lines(b[6:9], "OK")
	if no[0] < 3 || no[2] > 6 || no[0] >= no[1] || no[1] >= no[2] {
		t.Errorf("NO lines %v, want 3 distinct of 3..6 in file order", no)
	}
	if yes[0] != 1 || yes[2] != 2 || (yes[1] != 1 && yes[1] != 2) {
		t.Errorf("YES lines %v, want 1 and 2 kept and one repeated", yes)
	}
	if ok[0] != 7 || ok[1] != 7 || ok[2] != 7 {
		t.Errorf("OK lines %v, want 7,7,7", ok)
	}
	if Balance(pairs, 0, 7) != nil || Balance(pairs, -1, 7) != nil {
		t.Error("Balance with target ≤ 0 returned pairs")
	}
	// Split keeps every query on one side and does not depend on order.
	var many []Pair
	for i := range 400 {
		q := strings.Repeat("Q", 1+i%7) + string(rune('A'+i%26)) + string(rune('A'+i/26))
		many = append(many, Pair{q, "X", "f", i}, Pair{q, "Y", "f", i})
	}
	tr, va := Split(many, 0.25, 3)
	if len(va) < 120 || len(va) > 280 || len(tr)+len(va) != len(many) {
		t.Fatalf("split %d/%d", len(tr), len(va))
	}
	inVal := map[string]bool{}
	for _, p := range va {
		inVal[p.Query] = true
	}
	for _, p := range tr {
		if inVal[p.Query] {
			t.Fatalf("query %q on both sides", p.Query)
		}
	}
	rev := append([]Pair(nil), many...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	_, va2 := Split(rev, 0.25, 3)
	inVal2 := map[string]bool{}
	for _, p := range va2 {
		inVal2[p.Query] = true
	}
	if len(va2) != len(va) || !maps.Equal(inVal, inVal2) {
		t.Fatal("split depends on order")
	}
	_, va3 := Split(many, 0.25, 4)
	same := len(va3) == len(va)
	for i := 0; same && i < len(va); i++ {
		same = va[i] == va3[i]
	}
	if same {
		t.Fatal("seed does not change the split")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("hello|HI\n# c\n\nx|Y\nno pipe\n"))
	f.Add([]byte{0x1f, 0x8b, 0, 1})
	f.Add([]byte("a|b|c\r\n|\n||\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opt := range []Options{{}, {Charset: []byte("AB ")}} {
			s, err := Parse(bytes.NewReader(b), "fuzz", opt)
			if err != nil {
				continue
			}
			for _, p := range s.Pairs {
				if len(p.Query) < MinQueryLen || p.Response == "" || len(p.Response) > MaxResponseLen || p.Line < 1 {
					t.Fatalf("bad pair %+v", p)
				}
			}
			cs := DeriveCharset(s.Pairs)
			if cs[len(cs)-1] != EOS {
				t.Fatal("EOS not last")
			}
			if err := CheckCharset(s.Pairs, cs); err != nil {
				t.Fatal(err)
			}
		}
	})
}
