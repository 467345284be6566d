package mach

import "testing"

func TestHooks(t *testing.T) {
	var h Hooks
	if h.Any() || h.At(0x1234) {
		t.Fatal("zero Hooks has a hook")
	}
	n := 0
	h.Set(0x1234, func() { n++ })
	h.Set(0x1234, func() { n += 10; h.Stop() })
	if !h.Any() || !h.At(0x1234) || h.At(0x1235) || h.At(0x1274) {
		t.Fatal("At/Any wrong after Set")
	}
	if !h.Call(0x1234) || n != 10 {
		t.Fatalf("Call: n=%d, want the replaced hook's 10 and a stop", n)
	}
	h.Set(0x1235, func() { n++ })
	if h.Call(0x1235) {
		t.Fatal("stop request not cleared by the previous Call")
	}
	h.Set(0x1234, nil)
	h.Set(0x1234, nil)
	if h.At(0x1234) || !h.At(0x1235) {
		t.Fatal("removal wrong")
	}
	h.Set(0x1235, nil)
	if h.Any() {
		t.Fatal("Any after removing every hook")
	}
}

func TestWords(t *testing.T) {
	var m [65536]byte
	WriteWord(&m, 0xFFFF, 0xABCD)
	if m[0xFFFF] != 0xCD || m[0] != 0xAB {
		t.Fatalf("WriteWord at FFFFh: %02X %02X", m[0xFFFF], m[0])
	}
	if got := ReadWord(&m, 0xFFFF); got != 0xABCD {
		t.Fatalf("ReadWord = %04X", got)
	}
}
