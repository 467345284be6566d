package zx

import "fmt"

// A key is a half-row (0 = port FEFEh ... 7 = port 7FFEh) and a bit.
type key struct{ row, bit uint8 }

// The keyboard matrix: half-row i is selected by address line A(8+i) low;
// bit 0 is the key nearest the edge of the keyboard.
var (
	keyCaps  = key{0, 0}
	keySym   = key{7, 1}
	keyEnter = key{6, 0}
	keySpace = key{7, 0}
)

// matrix lists the keys of each half-row, bit 0 first (lower-case letters
// and digits name themselves).
var matrix = [8]string{
	"\x00zxcv", // CAPS SHIFT, Z, X, C, V
	"asdfg",
	"qwert",
	"12345",
	"09876",
	"poiuy",
	"\x00lkjh",    // ENTER, L, K, J, H
	"\x00\x00mnb", // SPACE, SYMBOL SHIFT, M, N, B
}

// symKeys: characters typed with SYMBOL SHIFT and a key, on every 48K ROM
// (the same table as ../shared/tools/zxrun.sh).
var symKeys = map[rune]byte{
	'?': 'c', ',': 'n', '.': 'm', '"': 'p', ';': 'o', ':': 'z', '\'': '7', '!': '1', '@': '2',
	'#': '3', '$': '4', '%': '5', '&': '6', '(': '8', ')': '9', '_': '0', '-': 'j', '+': 'k',
	'=': 'l', '^': 'h', '*': 'b', '/': 'v', '<': 'r', '>': 't', '£': 'x',
}

// openSEKeys: characters OpenSE BASIC gives for SYMBOL SHIFT and a key
// where Sinclair's ROM gives keywords (AND, OR, STOP, NOT, STEP, TO, THEN,
// AT) in L/C mode.
var openSEKeys = map[rune]byte{
	'[': 'y', ']': 'u', '~': 'a', '|': 's', '\\': 'd', '{': 'f', '}': 'g', '©': 'i',
}

func charKey(c byte) key {
	for r, s := range matrix {
		for b := 0; b < len(s); b++ {
			if s[b] == c {
				return key{uint8(r), uint8(b)}
			}
		}
	}
	panic("zx: no key " + string(c))
}

// press is one typed character: the keys held down together.
type press [2]key

// keysFor returns the keys a person presses for ch. keyword says the
// ROM is Sinclair's (the OpenSE-only symbols are refused).
func keysFor(ch rune, keyword bool) (press, int, bool) {
	switch {
	case ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9':
		return press{charKey(byte(ch))}, 1, true
	case ch >= 'A' && ch <= 'Z':
		return press{keyCaps, charKey(byte(ch - 'A' + 'a'))}, 2, true
	case ch == ' ':
		return press{keySpace}, 1, true
	case ch == '\n' || ch == '\r':
		return press{keyEnter}, 1, true
	case ch == '\b' || ch == 0x7F:
		return press{keyCaps, charKey('0')}, 2, true // DELETE
	}
	if k, ok := symKeys[ch]; ok {
		return press{keySym, charKey(k)}, 2, true
	}
	if k, ok := openSEKeys[ch]; ok && !keyword {
		return press{keySym, charKey(k)}, 2, true
	}
	return press{}, 0, false
}

type keyPress struct {
	keys press
	n    int
}

// keyboard types queued key presses, one every KeyHold+KeyGap frames.
type keyboard struct {
	queue []keyPress
	wait  int    // frames left in the current phase
	down  bool   // a key is held
	at    uint64 // T-state at which the last typed key went down
}

// frame advances the typist at the start of a frame (before the
// interrupt, so the ROM's scan in this frame sees the new state).
func (k *keyboard) frame(m *Machine) {
	if k.wait > 0 {
		k.wait--
		return
	}
	if k.down {
		m.keys = [8]uint8{}
		k.down = false
		k.wait = m.opt.KeyGap - 1
		return
	}
	if len(k.queue) == 0 {
		return
	}
	p := k.queue[0]
	k.queue = k.queue[1:]
	for _, c := range p.keys[:p.n] {
		m.keys[c.row] |= 1 << c.bit
	}
	k.down = true
	k.at = m.t
	k.wait = m.opt.KeyHold - 1
}

// LastKeyTState returns the T-state at which the most recently typed key
// went down (0 before any).
func (m *Machine) LastKeyTState() uint64 { return m.kb.at }

// readULA answers IN from port FEh: bits 0-4 are the keys of the selected
// half-rows (0 = pressed; half-row i is selected when bit i of hi is 0),
// bit 6 the EAR input (0: no tape signal), bits 5 and 7 read 1.
func (m *Machine) readULA(hi uint8) uint8 {
	v := uint8(0xBF)
	for i := 0; i < 8; i++ {
		if hi&(1<<i) == 0 {
			v &^= m.keys[i]
		}
	}
	return v
}

// Type queues text to be typed on the keyboard, a key at a time at the
// speed of Options.KeyHold/KeyGap, while the machine runs. '\n' (or '\r',
// or "\r\n") is ENTER, '\b' and DEL (7Fh) are DELETE (CAPS SHIFT + 0);
// letters, digits, space and the SYMBOL SHIFT characters
// ? , . " ; : ' ! @ # $ % & ( ) _ - + = ^ * / < > £ can be typed, and on
// OpenSE BASIC also [ ] ~ | \ { } ©. Any other character is refused with
// an error wrapping ErrUntypable, before anything is queued.
func (m *Machine) Type(text string) error {
	var q []keyPress
	prevCR := false
	for i, ch := range text {
		if ch == '\n' && prevCR {
			prevCR = false
			continue
		}
		prevCR = ch == '\r'
		p, n, ok := keysFor(ch, m.opt.KeywordEntry)
		if !ok {
			return fmt.Errorf("%w: %q at byte %d of %q", ErrUntypable, ch, i, text)
		}
		q = append(q, keyPress{p, n})
	}
	m.kb.queue = append(m.kb.queue, q...)
	return nil
}

// Typing reports whether typed keys are still queued or held down.
func (m *Machine) Typing() bool { return len(m.kb.queue) > 0 || m.kb.down }

// typeKeys queues raw key presses (for keyword entry).
func (m *Machine) typeKeys(ps ...keyPress) { m.kb.queue = append(m.kb.queue, ps...) }
