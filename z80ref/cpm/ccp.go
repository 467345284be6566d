package cpm

import (
	"fmt"
	"strings"
)

// ccpTail builds the command tail as the CCP stores it at 0080h:
// upper-cased, starting with a space (unless empty).
func ccpTail(tail string) ([]byte, error) {
	if tail != "" && tail[0] != ' ' {
		tail = " " + tail
	}
	if len(tail) > 126 {
		return nil, fmt.Errorf("cpm: command tail of %d bytes is too long (max 126)", len(tail))
	}
	b := []byte(tail)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return b, nil
}

// isDelim reports whether c ends a file name in the CCP's parser.
func isDelim(c byte) bool {
	return c <= ' ' || strings.IndexByte("=_.:;<>,", c) >= 0
}

// parseFCB fills the first 16 bytes of an FCB from the next argument of
// the (upper-cased) tail like the CCP: optional "d:" drive (1=A), name and
// type blank-padded, '*' expands to '?', extra characters are skipped.
// It returns the FCB and the rest of the tail.
func parseFCB(s []byte) (fcb [16]byte, rest []byte) {
	for i := 1; i < 12; i++ {
		fcb[i] = ' '
	}
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	if len(s) >= 2 && s[1] == ':' && s[0] >= 'A' && s[0] <= 'P' {
		fcb[0] = s[0] - 'A' + 1
		s = s[2:]
	}
	field := func(dst []byte) {
		i := 0
		for len(s) > 0 && !isDelim(s[0]) {
			if i < len(dst) {
				if s[0] == '*' {
					for ; i < len(dst); i++ {
						dst[i] = '?'
					}
				} else {
					dst[i] = s[0]
					i++
				}
			}
			s = s[1:]
		}
	}
	field(fcb[1:9])
	if len(s) > 0 && s[0] == '.' {
		s = s[1:]
		field(fcb[9:12])
	}
	return fcb, s
}
