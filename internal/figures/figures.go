package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"mulm/bench"
	"mulm/infer"
	"mulm/trigram"
	"mulm/web"
	"mulm/z80ref"
)

// Kind says how a figure is reproduced.
type Kind int

const (
	// Exact figures are the same on every host: the test checks them.
	Exact Kind = iota
	// Host figures depend on the host (time, speed): measured with -host,
	// never checked or rewritten.
	Host
)

// Figure is one quoted figure, or a group of figures on one line.
type Figure struct {
	// Doc is the document (a path from the repository root), Pattern
	// its text around the figures with a {slot} for each number.
	Doc, Pattern string
	Kind         Kind
	// Command is the command that reproduces the figures.
	Command string
	// Compute returns the value of every slot it computes, formatted as
	// the document writes it. Slots it leaves out are in Manual.
	Compute func(e *env) (map[string]string, error)
	// Manual maps the slots that are not recomputed (training runs of
	// many minutes) to how they are reproduced.
	Manual map[string]string
}

// group formats n with thousands separators: 38,152.
func group[T int | uint64](n T) string {
	s := strconv.FormatUint(uint64(n), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// seconds formats T-states as seconds at 4 MHz with d decimals.
func seconds(t uint64, d int) string {
	return strconv.FormatFloat(float64(t)/bench.ClockHz, 'f', d, 64)
}

// millions formats n in millions with d decimals: 1.67.
func millions(n uint64, d int) string { return strconv.FormatFloat(float64(n)/1e6, 'f', d, 64) }

// pct formats a share as a percentage with d decimals, "100" for all.
func pct(v float64, d int) string {
	if v == 1 {
		return "100"
	}
	return strconv.FormatFloat(100*v, 'f', d, 64)
}

// nonZero is the share of m's weights that are not zero.
func nonZero(m *infer.Model) float64 {
	nz, n := 0, 0
	for _, l := range m.Layers() {
		for _, w := range l.W {
			n++
			if w != 0 {
				nz++
			}
		}
	}
	return float64(nz) / float64(n)
}

// benchCmd is the command behind the Z80 figures of a model file.
func benchCmd(model string) string { return "go run ./cmd/mulm bench -model " + modelFiles[model] }

// z80Row is a row of README's Z80 table: model, engine, .COM bytes,
// median and worst T-states per character, seconds at 4 MHz; bold marks
// the row's headline figures as the README does.
func z80Row(label, model string, k z80ref.EngineKind, bold bool) Figure {
	b := ""
	if bold {
		b = "**"
	}
	return Figure{
		Doc: "README.md",
		Pattern: fmt.Sprintf("| %s | %smulm %s%s | %s{bytes}%s | %s{median}%s | {worst} | %s{s}%s |",
			label, b, k, b, b, b, b, b, b, b),
		Command: benchCmd(model),
		Compute: func(e *env) (map[string]string, error) {
			r, err := e.z80(model, k)
			if err != nil {
				return nil, err
			}
			return map[string]string{"bytes": group(r.FileBytes), "median": group(r.Median()),
				"worst": group(r.Worst()), "s": seconds(r.Median(), 3)}, nil
		},
	}
}

// zxRow is a row of README's ZX Spectrum table: model, engine, .TAP
// bytes, the RAM the program uses (image, buffers, stack), median and worst T-states per
// character, seconds at 3.5 MHz (median / worst).
func zxRow(label, model string, k z80ref.EngineKind) Figure {
	return Figure{
		Doc:     "README.md",
		Pattern: fmt.Sprintf("| %s | mulm %s on zx48 | {bytes} | {mem} | {median} | {worst} | {s} / {sw} |", label, k),
		Command: benchCmd(model) + " (rows zx48); go run ./cmd/mulm build -platform zx48 -model " + modelFiles[model],
		Compute: func(e *env) (map[string]string, error) {
			r, err := e.z80On(model, k, z80ref.ZX48)
			if err != nil {
				return nil, err
			}
			m, err := e.model(model)
			if err != nil {
				return nil, err
			}
			im, err := z80ref.Build(m, z80ref.BuildOptions{Kind: k, Platform: z80ref.ZX48})
			if err != nil {
				return nil, err
			}
			clock := float64(z80ref.ZX48.ClockHz())
			sec := func(t uint64) string { return strconv.FormatFloat(float64(t)/clock, 'f', 3, 64) }
			return map[string]string{"bytes": group(r.FileBytes), "median": group(r.Median()), "worst": group(r.Worst()),
				"mem": group(im.Map[len(im.Map)-1].End() - im.Org),
				"s":   sec(r.Median()), "sw": sec(r.Worst())}, nil
		},
	}
}

// zxPlace is a sentence naming where "mulm build -platform zx48" loads
// models ({addrNAME}: the origin, NAME "orig" for orig-tinychat;
// {addrNAMEend}: the last byte used; {guesslow}: the bytes of guess's
// code below 8000h, which the ULA contends).
func zxPlace(models []string, doc, pattern string) Figure {
	return Figure{
		Doc:     doc,
		Pattern: pattern,
		Command: "go run ./cmd/mulm build -platform zx48 -map -model " + modelFiles[models[0]],
		Compute: func(e *env) (map[string]string, error) {
			v := map[string]string{}
			for _, name := range models {
				slot := strings.TrimSuffix(name, "-tinychat")
				m, err := e.model(name)
				if err != nil {
					return nil, err
				}
				im, err := z80ref.Build(m, z80ref.BuildOptions{Platform: z80ref.ZX48})
				if err != nil {
					return nil, err
				}
				v["addr"+slot] = fmt.Sprintf("%04Xh", im.Org)
				v["addr"+slot+"end"] = fmt.Sprintf("%04Xh", im.Map[len(im.Map)-1].End()-1)
				if name == "guess" { // its code's bytes below 8000h
					v["guesslow"] = group(min(0x8000-im.Org, im.Map[0].Size))
				}
			}
			return v, nil
		},
	}
}

// originalRow is a row of the original's published figures.
func originalRow(o bench.Original) Figure {
	return Figure{
		Doc:     "README.md",
		Pattern: "| original tinychat (`.npz`) | " + o.Build + " | {bytes} | {t} | | {s} |",
		Command: "published by the original project (../shared/reference/README.md); bench.Originals",
		Compute: func(*env) (map[string]string, error) {
			return map[string]string{"bytes": group(o.FileBytes), "t": group(o.TPerChar),
				"s": strings.TrimSuffix(seconds(o.TPerChar, 2), "0")}, nil
		},
	}
}

// guessLine is a line of README's guess transcript: what
// "go run ./examples/guess -z80" prints for query q.
func guessLine(q, reply string) Figure {
	return Figure{
		Doc:     "README.md",
		Pattern: "> " + q + "\n" + reply + "   [{s} s at 4 MHz, {t} T-states]",
		Command: fmt.Sprintf("go run ./examples/guess -z80 -q %q", q),
		Compute: func(e *env) (map[string]string, error) {
			out, err := e.z80Chat("guess", q)
			if err != nil {
				return nil, err
			}
			m := transcriptRE.FindStringSubmatch(out)
			if m == nil || m[1] != reply {
				return nil, fmt.Errorf("go run ./examples/guess -z80 -q %q printed %q, want %s and its time", q, out, reply)
			}
			return map[string]string{"s": m[2], "t": m[3]}, nil
		},
	}
}

var transcriptRE = regexp.MustCompile(`^(.*?)   \[([0-9.]+) s at 4 MHz, ([0-9]+) T-states\]\n$`)

// evalCmd is the command behind the exact-match of a model on a data file.
func evalCmd(model, data string) string {
	return "go run ./cmd/mulm eval -model " + modelFiles[model] + " -data " + data
}

const (
	origTinychatData = "../shared/reference/tinychat-training.txt.gz"
	origGuessData    = "../shared/reference/guess-training.txt.gz"
	trainCmdOrig     = "GOEXPERIMENT=simd go build -o mulm ./cmd/mulm && /usr/bin/time -v ./mulm train -data %s %s -seed 1 -o M.mulm " +
		"(the whole command timed, no -short variant; see examples/*/TRAIN.md) " +
		"and ./mulm eval -model M.mulm -data %s"
)

// figures is every figure the documents quote.
func figures() []Figure {
	fs := []Figure{
		// README.md: the Z80 table.
		originalRow(bench.Originals()[0]),
		originalRow(bench.Originals()[1]),
		{
			Doc:     "README.md",
			Pattern: "a fork's Spectrum build needs {s} s per character",
			Command: "published by the fork, quoted by issue 9; bench.Originals",
			Compute: func(*env) (map[string]string, error) {
				return map[string]string{"s": strconv.FormatFloat(bench.Originals()[2].SPerChar, 'f', -1, 64)}, nil
			},
		},
		z80Row("original tinychat (`.npz`)", "orig-tinychat", z80ref.Compact, false),
		z80Row("original tinychat (`.npz`)", "orig-tinychat", z80ref.Fast, true),
		z80Row("original tinychat (`.npz`)", "orig-tinychat", z80ref.Dense, false),
		z80Row("original guess (`.npz`)", "orig-guess", z80ref.Fast, false),
		z80Row("our tinychat", "tinychat", z80ref.Compact, false),
		z80Row("our tinychat", "tinychat", z80ref.Fast, true),
		z80Row("our tinychat", "tinychat", z80ref.Dense, false),
		z80Row("our guess", "guess", z80ref.Fast, false),
		// README.md: the ZX Spectrum table.
		{
			Doc:     "README.md",
			Pattern: "| RAM used (of {avail}) |",
			Command: "z80ref.ZXEnd − z80ref.ZXOrgMin (go doc mulm/z80ref ZXOrgMin)",
			Compute: func(*env) (map[string]string, error) {
				return map[string]string{"avail": group(z80ref.ZXEnd - z80ref.ZXOrgMin)}, nil
			},
		},
		zxRow("original tinychat (`.npz`)", "orig-tinychat", z80ref.Compact),
		zxRow("original guess (`.npz`)", "orig-guess", z80ref.Compact),
		zxRow("our tinychat", "tinychat", z80ref.Fast),
		zxRow("our guess", "guess", z80ref.Fast),
		zxPlace([]string{"guess", "tinychat"}, "README.md", "guess models (guess's from {addrguess}, tinychat's from {addrtinychat}), the compact one"),
		zxPlace([]string{"guess", "tinychat"}, "README.md", "from {addrguess}, tinychat's from {addrtinychat}; `mulm zx -stats CHAT.TAP`"),
		zxPlace([]string{"orig-tinychat"}, "z80ref/doc.go", "holds the original tinychat model there ({addrorig}..{addrorigend}, \"mulm build -platform zx48 -map\")"),
		zxPlace([]string{"guess", "tinychat"}, "z80ref/doc.go", "guess example (15.6 % non-zero weights; {addrguess}..{addrguessend}, all but the "+
			"first {guesslow} bytes of its code in uncontended RAM) and our tinychat example (19 %; {addrtinychat}..{addrtinychatend}); for"),
		{
			Doc:     "README.md",
			Pattern: "median over {n} queries; the fast engine sets up its index lists once at start-up, in {s} s at 4 MHz",
			Command: benchCmd("orig-tinychat"),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.z80("orig-tinychat", z80ref.Fast)
				if err != nil {
					return nil, err
				}
				return map[string]string{"n": strconv.Itoa(len(bench.Queries())), "s": seconds(r.Startup, 2)}, nil
			},
		},
		{
			Doc:     "README.md",
			Pattern: "the dense engine, which runs a model of any density, writes its handlers in {s} s",
			Command: benchCmd("orig-tinychat"),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.z80("orig-tinychat", z80ref.Dense)
				if err != nil {
					return nil, err
				}
				return map[string]string{"s": seconds(r.Startup, 2)}, nil
			},
		},
		// README.md: the guess transcript.
		guessLine("is it alive", "YES"),
		guessLine("can it fly", "NO"),
		guessLine("does it swim", "YES"),
		guessLine("is it bigger than a breadbox", "MAYBE"),
		guessLine("is it a dog", "NO"),
		guessLine("is it a penguin", "WIN"),
		guessLine("what color is it", "IDK"),
		// README.md: training.
		{
			Doc:     "README.md",
			Pattern: "| original tinychat data | {shipped} % | **{mulm} %** | {minutes} min | {ceiling} % |",
			Command: evalCmd("orig-tinychat", origTinychatData),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.eval("orig-tinychat", origTinychatData)
				if err != nil {
					return nil, err
				}
				return map[string]string{"shipped": pct(r.ExactMatch(), 1), "ceiling": pct(r.Ceiling, 1)}, nil
			},
			Manual: map[string]string{
				"mulm":    fmt.Sprintf(trainCmdOrig, origTinychatData, "-time 2m -easy-keep 0.3", origTinychatData),
				"minutes": fmt.Sprintf(trainCmdOrig, origTinychatData, "-time 2m -easy-keep 0.3", origTinychatData),
			},
		},
		{
			Doc:     "README.md",
			Pattern: "| original guess data | {shipped} % | **{mulm} %** | {minutes} min | {ceiling} % |",
			Command: evalCmd("orig-guess", origGuessData),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.eval("orig-guess", origGuessData)
				if err != nil {
					return nil, err
				}
				return map[string]string{"shipped": pct(r.ExactMatch(), 1), "ceiling": pct(r.Ceiling, 1)}, nil
			},
			Manual: map[string]string{
				"mulm":    fmt.Sprintf(trainCmdOrig, origGuessData, "-time 90s -easy-keep 0.1", origGuessData),
				"minutes": fmt.Sprintf(trainCmdOrig, origGuessData, "-time 90s -easy-keep 0.1", origGuessData),
			},
		},
		ourTraining("tinychat", "2.2"),
		ourTraining("guess", "4.1"),
		// README.md: host figures.
		{
			Doc:     "README.md",
			Pattern: "on the original tinychat model, {lo}–{hi} µs per generation step ({clo}–{chi} µs per printed character",
			Kind:    Host,
			Command: "go test ./infer -run XXX -bench Reply -cpu 1",
			Compute: func(e *env) (map[string]string, error) {
				m, err := e.model("orig-tinychat")
				if err != nil {
					return nil, err
				}
				r := bench.GoReply(m, bench.Queries(), 2*time.Second)
				step := strconv.FormatFloat(r.NsPerStep()/1000, 'f', 1, 64)
				char := strconv.FormatFloat(r.NsPerChar()/1000, 'f', 0, 64)
				return map[string]string{"lo": step, "hi": step, "clo": char, "chi": char}, nil
			},
		},
		{
			Doc:     "README.md",
			Pattern: "The dense reference path takes {lo}–{hi} µs per step",
			Kind:    Host,
			Command: "go test ./infer -run XXX -bench DenseReference -cpu 1",
			Compute: func(e *env) (map[string]string, error) {
				m, err := e.model("orig-tinychat")
				if err != nil {
					return nil, err
				}
				r := bench.GoTrace(m, infer.Implementations()[0], bench.Queries(), 2*time.Second)
				v := strconv.FormatFloat(r.NsPerStep()/1000, 'f', 0, 64)
				return map[string]string{"lo": v, "hi": v}, nil
			},
		},
		{
			Doc:     "README.md",
			Pattern: "The emulator runs about {m} million T-states per second",
			Kind:    Host,
			Command: "go run ./cmd/mulm cpm -stats CHAT.COM (a CHAT.COM of the example tinychat model, the benchmark queries typed)",
			Compute: func(e *env) (map[string]string, error) {
				m, err := e.model("tinychat")
				if err != nil {
					return nil, err
				}
				im, err := z80ref.Build(m, z80ref.BuildOptions{})
				if err != nil {
					return nil, err
				}
				start := time.Now()
				res, err := im.Chat("", strings.NewReader(strings.Join(bench.Queries(), "\n")+"\n!\n"))
				if err != nil {
					return nil, err
				}
				rate := float64(res.TStates) / time.Since(start).Seconds()
				return map[string]string{"m": strconv.FormatFloat(rate/1e6, 'f', 0, 64)}, nil
			},
		},
		{
			Doc:     "README.md",
			Pattern: "`go test ./parity` takes about {s} s",
			Kind:    Host,
			Command: "time go test -count=1 ./parity",
			Compute: func(*env) (map[string]string, error) { return map[string]string{}, nil },
			Manual:  map[string]string{"s": "time go test -count=1 ./parity"},
		},
		{
			Doc:     "README.md",
			Pattern: "about {n} x86 instructions per step",
			Kind:    Host,
			Command: "valgrind --tool=cachegrind on the infer benchmark binary",
			Compute: func(*env) (map[string]string, error) { return map[string]string{}, nil },
			Manual: map[string]string{"n": "go test -c -o /tmp/infer.test ./infer && valgrind --tool=cachegrind " +
				"/tmp/infer.test -test.run XXX -test.bench ReplyReference -test.benchtime 1000x -test.cpu 1 " +
				"(instructions divided by the steps run)"},
		},
		{
			Doc:     "README.md",
			Pattern: "the original's Python integer simulation about {ms} ms per character",
			Kind:    Host,
			Command: "the original project's code (not in this repository)",
			Compute: func(*env) (map[string]string, error) { return map[string]string{}, nil },
			Manual:  map[string]string{"ms": "measured on the original project's Python code, which is not part of this repository"},
		},
		// README.md: Auto's start-up budget.
		{
			Doc:     "README.md",
			Pattern: "when its start-up would pass {t} T-states",
			Kind:    Exact,
			Command: "z80ref.DefaultMaxStartup (go doc mulm/z80ref DefaultMaxStartup)",
			Compute: func(*env) (map[string]string, error) {
				return map[string]string{"t": group(z80ref.DefaultMaxStartup)}, nil
			},
		},
		// README.md: the playground.
		{
			Doc:     "README.md",
			Pattern: "the module is {raw} bytes, {gz} gzipped as the server sends it",
			Kind:    Host, // it changes with every change to the code it links and with the toolchain
			Command: "go run ./cmd/mulm web -o site",
			Compute: func(e *env) (map[string]string, error) {
				mod, err := web.BuildModule(context.Background(), web.BuildOptions{Dir: e.root})
				if err != nil {
					return nil, err
				}
				f := web.File{Name: "mulm.wasm", Data: mod.Wasm}
				return map[string]string{"raw": group(len(f.Data)), "gz": group(len(f.Gzipped()))}, nil
			},
		},
		{
			Doc:     "README.md",
			Pattern: "the page is interactive {lo}–{hi} s after navigation on localhost and the browser tests take about {s} s",
			Kind:    Host,
			Command: "go test ./web -run Browser -v",
			Compute: func(*env) (map[string]string, error) { return map[string]string{}, nil },
			Manual: map[string]string{"lo": "go test ./web -run Browser -v (the load subtest logs it)",
				"hi": "go test ./web -run Browser -v (the load subtest logs it)",
				"s":  "go test ./web -run Browser -v (the last line of its log)"},
		},
		// The compact engine's zero-input cost.
		{
			Doc:     "z80ref/engine.asm",
			Pattern: "a zero input costs only ~{t} T-states here",
			Command: "z80ref.Engine.Layer's T-states on all-zero inputs, 64 vs 192 of them (internal/figures zeroInputCost)",
			Compute: zeroCost,
		},
		{
			Doc:     "z80ref/engine.asm",
			Pattern: "a zero input 7+6+7+6+7+15+13 = {t} T.",
			Command: "z80ref.Engine.Layer's T-states on all-zero inputs, 64 vs 192 of them (internal/figures zeroInputCost)",
			Compute: zeroCost,
		},
		{
			Doc:     "z80ref/doc.go",
			Pattern: "a zero input costs about {t} T-states",
			Command: "z80ref.Engine.Layer's T-states on all-zero inputs, 64 vs 192 of them (internal/figures zeroInputCost)",
			Compute: func(e *env) (map[string]string, error) {
				t, err := zeroInputCost(z80ref.Compact)
				return map[string]string{"t": strconv.FormatUint((t+5)/10*10, 10)}, err
			},
		},
		// z80ref/doc.go.
		{
			Doc: "z80ref/doc.go",
			Pattern: "a generation step costs about {mt} million T-states (median over {n} queries; the original " +
				"packed build needs {orig} million) and the .COM is {bytes} bytes.",
			Command: benchCmd("orig-tinychat"),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.z80("orig-tinychat", z80ref.Compact)
				if err != nil {
					return nil, err
				}
				return map[string]string{"mt": millions(r.Median(), 2), "n": strconv.Itoa(len(r.Queries)),
					"orig": millions(bench.Originals()[0].TPerChar, 1), "bytes": group(r.FileBytes)}, nil
			},
		},
		{
			Doc: "z80ref/doc.go",
			Pattern: "a generation step costs about {mt} million T-states (median over {n} queries, {s} s at 4 MHz; " +
				"the original's index-list build needs {orig} million and {obytes} bytes), the .COM is {bytes} bytes " +
				"and INIT takes {init} million T-states once.",
			Command: benchCmd("orig-tinychat"),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.z80("orig-tinychat", z80ref.Fast)
				if err != nil {
					return nil, err
				}
				o := bench.Originals()[1]
				return map[string]string{"mt": millions(r.Median(), 2), "n": strconv.Itoa(len(r.Queries)),
					"s": seconds(r.Median(), 2), "orig": millions(o.TPerChar, 1), "obytes": group(o.FileBytes),
					"bytes": group(r.FileBytes), "init": millions(r.Startup, 2)}, nil
			},
		},
		{
			Doc: "z80ref/doc.go",
			Pattern: "On the reference tinychat model (27 % non-zero) a step costs about {mt} million T-states " +
				"(median over {n} queries), the .COM is {bytes} bytes and INIT takes {init} million T-states.",
			Command: benchCmd("orig-tinychat"),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.z80("orig-tinychat", z80ref.Dense)
				if err != nil {
					return nil, err
				}
				return map[string]string{"mt": millions(r.Median(), 2), "n": strconv.Itoa(len(r.Queries)),
					"bytes": group(r.FileBytes), "init": millions(r.Startup, 2)}, nil
			},
		},
	}
	fs = append(fs, trainMD("tinychat", "0.015")...)
	fs = append(fs, trainMD("guess", "two phases, 0.015, pseudo-words")...)
	fs = append(fs, nearestMD("tinychat", "tinychat", "it gets {exact} % of the held-out pairs"),
		nearestMD("tinychat", "guess", "On the guess data the same yardstick gets {exact} %"),
		nearestMD("guess", "guess", "package `mulm/eval`, `Nearest`): {exact} % of the held-out pairs"),
		nearestBuckets("128 (the model's)", 128), nearestBuckets("256", 256), nearestBuckets("512", 512),
		nearestBuckets("1,024", 1024), nearestBuckets("65,536 (the whole hash)", 1<<16),
		Figure{
			Doc: "examples/tinychat/TRAIN.md",
			Pattern: "the first layer holds inputs × {out} weights at 2 bits, {now} bytes for today's {in} " +
				"inputs and {wide} bytes with 512 query buckets, against the {avail} bytes of RAM a Spectrum",
			Command: "go run ./cmd/mulm info -model examples/tinychat/model.mulm (layer 1: in × out / 4 bytes, " +
				"in + 384 for 512 query buckets); z80ref.ZXEnd − z80ref.ZXOrgMin",
			Compute: func(e *env) (map[string]string, error) {
				m, err := e.model("tinychat")
				if err != nil {
					return nil, err
				}
				l := m.Layers()[0]
				return map[string]string{"out": strconv.Itoa(l.Out), "in": strconv.Itoa(l.In),
					"now": group(l.In * l.Out / 4), "wide": group((l.In + 512 - trigram.Buckets) * l.Out / 4),
					"avail": group(z80ref.ZXEnd - z80ref.ZXOrgMin)}, nil
			},
		})
	fs = append(fs, inspectFigures()...)
	return fs
}

// ourTraining is README's training row of an example model: exact-match on
// its train and held-out data, the training time, the data's ceiling.
func ourTraining(name, minutes string) Figure {
	train, heldout := "examples/"+name+"/data/train.txt", "examples/"+name+"/data/heldout.txt"
	return Figure{
		Doc:     "README.md",
		Pattern: "| our " + name + " data (train / held-out phrasings) | | {train} % / {heldout} % | {minutes} min | {ceiling} % |",
		Command: evalCmd(name, train) + "; " + evalCmd(name, heldout),
		Compute: func(e *env) (map[string]string, error) {
			tr, err := e.eval(name, train)
			if err != nil {
				return nil, err
			}
			ho, err := e.eval(name, heldout)
			if err != nil {
				return nil, err
			}
			return map[string]string{"train": pct(tr.ExactMatch(), 2), "heldout": pct(ho.ExactMatch(), 1),
				"ceiling": pct(tr.Ceiling, 0)}, nil
		},
		Manual: map[string]string{"minutes": "the training command in examples/" + name + "/TRAIN.md, timed (" +
			minutes + " min on a 2-core machine; no -short variant reproduces the model)"},
	}
}

// trainMD are the figures of examples/NAME/TRAIN.md that the shipped
// model gives: its share of non-zero weights (in the table row whose first
// cell is "**wd (shipped)**") and its exact-match table.
func trainMD(name, wd string) []Figure {
	doc := "examples/" + name + "/TRAIN.md"
	model := modelFiles[name]
	var fs []Figure
	for _, data := range []string{"train.txt", "heldout.txt"} {
		path := "examples/" + name + "/data/" + data
		pattern := "| " + data + " | {pairs} | {exact} % |"
		if data == "heldout.txt" {
			pattern = "| heldout.txt (phrasings the generator never emits for training) | {pairs} | {exact} % |"
		}
		fs = append(fs, Figure{
			Doc: doc, Pattern: pattern, Command: evalCmd(name, path),
			Compute: func(e *env) (map[string]string, error) {
				r, err := e.eval(name, path)
				if err != nil {
					return nil, err
				}
				return map[string]string{"pairs": group(r.Pairs), "exact": strconv.FormatFloat(100*r.ExactMatch(), 'f', 2, 64)}, nil
			},
		})
	}
	fs = append(fs, Figure{
		Doc: doc, Pattern: "| **" + wd + " (shipped)** | **{nz} %** |",
		Command: "go run ./cmd/mulm info -model " + model,
		Compute: func(e *env) (map[string]string, error) {
			m, err := e.model(name)
			if err != nil {
				return nil, err
			}
			return map[string]string{"nz": pct(nonZero(m), 1)}, nil
		},
	})
	return fs
}

// nearestMD is the held-out exact-match of the nearest-training-query
// yardstick on example data's files, quoted by pattern (its slot: exact)
// in example doc's TRAIN.md.
func nearestMD(doc, data, pattern string) Figure {
	return Figure{
		Doc: "examples/" + doc + "/TRAIN.md", Pattern: pattern,
		Command: nearestCmd(data, trigram.Buckets),
		Compute: func(e *env) (map[string]string, error) {
			x, err := nearestExact(e, data, trigram.Buckets)
			return map[string]string{"exact": x}, err
		},
	}
}

// nearestBuckets is a row of tinychat's TRAIN.md table of the yardstick
// with more query buckets: label, then the tinychat and guess figures
// (slots tc and gu).
func nearestBuckets(label string, buckets int) Figure {
	return Figure{
		Doc: "examples/tinychat/TRAIN.md", Pattern: "| " + label + " | {tc} % | {gu} % |",
		Command: nearestCmd("tinychat", buckets) + "; " + nearestCmd("guess", buckets),
		Compute: func(e *env) (map[string]string, error) {
			tc, err := nearestExact(e, "tinychat", buckets)
			if err != nil {
				return nil, err
			}
			gu, err := nearestExact(e, "guess", buckets)
			return map[string]string{"tc": tc, "gu": gu}, err
		},
	}
}

// nearestCmd is the mulm eval -nearest command on example data's files.
func nearestCmd(data string, buckets int) string {
	c := "go run ./cmd/mulm eval -nearest examples/" + data + "/data/train.txt -data examples/" + data + "/data/heldout.txt"
	if buckets != trigram.Buckets {
		c += " -buckets " + strconv.Itoa(buckets)
	}
	return c
}

// nearestExact is nearestCmd's exact-match, formatted as the documents
// quote it.
func nearestExact(e *env, data string, buckets int) (string, error) {
	r, err := e.nearest("examples/"+data+"/data/train.txt", "examples/"+data+"/data/heldout.txt", buckets)
	if err != nil {
		return "", err
	}
	return strconv.FormatFloat(100*r.ExactMatch(), 'f', 2, 64), nil
}

// zeroCost is the compact engine's zero-input cost in T-states.
func zeroCost(*env) (map[string]string, error) {
	t, err := zeroInputCost(z80ref.Compact)
	return map[string]string{"t": strconv.FormatUint(t, 10)}, err
}
