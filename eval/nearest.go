package eval

import (
	"math"

	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

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
// after NewNearest and is safe for concurrent use; Evaluate measures it as
// it measures a model.
type Nearest struct {
	queries []sparseQuery
	resp    []string // resp[i]: the majority response of queries[i]
	common  string   // the most frequent training response
}

// sparseQuery is a query's non-zero buckets, scaled to unit length.
type sparseQuery struct {
	idx []uint8
	val []float64
}

// NewNearest indexes the queries of train. An empty train answers every
// query with "".
func NewNearest(train []dataset.Pair) *Nearest {
	n := &Nearest{}
	if cl := dataset.Classes(train); len(cl) > 0 {
		n.common = cl[0].Response
	}
	maj := dataset.Majority(train)
	for _, q := range Queries(train) {
		n.queries = append(n.queries, encodeSparse(q))
		n.resp = append(n.resp, maj[q].Response)
	}
	return n
}

func encodeSparse(q string) sparseQuery {
	var x [trigram.Buckets]int16
	trigram.EncodeQuery(&x, q)
	var s sparseQuery
	sum := 0.0
	for i, v := range x {
		if v != 0 {
			s.idx = append(s.idx, uint8(i))
			s.val = append(s.val, float64(v))
			sum += float64(v) * float64(v)
		}
	}
	for i := range s.val {
		s.val[i] /= math.Sqrt(sum)
	}
	return s
}

// AppendReply appends Reply(q) to dst (a Nearest is a Responder).
func (n *Nearest) AppendReply(dst []byte, q string) []byte { return append(dst, n.Reply(q)...) }

// Reply returns the response of q's nearest training query.
func (n *Nearest) Reply(q string) string {
	var dense [trigram.Buckets]float64
	s := encodeSparse(q)
	for i, b := range s.idx {
		dense[b] = s.val[i]
	}
	best, at := 0.0, -1
	for i, t := range n.queries {
		sim := 0.0
		for k, b := range t.idx {
			sim += t.val[k] * dense[b]
		}
		if sim > best {
			best, at = sim, i
		}
	}
	if at < 0 {
		return n.common
	}
	return n.resp[at]
}
