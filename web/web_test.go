package web

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var fakeModule = &Module{Wasm: []byte("\x00asm fake module"), WasmExec: []byte("// wasm_exec.js")}

func TestFiles(t *testing.T) {
	var names []string
	for _, f := range Files(fakeModule) {
		names = append(names, f.Name)
		if len(f.Data) == 0 {
			t.Errorf("%s is empty", f.Name)
		}
	}
	if got := strings.Join(names, " "); got != "app.js index.html mulm.wasm style.css wasm_exec.js" {
		t.Errorf("files %s", got)
	}
	withROM := *fakeModule
	withROM.ROM = []byte("rom")
	names = nil
	for _, f := range Files(&withROM) {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != "app.js index.html mulm.wasm opense.rom style.css wasm_exec.js" {
		t.Errorf("files with a ROM %s", got)
	}
}

// The page loads only files of the site: no CDN, no web fonts, nothing
// from another host.
func TestNoExternalResources(t *testing.T) {
	files := map[string]bool{ROMFile: true} // served when the host has the ROM
	for _, f := range Files(fakeModule) {
		files[f.Name] = true
	}
	ref := regexp.MustCompile(`(?:src|href)="([^"]*)"|url\(([^)]*)\)|fetch\('([^']*)'\)|@import`)
	for _, f := range Files(fakeModule) {
		if f.Name == "mulm.wasm" || f.Name == "wasm_exec.js" {
			continue
		}
		for _, m := range ref.FindAllStringSubmatch(string(f.Data), -1) {
			target := m[1] + m[2] + m[3]
			if m[0] == "@import" || (!files[target] && target != "data:,") {
				t.Errorf("%s refers to %q", f.Name, m[0])
			}
		}
		if regexp.MustCompile(`(?i)https?://|//[a-z0-9-]+\.[a-z]`).Match(f.Data) {
			t.Errorf("%s names a URL", f.Name)
		}
	}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler(fakeModule))
	defer srv.Close()
	get := func(path, enc string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", enc) // set: the transport does not decompress
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	resp, b := get("/", "identity")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || !bytes.Contains(b, []byte("mulm playground")) {
		t.Errorf("/: %d %s %.40q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	resp, b = get("/mulm.wasm", "gzip, deflate")
	if resp.Header.Get("Content-Type") != "application/wasm" || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("wasm headers %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if raw, _ := io.ReadAll(zr); !bytes.Equal(raw, fakeModule.Wasm) {
		t.Errorf("gzipped wasm %q", raw)
	}
	if _, b = get("/mulm.wasm", ""); !bytes.Equal(b, fakeModule.Wasm) {
		t.Errorf("plain wasm %q", b)
	}
	for _, path := range []string{"/nope", "/site/app.js", "/../web.go"} {
		if resp, _ := get(path, ""); resp.StatusCode != 404 {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	resp, err = http.Post(srv.URL+"/", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestWriteSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if err := WriteSite(dir, fakeModule); err != nil {
		t.Fatal(err)
	}
	for _, f := range Files(fakeModule) {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil || !bytes.Equal(b, f.Data) {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if err := WriteSite(file, fakeModule); err == nil {
		t.Error("WriteSite into a file succeeded")
	}
}

func TestBuildModuleErrors(t *testing.T) {
	_, err := BuildModule(t.Context(), BuildOptions{Dir: t.TempDir()})
	if !errors.Is(err, ErrNoSource) {
		t.Errorf("no source: %v", err)
	}
	_, err = BuildModule(t.Context(), BuildOptions{Go: filepath.Join(t.TempDir(), "nogo")})
	if err == nil {
		t.Error("a missing go command worked")
	}
}

func ExampleFiles() {
	mod := &Module{Wasm: []byte("\x00asm..."), WasmExec: []byte("// from $GOROOT/lib/wasm")}
	for _, f := range Files(mod) {
		fmt.Println(f.Name)
	}
	// Output:
	// app.js
	// index.html
	// mulm.wasm
	// style.css
	// wasm_exec.js
}

// The WebAssembly module stays lean: it links neither the trainer nor
// the test helpers nor an HTTP stack.
func TestWasmDeps(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", WasmPackage)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "mulm/z80ref") || !slices.Contains(deps, "mulm/web/play") {
		t.Fatalf("go list -deps %s: %v", WasmPackage, deps)
	}
	for _, d := range deps {
		switch {
		case strings.HasPrefix(d, "mulm/quant/qat"), d == "mulm/internal/randmodel", d == "mulm/internal/chatapp",
			d == "testing", d == "net/http", d == "mulm/web":
			t.Errorf("the WebAssembly module links %s", d)
		}
	}
}
