package npz

import "bytes"

// Format is a model file's format as its first bytes tell it.
type Format int

const (
	// Unknown: the bytes start neither format.
	Unknown Format = iota
	// MULM: the bytes start with "MULM", the magic of an infer .mulm model.
	MULM
	// NPZ: the bytes start with "PK\x03\x04", a zip archive's first local
	// header, as the original project's .npz files do.
	NPZ
)

// Sniff tells a model file's format from its first bytes (four are
// enough). mulm chat, info and the playground all choose a reader by it.
func Sniff(b []byte) Format {
	switch {
	case bytes.HasPrefix(b, []byte("MULM")):
		return MULM
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return NPZ
	}
	return Unknown
}
