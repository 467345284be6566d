// Command tinychat chats with mulm's example bot: a terse, dry, friendly
// model trained by "mulm train" on the pairs in data/train.txt, which
// gendata generates. The trained model is embedded (package mulm/examples).
//
//	go run ./examples/tinychat            # chat in pure Go
//	go run ./examples/tinychat -z80       # the same bot on the emulated Z80, with seconds per reply at 4 MHz
//	go run ./examples/tinychat -com CHAT.COM   # write the CP/M program
//
// See TRAIN.md for how model.mulm was trained.
package main

import (
	"mulm/examples"
	"mulm/internal/chatapp"
)

func main() {
	e, _ := examples.Get("tinychat")
	chatapp.Main(e.Name, e.Model, e.Intro)
}
