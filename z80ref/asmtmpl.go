package z80ref

import (
	"bytes"
	"fmt"
	"text/template"
)

// Repeated runs of engine code are written once, as Go text/template
// definitions inside the .asm sources, and expanded here at build time; the
// expanded text is what the assembler (and pasmo, through Image.Source)
// reads.

// asmFuncs are the functions the templates call to name a run's
// parameters.
var asmFuncs = template.FuncMap{
	// run names the parameters of fast.asm's index-list run: label prefix,
	// 8-bit add or subtract, carry or borrow, exit label.
	"run": func(p, op, cy, end string) map[string]string {
		return map[string]string{"P": p, "Op": op, "Cy": cy, "End": end}
	},
	// trip names the parameters of fast.asm's trip template: the run's
	// (from run), the index the trip starts at and whether it is the
	// run's labelled loop or a carry stub's copy of the loop's rest.
	"trip": func(run map[string]string, from int, labels bool) map[string]any {
		return map[string]any{"R": run, "From": from, "Labels": labels}
	},
	// op names the parameters of dense.asm's handler template: label,
	// 8-bit operation, carry or borrow.
	"op": func(label, op, cy string) map[string]string {
		return map[string]string{"L": label, "Op": op, "Cy": cy}
	},
	// times gives n elements for {{range}}: a run repeated n times, as
	// lists.asm's chain of shifts.
	"times": func(n int) []struct{} { return make([]struct{}, n) },
}

// expandAsm expands the templates of the engine source src (named name)
// with data (the engine's choices, for a source several engines share).
// The sources are part of the package, so an error is a bug: it panics.
func expandAsm(name string, src []byte, data any) []byte {
	t, err := template.New(name).Funcs(asmFuncs).Parse(string(src))
	if err != nil {
		panic(fmt.Sprintf("z80ref: %s: %v", name, err))
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		panic(fmt.Sprintf("z80ref: %s: %v", name, err))
	}
	return b.Bytes()
}

// listsOptions are the choices the list engines make in lists.asm.
type listsOptions struct {
	// Dedupe: CTXACT lists a context bucket hit by several n-grams once.
	Dedupe bool
	// L1Pre: STEP's layer 1 may run pre-shifted (L1PRE in the model's
	// data; see L1LIST), and L1GEN runs it on any input for the stage API.
	L1Pre bool
	// ChainFinal: the last layer's FINISH shifts through a chain of
	// unrolled shifts and writes LOGITS with PUSH.
	ChainFinal bool
	// Ctx0: STEP takes layer 1's share of a window of spaces (a reply's
	// first step) from C0LO/C0HI, which INIT computes, instead of walking
	// the context (L1C0).
	Ctx0 bool
	// BiasImages: the data may hold a later layer's reset image BIMk as
	// it is (flag 02h; the dense engine, for word biases, which take as
	// many bytes either way: its memory is short, not its file), and
	// MKBIM builds only the others.
	BiasImages bool
}
