package eval

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"mulm/quant/qat/dataset"
)

func TestNearest(t *testing.T) {
	train := []dataset.Pair{
		{Query: "hello there", Response: "HI"},
		{Query: "see you later", Response: "BYE"},
		{Query: "good morning friend", Response: "HI"},
		{Query: "hi", Response: "YO"}, // "hi" answers HI twice, YO once
		{Query: "hi", Response: "HI"},
		{Query: "hi", Response: "HI"},
		{Query: "Thanks a lot", Response: "ANYTIME"}, // the same buckets as
		{Query: "thanks a lot", Response: "NP"},      // this one: the first wins
	}
	n := NewNearest(train)
	for _, tc := range []struct{ q, want string }{
		{"hello there", "HI"},         // itself
		{"well hello there!", "HI"},   // most of its trigrams
		{"see you much later", "BYE"}, // most of its trigrams
		{"good morning", "HI"},        // the start of a longer one
		{"hi", "HI"},                  // the majority response
		{"thanks a lot", "ANYTIME"},   // a tie: the training query seen first
		{"", "HI"},                    // no bucket at all: the most frequent response
	} {
		if got := n.Reply(tc.q); got != tc.want {
			t.Errorf("Reply(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
	// Similarity is a cosine: the short query whose trigrams are all in
	// "hello" wins over the long one that shares as many of them (a plain
	// dot product ties them, and the first would win).
	long := NewNearest([]dataset.Pair{{Query: "hello there friend of mine", Response: "LONG"}, {Query: "hello", Response: "SHORT"}})
	if got := long.Reply("hello"); got != "SHORT" {
		t.Errorf("Reply(\"hello\") = %q, want SHORT (the cosine, not the dot product)", got)
	}
	if got := NewNearest(nil).Reply("hello"); got != "" {
		t.Errorf("an empty training set answers %q, want \"\"", got)
	}

	// Evaluate measures it as a model: each pair against the reply to its query.
	test := []dataset.Pair{
		{Query: "well hello there", Response: "HI"},
		{Query: "see you much later", Response: "BYE"},
		{Query: "see you much later", Response: "HI"},
		{Query: "thanks a lot", Response: "NP"},
	}
	r := Evaluate(n, test, 2)
	if r.Pairs != 4 || r.Matched != 2 {
		t.Fatalf("Evaluate: %d of %d pairs matched, want 2 of 4", r.Matched, r.Pairs)
	}
	if c := r.PerClass["BYE"]; c != (ClassReport{Pairs: 1, Matched: 1}) {
		t.Errorf("class BYE: %+v", c)
	}
	if g := r.Confusion["NP"]["ANYTIME"]; g != 1 {
		t.Errorf("confusion NP→ANYTIME = %d, want 1", g)
	}
}

// "aa" and "cc" fall into the same two of the 128 buckets: their trigrams
// hash to 33856 and 30720, and to 33920 and 32704 (by hand: " aa" =
// (32·31 + 97)·31 + 97, "aa " = ((97·31 + 97)·31 + 32) mod 65536), all four
// 64 or 0 modulo 128 but not modulo 256. In the model's buckets the tie
// goes to the first; with 256 or more each is its own nearest.
func TestNearestBuckets(t *testing.T) {
	train := []dataset.Pair{{Query: "aa", Response: "AA"}, {Query: "cc", Response: "CC"}}
	for _, tc := range []struct {
		buckets int
		want    string
	}{{128, "AA"}, {256, "CC"}, {65536, "CC"}} {
		n, err := NewNearestBuckets(train, tc.buckets)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Reply("cc"); got != tc.want {
			t.Errorf("%d buckets: Reply(\"cc\") = %q, want %q", tc.buckets, got, tc.want)
		}
	}
	if got := NewNearest(train).Reply("cc"); got != "AA" {
		t.Errorf("NewNearest: Reply(\"cc\") = %q, want AA (the model's 128 buckets)", got)
	}
	for _, b := range []int{0, -128, 100, 1 << 17} {
		if _, err := NewNearestBuckets(train, b); !errors.Is(err, ErrBuckets) || !strings.Contains(err.Error(), strconv.Itoa(b)) {
			t.Errorf("NewNearestBuckets(%d): %v, want ErrBuckets naming %d", b, err, b)
		}
	}
	var zero Nearest
	if got := zero.Reply("hello"); got != "" {
		t.Errorf("the zero Nearest answers %q, want \"\"", got)
	}
}
