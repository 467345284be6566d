package examples_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"mulm/examples"
	"mulm/infer"
)

func TestAll(t *testing.T) {
	all := examples.All()
	if len(all) != 2 || all[0].Name != "tinychat" || all[1].Name != "guess" {
		t.Fatalf("examples %v", all)
	}
	for _, e := range all {
		file, err := os.ReadFile(filepath.Join(e.Name, "model.mulm"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(file, e.Model) {
			t.Errorf("%s: embedded model differs from %s/model.mulm", e.Name, e.Name)
		}
		if _, err := infer.Unmarshal(e.Model); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
		if g, ok := examples.Get(e.Name); !ok || g.Intro != e.Intro {
			t.Errorf("Get(%q) = %v, %v", e.Name, g.Intro, ok)
		}
	}
	if _, ok := examples.Get("nope"); ok {
		t.Error("Get(nope) found something")
	}
	all[0].Model[0] ^= 1
	if examples.All()[0].Model[0] == all[0].Model[0] {
		t.Error("All returns shared model bytes")
	}
}

func ExampleAll() {
	for _, e := range examples.All() {
		m, err := infer.Unmarshal(e.Model)
		if err != nil {
			panic(err)
		}
		fmt.Println(e.Name, m.Reply("hello"))
	}
	// Output:
	// tinychat HI
	// guess IDK
}
