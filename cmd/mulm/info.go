package main

import (
	"errors"
	"fmt"
	"io"

	"mulm/infer"
	"mulm/quant"
)

// runInfo prints a model's shape, weight statistics and overflow analysis.
func runInfo(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("info", stderr)
	model := fs.String("model", "", "model file (.mulm or the original's .npz)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" {
		fs.Usage()
		return errors.New("-model is required")
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	m, err := loadModelWarn(*model, stderr)
	if err != nil {
		return err
	}
	return writeInfo(stdout, m)
}

func writeInfo(w io.Writer, m *infer.Model) error {
	cs := m.Charset()
	fmt.Fprintf(w, "shape:   %v\n", m.Sizes())
	fmt.Fprintf(w, "charset: %q + EOS (%d entries)\n", cs[:len(cs)-1], len(cs))
	fmt.Fprintf(w, "limit:   %d characters per reply\n", m.MaxLen())
	layers := m.Layers()
	var count [4]int
	total := 0
	for i, l := range layers {
		var c [4]int
		bmin, bmax := l.Bias[0], l.Bias[0]
		for _, v := range l.W {
			c[v+2]++
		}
		for _, b := range l.Bias {
			bmin, bmax = min(bmin, b), max(bmax, b)
		}
		fmt.Fprintf(w, "layer %d: %d→%d shift %d, weights −2:%d −1:%d 0:%d +1:%d (%.1f%% non-zero), biases in [%d, %d]\n",
			i+1, l.In, l.Out, l.Shift, c[0], c[1], c[2], c[3], 100*float64(len(l.W)-c[2])/float64(len(l.W)), bmin, bmax)
		for k := range count {
			count[k] += c[k]
		}
		total += len(l.W)
	}
	fmt.Fprintf(w, "weights: %d, −2:%d −1:%d 0:%d +1:%d (%.1f%% non-zero), %d bytes packed\n",
		total, count[0], count[1], count[2], count[3], 100*float64(total-count[2])/float64(total), packedBytes(layers))
	fmt.Fprintln(w, "overflow analysis (worst-case accumulators over every input the encoders can produce):")
	rep := quant.AnalyzeOverflow(layers, quant.TrigramInputs())
	return rep.WriteText(w)
}

func packedBytes(layers []quant.Layer) int {
	n := 0
	for _, l := range layers {
		n += l.Out * quant.RowBytes(l.In)
	}
	return n
}
