package infer

// Step is one generated character: the input vector the model saw, every
// layer's output and the chosen index.
type Step struct {
	// Input is the input vector: trigram.Buckets query buckets followed by
	// trigram.Buckets context buckets.
	Input []int16
	// Layers holds each layer's outputs after the shift (and, for hidden
	// layers, the ReLU). The last entry is the output layer the argmax
	// reads.
	Layers [][]int16
	// Next is the argmax: an index into the charset, EOS for the last step
	// of a reply that ended by itself.
	Next int
}

// Trace is the full record of one reply.
type Trace struct {
	Query string
	Steps []Step
	Reply string // the characters printed, EOS excluded
}
