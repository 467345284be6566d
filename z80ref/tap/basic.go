package tap

import (
	"errors"
	"fmt"
	"strconv"
)

// BASIC keyword tokens used by the loader (48K ROM token values).
const (
	TokVAL       = 0xB0
	TokCODE      = 0xAF
	TokUSR       = 0xC0
	TokLOAD      = 0xEF
	TokRANDOMIZE = 0xF9
	TokCLEAR     = 0xFD
)

// numberMarker introduces the 5-byte hidden form of a number in a BASIC
// line.
const numberMarker = 0x0E

// LoaderLine is the line number of the loader's only line.
const LoaderLine = 10

// ErrLoader is wrapped by Loader's errors.
var ErrLoader = errors.New("tap: bad loader parameters")

// Number returns a BASIC number literal as the ROM stores it in a program
// line: its ASCII digits, 0Eh, and the 5-byte small-integer form 00h, 00h
// (sign: positive), low byte, high byte, 00h.
func Number(v uint16) []byte {
	b := []byte(strconv.Itoa(int(v)))
	return append(b, numberMarker, 0, 0, byte(v), byte(v>>8), 0)
}

// Line returns one tokenized BASIC line: its number big-endian, the length
// of the rest little-endian, body, and the ENTER (0Dh) that ends it.
func Line(num uint16, body []byte) []byte {
	n := len(body) + 1
	b := []byte{byte(num >> 8), byte(num), byte(n), byte(n >> 8)}
	b = append(b, body...)
	return append(b, 0x0D)
}

// LoaderProgram returns the tokenized BASIC program
//
//	10 CLEAR ramtop: LOAD "" CODE : RANDOMIZE USR start
func LoaderProgram(ramtop, start uint16) []byte {
	var body []byte
	body = append(body, TokCLEAR)
	body = append(body, Number(ramtop)...)
	body = append(body, ':', TokLOAD, '"', '"', TokCODE, ':', TokRANDOMIZE, TokUSR)
	body = append(body, Number(start)...)
	return Line(LoaderLine, body)
}

// Loader returns a complete tape: a BASIC program named name that runs
// itself and does CLEAR ramtop: LOAD "" CODE : RANDOMIZE USR start, and the
// CODE file of code at org. It checks that the code lies above ramtop and
// fits below 65536, and that start is inside the code; the ROM's own limits
// on RAMTOP (CLEAR refuses values below the BASIC area or above UDG) are
// not checked here.
func Loader(name string, ramtop, org, start uint16, code []byte) ([]byte, error) {
	if len(code) == 0 {
		return nil, fmt.Errorf("%w: no code", ErrLoader)
	}
	if int(org)+len(code) > 0x10000 {
		return nil, fmt.Errorf("%w: %d bytes of code at %04Xh run past FFFFh", ErrLoader, len(code), org)
	}
	if org <= ramtop {
		return nil, fmt.Errorf("%w: code at %04Xh is not above RAMTOP %04Xh (CLEAR would not protect it)", ErrLoader, org, ramtop)
	}
	if start < org || int(start) >= int(org)+len(code) {
		return nil, fmt.Errorf("%w: start %04Xh is outside the code %04Xh-%04Xh", ErrLoader, start, org, int(org)+len(code)-1)
	}
	blocks := ProgramBlocks(name, LoaderLine, LoaderProgram(ramtop, start))
	blocks = append(blocks, CodeBlocks(name, org, code)...)
	return Encode(blocks...), nil
}
