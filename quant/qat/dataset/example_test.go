package dataset_test

import (
	"fmt"
	"strings"

	"mulm/quant/qat/dataset"
)

func ExampleLines() {
	data := "\xEF\xBB\xBF# greetings\nhello | HI\r\n\nno separator\n"
	err := dataset.Lines(strings.NewReader(data), "chat.txt", func(n int, text string) error {
		q, r, ok := dataset.SplitPair(text)
		fmt.Printf("%d: %q %q %v\n", n, q, r, ok)
		return nil
	})
	fmt.Println(err)
	// Output:
	// 2: "hello " " HI" true
	// 4: "no separator" "" false
	// <nil>
}
