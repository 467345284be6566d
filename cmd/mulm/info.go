package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mulm/internal/atomicfile"

	"mulm/infer"
	"mulm/inspect"
	"mulm/quant"
)

// runInfo prints a model's shape, weight statistics and overflow analysis.
func runInfo(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := newFlags("info", stderr)
	model := flags.String("model", "", "model file (.mulm or the original's .npz)")
	certify := flags.Bool("certify", false, "compute the full overflow certificate (bisection on the query length, a longer search) and store it next to the model as `M.cert.json`")
	evals := flags.Int("evals", 0, "queries the wrap search evaluates (default 300, 3000 with -certify)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *model == "" {
		flags.Usage()
		return errors.New("-model is required")
	}
	if err := noArgs(flags); err != nil {
		return err
	}
	if *evals < 0 {
		return fmt.Errorf("-evals %d, want at least 0", *evals)
	}
	if *certify {
		// The certificate takes minutes; its sidecar must be writable first.
		if err := atomicfile.CheckWritable(inspect.SidecarPath(*model)); err != nil {
			return fmt.Errorf("-certify: %w", err)
		}
	}
	m, err := loadModelWarn(*model, stderr)
	if err != nil {
		return err
	}
	if err := writeInfo(stdout, m); err != nil {
		return err
	}
	return writeCertificate(stdout, stderr, m, *model, *certify, *evals)
}

// writeCertificate prints the overflow certificate: the stored one when
// the model has a valid sidecar (and -certify is not set), else a new one.
func writeCertificate(w, stderr io.Writer, m *infer.Model, path string, full bool, evals int) error {
	side := inspect.SidecarPath(path)
	if !full {
		c, err := inspect.ReadCertificate(side, m)
		if err == nil {
			fmt.Fprintf(w, "overflow certificate (stored in %s):\n", side)
			return c.WriteText(w)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "warning: ignoring the stored certificate: %v\n", err)
		}
	}
	opt := inspect.CertifyOptions{Z80: true, Bisect: full, Search: inspect.SearchOptions{Evals: evals}}
	if evals <= 0 {
		opt.Search.Evals = 300
		if full {
			opt.Search.Evals = 3000
		}
	}
	c, err := inspect.Certify(m, opt)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "overflow certificate (symbolic bounds over every query and context, and a search for wrapping queries):")
	if err := c.WriteText(w); err != nil {
		return err
	}
	if full {
		if err := c.WriteFile(side); err != nil {
			return err
		}
		fmt.Fprintf(w, "stored in %s\n", side)
	}
	return nil
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
	fmt.Fprintln(w, "overflow analysis by intervals (worst-case accumulators over every input the encoders can produce):")
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
