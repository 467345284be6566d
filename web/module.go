package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"mulm/z80ref/zx"
)

// WasmPackage is the import path of the playground's WebAssembly module.
const WasmPackage = "mulm/web/wasm"

// ErrNoSource is returned by BuildModule when it cannot find the mulm
// module's source or the Go toolchain.
var ErrNoSource = errors.New("web: the playground's WebAssembly module is built from the mulm source with the Go toolchain")

// Module is the playground's WebAssembly module and the JavaScript
// support file of the Go toolchain that built it.
type Module struct {
	// Wasm is mulm/web/wasm compiled for GOOS=js GOARCH=wasm.
	Wasm []byte
	// WasmExec is $(go env GOROOT)/lib/wasm/wasm_exec.js of the same
	// toolchain: the glue Go's js/wasm port needs, copied, never written
	// by hand.
	WasmExec []byte
	// GoVersion is the toolchain's version ("go1.26.8").
	GoVersion string
	// ROM is the ZX Spectrum ROM the page's Spectrum screen runs, served
	// as opense.rom: BuildModule reads zx.DefaultROMPath (Debian's
	// opense-basic) and leaves ROM nil when it is absent.
	ROM []byte
}

// BuildOptions configures BuildModule.
type BuildOptions struct {
	// Dir is the mulm module's root (the directory of its go.mod). Empty
	// means the source this program was built from, else the module
	// enclosing the current directory.
	Dir string
	// Go is the go command. Empty means "go" on PATH, else the toolchain
	// this program was built with.
	Go string
	// Log, when set, receives a line before the build.
	Log io.Writer
}

// BuildModule compiles the playground's WebAssembly module with the Go
// toolchain: GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w"
// mulm/web/wasm, in the mulm module's source tree. The go command's build
// cache makes a repeated build take a fraction of a second; the first one
// compiles the standard library for js/wasm (about 15 s on a 2-core machine).
func BuildModule(ctx context.Context, opt BuildOptions) (*Module, error) {
	goCmd, err := findGo(opt.Go)
	if err != nil {
		return nil, err
	}
	dir, err := findSource(ctx, opt.Dir, goCmd)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "mulm-wasm-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "mulm.wasm")
	if opt.Log != nil {
		fmt.Fprintf(opt.Log, "building %s for js/wasm in %s\n", WasmPackage, dir)
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", out, WasmPackage)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("web: go build %s: %w\n%s", WasmPackage, err, stderr.Bytes())
	}
	wasm, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	env, err := goEnv(ctx, goCmd, dir, "GOROOT", "GOVERSION")
	if err != nil {
		return nil, err
	}
	execJS, err := os.ReadFile(filepath.Join(env[0], "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("web: the toolchain's wasm_exec.js: %w", err)
	}
	rom, _ := zx.ReadROM(zx.DefaultROMPath) // optional: without it the Spectrum screen says so
	return &Module{Wasm: wasm, WasmExec: execJS, GoVersion: env[1], ROM: rom}, nil
}

// findGo returns the go command to use.
func findGo(goCmd string) (string, error) {
	if goCmd != "" {
		return goCmd, nil
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := runtime.GOROOT(); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no go command on PATH", ErrNoSource)
}

// findSource returns the root of the mulm module's source.
func findSource(ctx context.Context, dir, goCmd string) (string, error) {
	var candidates []string
	if dir != "" {
		candidates = []string{dir}
	} else {
		// This file's directory at compile time (absent with -trimpath).
		if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
			candidates = append(candidates, filepath.Dir(filepath.Dir(file)))
		}
		if wd, err := os.Getwd(); err == nil {
			candidates = append(candidates, wd)
		}
	}
	for _, d := range candidates {
		env, err := goEnv(ctx, goCmd, d, "GOMOD")
		if err != nil || env[0] == "" || env[0] == os.DevNull {
			continue
		}
		mod, err := os.ReadFile(env[0])
		if err != nil {
			continue
		}
		first, _, _ := strings.Cut(string(mod), "\n")
		if strings.TrimSpace(first) == "module mulm" {
			return filepath.Dir(env[0]), nil
		}
	}
	return "", fmt.Errorf("%w: no mulm module found (looked in %s); run from a clone of mulm",
		ErrNoSource, strings.Join(candidates, ", "))
}

// goEnv returns the values of "go env NAMES..." run in dir.
func goEnv(ctx context.Context, goCmd, dir string, names ...string) ([]string, error) {
	cmd := exec.CommandContext(ctx, goCmd, append([]string{"env"}, names...)...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("web: go env in %s: %w", dir, err)
	}
	vals := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(vals) != len(names) {
		return nil, fmt.Errorf("web: go env %s: unexpected output %q", strings.Join(names, " "), out)
	}
	return vals, nil
}
