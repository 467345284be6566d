package zx

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Reply is what the screen shows after a line was typed (see Ask).
type Reply struct {
	// Lines are the screen rows between the echoed input and the row of
	// the new prompt (trailing spaces and cursors removed), plus any text
	// before the prompt on its row.
	Lines []string
	// EchoOK says the screen shows the prompt and the line as typed
	// (DELETEs applied) at the start of a row above the new prompt. When
	// it does not (keys were dropped, or the echo scrolled away) Lines
	// start at the top row.
	EchoOK bool
	// Report is the BASIC report (e.g. "OK, 10:3") when the program
	// returned to BASIC instead of showing the prompt again.
	Report string
	// TypeTStates runs from the first key press to the ENTER press;
	// TStates from the ENTER press to the last write to the screen before
	// the prompt was seen (the check is made once a frame); Contended is
	// the contention counted from the ENTER press to that check.
	TypeTStates, TStates, Contended uint64
}

// reportRow matches a BASIC report in the lower screen: "OK, 10:3",
// "0 OK, 10:3", "R Tape loading error, 0:1".
var reportRow = regexp.MustCompile(`^\s*(\S.*, \d+:\d+)\s*$`)

// Report returns the BASIC report shown in the two bottom rows, or "".
func (s *Screen) Report() string {
	lines := s.LinesNoFlash()
	for _, l := range lines[Rows-2:] {
		if r := reportRow.FindStringSubmatch(l); r != nil {
			return r[1]
		}
	}
	return ""
}

// Edited returns what a line editor makes of typed text: each '\b' or DEL
// removes the character before it.
func Edited(text string) string {
	var r []rune
	for _, c := range text {
		if c == '\b' || c == 0x7F {
			if len(r) > 0 {
				r = r[:len(r)-1]
			}
			continue
		}
		r = append(r, c)
	}
	return string(r)
}

// ErrNoPrompt is wrapped by Ask when neither the prompt nor a BASIC report
// appeared within the budget.
var ErrNoPrompt = errors.New("zx: no prompt")

// ErrScrollPrompt is returned by Ask when the ROM stopped the output with
// its scroll prompt ("scroll?" on Sinclair's ROM, "Scroll?" on OpenSE
// BASIC) in the bottom rows: the program let the screen fill up without
// resetting SCR_CT (5C8Ch), and the ROM waits for a key.
var ErrScrollPrompt = errors.New("zx: the ROM shows its scroll? prompt")

// ScrollPrompt reports whether the bottom two rows show the ROM's scroll
// prompt.
func (s *Screen) ScrollPrompt() bool {
	for _, l := range s.LinesNoFlash()[Rows-2:] {
		if strings.EqualFold(strings.TrimSpace(l), "scroll?") {
			return true
		}
	}
	return false
}

// Ask types line and ENTER at a program that shows prompt and echoes what
// is typed, runs until the prompt is shown again on a changed screen with
// the ROM's print position (S_POSN) right after it, i.e. the prompt was
// the last thing printed with RST 10h (or
// a BASIC report appears in the bottom rows: the program returned to
// BASIC), at most maxT T-states (0 = DefaultMaxTStates), and returns the
// rows of the reply. line must not contain a line end. When the ROM's
// scroll prompt appears instead, Ask returns the reply so far (timings
// only) and ErrScrollPrompt.
func (m *Machine) Ask(line, prompt string, maxT uint64) (*Reply, error) {
	if strings.ContainsAny(line, "\r\n") {
		return nil, fmt.Errorf("zx: Ask: line %q contains a line end", line)
	}
	before := m.Screen().String()
	if err := m.Type(line + "\n"); err != nil {
		return nil, err
	}
	t0 := m.t
	var firstKey, enter, lastAt, contAt uint64
	done := func(m *Machine) bool {
		// Keys go down at frame starts, just before this check: note the
		// contention count at each press (the last one is ENTER's).
		if at := m.kb.at; at > t0 && at != lastAt {
			if firstKey == 0 {
				firstKey = at
			}
			lastAt, contAt = at, m.contended
		}
		if m.Typing() {
			return false
		}
		if enter == 0 {
			enter = lastAt
		}
		s := m.Screen()
		if s.String() == before {
			return false
		}
		if s.Report() != "" || s.ScrollPrompt() {
			return true
		}
		return m.promptReady(s, prompt)
	}
	err := m.RunUntil(done, maxT)
	if err != nil {
		var be *BudgetError
		if errors.As(err, &be) {
			return nil, fmt.Errorf("%w %q within %d T-states after typing %q: %w", ErrNoPrompt, prompt, maxT, line, err)
		}
		return nil, err
	}
	r := &Reply{TypeTStates: enter - firstKey, Contended: m.contended - contAt}
	if m.screenT > enter {
		r.TStates = m.screenT - enter
	}
	s := m.Screen()
	if !m.PromptShown(prompt) {
		if s.ScrollPrompt() {
			return r, ErrScrollPrompt
		}
		r.Report = s.Report()
		return r, nil
	}
	rows, from, last, found := replyRows(s, prompt, line)
	p := strings.TrimRight(prompt, " ")
	tail := strings.TrimSuffix(rows[last], p)
	r.EchoOK = found
	r.Lines = append([]string{}, rows[from:last]...)
	if t := strings.TrimRight(tail, " "); t != "" {
		r.Lines = append(r.Lines, t)
	}
	return r, nil
}

// replyRows locates a reply on the screen: rows (cursors removed), the
// last non-blank row (the new prompt's), and the row after the echoed
// input (prompt + the edited line, from column 0, wrapped at 32 columns,
// the rest of its last row blank; the last such echo above the last row).
// found is false when no such echo is on the screen (from is then 0).
func replyRows(s *Screen, prompt, line string) (rows []string, from, last int, found bool) {
	rows = s.LinesNoFlash()
	last = lastRow(rows)
	want := []rune(prompt + Edited(line))
	var flat []rune
	for _, row := range rows[:last] {
		rr := []rune(row)
		flat = append(flat, rr...)
		for i := len(rr); i < Cols; i++ {
			flat = append(flat, ' ')
		}
	}
	for start := (len(flat)/Cols - 1) * Cols; start >= 0; start -= Cols {
		end := start + len(want)
		if end <= len(flat) && string(flat[start:end]) == string(want) {
			rowEnd := (end + Cols - 1) / Cols * Cols
			if end == start {
				rowEnd = start + Cols
			}
			if strings.TrimRight(string(flat[end:rowEnd]), " ") == "" {
				return rows, rowEnd / Cols, last, true
			}
		}
	}
	return rows, 0, last, false
}

// SysSPOSN is S_POSN: 33 minus the column and 24 minus the line of the
// upper screen's print position.
const SysSPOSN = 0x5C88

// PrintPosition returns the row (0-23) and column (0-32) at which the
// ROM's RST 10h prints next on the upper screen (from S_POSN).
func (m *Machine) PrintPosition() (row, col int) {
	return 24 - int(m.mem[SysSPOSN+1]), 33 - int(m.mem[SysSPOSN])
}

// promptReady reports whether s ends with prompt on its last non-blank row
// and the print position is right after it.
func (m *Machine) promptReady(s *Screen, prompt string) bool {
	lines := s.LinesNoFlash()
	last := lastRow(lines)
	p := strings.TrimRight(prompt, " ")
	if !strings.HasSuffix(lines[last], p) {
		return false
	}
	row, col := m.PrintPosition()
	return row == last && col == len([]rune(lines[last]))+len(prompt)-len(p)
}

// lastRow returns the index of the last non-blank row (0 when all are
// blank).
func lastRow(rows []string) int {
	last := len(rows) - 1
	for last > 0 && rows[last] == "" {
		last--
	}
	return last
}
