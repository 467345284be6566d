package tap_test

import (
	"fmt"

	"mulm/z80ref/tap"
)

// A tape that loads 3 bytes of code at 8000h with LOAD "" and starts them.
func Example() {
	code := []byte{0x3E, 0x2A, 0xC9} // LD A,42: RET
	data, err := tap.Loader("demo", 0x7FFF, 0x8000, 0x8000, code)
	if err != nil {
		fmt.Println(err)
		return
	}
	blocks, err := tap.Parse(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	files, err := tap.Files(blocks)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		fmt.Printf("type %d %q length %d param1 %d param2 %d\n", f.Header.Type, f.Header.Name, f.Header.Length, f.Header.Param1, f.Header.Param2)
	}
	// A damaged tape names the block and the field.
	data[len(data)-1] ^= 0xFF
	_, err = tap.Parse(data)
	fmt.Println(err)
	// Output:
	// type 0 "demo" length 36 param1 10 param2 36
	// type 3 "demo" length 3 param1 32768 param2 32768
	// tap: block 4 (offset 82): checksum: stored DDh, computed 22h
}
