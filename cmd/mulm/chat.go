package main

import (
	"errors"
	"io"

	"mulm/internal/chatapp"
)

// runChat chats with a model: in pure Go, or with -z80 on the emulated
// Z80 with the time of every reply at 4 MHz. A line starting with '!' ends
// the chat, as on the Z80; -q answers one query and exits.
func runChat(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("chat", stderr)
	model := fs.String("model", "", "model file (.mulm or the original's .npz)")
	query := fs.String("q", "", "answer this one query and exit")
	z80 := fs.Bool("z80", false, "answer on the emulated Z80 (the CP/M program) and print T-states and seconds at 4 MHz")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" {
		fs.Usage()
		return errors.New("-model is required")
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	return chatapp.Chat(m, chatapp.Options{Z80: *z80, Query: *query}, stdin, stdout)
}
