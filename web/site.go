package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed site
var assets embed.FS

// File is one file of the site.
type File struct {
	Name string // path in the site, e.g. "index.html"
	Data []byte
}

// ROMFile is the name the Spectrum ROM (Module.ROM) is served under.
const ROMFile = "opense.rom"

// Files returns the site: the page and its script and style (embedded in
// this package), the WebAssembly module and wasm_exec.js, and the
// Spectrum ROM when there is one, sorted by name. The page loads nothing
// else: no CDN, no web fonts.
func Files(mod *Module) []File {
	files := []File{{"mulm.wasm", mod.Wasm}, {"wasm_exec.js", mod.WasmExec}}
	if mod.ROM != nil {
		files = append(files, File{ROMFile, mod.ROM})
	}
	fs.WalkDir(assets, "site", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		files = append(files, File{strings.TrimPrefix(p, "site/"), b})
		return err
	})
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	return files
}

// Gzipped returns the file's data compressed as Handler sends it to a
// client that accepts gzip (gzip, best compression).
func (f File) Gzipped() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(f.Data)
	zw.Close()
	return b.Bytes()
}

// WriteSite writes Files(mod) into dir (created if needed), for any static
// web server; the server should send .wasm files as application/wasm.
func WriteSite(dir string, mod *Module) error {
	for _, f := range Files(mod) {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Handler serves Files(mod): "/" is index.html; a client that accepts
// gzip gets the files compressed (once, when the handler is made).
func Handler(mod *Module) http.Handler {
	type entry struct{ raw, gz []byte }
	files := map[string]entry{}
	for _, f := range Files(mod) {
		files["/"+f.Name] = entry{f.Data, f.Gzipped()}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path
		if name == "/" {
			name = "/index.html"
		}
		e, ok := files[name]
		if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", contentType(name))
		h.Set("Cache-Control", "no-cache")
		h.Set("Vary", "Accept-Encoding")
		body := e.raw
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h.Set("Content-Encoding", "gzip")
			body = e.gz
		}
		h.Set("Content-Length", fmt.Sprint(len(body)))
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	})
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".wasm":
		return "application/wasm"
	case ".png":
		return "image/png"
	}
	return "application/octet-stream"
}
