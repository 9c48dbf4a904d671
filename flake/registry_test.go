package flake_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/flake"
)

func TestRegistries(t *testing.T) {
	root, _ := filepath.EvalSymlinks(t.TempDir())
	writeFiles(t, root, map[string]string{
		"dep/flake.nix":      `{ outputs = { self }: { value = "dep"; }; }`,
		"dep2/sub/flake.nix": `{ outputs = { self }: { value = "dep2-sub"; }; }`,
		"top/flake.nix":      `{ inputs.mydep.url = "mydep"; outputs = { self, mydep }: { v = mydep.value; }; }`,
		"user.json": `{"version": 2, "flakes": [
  {"from": {"type": "indirect", "id": "mydep"}, "to": {"type": "path", "path": "@ROOT@/dep"}},
  {"from": {"type": "indirect", "id": "top"}, "to": {"type": "path", "path": "@ROOT@/top"}}
]}`,
		"global.json": `{"version": 2, "flakes": [
  {"from": {"type": "indirect", "id": "mydep"}, "to": {"type": "path", "path": "@ROOT@/dep2", "dir": "sub"}}
]}`,
		"bad.json": `{"version": 1, "flakes": []}`,
	})
	stor := newStore(t)
	lock := func(s *flake.Settings, ref string, flags flake.LockFlags) (string, error) {
		x := flake.NewSession(s, newState(stor))
		r, err := flake.ParseRef(ref, flake.ParseOptions{BaseDir: root})
		if err != nil {
			return "", err
		}
		lf, err := x.LockFlake(r, flags)
		if err != nil {
			return "", err
		}
		return evalFlake(t, x, lf, "f.v"), nil
	}
	noWrite := flake.LockFlags{NoWriteLockFile: true}

	// The user registry resolves the top-level reference, but inputs
	// only consult the flag and global registries (current Nix).
	s, _ := newSettings(t, stor)
	s.UserRegistryPath = filepath.Join(root, "user.json")
	_, err := lock(s, "top", noWrite)
	if err == nil || !strings.Contains(err.Error(), "cannot find flake 'flake:mydep' in the flake registries") {
		t.Errorf("input through the user registry: %v", err)
	}
	// The global registry (flake-registry setting) resolves inputs, with
	// its "dir".
	s, _ = newSettings(t, stor)
	s.UserRegistryPath = filepath.Join(root, "user.json")
	s.GlobalRegistry = filepath.Join(root, "global.json")
	if v, err := lock(s, "top", noWrite); err != nil || v != `"dep2-sub"` {
		t.Errorf("global registry: %s %v", v, err)
	}
	// --override-flake wins over everything.
	s2, _ := newSettings(t, stor)
	s2.UserRegistryPath = filepath.Join(root, "user.json")
	s2.GlobalRegistry = filepath.Join(root, "global.json")
	from, _ := flake.ParseRef("mydep", flake.ParseOptions{})
	to, _ := flake.ParseRef("path:"+filepath.Join(root, "dep"), flake.ParseOptions{})
	s2.FlagRegistry = []*flake.RegistryEntry{{From: from.Input, To: to.Input, Extra: flake.Attrs{}}}
	if v, err := lock(s2, "path:"+filepath.Join(root, "top"), flake.LockFlags{}); err != nil || v != `"dep"` {
		t.Errorf("flag registry: %s %v", v, err)
	}
	data, _ := os.ReadFile(filepath.Join(root, "top", "flake.lock"))
	if !strings.Contains(string(data), `"id": "mydep"`) || !strings.Contains(string(data), filepath.Join(root, "dep")+`"`) {
		t.Errorf("lock:\n%s", data)
	}
	// A registry name at the top level cannot have its lock file written.
	os.Remove(filepath.Join(root, "top", "flake.lock"))
	if _, err := lock(s2, "top", flake.LockFlags{}); err == nil ||
		!strings.Contains(err.Error(), "cannot write modified lock file of flake 'flake:top'") {
		t.Errorf("top-level indirect: %v", err)
	}
	// --no-registries: indirect references fail.
	if _, err := lock(s2, "path:"+filepath.Join(root, "top"), flake.LockFlags{NoRegistries: true, RecreateLockFile: true, NoWriteLockFile: true}); err == nil ||
		!strings.Contains(err.Error(), "indirect input 'flake:mydep' cannot be fetched directly") {
		t.Errorf("no registries: %v", err)
	}
	// A registry with an unsupported version is ignored with a warning.
	s3, warnings := newSettings(t, stor)
	s3.UserRegistryPath = filepath.Join(root, "bad.json")
	lock(s3, "top", noWrite)
	if len(*warnings) == 0 || !strings.Contains((*warnings)[0], "has unsupported version 1") {
		t.Errorf("warnings: %q", *warnings)
	}
	// The registry file format round-trips.
	reg, err := flake.ParseRegistry([]byte(strings.ReplaceAll(`{"version": 2, "flakes": [{"from": {"type": "indirect", "id": "a"}, "to": {"type": "github", "owner": "o", "repo": "r", "dir": "d"}, "exact": true}]}`, "\n", "")), "r.json", flake.RegistryUser)
	if err != nil {
		t.Fatal(err)
	}
	if got := reg.JSON().Compact(); got != `{"flakes":[{"exact":true,"from":{"id":"a","type":"indirect"},"to":{"dir":"d","owner":"o","repo":"r","type":"github"}}],"version":2}` {
		t.Errorf("registry JSON %s", got)
	}
}
