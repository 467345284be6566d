package mach

// Hooks are functions called when PC reaches an address. The zero value has
// none. A bit per address makes the test in a step loop one AND when hooks
// are set, and Any lets a loop skip even that when none is.
type Hooks struct {
	n    int
	bit  [65536 / 64]uint64
	fns  map[uint16]func()
	stop bool
}

// Set installs fn at addr; a nil fn removes the hook there.
func (h *Hooks) Set(addr uint16, fn func()) {
	_, had := h.fns[addr]
	if fn == nil {
		if had {
			delete(h.fns, addr)
			h.bit[addr>>6] &^= 1 << (addr & 63)
			h.n--
		}
		return
	}
	if h.fns == nil {
		h.fns = make(map[uint16]func())
	}
	h.fns[addr] = fn
	if !had {
		h.bit[addr>>6] |= 1 << (addr & 63)
		h.n++
	}
}

// Any reports whether any hook is set.
func (h *Hooks) Any() bool { return h.n != 0 }

// At reports whether a hook is set at pc.
func (h *Hooks) At(pc uint16) bool { return h.n != 0 && h.bit[pc>>6]&(1<<(pc&63)) != 0 }

// Call runs the hook at pc (which must be set) and reports whether it
// called Stop; the stop request is cleared.
func (h *Hooks) Call(pc uint16) (stopped bool) {
	h.fns[pc]()
	stopped, h.stop = h.stop, false
	return stopped
}

// Stop asks the running step loop to stop after the current hook.
func (h *Hooks) Stop() { h.stop = true }

// ClearStop forgets a stop request made outside a step loop.
func (h *Hooks) ClearStop() { h.stop = false }

// ReadWord returns the little-endian word at addr (wrapping at FFFFh).
func ReadWord(mem *[65536]byte, addr uint16) uint16 {
	return uint16(mem[addr]) | uint16(mem[addr+1])<<8
}

// WriteWord stores the little-endian word v at addr (wrapping at FFFFh).
func WriteWord(mem *[65536]byte, addr, v uint16) {
	mem[addr] = byte(v)
	mem[addr+1] = byte(v >> 8)
}
