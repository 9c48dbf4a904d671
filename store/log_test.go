package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	// It is where Nix keeps it, compressed, read-only, and alone.
	dir := filepath.Join(s.LogDir(), "drvs", "aa")
	bz := filepath.Join(dir, strings.Repeat("a", 30)+"-x.drv.bz2")
	if fi, err := os.Stat(bz); err != nil || fi.Mode().Perm() != 0o444 {
		t.Fatalf("compressed log: %v %v", fi, err)
	}
	if raw, _ := os.ReadFile(bz); !bytes.HasPrefix(raw, []byte("BZh")) {
		t.Fatalf("not bzip2: %q", raw)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("log directory holds %v", ents)
	}
	// A plain log as Nix or an older gonix wrote it is read.
	drvP := "/nix/store/" + strings.Repeat("p", 32) + "-p.drv"
	plain := filepath.Join(s.LogDir(), "drvs", "pp", strings.Repeat("p", 30)+"-p.drv")
	os.MkdirAll(filepath.Dir(plain), 0o755)
	os.WriteFile(plain, []byte("plain log\n"), 0o644)
	if got, err := s.ReadBuildLog(drvP); err != nil || string(got) != "plain log\n" {
		t.Fatalf("plain log: %q %v", got, err)
	}
	// A rebuild replaces it (Nix would read the plain file first).
	if err := s.WriteBuildLog(drvP, strings.NewReader("new log\n")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ReadBuildLog(drvP); err != nil || string(got) != "new log\n" {
		t.Fatalf("rewritten log: %q %v", got, err)
	}
	if _, err := os.Stat(plain); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stale plain log left: %v", err)
	}
	// A bzip2-compressed log as the bzip2 tool writes it.
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

// logText returns n bytes of build-log-like text that compresses
// somewhat but not trivially.
func logText(n int) []byte {
	var b bytes.Buffer
	x := uint32(1)
	for i := 0; b.Len() < n; i++ {
		x = x*1664525 + 1013904223
		fmt.Fprintf(&b, "line %d: compiling src/file%d.c -> %08x\n", i, x%97, x)
	}
	return b.Bytes()[:n]
}

// TestBuildLogStreaming writes logs of several sizes in small pieces, as
// a build does, and checks that the result decompresses to the same bytes
// with Go's reader and with the bzip2 tool.
func TestBuildLogStreaming(t *testing.T) {
	s := openTestStore(t)
	for i, size := range []int{0, 1, smallLog, smallLog + 1, 2*900000 + 12345} {
		drv := fmt.Sprintf("/nix/store/%s%02d-s.drv", strings.Repeat("c", 30), i)
		want := logText(size)
		w, err := s.CreateBuildLog(drv)
		if err != nil {
			t.Fatal(err)
		}
		for rest := want; len(rest) > 0; {
			k := min(len(rest), 1+len(rest)%4093)
			if _, err := w.Write(rest[:k]); err != nil {
				t.Fatal(err)
			}
			rest = rest[k:]
		}
		if _, err := os.Stat(w.Path()); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%d bytes: log visible before Commit: %v", size, err)
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := s.ReadBuildLog(drv)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%d bytes: read back %d bytes, %v", size, len(got), err)
		}
		if _, err := exec.LookPath("bzip2"); err == nil {
			out, err := exec.Command("bzip2", "-dc", w.Path()).Output()
			if err != nil || !bytes.Equal(out, want) {
				t.Fatalf("%d bytes: bzip2 -d gave %d bytes, %v", size, len(out), err)
			}
		}
		if size > 0 {
			fi, _ := os.Stat(w.Path())
			t.Logf("%d bytes -> %d compressed", size, fi.Size())
		}
	}
	// An aborted log leaves nothing behind.
	drv := "/nix/store/" + strings.Repeat("d", 32) + "-a.drv"
	w, err := s.CreateBuildLog(drv)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(logText(smallLog * 2))
	w.Abort()
	if ents, _ := os.ReadDir(filepath.Join(s.LogDir(), "drvs", "dd")); len(ents) != 0 {
		t.Fatalf("aborted log left %v", ents)
	}
	if _, err := s.ReadBuildLog(drv); !errors.Is(err, ErrNoLog) {
		t.Fatalf("aborted log: %v", err)
	}
	if _, err := s.CreateBuildLog("/nix/store/not-a-store-path"); err == nil {
		t.Fatal("bad path accepted")
	}
}

// TestInteropNixReadsGonixLog: real Nix's nix-store --read-log reads a
// log gonix wrote: a long one (streamed through 900k blocks) and a short
// one (compressed at Commit).
func TestInteropNixReadsGonixLog(t *testing.T) {
	if _, err := exec.LookPath("nix-store"); err != nil {
		t.Skip("nix-store not on PATH")
	}
	s := openTestStore(t)
	drv := "/nix/store/" + strings.Repeat("g", 32) + "-log-out.drv"
	want := logText(smallLog + 5000)
	if err := s.WriteBuildLog(drv, bytes.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	got, err := nixStore(t, s.Root, "--read-log", drv)
	if err != nil || got != string(want) {
		t.Fatalf("nix-store --read-log: %v, %d bytes (want %d)\n%.300s", err, len(got), len(want), got)
	}
	small := "/nix/store/" + strings.Repeat("f", 32) + "-small.drv"
	if err := s.WriteBuildLog(small, strings.NewReader("short log\n")); err != nil {
		t.Fatal(err)
	}
	if got, err := nixStore(t, s.Root, "-l", small); err != nil || got != "short log\n" {
		t.Fatalf("nix-store -l: %v %q", err, got)
	}
}

// TestInteropGonixReadsNixLog: gonix reads the bzip2 log real Nix wrote
// for a build in a chroot store (Nix 2.8 builds there in its sandbox; the
// test skips where that cannot run).
func TestInteropGonixReadsNixLog(t *testing.T) {
	if _, err := exec.LookPath("nix-build"); err != nil {
		t.Skip("nix-build not on PATH")
	}
	root := filepath.Join(t.TempDir(), "nixroot")
	t.Cleanup(func() { removeAll(root) })
	expr := `derivation { name = "nix-log"; system = builtins.currentSystem; builder = "/bin/sh";
	  args = [ "-c" "echo out line; echo err line >&2; i=0; while [ $i -lt 3000 ]; do echo counting $i; i=$((i+1)); done; echo ok > $out" ]; }`
	var paths []string
	for _, p := range []string{"/bin", "/usr", "/lib", "/lib64"} {
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		}
	}
	cmd := exec.Command("nix-build", "--store", "local?root="+root, "--no-out-link",
		"--option", "extra-sandbox-paths", strings.Join(paths, " "), "-E", expr)
	cmd.Env = append(os.Environ(), "NIX_REMOTE=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	o, err := cmd.Output()
	if err != nil {
		t.Skipf("nix-build into a chroot store cannot run here: %v\n%s", err, stderr.String())
	}
	outPath := strings.TrimSpace(string(o))
	logs, _ := filepath.Glob(filepath.Join(root, "nix/var/log/nix/drvs/*/*.bz2"))
	if len(logs) != 1 {
		t.Fatalf("Nix wrote logs %v", logs)
	}
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := s.QueryPathInfo(outPath)
	if err != nil || info.Deriver == "" {
		t.Fatalf("%s: %+v %v", outPath, info, err)
	}
	var want strings.Builder
	want.WriteString("out line\nerr line\n")
	for i := range 3000 {
		fmt.Fprintf(&want, "counting %d\n", i)
	}
	for _, p := range []string{info.Deriver, outPath} {
		got, err := s.ReadBuildLog(p)
		if err != nil || string(got) != want.String() {
			t.Errorf("gonix reading Nix's log via %s: %v\n%.200q", p, err, got)
		}
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
