package main

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"mulm/internal/atomicfile"
	"mulm/quant/qat"
)

// writePlot draws a run's curves into a PNG file: sequence exact-match
// (training and, when there is one, held-out) and loss, each against wall
// time and against the epoch.
func writePlot(path, title string, ms []qat.Metrics) error {
	type series struct {
		name string
		col  color.Color
		y    func(qat.Metrics) float64
	}
	exact := []series{
		{"training", color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 255}, func(m qat.Metrics) float64 { return 100 * m.Exact }},
		{"held-out", color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 255}, func(m qat.Metrics) float64 { return 100 * m.ValExact }},
	}
	loss := []series{{"training loss", color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 255}, func(m qat.Metrics) float64 { return m.Loss }}}
	xs := []struct {
		label string
		x     func(qat.Metrics) float64
	}{
		{"wall time (s)", func(m qat.Metrics) float64 { return m.Elapsed.Seconds() }},
		{"epoch", func(m qat.Metrics) float64 { return float64(m.Epoch) }},
	}
	panel := func(ylabel string, ss []series, xl string, x func(qat.Metrics) float64) (*plot.Plot, error) {
		p := plot.New()
		p.X.Label.Text, p.Y.Label.Text = xl, ylabel
		if xl == "epoch" {
			p.X.Tick.Marker = wholeTicks{}
		}
		p.Add(plotter.NewGrid())
		p.Legend.Top = ylabel == "loss" // the curves leave that corner free
		p.Legend.Left = false
		for _, s := range ss {
			var pts plotter.XYs
			for _, m := range ms {
				if v := s.y(m); v >= 0 {
					pts = append(pts, plotter.XY{X: x(m), Y: v})
				}
			}
			if len(pts) == 0 {
				continue
			}
			l, err := plotter.NewLine(pts)
			if err != nil {
				return nil, err
			}
			l.Color, l.Width = s.col, vg.Points(1.5)
			p.Add(l)
			p.Legend.Add(s.name, l)
		}
		return p, nil
	}
	const rows, cols = 2, 2
	grid := make([][]*plot.Plot, rows)
	for r, sp := range []struct {
		label string
		ss    []series
	}{{"exact-match (%)", exact}, {"loss", loss}} {
		for _, xa := range xs {
			p, err := panel(sp.label, sp.ss, xa.label, xa.x)
			if err != nil {
				return err
			}
			grid[r] = append(grid[r], p)
		}
	}
	grid[0][0].Title.Text = title
	img := vgimg.New(vg.Points(900), vg.Points(600))
	dc := draw.New(img)
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(8), PadY: vg.Points(8),
		PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}
	canvases := plot.Align(grid, t, dc)
	for r := range rows {
		for c := range cols {
			grid[r][c].Draw(canvases[r][c])
		}
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
		if err != nil {
			return fmt.Errorf("writing the plot: %w", err)
		}
		return nil
	})
}

// wholeTicks are the default ticks with labels only on whole numbers (for
// epochs).
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Value != math.Trunc(ts[i].Value) {
			ts[i].Label = ""
		}
	}
	return ts
}
