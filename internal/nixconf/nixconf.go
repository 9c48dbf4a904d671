package nixconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Setting is one "NAME = VALUE" assignment and where it was made.
type Setting struct {
	Name  string
	Value string
	// Pos names the origin: "FILE:LINE", "NIX_CONFIG:LINE" or whatever a
	// caller passes to Set (e.g. "--option").
	Pos string
}

// maxIncludeDepth bounds include nesting (a file including itself).
const maxIncludeDepth = 32

// Parse parses the text of a nix.conf named file (used in positions and
// to resolve relative includes), following include and !include, and
// returns the assignments in order.
func Parse(data []byte, file string) ([]Setting, error) {
	var out []Setting
	if err := parse(data, file, 0, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ParseFile reads and parses the nix.conf at path.
func ParseFile(path string) ([]Setting, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	return Parse(data, path)
}

func parse(data []byte, file string, depth int, out *[]Setting) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("%s: configuration files include each other too deeply", file)
	}
	for n, line := range strings.Split(string(data), "\n") {
		pos := fmt.Sprintf("%s:%d", file, n+1)
		text := line
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		tokens := strings.FieldsFunc(text, func(r rune) bool {
			return r == ' ' || r == '\t' || r == '\r' || r == '\n'
		})
		if len(tokens) == 0 {
			continue
		}
		syntax := func() error {
			return fmt.Errorf("%s: syntax error in configuration line '%s'", pos, strings.TrimRight(line, "\r"))
		}
		if len(tokens) < 2 {
			return syntax()
		}
		if tokens[0] == "include" || tokens[0] == "!include" {
			if len(tokens) != 2 {
				return syntax()
			}
			inc := tokens[1]
			if !filepath.IsAbs(inc) {
				inc = filepath.Join(filepath.Dir(file), inc)
			}
			b, err := os.ReadFile(inc)
			switch {
			case err == nil:
				if err := parse(b, inc, depth+1, out); err != nil {
					return err
				}
			case errors.Is(err, fs.ErrNotExist):
				if tokens[0] == "include" {
					return fmt.Errorf("%s: file '%s' included from '%s' not found", pos, inc, file)
				}
			default:
				// Nix ignores an included file it cannot read.
			}
			continue
		}
		if tokens[1] != "=" {
			return syntax()
		}
		*out = append(*out, Setting{Name: tokens[0], Value: strings.Join(tokens[2:], " "), Pos: pos})
	}
	return nil
}

// Known describes a setting gonix understands.
type Known struct {
	// Name is the setting's name; Aliases are older names for it.
	Name    string
	Aliases []string
	// List settings take extra-NAME to append (space-separated words).
	List bool
	// Default is Nix's default value ("" when none).
	Default string
}

// knownSettings are the settings whose aliases, list-ness and defaults
// Config honours. Names outside it are still recorded (as Nix records
// unknown settings); extra- forms of them are recorded under their own
// name.
func knownSettings() []Known {
	return []Known{
		{Name: "sandbox", Aliases: []string{"build-use-chroot", "build-use-sandbox"}},
		{Name: "sandbox-paths", Aliases: []string{"build-chroot-dirs", "build-sandbox-paths"}, List: true},
		{Name: "substituters", Aliases: []string{"binary-caches"}, List: true},
		{Name: "trusted-public-keys", Aliases: []string{"binary-cache-public-keys"}, List: true,
			Default: "cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY="},
		{Name: "require-sigs", Default: "true"},
		{Name: "substitute", Aliases: []string{"build-use-substitutes"}, Default: "true"},
		{Name: "cores", Aliases: []string{"build-cores"}},
		{Name: "max-jobs", Aliases: []string{"build-max-jobs"}, Default: "1"},
		{Name: "keep-going", Default: "false"},
		{Name: "keep-failed", Default: "false"},
		{Name: "commit-lock-file-summary", Aliases: []string{"commit-lockfile-summary"}},
		{Name: "flake-registry"},
		{Name: "experimental-features", List: true},
	}
}

// Config holds the effective value of each setting.
type Config struct {
	values map[string]Setting
	known  map[string]*Known // by name and alias
}

// New returns an empty Config (known settings give Nix's defaults).
func New() *Config {
	c := &Config{values: map[string]Setting{}, known: map[string]*Known{}}
	ks := knownSettings()
	for i := range ks {
		k := &ks[i]
		c.known[k.Name] = k
		for _, a := range k.Aliases {
			c.known[a] = k
		}
	}
	return c
}

// Set applies one assignment as Nix does: NAME (or an alias of it)
// replaces the value; extra-NAME appends to a list setting. It reports
// whether the setting is known (unknown ones are recorded anyway, except
// extra- forms of settings that are not lists, which Nix rejects).
func (c *Config) Set(s Setting) bool {
	name := s.Name
	if k, ok := c.known[name]; ok {
		s.Name = k.Name
		c.values[k.Name] = s
		return true
	}
	if base, ok := strings.CutPrefix(name, "extra-"); ok {
		if k, ok := c.known[base]; ok {
			if !k.List {
				return false
			}
			s.Name = k.Name
			if old, ok := c.lookup(k.Name); ok && old.Value != "" {
				if s.Value == "" {
					s.Value = old.Value
				} else {
					s.Value = old.Value + " " + s.Value
				}
			}
			c.values[k.Name] = s
			return true
		}
	}
	c.values[name] = s
	return false
}

// Apply sets each assignment in order.
func (c *Config) Apply(settings []Setting) {
	for _, s := range settings {
		c.Set(s)
	}
}

func (c *Config) lookup(name string) (Setting, bool) {
	if k, ok := c.known[name]; ok {
		name = k.Name
	}
	if s, ok := c.values[name]; ok {
		return s, true
	}
	if k, ok := c.known[name]; ok && k.Default != "" {
		return Setting{Name: name, Value: k.Default, Pos: "default"}, true
	}
	return Setting{}, false
}

// Lookup returns the effective assignment of name (or of the setting it
// is an alias of). Settings never set give their Nix default, with Pos
// "default", when they have one.
func (c *Config) Lookup(name string) (Setting, bool) { return c.lookup(name) }

// IsKnown reports whether name (or extra-name of a list setting) is one
// of the settings Config knows, by its name or an alias.
func (c *Config) IsKnown(name string) bool {
	if _, ok := c.known[name]; ok {
		return true
	}
	base, ok := strings.CutPrefix(name, "extra-")
	k, known := c.known[base]
	return ok && known && k.List
}

// IsSet reports whether name was assigned (not merely defaulted).
func (c *Config) IsSet(name string) bool {
	if k, ok := c.known[name]; ok {
		name = k.Name
	}
	_, ok := c.values[name]
	return ok
}

// Fields returns the words of a list setting's value.
func (c *Config) Fields(name string) []string {
	s, _ := c.lookup(name)
	return strings.Fields(s.Value)
}

// Files returns the configuration files Nix reads, in the order they are
// applied (later ones override earlier ones). lookupEnv is the environment
// (os.LookupEnv when nil).
func Files(lookupEnv func(string) (string, bool)) []string {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	get := func(k string) string { v, _ := lookupEnv(k); return v }
	confDir := get("NIX_CONF_DIR")
	if confDir == "" {
		confDir = "/etc/nix"
	}
	files := []string{filepath.Join(confDir, "nix.conf")}
	var user []string
	if v, ok := lookupEnv("NIX_USER_CONF_FILES"); ok {
		for _, f := range strings.Split(v, ":") {
			if f != "" {
				user = append(user, f)
			}
		}
	} else {
		home := get("XDG_CONFIG_HOME")
		if home == "" {
			h := get("HOME")
			if h == "" {
				h, _ = os.UserHomeDir()
			}
			if h != "" {
				home = filepath.Join(h, ".config")
			}
		}
		if home != "" {
			user = append(user, filepath.Join(home, "nix", "nix.conf"))
		}
		dirs := get("XDG_CONFIG_DIRS")
		if dirs == "" {
			dirs = "/etc/xdg"
		}
		for _, d := range strings.Split(dirs, ":") {
			if d != "" {
				user = append(user, filepath.Join(d, "nix", "nix.conf"))
			}
		}
	}
	// The first user file has the last word.
	for i := len(user) - 1; i >= 0; i-- {
		files = append(files, user[i])
	}
	return files
}

// Load reads the files Files names (skipping missing ones) and then
// $NIX_CONFIG into a new Config.
func Load(lookupEnv func(string) (string, bool)) (*Config, error) {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	c := New()
	for _, f := range Files(lookupEnv) {
		data, err := os.ReadFile(f)
		if err != nil {
			// Nix skips configuration files it cannot read.
			continue
		}
		s, err := Parse(data, f)
		if err != nil {
			return nil, err
		}
		c.Apply(s)
	}
	if v, ok := lookupEnv("NIX_CONFIG"); ok && v != "" {
		s, err := Parse([]byte(v), "NIX_CONFIG")
		if err != nil {
			return nil, err
		}
		c.Apply(s)
	}
	return c, nil
}
