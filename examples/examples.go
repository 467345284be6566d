package examples

import _ "embed"

var (
	//go:embed tinychat/model.mulm
	tinychatModel []byte
	//go:embed guess/model.mulm
	guessModel []byte
)

// Example is one of the example models.
type Example struct {
	// Name is the example's name, its directory under examples/.
	Name string
	// Intro is the line the example prints before its first prompt.
	Intro string
	// Model is the model in the .mulm format (a copy: the caller may
	// change it).
	Model []byte
}

// All returns the example models, tinychat first.
func All() []Example {
	return []Example{
		{Name: "tinychat", Intro: "tinychat: a terse bot. Say hi; a line starting with ! quits.",
			Model: append([]byte(nil), tinychatModel...)},
		{Name: "guess", Intro: "guess: I am thinking of something. Ask yes/no questions, or guess it. ! quits.",
			Model: append([]byte(nil), guessModel...)},
	}
}

// Get returns the example named name (see All).
func Get(name string) (Example, bool) {
	for _, e := range All() {
		if e.Name == name {
			return e, true
		}
	}
	return Example{}, false
}
