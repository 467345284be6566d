package asm

import (
	"fmt"
	"strings"
)

// Error is one assembly error, located at a source line.
type Error struct {
	File   string // Source.Name
	LineNo int    // 1-based line number within File
	Text   string // the offending source line (trimmed)
	Msg    string // what is wrong
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d: %s: %q", e.File, e.LineNo, e.Msg, e.Text)
}

// ErrorList is the error returned by Assemble: every error found, in source
// order (at most maxErrors of them).
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find the individual *Error values.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

const maxErrors = 50
