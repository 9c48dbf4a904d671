package checker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/bmatcuk/doublestar/v4"
)

// ConfigNames are the configuration files FindConfig looks for, in each
// directory, in this order. statix.toml is read for its `disabled` lints
// and `ignore` globs when no gonix file is found first.
var ConfigNames = []string{"gonix.toml", ".gonix.toml", "statix.toml"}

// Config is the `[check]` table of gonix.toml:
//
//	[check]
//	disable = ["G107", "repeated-keys", "statix:W08"]
//	enable  = ["G109"]
//	exclude = ["generated/**", "**/Cargo.nix"]
//	[check.deadnix]
//	no_lambda_pattern_names = true
//	[check.severity]
//	G120 = "info"
type Config struct {
	// Path is the file the configuration came from ("" for none).
	Path string `toml:"-"`
	// Dir is the directory exclude globs are relative to.
	Dir string `toml:"-"`

	Disable  []string          `toml:"disable"`
	Enable   []string          `toml:"enable"`
	Exclude  []string          `toml:"exclude"`
	Deadnix  DeadnixOptions    `toml:"deadnix"`
	Severity map[string]string `toml:"severity"`
}

// FindConfig looks for a configuration file in dir and its parents and
// returns its path, or "" when there is none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding configuration: %w", err)
	}
	for {
		for _, name := range ConfigNames {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p, nil
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("finding configuration: %w", err)
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// LoadConfig reads a configuration file. Unknown keys, rule names and
// severities are errors that name the file.
func LoadConfig(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	cfg := &Config{Path: path, Dir: filepath.Dir(abs)}
	if filepath.Base(abs) == "statix.toml" {
		var st struct {
			Disabled []string `toml:"disabled"`
			Ignore   []string `toml:"ignore"`
		}
		// statix.toml has keys of statix's own (nix_version); ignore them.
		if _, err := toml.Decode(string(data), &st); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, d := range st.Disabled {
			if _, ok := LookupRule(d); ok {
				cfg.Disable = append(cfg.Disable, d)
			}
		}
		cfg.Exclude = st.Ignore
		return cfg, nil
	}
	var file struct {
		Check *Config `toml:"check"`
	}
	file.Check = cfg
	md, err := toml.Decode(string(data), &file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var unknown []string
	for _, k := range md.Undecoded() {
		if len(k) > 0 && k[0] == "check" {
			unknown = append(unknown, k.String())
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s: unknown setting %s", path, strings.Join(unknown, ", "))
	}
	if _, err := cfg.Apply(&Options{}); err != nil {
		return nil, err
	}
	for _, g := range cfg.Exclude {
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("%s: bad exclude pattern %q", path, g)
		}
	}
	return cfg, nil
}

// Apply returns a copy of base with the configuration's rule choices,
// severities and deadnix settings applied on top (deadnix settings turn
// on, never off).
func (c *Config) Apply(base *Options) (*Options, error) {
	out := *base
	rules := DefaultRules()
	if base.Rules != nil {
		rules = *base.Rules
	}
	where := "configuration"
	if c.Path != "" {
		where = c.Path
	}
	// Enable wins: `disable = ["statix"]` with `enable = ["W21"]` runs W21.
	for _, n := range c.Disable {
		if !rules.Disable(n) {
			return nil, fmt.Errorf("%s: disable: unknown rule %q", where, n)
		}
	}
	for _, n := range c.Enable {
		if !rules.Enable(n) {
			return nil, fmt.Errorf("%s: enable: unknown rule %q", where, n)
		}
	}
	out.Rules = &rules
	if len(c.Severity) > 0 {
		sev := make(map[string]Severity, len(base.Severity)+len(c.Severity))
		for k, v := range base.Severity {
			sev[k] = v
		}
		for k, v := range c.Severity {
			r, ok := LookupRule(k)
			if !ok {
				return nil, fmt.Errorf("%s: severity: unknown rule %q", where, k)
			}
			s, err := ParseSeverity(v)
			if err != nil {
				return nil, fmt.Errorf("%s: severity of %s: %w", where, k, err)
			}
			sev[r.Code] = s
		}
		out.Severity = sev
	}
	d := &out.Deadnix
	d.NoLambdaArg = d.NoLambdaArg || c.Deadnix.NoLambdaArg
	d.NoLambdaPatternNames = d.NoLambdaPatternNames || c.Deadnix.NoLambdaPatternNames
	d.NoUnderscore = d.NoUnderscore || c.Deadnix.NoUnderscore
	d.WarnUsedUnderscore = d.WarnUsedUnderscore || c.Deadnix.WarnUsedUnderscore
	return &out, nil
}

// Excluded reports whether a file path matches one of the exclude globs
// (relative to the configuration's directory; a pattern naming a
// directory excludes everything under it).
func (c *Config) Excluded(path string) bool {
	if len(c.Exclude) == 0 {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, g := range c.Exclude {
		g = strings.TrimPrefix(strings.TrimSuffix(g, "/"), "./")
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
		if ok, _ := doublestar.Match(g+"/**", rel); ok {
			return true
		}
		if !strings.Contains(g, "/") {
			// A bare name matches in any directory, like .gitignore.
			if ok, _ := doublestar.Match("**/"+g, rel); ok {
				return true
			}
			if ok, _ := doublestar.Match("**/"+g+"/**", rel); ok {
				return true
			}
		}
	}
	return false
}
