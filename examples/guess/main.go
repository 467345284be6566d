// Command guess plays 20 Questions: the model knows a secret object and
// answers YES, NO, MAYBE, WIN (when you name it) or IDK. It was trained by
// "mulm train" on the pairs in data/train.txt, which gendata generates
// from an attribute table. The trained model is embedded (package mulm/examples).
//
//	go run ./examples/guess              # play in pure Go
//	go run ./examples/guess -z80         # the same model on the emulated Z80, with seconds per reply at 4 MHz
//	go run ./examples/guess -com GUESS.COM
//
// See TRAIN.md for how model.mulm was trained.
package main

import (
	"mulm/examples"
	"mulm/internal/chatapp"
)

func main() {
	e, _ := examples.Get("guess")
	chatapp.Main(e.Name, e.Model, e.Intro)
}
