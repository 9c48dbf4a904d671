package store

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/internal/conformance"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// nixStore runs real Nix's nix-store on the store rooted at root, or skips.
func nixStore(t *testing.T, root string, args ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath("nix-store"); err != nil {
		t.Skip("nix-store not on PATH")
	}
	cmd := exec.Command("nix-store", append([]string{"--store", root}, args...)...)
	cmd.Env = append(os.Environ(), "NIX_REMOTE=")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l != "" && !strings.HasPrefix(l, "warning:") {
			out = append(out, l)
		}
	}
	return out
}

// TestInteropNixReadsGonixStore: a store gonix wrote passes real Nix's
// verify --check-contents, and Nix sees the same references, requisites
// and dead paths.
func TestInteropNixReadsGonixStore(t *testing.T) {
	if _, err := exec.LookPath("nix-store"); err != nil {
		t.Skip("nix-store not on PATH")
	}
	trees := conformance.Trees(t)
	s := openTestStore(t)
	var added []string
	entries, _ := os.ReadDir(trees)
	for _, e := range entries {
		p, err := s.AddPath(filepath.Join(trees, e.Name()), AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		added = append(added, p)
	}
	a, b, c := chain(t, s, "interop")
	added = append(added, a, b, c)
	d := &derivation.Derivation{Name: "interop", Outputs: map[string]derivation.Output{"out": {}},
		InputSrcs: []string{c}, Platform: "x86_64-linux", Builder: "/bin/sh", Env: map[string]string{"c": c}}
	drvPath, _, err := s.Instantiate(s.NewResolver(), d)
	if err != nil {
		t.Fatal(err)
	}
	added = append(added, drvPath)
	if _, err := s.Optimise(nil, nil); err != nil {
		t.Fatal(err)
	}
	root := s.Root
	out, err := nixStore(t, root, "--verify", "--check-contents")
	if err != nil || strings.Contains(out, "modified") || strings.Contains(out, "error") {
		t.Fatalf("nix-store --verify --check-contents: %v\n%s", err, out)
	}
	for _, p := range added {
		out, err := nixStore(t, root, "-q", "--references", p)
		if err != nil {
			t.Fatalf("%s: %v %s", p, err, out)
		}
		want, _ := s.QueryReferences(p)
		got := lines(out)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: nix references %v, gonix %v", p, got, want)
		}
	}
	out, err = nixStore(t, root, "-q", "--requisites", drvPath)
	if err != nil {
		t.Fatal(err)
	}
	cl, _ := s.Closure([]string{drvPath}, ClosureOptions{})
	sorted, _ := s.TopoSort(cl)
	slices.Reverse(sorted)
	if got := lines(out); !slices.Equal(got, sorted) {
		t.Errorf("requisites: nix %v\ngonix %v", got, sorted)
	}
	out, err = nixStore(t, root, "-q", "--deriver", drvPath)
	if err != nil || strings.TrimSpace(out) != "unknown-deriver" {
		t.Errorf("deriver: %v %q", err, out)
	}
	// Both collectors agree on what is dead once this process's temp roots
	// are gone.
	s = reopen(t, s)
	s.Close()
	out, err = nixStore(t, root, "--gc", "--print-dead")
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	nixDead := lines(out)
	s2, _ := Open(root)
	defer s2.Close()
	res, err := s2.CollectGarbage(GCOptions{Action: GCReturnDead, KeepDerivations: true})
	if err != nil {
		t.Fatal(err)
	}
	var ours []string
	for _, p := range res.Paths {
		if !strings.HasSuffix(p, ".lock") {
			ours = append(ours, p)
		}
	}
	var theirs []string
	for _, l := range nixDead {
		if strings.HasPrefix(l, "/nix/store/") && !strings.HasSuffix(l, ".lock") {
			theirs = append(theirs, l)
		}
	}
	t.Logf("%d dead paths agreed on", len(ours))
	if len(ours) < len(added) || !slices.Equal(ours, theirs) {
		t.Errorf("dead paths: nix %v\ngonix %v", theirs, ours)
	}
}

// TestInteropGonixReadsNixStore: paths real Nix added (and .drv files
// nix-instantiate wrote) are read, queried and verified by gonix, and
// gonix writes identical rows for the same objects.
func TestInteropGonixReadsNixStore(t *testing.T) {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate not on PATH")
	}
	dir := conformance.Dir(t)
	root := filepath.Join(t.TempDir(), "nixroot")
	t.Cleanup(func() { removeAll(root) })
	file := filepath.Join(t.TempDir(), "hello.txt")
	os.WriteFile(file, []byte("hello\n"), 0o644)
	out, err := nixStore(t, root, "--add", file)
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	added := strings.TrimSpace(out)
	out, err = nixStore(t, root, "--add-fixed", "sha1", file)
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	fixed := strings.TrimSpace(out)
	cmd := exec.Command("nix-instantiate", "--store", root, filepath.Join(dir, "references.nix"), "-A", "app")
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("nix-instantiate: %v %s", err, b)
	}
	var rows struct {
		AppDrv     string
		ValidPaths []struct {
			Path, Hash string
			Deriver    *string
			NarSize    uint64
			Ultimate   *int
			Ca         *string
		}
	}
	rb, _ := os.ReadFile(filepath.Join(dir, "db", "rows.json"))
	json.Unmarshal(rb, &rows)

	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := s.QueryPathInfo(added)
	if err != nil {
		t.Fatal(err)
	}
	if info.NarHash.Format(nixhash.SRI, true) != "sha256-HDfQGvQL4ugGkd48w99EN3ppmvuxfGjwgJZLL9Bx/BM=" || info.NarSize != 120 {
		t.Errorf("nix-added path: %+v", info)
	}
	if p, err := s.AddPath(file, AddOptions{}); err != nil || p != added {
		t.Errorf("gonix add of the same file: %s %v", p, err)
	}
	if p, err := s.AddPath(file, AddOptions{Method: storepath.Flat, Algo: nixhash.SHA1}); err != nil || p != fixed {
		t.Errorf("gonix add-fixed sha1: %s %v", p, err)
	}
	if errs, err := s.Verify(VerifyOptions{CheckContents: true}); err != nil || errs {
		t.Errorf("gonix verify of a Nix store: %v %v", errs, err)
	}
	// For every .drv / text file Nix wrote, gonix writes the same row in a
	// fresh store, and both match rows.json where it has the path.
	s2 := openTestStore(t)
	all, _ := s.QueryAllValidPaths()
	var todo []string
	for _, p := range all {
		if p != added && p != fixed {
			todo = append(todo, p)
		}
	}
	order, err := s.TopoSort(todo)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(order)
	checked := 0
	for _, p := range order {
		theirs, _ := s.QueryPathInfo(p)
		text, _ := os.ReadFile(s.RealPath(p))
		var got string
		if strings.HasSuffix(p, ".drv") {
			d, err := s.ReadDerivation(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err = s2.WriteDerivation(d)
			if err != nil {
				t.Fatal(err)
			}
			o1, _ := s.QueryDerivationOutputs(p)
			o2, _ := s2.QueryDerivationOutputs(p)
			if len(o1) == 0 || !mapsEqual(o1, o2) {
				t.Errorf("%s: DerivationOutputs nix %v gonix %v", p, o1, o2)
			}
		} else {
			got, err = s2.AddText(mustName(p), text, theirs.References)
			if err != nil {
				t.Fatal(err)
			}
		}
		if got != p {
			t.Fatalf("gonix wrote %s, nix %s", got, p)
		}
		ours, _ := s2.QueryPathInfo(p)
		if !ours.NarHash.Equal(theirs.NarHash) || ours.NarSize != theirs.NarSize || ours.CA.String() != theirs.CA.String() ||
			ours.Deriver != theirs.Deriver || ours.Ultimate != theirs.Ultimate || !slices.Equal(ours.References, theirs.References) {
			t.Errorf("%s: rows differ:\n nix   %+v\n gonix %+v", p, theirs, ours)
		}
		for _, r := range rows.ValidPaths {
			if r.Path != p {
				continue
			}
			ca := ""
			if r.Ca != nil {
				ca = *r.Ca
			}
			if r.Hash != "sha256:"+ours.NarHash.Hex() || r.NarSize != ours.NarSize || ca != ours.CA.String() || r.Deriver != nil || r.Ultimate != nil {
				t.Errorf("%s: rows.json %+v, gonix %+v", p, r, ours)
			}
			checked++
		}
	}
	if checked < 3 {
		t.Errorf("only %d rows.json rows compared", checked)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
