package z80ref_test

import (
	"errors"
	"fmt"

	"mulm/infer"
	"mulm/z80ref"
)

// Which engine can hold which model on which platform, and why not.
func ExampleEngineKind_Fits() {
	m, err := infer.ReadFile("../examples/tinychat/model.mulm")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range z80ref.Platforms() {
		for _, k := range z80ref.Engines() {
			if err := k.Fits(m, p); errors.Is(err, z80ref.ErrDoesNotFit) {
				fmt.Printf("%s on %s: no\n", k, p.Title())
			} else if err != nil {
				fmt.Println(err)
			} else {
				fmt.Printf("%s on %s: yes\n", k, p.Title())
			}
		}
	}
	// Output:
	// fast on CP/M 2.2 .COM: yes
	// dense on CP/M 2.2 .COM: yes
	// compact on CP/M 2.2 .COM: yes
	// fast on ZX Spectrum 48K .TAP: yes
	// dense on ZX Spectrum 48K .TAP: no
	// compact on ZX Spectrum 48K .TAP: yes
}

// Measure an engine's T-states per character on the benchmark queries.
func ExampleEngine_Bench() {
	m, err := infer.ReadFile("../examples/guess/model.mulm")
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := z80ref.NewEngine(m, z80ref.Fast)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := e.Bench([]string{"is it alive", "can it fly"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s engine, %s: %d replies, %d characters, at worst %.2f s per character at 4 MHz\n",
		r.Kind, r.Platform.Title(), len(r.Stats), r.Chars, float64(r.Worst())/4e6)
	// Output:
	// fast engine, CP/M 2.2 .COM: 2 replies, 5 characters, at worst 0.04 s per character at 4 MHz
}
