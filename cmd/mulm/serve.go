package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"

	"mulm/web"
)

// runServe serves the browser playground.
func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on")
	src := fs.String("src", "", "the mulm source tree the WebAssembly module is built from (default: the one this program was built from, else the current directory's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", *addr) // before the build: a bad -addr fails at once
	if err != nil {
		return fmt.Errorf("-addr %s: %w", *addr, err)
	}
	defer ln.Close()
	mod, err := web.BuildModule(ctx, web.BuildOptions{Dir: *src, Log: stdout})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "mulm playground on http://%s/ (WebAssembly module %d bytes, %s); Ctrl+C stops\n",
		ln.Addr(), len(mod.Wasm), mod.GoVersion)
	srv := &http.Server{Handler: web.Handler(mod)}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// runWeb writes the playground as static files.
func runWeb(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("web", stderr)
	out := fs.String("o", "", "the directory to write the site to (required)")
	src := fs.String("src", "", "the mulm source tree the WebAssembly module is built from (default: the one this program was built from, else the current directory's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("-o is required")
	}
	// Before the build (which takes a while): a bad -o fails at once.
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	mod, err := web.BuildModule(context.Background(), web.BuildOptions{Dir: *src, Log: stdout})
	if err != nil {
		return err
	}
	if err := web.WriteSite(*out, mod); err != nil {
		return err
	}
	for _, f := range web.Files(mod) {
		fmt.Fprintf(stdout, "%s  %d bytes, %d gzipped\n", filepath.Join(*out, f.Name), len(f.Data), len(f.Gzipped()))
	}
	return nil
}
