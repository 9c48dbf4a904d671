package store

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// chain adds text objects c -> b -> a (c refers to b refers to a).
func chain(t *testing.T, s *Store, prefix string) (a, b, c string) {
	t.Helper()
	var err error
	if a, err = s.AddText(prefix+"-a", []byte(prefix+"a"), nil); err != nil {
		t.Fatal(err)
	}
	if b, err = s.AddText(prefix+"-b", []byte(prefix+"b"+a), []string{a}); err != nil {
		t.Fatal(err)
	}
	if c, err = s.AddText(prefix+"-c", []byte(prefix+"c"+b), []string{b}); err != nil {
		t.Fatal(err)
	}
	return
}

// reopen closes s's temporary roots by reopening the store, so GC sees
// its additions as unrooted.
func reopen(t *testing.T, s *Store) *Store {
	t.Helper()
	s.Close()
	s2, err := Open(s.Root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	return s2
}

func TestGC(t *testing.T) {
	s := openTestStore(t)
	ra, rb, rc := chain(t, s, "rooted")
	ga, gb, gc := chain(t, s, "garbage")
	link := filepath.Join(t.TempDir(), "result")
	if _, err := s.AddPermRoot(rb, link); err != nil {
		t.Fatal(err)
	}
	// A direct root too.
	os.Symlink(rc, filepath.Join(s.GCRootsDir(), "direct"))
	// Junk: an invalid store-path-like directory.
	junk := "/nix/store/00000000000000000000000000000000-junk"
	os.Mkdir(s.RealPath(junk), 0o755)
	// A leftover of an interrupted optimise.
	os.WriteFile(filepath.Join(s.RealStoreDir(), ".tmp-link-1-x"), []byte("x"), 0o644)

	// In-process temp roots keep everything alive.
	res, err := s.CollectGarbage(GCOptions{Action: GCReturnDead})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Paths) != 1 || res.Paths[0] != junk {
		t.Fatalf("dead with temp roots: %v", res.Paths)
	}

	s = reopen(t, s)
	roots, err := s.FindRoots(false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(roots.Paths(), sortedUnique([]string{rb, rc})) {
		t.Fatalf("roots %v", roots)
	}
	if l := roots[rb]; len(l) != 1 || l[0] != link {
		t.Fatalf("indirect root link %v", l)
	}
	res, _ = s.CollectGarbage(GCOptions{Action: GCReturnLive})
	if !slices.Equal(res.Paths, sortedUnique([]string{ra, rb, rc})) {
		t.Fatalf("live %v", res.Paths)
	}
	res, _ = s.CollectGarbage(GCOptions{Action: GCReturnDead})
	if !slices.Equal(res.Paths, sortedUnique([]string{ga, gb, gc, junk})) {
		t.Fatalf("dead %v", res.Paths)
	}
	// Deleting a live path is refused; deleting garbage only with its referrers.
	if _, err := s.CollectGarbage(GCOptions{Action: GCDeleteSpecific, Paths: []string{ra}}); err == nil || !strings.Contains(err.Error(), "still alive") {
		t.Fatalf("delete live: %v", err)
	}
	if _, err := s.CollectGarbage(GCOptions{Action: GCDeleteSpecific, Paths: []string{ga}}); err == nil {
		t.Fatal("deleted a path that has a referrer outside the set")
	}
	res, err = s.CollectGarbage(GCOptions{Action: GCDeleteSpecific, Paths: []string{gc}})
	if err != nil || len(res.Paths) != 1 {
		t.Fatalf("delete gc: %v %v", res, err)
	}
	// Full collection removes the rest of the garbage.
	res, err = s.CollectGarbage(GCOptions{Action: GCDeleteDead})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Paths, sortedUnique([]string{ga, gb, junk})) || res.BytesFreed == 0 {
		t.Fatalf("deleted %v (%d bytes)", res.Paths, res.BytesFreed)
	}
	for _, p := range []string{ra, rb, rc} {
		if ok, _ := s.IsValid(p); !ok {
			t.Fatalf("%s collected", p)
		}
	}
	for _, p := range []string{ga, gb, gc, junk, "/nix/store/.tmp-link-1-x"} {
		if _, err := os.Lstat(s.RealPath(p)); err == nil {
			t.Fatalf("%s still on disk", p)
		}
	}
	// Removing the result link makes the indirect root stale; it is cleaned.
	os.Remove(link)
	os.Remove(filepath.Join(s.GCRootsDir(), "direct"))
	res, err = s.CollectGarbage(GCOptions{Action: GCDeleteDead})
	if err != nil || len(res.Paths) != 3 {
		t.Fatalf("after unrooting: %v %v", res, err)
	}
	if entries, _ := os.ReadDir(filepath.Join(s.GCRootsDir(), "auto")); len(entries) != 0 {
		t.Fatalf("stale auto root kept: %v", entries)
	}
	if errs, err := s.Verify(VerifyOptions{CheckContents: true}); err != nil || errs {
		t.Fatalf("verify after gc: %v %v", errs, err)
	}
}

func TestGCMaxFreedAndDerivers(t *testing.T) {
	s := openTestStore(t)
	for i := 0; i < 5; i++ {
		if _, err := s.AddText("big"+string(rune('a'+i)), []byte(strings.Repeat("x", 10000+i)), nil); err != nil {
			t.Fatal(err)
		}
	}
	s = reopen(t, s)
	res, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead, HasMaxFreed: true, MaxFreed: 15000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Paths) != 2 {
		t.Fatalf("max-freed deleted %d paths", len(res.Paths))
	}
	res, _ = s.CollectGarbage(GCOptions{Action: GCDeleteDead, HasMaxFreed: true, MaxFreed: 0})
	if len(res.Paths) != 0 {
		t.Fatal("max-freed 0 deleted something")
	}
}

func TestGCKeepDerivations(t *testing.T) {
	s := openTestStore(t)
	drv, err := s.AddText("x.drv", []byte("Derive()"), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := "/nix/store/" + strings.Repeat("1", 32) + "-x"
	os.WriteFile(s.RealPath(out), []byte("built"), 0o644)
	if err := s.RegisterPaths([]*PathInfo{{Path: out, Deriver: drv, Ultimate: true}}); err != nil {
		t.Fatal(err)
	}
	checkCanonical(t, s.RealPath(out))
	info, _ := s.QueryPathInfo(out)
	if info.Deriver != drv || !info.Ultimate || info.NarSize == 0 {
		t.Fatalf("%+v", info)
	}
	os.Symlink(out, filepath.Join(s.GCRootsDir(), "r"))
	s = reopen(t, s)
	res, _ := s.CollectGarbage(GCOptions{Action: GCReturnDead, KeepDerivations: true})
	if len(res.Paths) != 0 {
		t.Fatalf("keep-derivations: dead %v", res.Paths)
	}
	res, _ = s.CollectGarbage(GCOptions{Action: GCReturnDead})
	if len(res.Paths) != 1 || res.Paths[0] != drv {
		t.Fatalf("no keep-derivations: dead %v", res.Paths)
	}
}

func TestGCWaitsForAdders(t *testing.T) {
	// An addition holds the shared GC lock: a GC started meanwhile waits,
	// and then sees the new path as a temporary root.
	s := openTestStore(t)
	lock, err := s.gcShared()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *GCResult)
	other, err := Open(s.Root)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	go func() {
		res, _ := other.CollectGarbage(GCOptions{Action: GCDeleteDead})
		done <- res
	}()
	p, err := s.AddText("in-flight", []byte("x"), nil)
	if err != nil {
		t.Fatal(err)
	}
	lock.Close()
	<-done
	if ok, _ := s.IsValid(p); !ok {
		t.Fatal("GC collected a path being added")
	}
}

func TestOptimiseAndVerify(t *testing.T) {
	s := openTestStore(t)
	mk := func(name, content string) string {
		dir := filepath.Join(t.TempDir(), name)
		os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
		os.WriteFile(filepath.Join(dir, "sub", "same"), []byte("identical content"), 0o644)
		os.WriteFile(filepath.Join(dir, "own"), []byte(content), 0o644)
		p, err := s.AddPath(dir, AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := mk("a", "A"), mk("b", "B")
	stats, err := s.Optimise(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.FilesLinked != 1 {
		t.Fatalf("linked %d files", stats.FilesLinked)
	}
	fa, _ := os.Stat(filepath.Join(s.RealPath(a), "sub", "same"))
	fb, _ := os.Stat(filepath.Join(s.RealPath(b), "sub", "same"))
	if !os.SameFile(fa, fb) {
		t.Fatal("not hard-linked")
	}
	checkCanonical(t, s.RealPath(a))
	checkCanonical(t, s.RealPath(b))
	if errs, err := s.Verify(VerifyOptions{CheckContents: true}); err != nil || errs {
		t.Fatalf("verify: %v %v", errs, err)
	}
	// Corrupt a file: verify --check-contents reports it.
	own := filepath.Join(s.RealPath(a), "own")
	os.Chmod(s.RealPath(a), 0o755)
	os.Chmod(own, 0o644)
	os.WriteFile(own, []byte("tampered"), 0o644)
	var log strings.Builder
	errs, err := s.Verify(VerifyOptions{CheckContents: true, Log: &log})
	if err != nil || !errs || !strings.Contains(log.String(), "was modified") {
		t.Fatalf("corruption not found: %v %v\n%s", errs, err, log.String())
	}
	// A disappeared path without referrers is dropped from the database.
	removeAll(s.RealPath(b))
	log.Reset()
	if _, err := s.Verify(VerifyOptions{Log: &log}); err != nil || !strings.Contains(log.String(), "disappeared, removing") {
		t.Fatalf("%v %s", err, log.String())
	}
	if ok, _ := s.IsValid(b); ok {
		t.Fatal("disappeared path still valid")
	}
	// One with a referrer is an error.
	x, _ := s.AddText("x", []byte("x"), nil)
	y, _ := s.AddText("y", []byte("y"+x), []string{x})
	_ = y
	removeAll(s.RealPath(x))
	log.Reset()
	errs, _ = s.Verify(VerifyOptions{Log: &log})
	if !errs || !strings.Contains(log.String(), "still has valid referrers") {
		t.Fatalf("%v %s", errs, log.String())
	}
}
