package eval

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

// ErrBuckets is the error NewNearestBuckets returns (wrapped) for a bucket
// count it cannot use.
var ErrBuckets = errors.New("the bucket count must be a power of two from 1 to 65536")

// Nearest is a yardstick for a model's answers to phrasings it was not
// trained on: a responder without weights that answers a query with the
// response of the most similar training query, similarity being the
// cosine of the two queries' trigram bucket vectors (trigram.EncodeQuery:
// the model's own view of a query). What it gets right on held-out
// phrasings is what resemblance to the training phrasings alone carries.
//
// Each distinct training query answers with its majority response
// (dataset.Majority); ties in similarity go to the training query seen
// first. A query that shares no bucket with any training query gets the
// most frequent response of the training set. A Nearest is not modified
// once made and is safe for concurrent use; Evaluate measures it as
// it measures a model. The zero Nearest answers every query with "".
type Nearest struct {
	mask    uint16 // a trigram's bucket is its 16-bit hash & mask
	queries []sparseQuery
	resp    []string // resp[i]: the majority response of queries[i]
	common  string   // the most frequent training response
}

// sparseQuery is a query's non-zero buckets in increasing order, its
// vector scaled to unit length.
type sparseQuery struct {
	idx []uint16
	val []float64
}

// NewNearest indexes the queries of train in the model's trigram.Buckets
// (128) query buckets. An empty train answers every query with "".
func NewNearest(train []dataset.Pair) *Nearest {
	n, _ := NewNearestBuckets(train, trigram.Buckets) // 128 is a power of two
	return n
}

// NewNearestBuckets is NewNearest with the trigrams in buckets buckets
// instead of the model's 128: a trigram goes to its 16-bit hash
// (trigram.AppendQueryHashes) modulo buckets, so every count from 128 up
// splits the model's buckets and 65536 keeps the whole hash. It measures
// what the 128 buckets of the model's input cost on held-out phrasings.
// buckets must be a power of two from 1 to 65536 (else ErrBuckets).
func NewNearestBuckets(train []dataset.Pair, buckets int) (*Nearest, error) {
	if buckets < 1 || buckets > 1<<16 || bits.OnesCount(uint(buckets)) != 1 {
		return nil, fmt.Errorf("eval: %d buckets: %w", buckets, ErrBuckets)
	}
	n := &Nearest{mask: uint16(buckets - 1)}
	if cl := dataset.Classes(train); len(cl) > 0 {
		n.common = cl[0].Response
	}
	maj := dataset.Majority(train)
	var scratch []uint16
	for _, q := range Queries(train) {
		var s sparseQuery
		s, scratch = n.encode(q, scratch)
		n.queries = append(n.queries, s)
		n.resp = append(n.resp, maj[q].Response)
	}
	return n, nil
}

// encode returns the sparse unit vector of q's buckets, using scratch
// (returned for reuse) for its hashes.
func (n *Nearest) encode(q string, scratch []uint16) (sparseQuery, []uint16) {
	h := trigram.AppendQueryHashes(scratch[:0], q)
	for i := range h {
		h[i] &= n.mask
	}
	slices.Sort(h)
	var s sparseQuery
	sum := 0.0
	for i := 0; i < len(h); {
		j := i + 1
		for j < len(h) && h[j] == h[i] {
			j++
		}
		c := float64(j - i)
		s.idx = append(s.idx, h[i])
		s.val = append(s.val, c)
		sum += c * c
		i = j
	}
	for i := range s.val {
		s.val[i] /= math.Sqrt(sum)
	}
	return s, h
}

// AppendReply appends Reply(q) to dst (a Nearest is a Responder).
func (n *Nearest) AppendReply(dst []byte, q string) []byte { return append(dst, n.Reply(q)...) }

// Reply returns the response of q's nearest training query.
func (n *Nearest) Reply(q string) string {
	s, _ := n.encode(q, nil)
	best, at := 0.0, -1
	for i, t := range n.queries {
		if sim := dot(s, t); sim > best {
			best, at = sim, i
		}
	}
	if at < 0 {
		return n.common
	}
	return n.resp[at]
}

// dot is the dot product of two sparse vectors (indices increasing).
func dot(a, b sparseQuery) float64 {
	sum := 0.0
	for i, j := 0, 0; i < len(a.idx) && j < len(b.idx); {
		switch {
		case a.idx[i] < b.idx[j]:
			i++
		case a.idx[i] > b.idx[j]:
			j++
		default:
			sum += a.val[i] * b.val[j]
			i++
			j++
		}
	}
	return sum
}
