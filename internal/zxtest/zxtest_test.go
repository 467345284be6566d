package zxtest

import (
	"testing"

	"mulm/z80ref/tap"
)

func TestEchoTape(t *testing.T) {
	p := Echo(t)
	if _, ok := p.Symbols["start"]; !ok || len(p.Bytes) == 0 {
		t.Fatalf("echo program: %d bytes, symbols %v", len(p.Bytes), p.Symbols)
	}
	blocks, err := tap.Parse(EchoTape(t))
	if err != nil {
		t.Fatal(err)
	}
	files, err := tap.Files(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[1].Header.Param1 != p.Org || string(files[1].Data) != string(p.Bytes) {
		t.Fatalf("tape files: %+v", files)
	}
}
