package checker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "gonix.toml"), `
[check]
disable = ["statix", "G005"]
enable = ["G109", "W21"]
exclude = ["gen/**", "Cargo.nix", "./vendor/"]
[check.deadnix]
no_lambda_pattern_names = true
[check.severity]
unused-let-binding = "error"
`)
	writeFile(t, filepath.Join(dir, "sub", "deeper", "x.nix"), "")
	path, err := FindConfig(filepath.Join(dir, "sub", "deeper"))
	if err != nil || path != filepath.Join(dir, "gonix.toml") {
		t.Fatalf("FindConfig = %q, %v", path, err)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cfg.Apply(&Options{Deadnix: DeadnixOptions{NoUnderscore: true}})
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]bool{"G101": false, "G109": true, "G121": true, "G005": false, "G201": true} {
		if opts.Rules.Has(code) != want {
			t.Errorf("rule %s enabled = %v, want %v", code, !want, want)
		}
	}
	if !opts.Deadnix.NoLambdaPatternNames || !opts.Deadnix.NoUnderscore {
		t.Errorf("deadnix settings %+v", opts.Deadnix)
	}
	if opts.Severity["G201"] != SeverityError {
		t.Errorf("severity %v", opts.Severity)
	}
	for rel, want := range map[string]bool{
		"gen/a.nix": true, "gen/x/y.nix": true, "a/Cargo.nix": true, "Cargo.nix": true,
		"vendor/v.nix": true, "src/gen.nix": false, "src/a.nix": false,
	} {
		if got := cfg.Excluded(filepath.Join(dir, rel)); got != want {
			t.Errorf("Excluded(%s) = %v, want %v", rel, got, want)
		}
	}
	// Files outside the configuration's directory are never excluded.
	if cfg.Excluded(filepath.Join(filepath.Dir(dir), "gen", "a.nix")) {
		t.Error("excluded a file outside the project")
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"[check]\nunknown = 1\n":               "unknown setting check.unknown",
		"[check]\ndisable = [\"nope\"]\n":      `disable: unknown rule "nope"`,
		"[check.severity]\nG101 = \"loud\"\n":  `unknown severity "loud"`,
		"[check.severity]\nG999 = \"error\"\n": `severity: unknown rule "G999"`,
		"[check]\nexclude = [\"[\"]\n":         `bad exclude pattern "["`,
		"[check\n":                             "gonix.toml",
		"[check.deadnix]\nno_lambda_arg = 3\n": "gonix.toml",
	}
	for text, want := range cases {
		p := filepath.Join(dir, "gonix.toml")
		writeFile(t, p, text)
		_, err := LoadConfig(p)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "gonix.toml") {
			t.Errorf("%q: error %v, want one containing %q and the file name", text, err, want)
		}
	}
	// Other tables (for other commands) are not this one's business.
	p := filepath.Join(dir, "gonix.toml")
	writeFile(t, p, "[fmt]\nwidth = 80\n[check]\ndisable = [\"G101\"]\n")
	if _, err := LoadConfig(p); err != nil {
		t.Errorf("other tables: %v", err)
	}
}

func TestStatixConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "statix.toml")
	writeFile(t, p, "disabled = [\"empty_pattern\", \"some_future_lint\"]\nnix_version = \"2.4\"\nignore = [\"Cargo.nix\"]\n")
	cfg, err := LoadConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cfg.Apply(&Options{})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Rules.Has("G110") || !opts.Rules.Has("G101") {
		t.Error("statix.toml disabled list not applied")
	}
	if !cfg.Excluded(filepath.Join(dir, "x", "Cargo.nix")) {
		t.Error("statix.toml ignore list not applied")
	}
}
