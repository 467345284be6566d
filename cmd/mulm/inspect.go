package main

import (
	"errors"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"mulm/bench"
	"mulm/eval"
	"mulm/infer"
	"mulm/inspect"
	"mulm/quant/qat/dataset"
	"mulm/trigram"
)

func runInspect(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := newFlags("inspect", stderr)
	model := flags.String("model", "", "model `file` (.mulm or the original's .npz)")
	var data dataFilesFlag
	flags.Var(&data, "data", "query set: data `file`s (query|response lines, gzip ok); default the benchmark queries of mulm/bench")
	out := flags.String("o", "", "output `dir`ectory for the PNGs and index.html")
	query := flags.String("query", "hello", "the query whose inputs and candidates are shown")
	maxQ := flags.Int("n", 2000, "use at most `n` distinct queries of -data")
	sens := flags.Bool("sensitivity", false, "also measure per-layer quantization sensitivity on -data (exact-match with one code in k moved)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if err := noArgs(flags); err != nil {
		return err
	}
	if *model == "" || *out == "" {
		flags.Usage()
		return errors.New("-model and -o are required")
	}
	if *maxQ < 1 {
		return fmt.Errorf("-n %d, want at least 1", *maxQ)
	}
	if *sens && len(data) == 0 {
		return errors.New("-sensitivity needs -data")
	}
	m, err := loadModelWarn(*model, stderr)
	if err != nil {
		return err
	}
	queries := bench.Queries()
	var pairs []dataset.Pair
	if len(data) > 0 {
		pairs, err = loadDataPairs(data, dataset.Options{MaxResponseLen: m.MaxLen()}, stderr)
		if err != nil {
			return err
		}
		queries = eval.Queries(pairs)
		queries = queries[:min(*maxQ, len(queries))]
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	pg := page{Model: filepath.Clean(*model), Query: *query, NQueries: len(queries)}
	if len(data) == 0 {
		pg.QuerySet = "the benchmark queries (mulm/bench)"
	} else {
		pg.QuerySet = strings.Join(data, ", ")
	}
	pg.Weights = inspect.Weights(m)
	pg.Activity = inspect.Activity(m, queries)
	pg.View = inspect.View(m, *query, 5)
	if c, err := inspect.ReadCertificate(inspect.SidecarPath(*model), m); err == nil {
		var sb strings.Builder
		c.WriteText(&sb)
		pg.Certificate = sb.String()
	}
	if *sens {
		pg.Sensitivity = inspect.Sensitivity(m, pairs, inspect.SensitivityOptions{})
		if err := writeSensitivity(stdout, pg.Sensitivity); err != nil {
			return err
		}
	}
	if err := drawAll(*out, m, &pg); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(*out, "index.html"))
	if err != nil {
		return err
	}
	if err := pageTmpl.Execute(f, &pg); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d pictures)\n", filepath.Join(*out, "index.html"), len(pg.Pictures))
	return nil
}

type picture struct{ File, Title string }

type page struct {
	Model, QuerySet, Query string
	NQueries               int
	Weights                []inspect.WeightStats
	Activity               []inspect.LayerActivity
	View                   inspect.QueryView
	Sensitivity            []inspect.LayerSensitivity
	Certificate            string // the stored overflow certificate, if any
	Pictures               []picture
}

func (p *page) save(dir string, pl *plot.Plot, w, h vg.Length, file, title string) error {
	if err := pl.Save(w, h, filepath.Join(dir, file)); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	p.Pictures = append(p.Pictures, picture{file, title})
	return nil
}

var codeColors = []color.Color{
	color.RGBA{0xb2, 0x18, 0x2b, 0xff}, color.RGBA{0xef, 0x8a, 0x62, 0xff},
	color.RGBA{0xbb, 0xbb, 0xbb, 0xff}, color.RGBA{0x67, 0xa9, 0xcf, 0xff},
}

func drawAll(dir string, m *infer.Model, pg *page) error {
	// Weight codes per layer, as shares of the layer.
	pl := plot.New()
	pl.Title.Text = pg.Model + ": weight codes per layer"
	pl.Y.Label.Text = "share of the layer's weights"
	w := vg.Points(12)
	for k, name := range []string{"−2", "−1", "0", "+1"} {
		vs := make(plotter.Values, len(pg.Weights))
		for li, s := range pg.Weights {
			vs[li] = float64(s.Codes[k]) / float64(s.In*s.Out)
		}
		b, err := plotter.NewBarChart(vs, w)
		if err != nil {
			return err
		}
		b.Color = codeColors[k]
		b.LineStyle.Width = 0
		b.Offset = w * vg.Length(k-2)
		pl.Add(b)
		pl.Legend.Add(name, b)
	}
	pl.Legend.Top = true
	pl.Y.Max = 1.2 // room for the legend above the bars
	pl.NominalX(layerNames(len(pg.Weights))...)
	if err := pg.save(dir, pl, 5*vg.Inch, 3*vg.Inch, "weights.png", "weight codes per layer"); err != nil {
		return err
	}

	// Share of non-zero activations per layer.
	pl = plot.New()
	pl.Title.Text = fmt.Sprintf("%s: non-zero outputs over %d queries", pg.Model, pg.NQueries)
	pl.Y.Label.Text = "share of outputs ≠ 0"
	vs := make(plotter.Values, len(pg.Activity))
	for li, a := range pg.Activity {
		vs[li] = a.NonZeroShare()
	}
	b, err := plotter.NewBarChart(vs, vg.Points(30))
	if err != nil {
		return err
	}
	b.Color = codeColors[3]
	pl.Add(b)
	pl.Y.Min, pl.Y.Max = 0, 1
	names := layerNames(len(pg.Activity))
	names[len(names)-1] += " (logits, no ReLU)"
	pl.NominalX(names...)
	if err := pg.save(dir, pl, 4*vg.Inch, 3*vg.Inch, "activity.png", "share of non-zero outputs per layer"); err != nil {
		return err
	}

	// Accumulator ranges per neuron against the int16 limits, and zoomed
	// in on the data.
	for li, a := range pg.Activity {
		for _, zoom := range []bool{false, true} {
			pl, err := accPlot(pg, li, a, zoom)
			if err != nil {
				return err
			}
			file, title := fmt.Sprintf("acc-layer%d.png", li+1), fmt.Sprintf("layer %d accumulator ranges against the int16 limits", li+1)
			if zoom {
				file, title = fmt.Sprintf("acc-layer%d-zoom.png", li+1), fmt.Sprintf("layer %d accumulator ranges, zoomed", li+1)
			}
			if err := pg.save(dir, pl, 6*vg.Inch, 3*vg.Inch, file, title); err != nil {
				return err
			}
		}
	}

	// The query's first input vector as a 16×16 heat map.
	if len(pg.View.Steps) > 0 {
		pl := plot.New()
		pl.Title.Text = fmt.Sprintf("%q: the 256 inputs of step 1 (rows 0–7 query, 8–15 context)", pg.View.Query)
		g := grid16(pg.View.Steps[0].Input)
		hm := plotter.NewHeatMap(g, palette.Heat(32, 1))
		pl.Add(hm)
		pl.X.Label.Text = "input mod 16"
		pl.Y.Label.Text = "input / 16"
		if err := pg.save(dir, pl, 4.5*vg.Inch, 4.5*vg.Inch, "query-inputs.png", "input vector heat map"); err != nil {
			return err
		}
	}
	return nil
}

// accPlot draws every neuron's lowest and highest accumulator of layer li,
// on the int16 scale with its limits or zoomed in on the data.
func accPlot(pg *page, li int, a inspect.LayerActivity, zoom bool) (*plot.Plot, error) {
	pl := plot.New()
	lo, hi := slices.Min(a.Min), slices.Max(a.Max)
	head := 32767 / float64(max(hi, -lo, 1))
	pl.Title.Text = fmt.Sprintf("%s layer %d: accumulators over %d queries\nin [%d, %d], %.0f× below the int16 limit",
		pg.Model, li+1, pg.NQueries, lo, hi, head)
	if head < 1 {
		pl.Title.Text = fmt.Sprintf("%s layer %d: accumulators over %d queries\nin [%d, %d]: WRAPPED", pg.Model, li+1, pg.NQueries, lo, hi)
	}
	pl.X.Label.Text = "neuron"
	pl.Y.Label.Text = "accumulator (without wrapping)"
	mins, maxs := make(plotter.XYs, len(a.Min)), make(plotter.XYs, len(a.Max))
	for o := range a.Min {
		mins[o] = plotter.XY{X: float64(o), Y: float64(a.Min[o])}
		maxs[o] = plotter.XY{X: float64(o), Y: float64(a.Max[o])}
	}
	for _, s := range []struct {
		xy   plotter.XYs
		c    color.Color
		name string
	}{{maxs, codeColors[0], "highest"}, {mins, codeColors[3], "lowest"}} {
		sc, err := plotter.NewScatter(s.xy)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = s.c
		sc.GlyphStyle.Radius = vg.Points(1.5)
		pl.Add(sc)
		pl.Legend.Add(s.name, sc)
	}
	if !zoom {
		for i, lim := range []float64{32767, -32768} {
			f := plotter.NewFunction(func(float64) float64 { return lim })
			f.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			pl.Add(f)
			if i == 0 {
				pl.Legend.Add("int16 limits", f)
			}
		}
		pl.Y.Min, pl.Y.Max = min(-40000, float64(lo)), max(40000, float64(hi))
	}
	pl.Legend.Top = true
	pl.X.Min, pl.X.Max = -1, float64(len(a.Min))
	return pl, nil
}

// grid16 lays 256 inputs out as 16 rows of 16, row r holding inputs
// 16r..16r+15.
type grid16 []int16

func (g grid16) Dims() (c, r int)   { return 16, 16 }
func (g grid16) Z(c, r int) float64 { return float64(g[16*r+c]) }
func (g grid16) X(c int) float64    { return float64(c) }
func (g grid16) Y(r int) float64    { return float64(r) }

func layerNames(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("layer %d", i+1)
	}
	return s
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"pct":  func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
	"inc":  func(i int) int { return i + 1 },
	"minv": slices.Min[[]int64],
	"maxv": slices.Max[[]int64],
	"char": func(c inspect.Candidate) string {
		if c.EOS {
			return "EOS"
		}
		return fmt.Sprintf("%q", c.Char)
	},
	"buckets": func() int { return trigram.Buckets },
}).Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>mulm inspect: {{.Model}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}pre{white-space:pre-wrap}</style>
</head><body>
<h1>{{.Model}}</h1>
<h2>Weights</h2>
<table><tr><th>layer</th><th>shape</th><th>−2</th><th>−1</th><th>0</th><th>+1</th><th>non-zero</th></tr>
{{range $i, $w := .Weights}}<tr><td>{{inc $i}}</td><td>{{$w.In}}→{{$w.Out}}</td>{{range $w.Codes}}<td>{{.}}</td>{{end}}<td>{{pct $w.NonZero}}</td></tr>
{{end}}</table>
<p><img src="weights.png" alt="weight codes per layer"></p>
<h2>Activations over {{.NQueries}} queries ({{.QuerySet}})</h2>
<table><tr><th>layer</th><th>outputs</th><th>non-zero</th><th>lowest accumulator</th><th>highest</th><th>wrapped</th></tr>
{{range $i, $a := .Activity}}<tr><td>{{inc $i}}</td><td>{{$a.Outputs}}</td><td>{{pct $a.NonZeroShare}}</td><td>{{minv $a.Min}}</td><td>{{maxv $a.Max}}</td><td>{{$a.Wrapped}}</td></tr>
{{end}}</table>
{{if .Certificate}}<h3>Overflow certificate (over every query, from mulm info -certify)</h3>
<pre>{{.Certificate}}</pre>{{end}}
{{range .Pictures}}{{if ne .File "weights.png"}}{{if ne .File "query-inputs.png"}}<p><img src="{{.File}}" alt="{{.Title}}"></p>{{end}}{{end}}{{end}}
<h2>The query {{printf "%q" .View.Query}} → {{printf "%q" .View.Reply}}</h2>
<p><img src="query-inputs.png" alt="input heat map"></p>
<table><tr><th>step</th><th colspan="5">best candidates (logit)</th></tr>
{{range $i, $s := .View.Steps}}<tr><td>{{inc $i}}</td>{{range $s.Top}}<td>{{char .}} {{.Logit}}</td>{{end}}</tr>
{{end}}</table>
{{if .Sensitivity}}<h2>Quantization sensitivity</h2>
<table><tr><th>layer</th><th>codes moved</th><th>exact-match (mean)</th><th>lowest</th><th>highest</th></tr>
{{range .Sensitivity}}{{$l := .Layer}}{{range .Points}}<tr><td>{{inc $l}}</td><td>1 in {{.K}}</td><td>{{pct .ExactMatch}}</td><td>{{pct .Lowest}}</td><td>{{pct .Highest}}</td></tr>
{{end}}{{end}}</table>{{end}}
</body></html>
`))

func writeSensitivity(w io.Writer, ss []inspect.LayerSensitivity) error {
	if len(ss) == 0 {
		return nil
	}
	fmt.Fprintf(w, "quantization sensitivity: exact-match with one code in k of a layer moved to a neighbour code,\nmean [lowest-highest] over %d seeds (unperturbed %.2f%%)\n", ss[0].Seeds, 100*ss[0].Baseline)
	fmt.Fprintf(w, "%-8s", "layer")
	for _, p := range ss[0].Points {
		fmt.Fprintf(w, " %21s", fmt.Sprintf("1 in %d", p.K))
	}
	fmt.Fprintln(w)
	for _, s := range ss {
		fmt.Fprintf(w, "%-8d", s.Layer+1)
		for _, p := range s.Points {
			fmt.Fprintf(w, " %21s", fmt.Sprintf("%.2f%% [%.1f-%.1f]", 100*p.ExactMatch, 100*p.Lowest, 100*p.Highest))
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	return nil
}
