module mulm

go 1.26

require (
	github.com/google/go-cmp v0.7.0
	github.com/koron-go/z80 v0.10.2
)
