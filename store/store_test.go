package store

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/internal/conformance"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// openTestStore opens a fresh store under a temporary root.
func openTestStore(t testing.TB) *Store {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		removeAll(root)
	})
	return s
}

func TestSchema(t *testing.T) {
	dir := conformance.Dir(t)
	s := openTestStore(t)
	want, err := os.ReadFile(filepath.Join(dir, "db", "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.Query("select sql from sqlite_master where sql is not null and tbl_name in ('ValidPaths','Refs','DerivationOutputs','sqlite_sequence') and name not like '%Realisations%' order by rowid")
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for rows.Next() {
		var q string
		rows.Scan(&q)
		got.WriteString(q + ";\n")
	}
	rows.Close()
	if got.String() != string(want) {
		t.Errorf("schema differs:\n%s\nwant:\n%s", got.String(), want)
	}
	v, _ := os.ReadFile(filepath.Join(s.DBDir(), "schema"))
	wantV, _ := os.ReadFile(filepath.Join(dir, "db", "schema-version.txt"))
	if string(v) != string(wantV) {
		t.Errorf("schema version %q, want %q", v, wantV)
	}
	var mode string
	s.db.QueryRow("pragma journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal mode %s", mode)
	}
	// Reopening works and keeps the schema.
	s2, err := Open(s.Root)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

type narTree struct {
	Name                             string
	RootType                         string
	NarSize                          uint64
	NarSha256Hex                     string
	StorePathAdd                     string
	StorePathAddFixedRecursiveSha256 string
	AddFixedFlatSha256               string
	AddFixedFlatSha1                 string
	AddFixedRecursiveSha1            string
}

func TestConformanceAdd(t *testing.T) {
	dir := conformance.Dir(t)
	trees := conformance.Trees(t)
	b, _ := os.ReadFile(filepath.Join(dir, "nar.json"))
	var f struct{ Trees []narTree }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	s := openTestStore(t)
	n := 0
	check := func(tree, what, want string, opts AddOptions) {
		t.Helper()
		got, err := s.AddPath(filepath.Join(trees, tree), opts)
		if err != nil {
			t.Errorf("%s %s: %v", tree, what, err)
			return
		}
		if got != want {
			t.Errorf("%s %s: %s, want %s", tree, what, got, want)
			return
		}
		n++
	}
	for _, tr := range f.Trees {
		check(tr.Name, "add", tr.StorePathAdd, AddOptions{})
		check(tr.Name, "add-fixed --recursive sha256", tr.StorePathAddFixedRecursiveSha256, AddOptions{Method: storepath.NAR, Algo: nixhash.SHA256})
		info, err := s.QueryPathInfo(tr.StorePathAdd)
		if err != nil {
			t.Fatal(err)
		}
		if info.NarHash.Hex() != tr.NarSha256Hex || info.NarSize != tr.NarSize {
			t.Errorf("%s: db hash %s size %d", tr.Name, info.NarHash.Hex(), info.NarSize)
		}
		if info.CA.String() != "fixed:r:"+info.NarHash.Format(nixhash.Nix32, true) {
			t.Errorf("%s: ca %s", tr.Name, info.CA)
		}
		// The restored object dumps to the same NAR.
		d, _, err := nar.HashPath(s.RealPath(tr.StorePathAdd), nil)
		if err != nil || nixhash.Sum(nixhash.SHA256, nil).Hex() == "" || bytesHex(d[:]) != tr.NarSha256Hex {
			t.Errorf("%s: stored object hashes to %x (%v)", tr.Name, d, err)
		}
		checkCanonical(t, s.RealPath(tr.StorePathAdd))
		if tr.RootType == "regular" {
			check(tr.Name, "add-fixed sha256", tr.AddFixedFlatSha256, AddOptions{Method: storepath.Flat, Algo: nixhash.SHA256})
			check(tr.Name, "add-fixed sha1", tr.AddFixedFlatSha1, AddOptions{Method: storepath.Flat, Algo: nixhash.SHA1})
			check(tr.Name, "add-fixed --recursive sha1", tr.AddFixedRecursiveSha1, AddOptions{Method: storepath.NAR, Algo: nixhash.SHA1})
		}
	}
	t.Logf("%d store paths added and checked", n)
	if _, err := s.AddPath(filepath.Join(trees, "t05-empty-dir"), AddOptions{Method: storepath.Flat}); err == nil {
		t.Error("flat add of a directory accepted")
	}
	if errs, err := s.Verify(VerifyOptions{CheckContents: true}); err != nil || errs {
		t.Errorf("verify: %v %v", errs, err)
	}
}

func bytesHex(b []byte) string {
	h, _ := nixhash.New(nixhash.SHA256, b)
	return h.Hex()
}

// checkCanonical asserts mtime 1 and read-only modes on a store object.
func checkCanonical(t *testing.T, p string) {
	t.Helper()
	filepath.Walk(p, func(f string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Error(err)
			return err
		}
		if fi.Mode()&os.ModeSymlink == 0 && fi.ModTime().Unix() != 1 {
			t.Errorf("%s: mtime %v", f, fi.ModTime())
		}
		switch {
		case fi.IsDir():
			if fi.Mode().Perm() != 0o555 {
				t.Errorf("%s: mode %v", f, fi.Mode())
			}
		case fi.Mode().IsRegular():
			if m := fi.Mode().Perm(); m != 0o444 && m != 0o555 {
				t.Errorf("%s: mode %v", f, fi.Mode())
			}
		}
		return nil
	})
}

func TestAddTextAndReferences(t *testing.T) {
	s := openTestStore(t)
	a, err := s.AddText("a.txt", []byte("hello"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AddText("b.txt", []byte("refers to "+a), []string{a})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := s.ComputeTextPath("b.txt", []byte("refers to "+a), []string{a})
	if b != want {
		t.Fatalf("%s != %s", b, want)
	}
	refs, _ := s.QueryReferences(b)
	if len(refs) != 1 || refs[0] != a {
		t.Fatalf("refs %v", refs)
	}
	referrers, _ := s.QueryReferrers(a)
	if len(referrers) != 1 || referrers[0] != b {
		t.Fatalf("referrers %v", referrers)
	}
	cl, _ := s.Closure([]string{b}, ClosureOptions{})
	if len(cl) != 2 {
		t.Fatalf("closure %v", cl)
	}
	sorted, _ := s.TopoSort(cl)
	if sorted[0] != b || sorted[1] != a {
		t.Fatalf("toposort %v", sorted)
	}
	if _, err := s.AddText("c.txt", []byte("x"), []string{"/nix/store/00000000000000000000000000000000-missing"}); err == nil {
		t.Fatal("invalid reference accepted")
	}
	if _, err := s.AddText("bad name", []byte("x"), nil); err == nil {
		t.Fatal("bad name accepted")
	}
	info, _ := s.QueryPathInfo(a)
	if !strings.HasPrefix(info.CA.String(), "text:sha256:") || info.Deriver != "" || info.Ultimate {
		t.Fatalf("info %+v", info)
	}
	if _, err := s.QueryPathInfo("/nix/store/00000000000000000000000000000000-missing"); !errors.Is(err, ErrNotValid) {
		t.Fatalf("missing: %v", err)
	}
	if p, _ := s.QueryPathFromHashPart(strings.TrimPrefix(a, "/nix/store/")[:32]); p != a {
		t.Fatalf("hash part lookup %q", p)
	}
}

type drvCase struct {
	Name               string
	DrvPath            string
	OutPaths           map[string]string
	DrvText            string
	DependencyDrvTexts map[string]string
}

func TestConformanceWriteDerivations(t *testing.T) {
	dir := conformance.Dir(t)
	b, _ := os.ReadFile(filepath.Join(dir, "derivations.json"))
	var cases []drvCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	s := openTestStore(t)
	written := 0
	for _, c := range cases {
		// Only cases whose closure has no input sources (those would need
		// the fixtures added first).
		texts := map[string]string{c.DrvPath: c.DrvText}
		for k, v := range c.DependencyDrvTexts {
			texts[k] = v
		}
		ok := true
		drvs := map[string]*derivation.Derivation{}
		for p, text := range texts {
			sp, _ := storepath.Parse(p)
			d, err := derivation.Parse([]byte(text), strings.TrimSuffix(sp.Name(), ".drv"))
			if err != nil {
				t.Fatal(err)
			}
			for _, src := range d.InputSrcs {
				if _, isDrv := texts[src]; !isDrv {
					ok = false
				}
			}
			drvs[p] = d
		}
		if !ok {
			continue
		}
		var write func(p string) error
		write = func(p string) error {
			d := drvs[p]
			for in := range d.InputDrvs {
				if err := write(in); err != nil {
					return err
				}
			}
			got, err := s.WriteDerivation(d)
			if err != nil {
				return err
			}
			if got != p {
				t.Errorf("%s: wrote %s, want %s", c.Name, got, p)
			}
			return nil
		}
		if err := write(c.DrvPath); err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		text, _ := os.ReadFile(s.RealPath(c.DrvPath))
		if string(text) != c.DrvText {
			t.Errorf("%s: file differs", c.Name)
		}
		outs, err := s.QueryDerivationOutputs(c.DrvPath)
		if err != nil || len(outs) != len(c.OutPaths) {
			t.Errorf("%s: DerivationOutputs %v %v", c.Name, outs, err)
		}
		for o, p := range c.OutPaths {
			if outs[o] != p {
				t.Errorf("%s: output %s = %s, want %s", c.Name, o, outs[o], p)
			}
			if ds, _ := s.QueryValidDerivers(p); !slices.Contains(ds, c.DrvPath) {
				t.Errorf("%s: valid derivers of %s: %v", c.Name, p, ds)
			}
		}
		// Read back through the store's resolver: same out paths.
		d, err := s.ReadDerivation(c.DrvPath)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.NewResolver().OutputPaths(d)
		if err != nil {
			t.Fatal(err)
		}
		for o, p := range c.OutPaths {
			if got[o] != p {
				t.Errorf("%s: resolver output %s = %s", c.Name, o, got[o])
			}
		}
		written++
	}
	t.Logf("%d derivation closures written and read back", written)
	if written < 30 {
		t.Errorf("only %d cases usable", written)
	}
}

func TestInstantiate(t *testing.T) {
	s := openTestStore(t)
	r := s.NewResolver()
	dep := &derivation.Derivation{Name: "dep", Outputs: map[string]derivation.Output{"out": {}, "dev": {}},
		Platform: "x86_64-linux", Builder: "/bin/sh", Env: map[string]string{"name": "dep", "builder": "/bin/sh", "system": "x86_64-linux"}}
	depPath, depOuts, err := s.Instantiate(r, dep)
	if err != nil {
		t.Fatal(err)
	}
	top := &derivation.Derivation{Name: "top", Outputs: map[string]derivation.Output{"out": {}},
		InputDrvs: map[string][]string{depPath: {"dev"}}, Platform: "x86_64-linux", Builder: "/bin/sh",
		Env: map[string]string{"dep": depOuts["dev"]}}
	topPath, outs, err := s.Instantiate(r, top)
	if err != nil {
		t.Fatal(err)
	}
	// A fresh resolver that must load dep from disk gives the same paths.
	d, _ := s.ReadDerivation(topPath)
	outs2, err := s.NewResolver().OutputPaths(d)
	if err != nil || outs2["out"] != outs["out"] {
		t.Fatalf("%v %v", outs2, err)
	}
	refs, _ := s.QueryReferences(topPath)
	if len(refs) != 1 || refs[0] != depPath {
		t.Fatalf("refs %v", refs)
	}
	if ok, _ := s.IsValid(outs["out"]); ok {
		t.Fatal("output valid before build")
	}
}

func TestAddNar(t *testing.T) {
	s := openTestStore(t)
	src := filepath.Join(t.TempDir(), "tree")
	os.MkdirAll(filepath.Join(src, "d"), 0o755)
	os.WriteFile(filepath.Join(src, "d", "f"), []byte("data"), 0o644)
	var buf bytes.Buffer
	if err := nar.Dump(&buf, src, nil); err != nil {
		t.Fatal(err)
	}
	narHash := nixhash.Sum(nixhash.SHA256, buf.Bytes())
	p, _ := s.Dir().MakeFixedOutput("tree", storepath.NAR, narHash, nil, false)
	path := s.Dir().Path(p)
	ca := storepath.ContentAddress{Method: storepath.NAR, Hash: narHash}

	wrong := nixhash.Sum(nixhash.SHA256, []byte("other"))
	err := s.AddNar(bytes.NewReader(buf.Bytes()), PathInfo{Path: path, NarHash: wrong})
	if err == nil || !strings.Contains(err.Error(), "hash mismatch") {
		t.Fatalf("wrong hash: %v", err)
	}
	assertNothing(t, s, path)

	corrupt := bytes.Clone(buf.Bytes())
	corrupt = corrupt[:len(corrupt)-9]
	if err := s.AddNar(bytes.NewReader(corrupt), PathInfo{Path: path, NarHash: narHash}); err == nil || !strings.Contains(err.Error(), "invalid NAR") {
		t.Fatalf("truncated NAR: %v", err)
	}
	assertNothing(t, s, path)

	other, _ := s.Dir().MakeFixedOutput("other", storepath.NAR, narHash, nil, false)
	if err := s.AddNar(bytes.NewReader(buf.Bytes()), PathInfo{Path: s.Dir().Path(other), NarHash: narHash, CA: storepath.ContentAddress{Method: storepath.NAR, Hash: wrong}}); err == nil {
		t.Fatal("wrong ca accepted")
	}
	if err := s.AddNar(bytes.NewReader(buf.Bytes()), PathInfo{Path: "/nix/store/bad", NarHash: narHash}); err == nil {
		t.Fatal("malformed store path accepted")
	}

	if err := s.AddNar(bytes.NewReader(buf.Bytes()), PathInfo{Path: path, NarHash: narHash, CA: ca, NarSize: uint64(buf.Len())}); err != nil {
		t.Fatal(err)
	}
	info, err := s.QueryPathInfo(path)
	if err != nil || info.NarSize != uint64(buf.Len()) {
		t.Fatalf("%+v %v", info, err)
	}
	got, _ := os.ReadFile(filepath.Join(s.RealPath(path), "d", "f"))
	if string(got) != "data" {
		t.Fatal("content")
	}
}

// assertNothing checks that a failed addition left no row and no file.
func assertNothing(t *testing.T, s *Store, path string) {
	t.Helper()
	if ok, _ := s.IsValid(path); ok {
		t.Fatalf("%s registered", path)
	}
	if _, err := os.Lstat(s.RealPath(path)); err == nil {
		t.Fatalf("%s exists on disk", path)
	}
	entries, _ := os.ReadDir(s.RealStoreDir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Fatalf("staging directory %s left behind", e.Name())
		}
	}
	var n int
	s.db.QueryRow("select count(*) from ValidPaths where path = ?", path).Scan(&n)
	if n != 0 {
		t.Fatal("row")
	}
	_ = sql.ErrNoRows
}

func TestDefaultRoot(t *testing.T) {
	env := map[string]string{"GONIX_STORE": "/tmp/r"}
	get := func(k string) string { return env[k] }
	if r, _ := DefaultRoot(get); r != "/tmp/r" {
		t.Fatal(r)
	}
	if writable("/nix/store") && writable("/nix/var/nix") {
		env = map[string]string{}
		if r, _ := DefaultRoot(get); r != "/" {
			t.Fatal(r)
		}
		return
	}
	env = map[string]string{"XDG_DATA_HOME": "/x"}
	if r, _ := DefaultRoot(get); r != "/x/gonix" {
		t.Fatal(r)
	}
	env = map[string]string{"HOME": "/h"}
	if r, _ := DefaultRoot(get); r != "/h/.local/share/gonix" {
		t.Fatal(r)
	}
}

func TestComputePath(t *testing.T) {
	s := openTestStore(t)
	dir := filepath.Join(t.TempDir(), "src")
	os.MkdirAll(filepath.Join(dir, "d"), 0o755)
	os.WriteFile(filepath.Join(dir, "d", "f"), []byte("x"), 0o755)
	os.WriteFile(filepath.Join(dir, "skip.log"), []byte("y"), 0o644)
	filter := func(p string, _ os.FileMode) (bool, error) { return !strings.HasSuffix(p, ".log"), nil }
	for _, opts := range []AddOptions{
		{}, {Name: "renamed"}, {Filter: filter}, {Algo: nixhash.SHA512},
	} {
		want, h, n, err := s.ComputePath(dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.AddPath(dir, opts)
		if err != nil || got != want {
			t.Fatalf("%+v: computed %s, added %s (%v)", opts, want, got, err)
		}
		info, _ := s.QueryPathInfo(got)
		if !info.NarHash.Equal(h) || info.NarSize != n {
			t.Fatalf("hash/size differ")
		}
		if opts.Filter != nil {
			if _, err := os.Lstat(filepath.Join(s.RealPath(got), "skip.log")); err == nil {
				t.Fatal("filter not applied")
			}
		}
	}
	f := filepath.Join(dir, "d", "f")
	want, _, _, _ := s.ComputePath(f, AddOptions{Method: storepath.Flat, Algo: nixhash.SHA1})
	if got, _ := s.AddPath(f, AddOptions{Method: storepath.Flat, Algo: nixhash.SHA1}); got != want {
		t.Fatal("flat")
	}
}

func TestConcurrentOpen(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			s, err := Open(root)
			if err == nil {
				_, err = s.AddText("x", []byte("x"), nil)
				s.Close()
			}
			errs <- err
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	removeAll(root)
}
