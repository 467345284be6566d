package console

import (
	"bufio"
	"errors"
	"io"
)

// MaxLine is the longest line a program reads: CHAT.COM asks BDOS 10 for
// this many bytes.
const MaxLine = 254

// ErrInterrupt is returned by Reader.ReadLine when ^C is typed as the first
// character of a line: the program ends (CP/M warm boots).
var ErrInterrupt = errors.New("console: ^C at the start of a line")

// The control characters the line editor interprets.
const (
	ctlC = 0x03
	ctlE = 0x05
	ctlH = 0x08
	lf   = 0x0A
	cr   = 0x0D
	ctlP = 0x10
	ctlR = 0x12
	ctlU = 0x15
	ctlX = 0x18
	del  = 0x7F
)

// Reader reads typed lines with the CP/M 2.2 line editing (see the package
// documentation). Its zero value is not usable; call NewReader.
type Reader struct {
	r   *bufio.Reader
	buf [MaxLine]byte
}

// NewReader returns a Reader of the bytes typed on r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: bufio.NewReader(r)}
}

// ReadLine returns the next line as a program receives it, at most MaxLine
// bytes, without its Enter. The slice is valid until the next call. At the
// end of the input it returns io.EOF (a last line without an Enter is
// returned first); ^C at the start of a line returns ErrInterrupt.
func (r *Reader) ReadLine() ([]byte, error) {
	n := 0
	for {
		c, err := r.r.ReadByte()
		if err != nil {
			if err == io.EOF && n > 0 {
				return r.buf[:n], nil
			}
			return nil, err
		}
		switch c {
		case '\n':
			c = cr
		case '\r':
			if b, err := r.r.Peek(1); err == nil && b[0] == '\n' {
				r.r.ReadByte()
			}
		}
		c &= 0x7F
		switch c {
		case cr, lf:
			return r.buf[:n], nil
		case ctlH, del:
			if n > 0 {
				n--
			}
		case ctlU, ctlX:
			n = 0
		case ctlR, ctlE, ctlP:
		default:
			r.buf[n] = c
			n++
			if c == ctlC && n == 1 {
				return nil, ErrInterrupt
			}
			if n == MaxLine {
				return r.buf[:n], nil
			}
		}
	}
}

// Action is what a chat program does with a line.
type Action int

const (
	// Skip: the line is empty or all spaces; prompt again.
	Skip Action = iota
	// Quit: the first character other than a space is '!'; the chat ends.
	Quit
	// Ask: the line is a query; answer it.
	Ask
)

func (a Action) String() string {
	switch a {
	case Skip:
		return "skip"
	case Quit:
		return "quit"
	case Ask:
		return "ask"
	}
	return "Action(?)"
}

// Classify says what a chat program does with a line it has read.
func Classify(line []byte) Action {
	for _, c := range line {
		switch c {
		case ' ':
			continue
		case '!':
			return Quit
		}
		return Ask
	}
	return Skip
}

// Line is one line a chat program has read, and what it does with it.
type Line struct {
	Text   string // the line as read; for Ask, the query, unchanged
	Action Action
}

// Lines reads every line of typed bytes and classifies it, up to and
// including the first Quit (^C at the start of a line is a Quit with an
// empty Text). A read error other than the end of the input is returned
// with the lines read so far.
func Lines(typed io.Reader) ([]Line, error) {
	r := NewReader(typed)
	var out []Line
	for {
		l, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, l)
		if l.Action == Quit {
			return out, nil
		}
	}
}

// Next reads the next line and classifies it: ReadLine followed by
// Classify, with ^C at the start of a line reported as a Quit. It returns
// io.EOF at the end of the input.
func (r *Reader) Next() (Line, error) {
	b, err := r.ReadLine()
	if err == ErrInterrupt {
		return Line{Action: Quit}, nil
	}
	if err != nil {
		return Line{}, err
	}
	return Line{Text: string(b), Action: Classify(b)}, nil
}
