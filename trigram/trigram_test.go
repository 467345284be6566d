package trigram

import (
	"slices"
	"strings"
	"testing"
)

// hash is an independent, literal transcription of the contract's hash,
// working on a string with int arithmetic and an explicit modulo.
func hash(seed int, s string) int {
	h := seed
	for i := 0; i < len(s); i++ {
		h = (h*31 + int(s[i])) % 65536
	}
	return h
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// refQuery follows the contract's wording step by step.
func refQuery(q string) [Buckets]int16 {
	var v [Buckets]int16
	if len(q) > MaxQueryLen {
		q = q[:MaxQueryLen]
	}
	s := strings.Trim(lowerASCII(q), " ")
	if s == "" {
		return v
	}
	t := " " + s + " "
	for i := 0; i+3 <= len(t); i++ {
		v[hash(0, t[i:i+3])%128] += 32
	}
	return v
}

func refContext(recent string) [Buckets]int16 {
	var v [Buckets]int16
	r := lowerASCII(recent)
	if len(r) > 8 {
		r = r[len(r)-8:]
	}
	w := strings.Repeat(" ", 8-len(r)) + r
	for n := 1; n <= 3; n++ {
		for i := 0; i <= 8-n; i++ {
			v[hash(7*i, w[i:i+n])%128] += 32
		}
	}
	return v
}

func nonZero(v *[Buckets]int16) map[int]int16 {
	m := map[int]int16{}
	for i, x := range v {
		if x != 0 {
			m[i] = x
		}
	}
	return m
}

// Hashes below were worked out by hand:
//
//	" hi" = ((32*31 + 104)*31 + 105) = 34081,  34081 mod 128 = 33
//	"hi " = ((104*31 + 105)*31 + 32) = 103231, mod 65536 = 37695, mod 128 = 63
//	" a " = ((32*31 + 97)*31 + 32)   = 33791,  mod 128 = 127
func TestEncodeQueryHandComputed(t *testing.T) {
	cases := []struct {
		q    string
		want map[int]int16
	}{
		{"hi", map[int]int16{33: 32, 63: 32}},
		{"HI", map[int]int16{33: 32, 63: 32}},
		{"   hI  ", map[int]int16{33: 32, 63: 32}},
		{"a", map[int]int16{127: 32}},
		{"", map[int]int16{}},
		{"     ", map[int]int16{}},
	}
	for _, c := range cases {
		var v [Buckets]int16
		v[5] = 99 // must be overwritten
		EncodeQuery(&v, c.q)
		got := nonZero(&v)
		if len(got) != len(c.want) {
			t.Errorf("EncodeQuery(%q) = %v, want %v", c.q, got, c.want)
			continue
		}
		for k, x := range c.want {
			if got[k] != x {
				t.Errorf("EncodeQuery(%q) = %v, want %v", c.q, got, c.want)
			}
		}
	}
}

// The hashes of the comment above, whole: the low 7 bits of each are its
// query bucket.
func TestAppendQueryHashesHandComputed(t *testing.T) {
	for _, c := range []struct {
		q    string
		want []uint16
	}{
		{"hi", []uint16{34081, 37695}},
		{"   hI  ", []uint16{34081, 37695}},
		{"a", []uint16{33791}},
		{"", nil},
		{"     ", nil},
	} {
		got := AppendQueryHashes([]uint16{7}, c.q) // appends after what is there
		if want := append([]uint16{7}, c.want...); !slices.Equal(got, want) {
			t.Errorf("AppendQueryHashes([7], %q) = %v, want %v", c.q, got, want)
		}
	}
}

// For the empty context the window is eight spaces; the 1-gram at start i
// hashes to 7*i*31 + 32, by hand: 32, 249, 466, 683, 900, 1117, 1334, 1551,
// i.e. buckets 32, 121, 82, 43, 4, 93, 54, 15.
func TestEncodeContextEmptyUnigrams(t *testing.T) {
	var v [Buckets]int16
	EncodeContext(&v, nil)
	for _, b := range []int{32, 121, 82, 43, 4, 93, 54, 15} {
		if v[b] < 32 {
			t.Errorf("bucket %d = %d, want at least 32", b, v[b])
		}
	}
	// The 2-gram at 0 is (32*31+32) = 1024, bucket 0.
	if v[0] < 32 {
		t.Errorf("bucket 0 = %d, want at least 32", v[0])
	}
}

func sum(v *[Buckets]int16) int {
	s := 0
	for _, x := range v {
		s += int(x)
	}
	return s
}

func TestAgainstReference(t *testing.T) {
	qs := []string{"hello", "Hello World", "  spaced  out  ", "\x00\x01\x7f\x80\xff", "A",
		"ab", strings.Repeat("x", 300), strings.Repeat("ab ", 100), "tab\there", "ÄÖÜ unicode"}
	for _, q := range qs {
		var v [Buckets]int16
		EncodeQuery(&v, q)
		if want := refQuery(q); v != want {
			t.Errorf("EncodeQuery(%q) differs from reference", q)
		}
		var c [Buckets]int16
		EncodeContext(&c, []byte(q))
		if want := refContext(q); c != want {
			t.Errorf("EncodeContext(%q) differs from reference", q)
		}
		if s := sum(&c); s != ContextWindows*Weight {
			t.Errorf("context sum %d, want %d", s, ContextWindows*Weight)
		}
	}
}

func TestLongQueryIsCut(t *testing.T) {
	long := strings.Repeat("q", MaxQueryLen) + "zzzz"
	var a, b [Buckets]int16
	EncodeQuery(&a, long)
	EncodeQuery(&b, long[:MaxQueryLen])
	if a != b {
		t.Fatal("bytes past MaxQueryLen changed the encoding")
	}
	if s := sum(&a); s != MaxQueryLen*Weight {
		t.Fatalf("sum %d, want %d", s, MaxQueryLen*Weight)
	}
}

func TestEncodeWholeVector(t *testing.T) {
	var v [InputSize]int16
	Encode(&v, "hi there", []byte("HELLO"))
	q, c := refQuery("hi there"), refContext("HELLO")
	if [Buckets]int16(v[:Buckets]) != q || [Buckets]int16(v[Buckets:]) != c {
		t.Fatal("Encode differs from the two encoders")
	}
}

func TestNoAllocs(t *testing.T) {
	var v [InputSize]int16
	recent := []byte("abcdefghij")
	n := testing.AllocsPerRun(100, func() { Encode(&v, "how are you today", recent) })
	if n != 0 {
		t.Fatalf("Encode allocates %v times", n)
	}
}

// checkWordOrder checks that for two words a and b the encoding of "a b"
// is enc(a)+enc(b) plus the single trigram spanning the space, so swapping
// the words changes only that one trigram.
func checkWordOrder(t *testing.T, a, b string) {
	var ea, eb, ab, ba [Buckets]int16
	EncodeQuery(&ea, a)
	EncodeQuery(&eb, b)
	EncodeQuery(&ab, a+" "+b)
	EncodeQuery(&ba, b+" "+a)
	for _, p := range []struct {
		enc   *[Buckets]int16
		joint string
	}{
		{&ab, string([]byte{a[len(a)-1], ' ', b[0]})},
		{&ba, string([]byte{b[len(b)-1], ' ', a[0]})},
	} {
		var want [Buckets]int16
		for i := range want {
			want[i] = ea[i] + eb[i]
		}
		want[hash(0, lowerASCII(p.joint))%128] += 32
		if *p.enc != want {
			t.Fatalf("%q %q: encoding is not the words' encodings plus the joint %q", a, b, p.joint)
		}
	}
}

func TestWordOrder(t *testing.T) {
	checkWordOrder(t, "hello", "world")
	checkWordOrder(t, "ARE", "you")
}

func FuzzEncodeQuery(f *testing.F) {
	for _, s := range []string{"", " ", "hello", "HELLO world", "\xff\x80", strings.Repeat("z", 260)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		var v [Buckets]int16
		EncodeQuery(&v, q)
		if v != refQuery(q) {
			t.Fatalf("differs from reference for %q", q)
		}
		if got, want := sum(&v), len(TrimQuery(q))*Weight; got != want {
			t.Fatalf("sum %d, want %d", got, want)
		}
		var fromHashes [Buckets]int16
		for _, h := range AppendQueryHashes(nil, q) {
			fromHashes[h%Buckets] += Weight
		}
		if fromHashes != v {
			t.Fatalf("the hashes of %q, modulo %d, are not its buckets", q, Buckets)
		}
		if w := strings.Fields(q); len(w) == 2 && !strings.ContainsAny(q, "\t\n\v\f\r\x85\xa0") && len(w[0])+len(w[1]) < 200 {
			checkWordOrder(t, w[0], w[1])
		}
		var c [Buckets]int16
		EncodeContext(&c, []byte(q))
		if c != refContext(q) || sum(&c) != ContextWindows*Weight {
			t.Fatalf("context differs for %q", q)
		}
	})
}

// BenchmarkEncodeQuery: the query encoder runs once on every reply.
func BenchmarkEncodeQuery(b *testing.B) {
	var v [Buckets]int16
	for b.Loop() {
		EncodeQuery(&v, "hello there, how are you doing today my friend?")
	}
}
