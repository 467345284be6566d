// Package excerpt quotes untrusted input in error messages: at most a short,
// escaped excerpt, however long the input is.
package excerpt

import (
	"fmt"
	"strconv"
)

// Max is how many bytes of the input Quote shows.
const Max = 40

// Quote returns s as a Go-quoted string of at most Max of its bytes; when
// s is longer, the quoted part is followed by "… (N bytes)".
func Quote[T string | []byte](s T) string {
	if len(s) <= Max {
		return strconv.Quote(string(s))
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(string(s[:Max])), len(s))
}
