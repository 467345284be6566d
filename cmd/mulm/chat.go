package main

import (
	"errors"
	"io"

	"mulm/internal/chatapp"
)

// runChat chats with a model: in pure Go, or with -z80 on the emulated
// Z80 with the time of every reply at 4 MHz, under the console rules of
// package mulm/console. -q QUERY, or the words after the flags (joined by
// spaces, as CHAT.COM takes its command tail), answer one typed line and
// exit.
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
	q, err := chatapp.QueryArg(*query, fs.Args())
	if err != nil {
		return err
	}
	m, err := loadModelWarn(*model, stderr)
	if err != nil {
		return err
	}
	return chatapp.Chat(m, chatapp.Options{Z80: *z80, Query: q}, stdin, stdout)
}
