package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"mulm/infer"
)

// runChat chats with a model in pure Go: one reply per input line. A line
// starting with '!' ends the chat, as on the Z80. With -q it answers one
// query and exits.
func runChat(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("chat", stderr)
	model := fs.String("model", "", "model file (.mulm or the original's .npz)")
	query := fs.String("q", "", "answer this one query and exit")
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
	if *query != "" {
		_, err := fmt.Fprintln(stdout, m.Reply(*query))
		return err
	}
	return chatLoop(m, stdin, stdout)
}

// chatLoop prompts with "> ", answers every non-empty line and stops at
// end of input or at a line starting with '!'.
func chatLoop(m *infer.Model, stdin io.Reader, stdout io.Writer) error {
	sc := bufio.NewScanner(stdin)
	buf := make([]byte, 0, infer.MaxMaxLen+1)
	for {
		if _, err := io.WriteString(stdout, "> "); err != nil {
			return err
		}
		if !sc.Scan() {
			fmt.Fprintln(stdout)
			return sc.Err()
		}
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.HasPrefix(line, "!") {
			return nil
		}
		if strings.Trim(line, " ") == "" {
			continue
		}
		buf = append(m.AppendReply(buf[:0], line), '\n')
		if _, err := stdout.Write(buf); err != nil {
			return err
		}
	}
}
