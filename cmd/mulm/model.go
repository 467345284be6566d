package main

import (
	"strings"

	"mulm/infer"
	"mulm/infer/npz"
)

// loadModel reads a model file: the original project's .npz, or .mulm.
func loadModel(path string) (*infer.Model, error) {
	if strings.HasSuffix(strings.ToLower(path), ".npz") {
		return npz.ReadFile(path)
	}
	return infer.ReadFile(path)
}
