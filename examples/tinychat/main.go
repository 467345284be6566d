// Command tinychat chats with mulm's example bot: a terse, dry, friendly
// model trained by "mulm train" on the pairs in data/train.txt, which
// gendata generates. The trained model is embedded.
//
//	go run ./examples/tinychat            # chat in pure Go
//	go run ./examples/tinychat -z80       # the same bot on the emulated Z80, with seconds per reply at 4 MHz
//	go run ./examples/tinychat -com CHAT.COM   # write the CP/M program
//
// See TRAIN.md for how model.mulm was trained.
package main

import (
	_ "embed"

	"mulm/internal/chatapp"
)

//go:embed model.mulm
var model []byte

func main() {
	chatapp.Main("tinychat", model, "tinychat: a terse bot. Say hi; a line starting with ! quits.")
}
