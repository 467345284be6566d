package cpm_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"mulm/z80ref/cpm"
)

// A tiny interactive program: print a prompt, read a line, answer, repeat.
func Example() {
	com := []byte{
		0x11, 0x1B, 0x01, // 0100 LD DE,011Bh (prompt)
		0x0E, 0x09, //       0103 LD C,9
		0xCD, 0x05, 0x00, // 0105 CALL 5
		0x11, 0x30, 0x01, // 0108 LD DE,0130h (buffer)
		0x0E, 0x0A, //       010B LD C,10
		0xCD, 0x05, 0x00, // 010D CALL 5
		0x11, 0x1E, 0x01, // 0110 LD DE,011Eh ("\nok\r\n")
		0x0E, 0x09, //       0113 LD C,9
		0xCD, 0x05, 0x00, // 0115 CALL 5
		0xC3, 0x00, 0x01, // 0118 JP 0100h
		'>', '$', 0, //      011B prompt
		0x0A, 'o', 'k', 0x0D, 0x0A, '$', // 011E answer
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0124-012F
		16, // 0130 buffer: max 16 characters
	}
	m, err := cpm.New(com, cpm.Options{
		Stdin:      strings.NewReader("hi\nyo\n"),
		Stdout:     os.Stdout,
		TextOutput: true,
	})
	if err != nil {
		panic(err)
	}
	err = m.Run()
	fmt.Println()
	fmt.Println(err == cpm.ErrInputExhausted, m.TStates())
	for _, r := range m.Responses() {
		fmt.Printf("%q %q %d\n", r.Input, r.Output, r.TStates)
	}
	// Output:
	// >hi
	// ok
	// >yo
	// ok
	// >
	// true 292
	// "" ">" 68
	// "hi" "\nok\n>" 112
	// "yo" "\nok\n>" 112
}

func ExampleMachine_Call() {
	// mul: HL = B*C by repeated addition.
	code := []byte{
		0x21, 0x00, 0x00, // 0100 LD HL,0    10
		0x16, 0x00, //       0103 LD D,0      7
		0x59,       //       0105 LD E,C      4
		0x78,       //       0106 LD A,B      4
		0xB7,       //       0107 OR A        4
		0xC8,       //       0108 RET Z       5 (not taken)
		0x19,       //       0109 ADD HL,DE  11
		0x10, 0xFD, //       010A DJNZ 0109h 13/8
		0xC9, //             010C RET        10
	}
	m, err := cpm.New(code, cpm.Options{})
	if err != nil {
		panic(err)
	}
	m.CPU().BC.SetU16(0x0307) // B=3, C=7
	t, err := m.Call(0x0100, 0)
	fmt.Println(m.CPU().HL.U16(), t, err)
	// Output: 21 111 <nil>
}

// With Options.Interactive a line typed in pieces, the input running dry
// between them, is read as one (here with a typo fixed by Backspace), and
// RunFor runs the machine in slices.
func ExampleOptions_interactive() {
	com := []byte{
		0x11, 0x00, 0x02, // 0100 LD DE,0200h (buffer)
		0x0E, 0x0A, //       0103 LD C,10
		0xCD, 0x05, 0x00, // 0105 CALL 5
		0xC9, //             0108 RET (warm boot)
	}
	keys := &typist{}
	var echo strings.Builder
	m, err := cpm.New(com, cpm.Options{Stdin: keys, Stdout: &echo, Interactive: true})
	if err != nil {
		panic(err)
	}
	m.Write(0x200, 16) // at most 16 characters
	keys.pending = "helo\bp"
	fmt.Println(m.RunFor(1000) == cpm.ErrInputExhausted)
	keys.pending = " me\r"
	fmt.Println(m.RunFor(1000))
	fmt.Printf("%q %q\n", m.Mem()[0x202:0x202+int(m.Read(0x201))], echo.String())
	// Output:
	// true
	// <nil>
	// "help me" "helo\b \bp me\r"
}

// typist is console input that has what was typed so far, then io.EOF.
type typist struct{ pending string }

func (k *typist) Read(p []byte) (int, error) {
	if k.pending == "" {
		return 0, io.EOF
	}
	n := copy(p, k.pending)
	k.pending = k.pending[n:]
	return n, nil
}
