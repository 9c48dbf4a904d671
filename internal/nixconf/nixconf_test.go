package nixconf

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "sub", "inc.conf"), "cores = 3\n!include missing.conf\n")
	main := write(t, filepath.Join(dir, "nix.conf"), strings.Join([]string{
		"# a comment",
		"",
		"sandbox = true   # trailing comment",
		"  sandbox-paths =   /a  /b=/c\t/d? ",
		"include sub/inc.conf",
		"empty =",
		"substituters = file:///x#not-a-fragment",
		"!include does-not-exist.conf",
	}, "\n"))
	got, err := ParseFile(main)
	if err != nil {
		t.Fatal(err)
	}
	want := []Setting{
		{"sandbox", "true", main + ":3"},
		{"sandbox-paths", "/a /b=/c /d?", main + ":4"},
		{"cores", "3", filepath.Join(dir, "sub", "inc.conf") + ":1"},
		{"empty", "", main + ":6"},
		{"substituters", "file:///x", main + ":7"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	dir := t.TempDir()
	loop := write(t, filepath.Join(dir, "loop.conf"), "include loop.conf\n")
	for _, c := range []struct{ text, want string }{
		{"sandbox true\n", "f.conf:1: syntax error in configuration line 'sandbox true'"},
		{"ok = 1\nlonely\n", "f.conf:2: syntax error in configuration line 'lonely'"},
		{"a=b\n", "f.conf:1: syntax error"},
		{"a =b\n", "f.conf:1: syntax error"},
		{"include a b\n", "f.conf:1: syntax error"},
		{"\n\ninclude nope.conf\n", "f.conf:3: file '" + filepath.Join(dir, "nope.conf") + "' included from '" + filepath.Join(dir, "f.conf") + "' not found"},
	} {
		_, err := Parse([]byte(c.text), filepath.Join(dir, "f.conf"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
	if _, err := ParseFile(loop); err == nil || !strings.Contains(err.Error(), "too deeply") {
		t.Errorf("include loop: %v", err)
	}
	if _, err := ParseFile(filepath.Join(dir, "absent")); err == nil {
		t.Error("missing file read")
	}
}

func TestConfigSet(t *testing.T) {
	c := New()
	if s, ok := c.Lookup("max-jobs"); !ok || s.Value != "1" || s.Pos != "default" {
		t.Fatalf("default max-jobs: %+v", s)
	}
	if got := c.Fields("trusted-public-keys"); len(got) != 1 || !strings.HasPrefix(got[0], "cache.nixos.org-1:") {
		t.Fatalf("default keys %q", got)
	}
	if _, ok := c.Lookup("sandbox-paths"); ok {
		t.Fatal("sandbox-paths has no default")
	}
	c.Apply([]Setting{
		{"extra-sandbox-paths", "/x", "a:1"},
		{"build-sandbox-paths", "/y", "a:2"}, // alias, replaces
		{"extra-sandbox-paths", "/z /w", "a:3"},
		{"extra-trusted-public-keys", "k:1", "a:4"},
		{"build-max-jobs", "4", "a:5"},
		{"extra-cores", "9", "a:6"}, // not a list: Nix rejects it
		{"frobnicate", "yes", "a:7"},
	})
	if got := c.Fields("sandbox-paths"); !slices.Equal(got, []string{"/y", "/z", "/w"}) {
		t.Errorf("sandbox-paths %q", got)
	}
	if got := c.Fields("binary-cache-public-keys"); len(got) != 2 || got[1] != "k:1" {
		t.Errorf("keys %q", got)
	}
	if s, _ := c.Lookup("max-jobs"); s.Value != "4" || s.Pos != "a:5" {
		t.Errorf("max-jobs %+v", s)
	}
	if c.IsSet("cores") {
		t.Error("extra-cores set cores")
	}
	if s, ok := c.Lookup("frobnicate"); !ok || s.Value != "yes" {
		t.Error("unknown setting not recorded")
	}
	for name, want := range map[string]bool{"build-max-jobs": true, "extra-substituters": true, "extra-cores": false, "frobnicate": false, "commit-lockfile-summary": true} {
		if c.IsKnown(name) != want {
			t.Errorf("IsKnown(%s) = %v", name, !want)
		}
	}
	if !c.Set(Setting{"sandbox-paths", "", "--option"}) || len(c.Fields("sandbox-paths")) != 0 {
		t.Error("empty value does not clear")
	}
}

func TestFilesAndLoad(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"NIX_CONF_DIR":    filepath.Join(dir, "etc"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "home"),
		"XDG_CONFIG_DIRS": filepath.Join(dir, "xdg1") + ":" + filepath.Join(dir, "xdg2"),
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	want := []string{
		filepath.Join(dir, "etc", "nix.conf"),
		filepath.Join(dir, "xdg2", "nix", "nix.conf"),
		filepath.Join(dir, "xdg1", "nix", "nix.conf"),
		filepath.Join(dir, "home", "nix", "nix.conf"),
	}
	if got := Files(lookup); !slices.Equal(got, want) {
		t.Fatalf("files %q", got)
	}
	write(t, want[0], "sandbox-paths = /sys1\ncores = 2\nmax-jobs = 3\n")
	write(t, want[2], "extra-sandbox-paths = /xdg1\n")
	write(t, want[3], "extra-sandbox-paths = /user\ncores = 5\n")
	env["NIX_CONFIG"] = "max-jobs = 7\nextra-sandbox-paths = /env"
	c, err := Load(lookup)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Fields("sandbox-paths"); !slices.Equal(got, []string{"/sys1", "/xdg1", "/user", "/env"}) {
		t.Errorf("sandbox-paths %q", got)
	}
	if s, _ := c.Lookup("cores"); s.Value != "5" || s.Pos != want[3]+":2" {
		t.Errorf("cores %+v", s)
	}
	if s, _ := c.Lookup("max-jobs"); s.Value != "7" || s.Pos != "NIX_CONFIG:1" {
		t.Errorf("max-jobs %+v", s)
	}
	// NIX_USER_CONF_FILES replaces the XDG files; the first listed wins.
	env["NIX_USER_CONF_FILES"] = want[3] + ":" + want[2]
	if got := Files(lookup); !slices.Equal(got, []string{want[0], want[2], want[3]}) {
		t.Errorf("files with NIX_USER_CONF_FILES %q", got)
	}
	// A malformed line is an error naming the file and line.
	write(t, want[2], "ok = 1\nbroken line\n")
	if _, err := Load(lookup); err == nil || !strings.Contains(err.Error(), want[2]+":2: syntax error") {
		t.Errorf("malformed: %v", err)
	}
	// Default locations.
	home := map[string]string{"HOME": "/h"}
	got := Files(func(k string) (string, bool) { v, ok := home[k]; return v, ok })
	if !slices.Equal(got, []string{"/etc/nix/nix.conf", "/etc/xdg/nix/nix.conf", "/h/.config/nix/nix.conf"}) {
		t.Errorf("default files %q", got)
	}
}
