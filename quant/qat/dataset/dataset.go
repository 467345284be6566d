package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"mulm/infer"
	"mulm/internal/excerpt"
	"mulm/trigram"
)

// EOS is the byte that stands for end-of-sequence in a derived charset. It
// is never printed.
const EOS = 0

// Limits of a pair.
const (
	// MinQueryLen is the shortest query kept (after trimming), as in the
	// original.
	MinQueryLen = 2
	// MaxQueryLen is the longest query kept: what the Z80 console buffer
	// holds and the trigram encoder reads.
	MaxQueryLen = trigram.MaxQueryLen
	// MaxResponseLen is the longest response kept by default: the
	// generation limit of the models.
	MaxResponseLen = infer.DefaultMaxLen
)

// Pair is one training example: a query and the reply the model should
// print, both upper-cased and trimmed, with where it came from.
type Pair struct {
	Query, Response string
	File            string
	Line            int
}

// Pos is "file:line".
func (p Pair) Pos() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Rejection is a data line that was not kept, and why.
type Rejection struct {
	File   string
	Line   int
	Reason string
	Text   string
}

// String is "file:line: reason: text", the text cut to a short, escaped
// excerpt.
func (r Rejection) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", r.File, r.Line, r.Reason, excerpt.Quote(r.Text))
}

// Options control parsing. The zero value means the defaults.
type Options struct {
	// MaxResponseLen rejects longer responses (default MaxResponseLen).
	MaxResponseLen int
	// Charset, when not empty, is the explicit output charset (EOS not
	// included); a response using any other character is an error.
	Charset []byte
	// Progress, when not nil, is called by ReadFiles as each file is read
	// (every read of the underlying file) with the bytes read so far and
	// the file's size; an error from it stops the reading and is returned.
	Progress func(name string, read, size int64) error
}

// Set is the result of parsing one or more files.
type Set struct {
	Pairs    []Pair
	Rejected []Rejection
}

// Parse reads query|response lines from r; name is used in positions.
// gzip input is detected by its magic bytes. Lines that cannot be used are
// listed in Set.Rejected; an I/O error, a malformed gzip stream or (with an
// explicit charset) a response character outside the charset is an error.
func Parse(r io.Reader, name string, opt Options) (*Set, error) {
	s := &Set{}
	return s, s.parse(r, name, opt)
}

// ReadFiles parses the named files in order into one Set.
func ReadFiles(paths []string, opt Options) (*Set, error) {
	s := &Set{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		fi, err := f.Stat()
		if err == nil && fi.IsDir() {
			f.Close()
			return nil, fmt.Errorf("%s is a directory, not a data file", p)
		}
		var r io.Reader = f
		if opt.Progress != nil && fi != nil {
			r = &progressReader{r: f, name: p, size: fi.Size(), fn: opt.Progress}
		}
		err = s.parse(r, p, opt)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// progressReader calls fn after every read.
type progressReader struct {
	r          io.Reader
	name       string
	size, read int64
	fn         func(name string, read, size int64) error
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	if perr := p.fn(p.name, p.read, p.size); perr != nil {
		return n, perr
	}
	return n, err
}

func (s *Set) parse(r io.Reader, name string, opt Options) error {
	maxResp := opt.MaxResponseLen
	if maxResp <= 0 {
		maxResp = MaxResponseLen
	}
	var allowed [256]bool
	for _, c := range opt.Charset {
		allowed[upper(c)] = true
	}
	return Lines(r, name, func(line int, raw string) error {
		reject := func(format string, args ...any) {
			s.Rejected = append(s.Rejected, Rejection{name, line, fmt.Sprintf(format, args...), raw})
		}
		q, resp, ok := SplitPair(raw)
		if !ok {
			reject("no '|' between query and response")
			return nil
		}
		// ASCII-only upper-casing, as the trigram encoder folds case:
		// strings.ToUpper would rewrite non-ASCII and invalid UTF-8 bytes,
		// so the model would train on bytes the user never types.
		q = upperASCII(strings.TrimSpace(q))
		resp = upperASCII(strings.TrimSpace(resp))
		switch {
		case len(q) < MinQueryLen:
			reject("query shorter than %d characters", MinQueryLen)
			return nil
		case len(q) > MaxQueryLen:
			reject("query longer than %d bytes", MaxQueryLen)
			return nil
		case resp == "":
			reject("empty response")
			return nil
		case len(resp) > maxResp:
			reject("response longer than %d characters", maxResp)
			return nil
		}
		if i := strings.IndexFunc(resp, func(r rune) bool { return r < 0x20 || r > 0x7e }); i >= 0 {
			reject("response byte %#02x at column %d is not printable ASCII", resp[i], i+1)
			return nil
		}
		if len(opt.Charset) > 0 {
			for i := 0; i < len(resp); i++ {
				if !allowed[resp[i]] {
					return fmt.Errorf("%s:%d: response %q has %q, which is not in the charset %q", name, line, resp, resp[i], opt.Charset)
				}
			}
		}
		s.Pairs = append(s.Pairs, Pair{q, resp, name, line})
		return nil
	})
}

// MaxLineBytes is the longest data line Lines reads (1 MiB, line end
// excluded); a longer line is an error naming the file, the line and the
// limit.
const MaxLineBytes = 1 << 20

// Lines is the one reader of the query|response format's lines, used by
// every parser of it. It reads r (gzip-compressed input is detected by its
// magic bytes), drops a UTF-8 byte-order mark at the start, and calls fn
// with the number (from 1) and the text of every line that is neither
// blank nor a comment (its first non-blank character '#'), without its
// line end ("\n" or "\r\n"). An error from fn stops the reading and is
// returned as it is; read errors are returned as "name:line: problem".
func Lines(r io.Reader, name string, fn func(line int, text string) error) error {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	if bom, _ := br.Peek(3); string(bom) == "\xEF\xBB\xBF" {
		br.Discard(3)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64*1024), MaxLineBytes+2) // room for "\r\n"
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if len(text) > MaxLineBytes {
			return fmt.Errorf("%s:%d: line longer than %d bytes (1 MiB), the longest a data line may be", name, line, MaxLineBytes)
		}
		if t := strings.TrimSpace(text); t == "" || t[0] == '#' {
			continue
		}
		if err := fn(line, text); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: line longer than %d bytes (1 MiB), the longest a data line may be", name, line+1, MaxLineBytes)
		}
		return fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	return nil
}

// SplitPair splits a data line at its first '|' into the query and the
// response, untrimmed; ok is false when there is no '|'.
func SplitPair(text string) (query, response string, ok bool) {
	return strings.Cut(text, "|")
}

// upperASCII upper-cases ASCII letters and leaves every other byte alone.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = upper(b[j])
			}
			return string(b)
		}
	}
	return s
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// DeriveCharset builds the charset from the responses as the original
// does: space first (if used), then letters, digits and other punctuation,
// each group in byte order, and EOS last.
func DeriveCharset(pairs []Pair) []byte {
	var used [256]bool
	for _, p := range pairs {
		for i := 0; i < len(p.Response); i++ {
			used[p.Response[i]] = true
		}
	}
	var space, letters, digits, punct []byte
	for c := 1; c < 256; c++ {
		if !used[c] {
			continue
		}
		b := byte(c)
		switch {
		case b == ' ':
			space = append(space, b)
		case b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z':
			letters = append(letters, b)
		case b >= '0' && b <= '9':
			digits = append(digits, b)
		default:
			punct = append(punct, b)
		}
	}
	cs := slices.Concat(space, letters, digits, punct)
	return append(cs, EOS)
}

// ExplicitCharset turns a user-given charset (without EOS) into a model
// charset: upper-cased, duplicates and NUL removed, order kept, EOS
// appended.
func ExplicitCharset(s string) ([]byte, error) {
	var seen [256]bool
	var cs []byte
	for i := 0; i < len(s); i++ {
		c := upper(s[i])
		if c == EOS || seen[c] {
			continue
		}
		if c < 0x20 || c > 0x7e {
			return nil, fmt.Errorf("charset byte %#02x is not printable ASCII", c)
		}
		seen[c] = true
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("empty charset")
	}
	if len(cs)+1 > infer.MaxCharset {
		return nil, fmt.Errorf("charset has %d characters, at most %d allowed", len(cs), infer.MaxCharset-1)
	}
	return append(cs, EOS), nil
}

// CheckCharset reports the first response with a character outside
// charset (whose last entry, EOS, never matches).
func CheckCharset(pairs []Pair, charset []byte) error {
	var ok [256]bool
	chars := charset[:max(0, len(charset)-1)]
	for _, c := range chars {
		ok[c] = true
	}
	for _, p := range pairs {
		for i := 0; i < len(p.Response); i++ {
			if !ok[p.Response[i]] {
				return fmt.Errorf("%s: response %q has %q, which is not in the charset %q", p.Pos(), p.Response, p.Response[i], chars)
			}
		}
	}
	return nil
}

// WritePairs writes pairs as query|response lines.
func WritePairs(w io.Writer, pairs []Pair) error {
	var b bytes.Buffer
	for _, p := range pairs {
		b.WriteString(p.Query)
		b.WriteByte('|')
		b.WriteString(p.Response)
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}
