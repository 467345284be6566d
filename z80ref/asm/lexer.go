package asm

import (
	"errors"
	"strings"
)

// stmt is one source line split into its parts.
type stmt struct {
	label    string   // label defined on this line, as written ("" if none)
	mnemonic string   // lower-cased mnemonic or directive ("" if none)
	args     []string // operands, trimmed, split at top-level commas
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '?' || c == '@'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

// isAFQuote reports whether the quote at s[i] is the one in "af'".
func isAFQuote(s string, i int) bool {
	return i >= 2 && strings.EqualFold(s[i-2:i], "af") && (i == 2 || !isIdentChar(s[i-3]))
}

// stripComment removes a ';' comment, honouring quoted strings and "af'".
func stripComment(s string) (string, error) {
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q == '"' && c == '\\':
			i++
		case q != 0:
			if c == q {
				q = 0
			}
		case c == ';':
			return s[:i], nil
		case c == '"':
			q = c
		case c == '\'' && !isAFQuote(s, i):
			q = c
		}
	}
	if q != 0 {
		return s, errors.New("unterminated string")
	}
	return s, nil
}

// splitArgs splits an operand field at commas that are outside parentheses
// and quotes.
func splitArgs(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var out []string
	var q byte
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q == '"' && c == '\\':
			i++
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"':
			q = c
		case c == '\'' && !isAFQuote(s, i):
			q = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	out = append(out, strings.TrimSpace(s[start:]))
	for _, a := range out {
		if a == "" {
			return nil, errors.New("empty operand")
		}
	}
	return out, nil
}

// scanIdent returns the identifier at the start of s (or "").
func scanIdent(s string) string {
	if s == "" || !isIdentStart(s[0]) {
		return ""
	}
	i := 1
	for i < len(s) && isIdentChar(s[i]) {
		i++
	}
	return s[:i]
}

// parseLine splits one source line (without the newline).
func parseLine(line string) (stmt, error) {
	var st stmt
	code, err := stripComment(line)
	if err != nil {
		return st, err
	}
	rest := code
	if rest != "" && !isSpace(rest[0]) {
		// Column 1: a label, with or without colon, unless it is a mnemonic.
		id := scanIdent(rest)
		if id == "" {
			return st, errors.New("invalid label")
		}
		after := rest[len(id):]
		if strings.HasPrefix(after, ":") {
			st.label = id
			rest = after[1:]
		} else if !isKeyword(strings.ToLower(id)) {
			st.label = id
			rest = after
		}
	} else {
		t := strings.TrimLeft(rest, " \t\r\f\v")
		id := scanIdent(t)
		after := t[len(id):]
		if id != "" && strings.HasPrefix(after, ":") {
			st.label = id
			rest = after[1:]
		} else if id != "" && !isKeyword(strings.ToLower(id)) {
			// "  name equ expr" (indented equ without colon)
			t2 := strings.TrimLeft(after, " \t")
			if len(t2) < len(after) && strings.EqualFold(scanIdent(t2), "equ") {
				st.label = id
				rest = t2
			}
		}
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return st, nil
	}
	id := scanIdent(rest)
	if id == "" {
		return st, errors.New("expected mnemonic or directive")
	}
	after := rest[len(id):]
	if after != "" && !isSpace(after[0]) {
		return st, errors.New("expected mnemonic or directive")
	}
	st.mnemonic = strings.ToLower(id)
	if !isKeyword(st.mnemonic) {
		return st, errors.New("unknown instruction or directive " + id)
	}
	st.args, err = splitArgs(after)
	return st, err
}

// isKeyword reports whether lower-case s is a mnemonic or directive.
func isKeyword(s string) bool {
	_, ok := mnemonics[s]
	return ok || directives[s]
}

var directives = map[string]bool{
	"org": true, "equ": true, "db": true, "defb": true, "defm": true,
	"dw": true, "defw": true, "ds": true, "defs": true, "end": true,
}

// reserved names cannot be used as symbols (compared lower-cased).
var reserved = map[string]bool{
	"a": true, "b": true, "c": true, "d": true, "e": true, "h": true, "l": true,
	"i": true, "r": true, "af": true, "bc": true, "de": true, "hl": true,
	"sp": true, "ix": true, "iy": true, "ixh": true, "ixl": true, "iyh": true,
	"iyl": true, "nz": true, "z": true, "nc": true, "po": true, "pe": true,
	"p": true, "m": true,
	// expression keywords
	"mod": true, "shl": true, "shr": true, "and": true, "or": true,
	"xor": true, "not": true,
}

// decodeString decodes a quoted string literal s (including quotes).
// Single-quoted strings are raw except that ” stands for one quote;
// double-quoted strings accept the escapes \n \r \t \a \\ \" \' and \0
// (not followed by a digit).
func decodeString(s string) ([]byte, error) {
	if len(s) < 2 || s[len(s)-1] != s[0] {
		return nil, errors.New("unterminated string")
	}
	q := s[0]
	body := s[1 : len(s)-1]
	var out []byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		if q == '\'' && c == '\'' {
			if i+1 < len(body) && body[i+1] == '\'' {
				out = append(out, '\'')
				i++
				continue
			}
			return nil, errors.New("bad string literal")
		}
		if q == '"' && c == '"' {
			return nil, errors.New("bad string literal")
		}
		if q == '"' && c == '\\' {
			if i+1 >= len(body) {
				return nil, errors.New("bad escape in string")
			}
			i++
			switch body[i] {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'a':
				out = append(out, 7)
			case '\\', '"', '\'':
				out = append(out, body[i])
			case '0':
				if i+1 < len(body) && body[i+1] >= '0' && body[i+1] <= '9' {
					return nil, errors.New("unsupported escape \\0 followed by a digit (pasmo reads octal)")
				}
				out = append(out, 0)
			default:
				return nil, errors.New("unsupported escape \\" + string(body[i]) + " in string")
			}
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// stringEnd returns the index just past the quoted string starting at s[i],
// or -1 if it is unterminated.
func stringEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case q == '"' && s[j] == '\\':
			j++
		case s[j] == q:
			if q == '\'' && j+1 < len(s) && s[j+1] == '\'' {
				j++
				continue
			}
			return j + 1
		}
	}
	return -1
}
