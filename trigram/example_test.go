package trigram_test

import (
	"fmt"

	"mulm/trigram"
)

func ExampleEncodeQuery() {
	var v [trigram.Buckets]int16
	trigram.EncodeQuery(&v, "  Hi ")
	for i, x := range v {
		if x != 0 {
			fmt.Println(i, x)
		}
	}
	// Output:
	// 33 32
	// 63 32
}

func ExampleEncode() {
	var x [trigram.InputSize]int16
	trigram.Encode(&x, "how are you", []byte("I AM"))
	q, c := 0, 0
	for i, v := range x {
		if i < trigram.Buckets {
			q += int(v)
		} else {
			c += int(v)
		}
	}
	fmt.Println(q/trigram.Weight, "query trigrams,", c/trigram.Weight, "context n-grams")
	// Output: 11 query trigrams, 21 context n-grams
}
