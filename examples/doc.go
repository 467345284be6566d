// Package examples holds mulm's example models, trained here (see each
// example's TRAIN.md): tinychat, a terse chat bot, and guess, a game of
// 20 Questions. The commands examples/tinychat and examples/guess chat
// with them; the browser playground (mulm/web) builds them in. All
// returns them with the intro each prints:
//
//	for _, e := range examples.All() {
//		m, err := infer.Unmarshal(e.Model)
//		...
//	}
package examples
