package infer_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"mulm/bench"
	"mulm/infer"
	"mulm/infer/npz"
	"mulm/internal/randmodel"
)

// benchQueries are the benchmark queries of every figure.
var benchQueries = bench.Queries()

// benchReplies measures the time per generation step (EOS included), per
// printed character, and allocations per reply (all of them steady state:
// the state comes from the model's pool).
func benchReplies(b *testing.B, m *infer.Model) {
	benchAppend(b, m, (*infer.Model).AppendReply)
}

func benchAppend(b *testing.B, m *infer.Model, appendReply func(*infer.Model, []byte, string) []byte) {
	buf := make([]byte, 0, infer.MaxMaxLen)
	chars := 0
	for _, q := range benchQueries {
		chars += len(appendReply(m, buf[:0], q))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		buf = appendReply(m, buf[:0], benchQueries[i%len(benchQueries)])
	}
	nsPerReply := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	n := float64(len(benchQueries))
	b.ReportMetric(nsPerReply/(float64(chars+len(benchQueries))/n), "ns/step") // EOS steps count too
	b.ReportMetric(nsPerReply/(float64(chars)/n), "ns/char")                   // per printed character
	b.ReportMetric(float64(chars)/n, "chars/reply")
}

// BenchmarkReplyReference runs the original's tinychat model (skipped when
// ../shared is absent). ns/step is the time per generated character
// (EOS included).
func BenchmarkReplyReference(b *testing.B) {
	path := "../../shared/reference/tinychat-model.npz"
	if _, err := os.Stat(path); err != nil {
		b.Skip("reference model absent")
	}
	m, err := npz.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	benchReplies(b, m)
}

// BenchmarkReplyRandom runs a random model of the tinychat shape with
// 27 % non-zero weights; its biases lean negative so that, as in trained
// models, most hidden activations are zero.
func BenchmarkReplyRandom(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	layers := randmodel.Layers(rng, randmodel.Options{Hidden: []int{256, 192, 128}, Charset: []byte(" ABCDEFGHIJKLMNOPQRSTUVWXYZ012345678!/?\x00"), MaxLen: 50})
	for li := range layers {
		for o := range layers[li].Bias {
			layers[li].Bias[o] -= 40
		}
	}
	m, err := infer.New([]byte(" ABCDEFGHIJKLMNOPQRSTUVWXYZ012345678!/?\x00"), layers, 50)
	if err != nil {
		b.Fatal(err)
	}
	benchReplies(b, m)
}

// BenchmarkDenseReference is the plain dense path, for comparison.
func BenchmarkDenseReference(b *testing.B) {
	path := "../../shared/reference/tinychat-model.npz"
	if _, err := os.Stat(path); err != nil {
		b.Skip("reference model absent")
	}
	m, err := npz.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	steps := 0
	for _, q := range benchQueries {
		steps += len(m.DenseTrace(q).Steps)
	}
	for i := 0; b.Loop(); i++ {
		m.DenseTrace(benchQueries[i%len(benchQueries)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(float64(steps)/float64(len(benchQueries))), "ns/step")
}

// BenchmarkReplyExample runs the example tinychat model trained here.
func BenchmarkReplyExample(b *testing.B) {
	m, err := infer.ReadFile("../examples/tinychat/model.mulm")
	if err != nil {
		b.Fatal(err)
	}
	benchReplies(b, m)
}

// BenchmarkEngines runs every Go implementation of the registry side by
// side on the original tinychat model (when ../shared is present) and on
// our example: ns/step per implementation (those without AppendReply, the
// dense reference and forward, generate through their Trace, which
// allocates).
func BenchmarkEngines(b *testing.B) {
	models := []struct{ name, path string }{
		{"original", "../../shared/reference/tinychat-model.npz"},
		{"example", "../examples/tinychat/model.mulm"},
	}
	for _, mo := range models {
		b.Run(mo.name, func(b *testing.B) {
			if _, err := os.Stat(mo.path); err != nil {
				b.Skip("model absent: ", mo.path)
			}
			var m *infer.Model
			var err error
			if filepath.Ext(mo.path) == ".npz" {
				m, err = npz.ReadFile(mo.path)
			} else {
				m, err = infer.ReadFile(mo.path)
			}
			if err != nil {
				b.Fatal(err)
			}
			for _, impl := range infer.Implementations() {
				b.Run(impl.Name, func(b *testing.B) {
					if impl.Unavailable != "" {
						b.Skip(impl.Unavailable)
					}
					f := impl.AppendReply
					if f == nil {
						f = func(m *infer.Model, dst []byte, q string) []byte {
							return append(dst, impl.Trace(m, q).Reply...)
						}
					}
					benchAppend(b, m, f)
				})
			}
		})
	}
}
