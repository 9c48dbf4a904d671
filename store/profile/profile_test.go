package profile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/internal/conformance"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	s, err := store.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
			if err == nil && fi.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	return s
}

// pkg adds a package directory with the given files to the store.
func pkg(t *testing.T, s *store.Store, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	for f, c := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755)
		os.WriteFile(filepath.Join(dir, f), []byte(c), 0o755)
	}
	os.MkdirAll(dir, 0o755)
	p, err := s.AddPath(dir, store.AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConformanceGenerationSteps(t *testing.T) {
	dir := conformance.Dir(t)
	b, err := os.ReadFile(filepath.Join(dir, "db", "gcroots-profiles.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		AutoRoot struct {
			Example struct{ Link, RootName string }
		}
		Profiles struct {
			Steps []struct {
				Step        string
				Messages    []string
				ProfileDir  map[string]string
				Generations []string
			}
		}
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if got := store.AutoRootName(g.AutoRoot.Example.Link); got != g.AutoRoot.Example.RootName {
		t.Fatalf("auto root name %s, want %s", got, g.AutoRoot.Example.RootName)
	}
	s := openStore(t)
	profile := filepath.Join(t.TempDir(), "prof", "profile")
	envs := map[string]string{} // nix user-environment path -> ours
	envFor := func(version string) string {
		p := pkg(t, s, "gonix-demo-"+version, map[string]string{"bin/demo": "demo " + version})
		m := &Manifest{}
		m.Add(ElementName(p), NewElement(p))
		env, err := BuildUserEnv(s, m, nil)
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	for i, step := range g.Profiles.Steps {
		var msgs strings.Builder
		switch {
		case strings.Contains(step.Step, "-i"):
			version := "1.0"
			if j := strings.Index(step.Step, "--argstr version "); j >= 0 {
				version = step.Step[j+len("--argstr version "):]
			}
			env := envFor(version)
			if _, err := Install(s, profile, env); err != nil {
				t.Fatal(err)
			}
			n := step.ProfileDir["profile"]
			envs[step.ProfileDir[n]] = env
		case strings.Contains(step.Step, "--rollback"):
			if _, _, err := Switch(profile, 0, &msgs); err != nil {
				t.Fatal(err)
			}
		case strings.Contains(step.Step, "--switch-generation 2"):
			if _, _, err := Switch(profile, 2, &msgs); err != nil {
				t.Fatal(err)
			}
		case strings.Contains(step.Step, "--delete-generations 1"):
			if err := DeleteGenerations(profile, []int{1}, &msgs); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("unknown step %q", step.Step)
		}
		if msgs.Len() > 0 && strings.TrimSpace(msgs.String()) != step.Messages[len(step.Messages)-1] {
			t.Errorf("step %d: message %q, want %q", i, msgs.String(), step.Messages)
		}
		entries, _ := os.ReadDir(filepath.Dir(profile))
		got := map[string]string{}
		for _, e := range entries {
			target, _ := os.Readlink(filepath.Join(filepath.Dir(profile), e.Name()))
			got[e.Name()] = target
		}
		if len(got) != len(step.ProfileDir) {
			t.Fatalf("step %d (%s): dir %v, want %v", i, step.Step, got, step.ProfileDir)
		}
		for name, want := range step.ProfileDir {
			if name == "profile" {
				if got[name] != want {
					t.Errorf("step %d: profile -> %s, want %s", i, got[name], want)
				}
				continue
			}
			if got[name] != envs[want] {
				t.Errorf("step %d: %s -> %s, want ours for %s", i, name, got[name], want)
			}
		}
		gens, cur, _ := Generations(profile)
		var list []string
		for _, gen := range gens {
			s := ""
			if gen.Number == cur {
				s = " (current)"
			}
			list = append(list, strings.TrimSpace(strconv.Itoa(gen.Number)+s))
		}
		if strings.Join(list, ",") != strings.Join(step.Generations, ",") {
			t.Errorf("step %d: generations %v, want %v", i, list, step.Generations)
		}
	}
	// Profile links outside the profiles dir are indirect GC roots.
	roots, err := s.FindRoots(false)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range envs {
		if _, ok := roots[env]; !ok && env != envs["/nix/store/xraqi88mwafq002s5lq5ng2a9g7amcq9-user-environment"] {
			t.Errorf("%s not rooted", env)
		}
	}
	if err := DeleteGenerations(profile, []int{2}, nil); err == nil {
		t.Error("deleted the current generation")
	}
	if _, _, err := Switch(profile, 9, nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("switch to missing: %v", err)
	}
	if err := WipeHistory(profile, 0, nil); err != nil {
		t.Fatal(err)
	}
	gens, cur, _ := Generations(profile)
	if len(gens) != 1 || gens[0].Number != cur {
		t.Errorf("after wipe-history: %v (current %d)", gens, cur)
	}
}

func TestUserEnv(t *testing.T) {
	s := openStore(t)
	a := pkg(t, s, "hello-2.12", map[string]string{"bin/hello": "a", "share/man/hello.1": "m"})
	b := pkg(t, s, "world-1.0", map[string]string{"bin/world": "b", "share/doc/w": "d"})
	m := &Manifest{}
	m.Add(ElementName(a), NewElement(a))
	m.Add(ElementName(b), NewElement(b))
	env, err := BuildUserEnv(s, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	real := s.RealPath(env)
	for f, want := range map[string]string{"bin/hello": a + "/bin/hello", "bin/world": b + "/bin/world", "share/man": a + "/share/man", "share/doc": b + "/share/doc"} {
		got, err := os.Readlink(filepath.Join(real, f))
		if err != nil || got != want {
			t.Errorf("%s -> %s (%v), want %s", f, got, err, want)
		}
	}
	data, _ := os.ReadFile(filepath.Join(real, "manifest.json"))
	want := `{"elements":{"hello":{"active":true,"priority":5,"storePaths":["` + a + `"]},"world":{"active":true,"priority":5,"storePaths":["` + b + `"]}},"version":3}`
	if string(data) != want {
		t.Errorf("manifest.json:\n%s\nwant\n%s", data, want)
	}
	refs, _ := s.QueryReferences(env)
	if len(refs) != 2 {
		t.Errorf("references %v", refs)
	}
	m2, err := ParseManifest(data)
	if err != nil || len(m2.Elements) != 2 || m2.Elements["hello"].StorePaths[0] != a {
		t.Fatalf("%+v %v", m2, err)
	}
	// Collisions: same file, same priority.
	c := pkg(t, s, "hello-3.0", map[string]string{"bin/hello": "c"})
	m.Add(ElementName(c), NewElement(c))
	_, err = BuildUserEnv(s, m, nil)
	var ce *CollisionError
	if !errors.As(err, &ce) {
		t.Fatalf("collision: %v", err)
	}
	m.Elements["hello-1"].Priority = 4
	env2, err := BuildUserEnv(s, m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.Readlink(filepath.Join(s.RealPath(env2), "bin", "hello")); got != c+"/bin/hello" {
		t.Errorf("priority: bin/hello -> %s", got)
	}
	for _, bad := range []string{`{"version":9,"elements":{}}`, `{`, `{"version":3,"elements":{"x":null}}`} {
		if _, err := ParseManifest([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestDrvName(t *testing.T) {
	for in, want := range map[string]DrvName{
		"hello-2.12":        {"hello", "2.12"},
		"gonix-demo-1.0":    {"gonix-demo", "1.0"},
		"hello":             {"hello", ""},
		"foo-bar-baz":       {"foo-bar-baz", ""},
		"python3.11-pip-23": {"python3.11-pip", "23"},
	} {
		if got := ParseDrvName(in); got != want {
			t.Errorf("%s: %+v", in, got)
		}
	}
}
