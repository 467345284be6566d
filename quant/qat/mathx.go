package qat

import "math"

func exp(x float64) float64 { return math.Exp(x) }
func log(x float64) float64 { return math.Log(x) }
