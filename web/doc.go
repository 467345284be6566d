// Package web is the browser playground: the page, its script and style
// (embedded with go:embed), the WebAssembly module that runs a model's
// CHAT.COM on the emulated Z80 in the page (mulm/web/wasm, built on
// mulm/web/play), and an http.Handler that serves them; cmd/mulm's
// "mulm serve" and "mulm web -o DIR" use it.
//
//	mod, err := web.BuildModule(ctx, web.BuildOptions{})
//	http.ListenAndServe("127.0.0.1:8080", web.Handler(mod))
//	err = web.WriteSite("site", mod) // the same files for a static host
//
// The page loads nothing from elsewhere (no CDN, no web fonts), so the
// playground works offline. When the host has Debian's opense-basic ROM
// (zx.DefaultROMPath) it is served too (ROMFile) for the page's Spectrum
// screen, which runs the model's .TAP, or any dropped .TAP, on the ZX
// Spectrum 48K of package z80ref/zx.
//
// # How the WebAssembly module is built
//
// It is built when the server starts, not committed: BuildModule runs
// "GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -w mulm/web/wasm"
// in the mulm source tree (the one the running program was compiled from,
// which "go run ./cmd/mulm serve" in a clone is, else the module around
// the current directory; -src names another) and copies
// $(go env GOROOT)/lib/wasm/wasm_exec.js from the same toolchain, so the
// module and its glue always match each other and the source. The go
// command's build cache makes this take well under a second after the
// first time, which compiles the standard library for js/wasm (about 15 s
// on this project's 2-core machine, measured with an empty GOCACHE). A committed .wasm would go stale with every change to the
// engines and weigh megabytes in the history; the price of building is
// that serving needs the Go toolchain and the source — "mulm web -o DIR"
// writes a site that needs neither.
//
// The module links the emulator, the builder, infer and the .npz reader,
// not the trainer; -s -w strip the symbol tables.
//
// # Tests
//
// The browser tests drive Debian's chromium headless through
// github.com/chromedp/chromedp; they skip, saying so, when chromium is
// absent (.ci/run installs it). Package mulm/web/play, the logic of the
// page's Z80, is tested natively.
package web
