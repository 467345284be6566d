package cpm

import "errors"

// lineRead is a BDOS 10 line that the input cut short with
// Options.Interactive: the next call for the same buffer goes on with it.
type lineRead struct {
	active bool
	de     uint16 // the buffer
	n      int    // characters stored so far
}

// RunFor is Run with a budget of n T-states instead of Options.MaxTStates
// (the check is made after each instruction, so it may run one
// instruction more), for a caller that runs the machine in slices, e.g.
// to match a wall clock: it returns a *BudgetError when the slice is used
// up, and the next RunFor goes on. Unlike Run it does not start or end a
// Response at its boundaries, so Responses holds one entry per input line
// however the run is sliced (nothing for the output before the first
// line; the last Response ends when the run does, as with Run).
func (m *Machine) RunFor(n uint64) error {
	err := m.exec(m.t+n, n, false)
	var be *BudgetError
	if !errors.As(err, &be) && !errors.Is(err, ErrInputExhausted) {
		m.closeResponse() // the run ended
	}
	if ferr := m.out.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	return err
}

// Current returns the Response being recorded (the work since the last
// input line was delivered, so far) and whether there is one.
func (m *Machine) Current() (Response, bool) {
	if !m.respOpen {
		return Response{}, false
	}
	return Response{Input: m.respInput, Output: m.respOut, TStates: m.t - m.respStart}, true
}
