package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/internal/conformance"
)

func TestBuildLog(t *testing.T) {
	s := openTestStore(t)
	drv := "/nix/store/" + strings.Repeat("a", 32) + "-x.drv"
	if _, err := s.ReadBuildLog(drv); !errors.Is(err, ErrNoLog) {
		t.Fatalf("missing log: %v", err)
	}
	if err := s.WriteBuildLog(drv, strings.NewReader("hello log\n")); err != nil {
		t.Fatal(err)
	}
	got, err := s.ReadBuildLog(drv)
	if err != nil || string(got) != "hello log\n" {
		t.Fatalf("%q %v", got, err)
	}
	// A bzip2-compressed log as Nix writes it.
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("bzip2 not installed")
	}
	drv2 := "/nix/store/" + strings.Repeat("b", 32) + "-y.drv"
	dst := filepath.Join(s.LogDir(), "drvs", "bb", strings.Repeat("b", 30)+"-y.drv.bz2")
	os.MkdirAll(filepath.Dir(dst), 0o755)
	cmd := exec.Command("bzip2", "-c")
	cmd.Stdin = strings.NewReader("compressed log\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(dst, out, 0o644)
	got, err = s.ReadBuildLog(drv2)
	if err != nil || string(got) != "compressed log\n" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestScanReferences(t *testing.T) {
	dir := conformance.Dir(t)
	b, err := os.ReadFile(filepath.Join(dir, "references.json"))
	if err != nil {
		t.Fatal(err)
	}
	var refs struct {
		Outputs []struct {
			Path       string
			Content    string
			References []string `json:"nix-store -q --references"`
		}
	}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, o := range refs.Outputs {
		all = append(all, o.Path)
	}
	// Candidates: what Nix found, the output itself, and decoys (the other
	// outputs that do not occur in the content).
	n := 0
	for _, o := range refs.Outputs {
		f := filepath.Join(t.TempDir(), "out")
		os.WriteFile(f, []byte(o.Content), 0o644)
		cands := append([]string{o.Path}, o.References...)
		for _, p := range all {
			if !strings.Contains(o.Content, p[len("/nix/store/"):][:32]) {
				cands = append(cands, p)
			}
		}
		got, err := ScanReferences(f, cands)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]string(nil), o.References...)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: scanned %v, nix found %v", o.Path, got, want)
		}
		n++
	}
	t.Logf("%d outputs scanned", n)
	// Hashes split across writes are found.
	sc := newRefScanner([]string{strings.Repeat("a", 32)})
	data := []byte("xx" + strings.Repeat("a", 32) + "yy")
	for i := range data {
		sc.Write(data[i : i+1])
	}
	if !sc.seen[strings.Repeat("a", 32)] {
		t.Error("split hash not found")
	}
	_ = bytes.MinRead
}
