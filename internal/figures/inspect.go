package main

import (
	"fmt"
	"strconv"
	"strings"

	"mulm/inspect"
)

// certifyCmd reproduces the overflow certificate of every model: minutes
// each (18 for the original tinychat), so its figures are manual.
const certifyCmd = "go run ./cmd/mulm info -certify -model M for M = examples/tinychat/model.mulm, " +
	"examples/guess/model.mulm and copies of ../shared/reference/{tinychat,guess}-model.npz " +
	"(it writes M.cert.json next to M; 4, 0.7, 18 and 0.6 min on the shared 2-core machine)"

// sensitivityCmd reproduces a sensitivity row (minutes per model).
const sensitivityCmd = "go run ./cmd/mulm inspect -model M -data D -o DIR -sensitivity " +
	"(M and D as in the table of docs/inspect/README.md)"

// manual is a figure whose every slot is reproduced by cmd, not recomputed.
func manual(doc, pattern, cmd string) Figure {
	m := map[string]string{}
	for _, s := range slotRE.FindAllStringSubmatch(pattern, -1) {
		m[s[1]] = cmd
	}
	return Figure{Doc: doc, Pattern: pattern, Command: cmd, Manual: m,
		Compute: func(*env) (map[string]string, error) { return map[string]string{}, nil }}
}

// inspectFigures are the figures of the certificate, the probe and the
// sensitivity table.
func inspectFigures() []Figure {
	fs := []Figure{
		{
			Doc:     "README.md",
			Pattern: "`z`×255 wraps {n} of its accumulators in the first step (|acc| up to {max})",
			Command: "inspect.Accumulators of the original tinychat's trace of z×255 (go run ./cmd/mulm info -certify finds such queries)",
			Compute: func(e *env) (map[string]string, error) {
				m, err := e.model("orig-tinychat")
				if err != nil {
					return nil, err
				}
				tr := m.Trace(strings.Repeat("z", 255))
				n, most := 0, int64(0)
				for _, acc := range inspect.Accumulators(m.Layers(), tr)[0] {
					for _, a := range acc {
						if inspect.Wraps(a) {
							n++
						}
						most = max(most, a, -a)
					}
				}
				return map[string]string{"n": strconv.Itoa(n), "max": group(int(most))}, nil
			},
		},
		manual("README.md", "| 2 | proved safe | proved safe | "+
			"safe ≤ {e} bytes; {f} bytes of `f` (one `{`) wrap | safe ≤ {g} bytes; `/`×{h} wraps |", certifyCmd),
		manual("README.md", "| 3 | safe ≤ {a} bytes; unknown above (worst found {b}) | safe ≤ {c} bytes; unknown above (worst found −{d}) | "+
			"safe ≤ {e} bytes; `z`×{f} wraps | safe ≤ {g} bytes; `d`×{h} wraps |", certifyCmd),
		manual("README.md", "| 4 | not proved; `~`×{a} wraps (its first {f} bytes too) | safe ≤ {b} bytes; unknown above (worst found −{c}) | "+
			"not proved; `z`×{d} wraps | not proved; `\\`×{e} wraps |", certifyCmd),
		manual("README.md", "tinychat already with {n} bytes", certifyCmd),
		manual("README.md", "`mulm info -certify` took {a}, {b}, {c} and {d} min", certifyCmd),
		manual("README.md", "\"is it (a) WORD\", {n} queries)",
			"go run ./cmd/mulm probe -model examples/guess/model.mulm -want WIN (prints the count)"),
		manual("README.md", "\"is it a penguins\" for ours ({a} s), \"is it a chair\" for the original ({b} s;",
			"time go run ./cmd/mulm probe -model M -want WIN for our and the original guess model (host-dependent)"),
	}
	for _, name := range []string{"our tinychat", "our guess", "original tinychat", "original guess"} {
		fs = append(fs, manual("docs/inspect/README.md",
			fmt.Sprintf("| %s ({base} %%) | 1 | {a} %% | {b} %% | {c} %% |", name), sensitivityCmd))
		for l := 2; l <= 4; l++ {
			fs = append(fs, manual("docs/inspect/README.md",
				fmt.Sprintf("| %s | %d | {a} %% | {b} %% | {c} %% |", name, l), sensitivityCmd))
		}
	}
	return fs
}
