package flake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
)

// Ref is a flake reference: an input plus the subdirectory ("dir") of
// the flake inside the fetched tree.
type Ref struct {
	Input  *Input
	Subdir string
}

// String renders the reference as a URL, with ?dir= for a subdirectory.
func (r Ref) String() string {
	var extra map[string]string
	if r.Subdir != "" {
		extra = map[string]string{"dir": r.Subdir}
	}
	s, err := r.Input.URLString(extra)
	if err != nil {
		return r.Input.String()
	}
	return s
}

// Attrs returns the input attributes plus "dir".
func (r Ref) Attrs() Attrs {
	a := r.Input.Attrs.Clone()
	if r.Subdir != "" {
		a["dir"] = Str(r.Subdir)
	}
	return a
}

// Equal compares references.
func (r Ref) Equal(o Ref) bool { return r.Subdir == o.Subdir && r.Input.Equal(o.Input) }

// RefFromAttrs builds a reference from attributes (as in flake.lock and
// builtins.flakeRefToString).
func RefFromAttrs(a Attrs) (Ref, error) {
	a2 := a.Clone()
	dir := ""
	if d, ok, err := a.GetStr("dir"); err != nil {
		return Ref{}, err
	} else if ok {
		dir = d
	}
	delete(a2, "dir")
	in, err := InputFromAttrs(a2)
	if err != nil {
		return Ref{}, err
	}
	return Ref{Input: in, Subdir: dir}, nil
}

// Canonicalize drops a "dir" query parameter duplicated in the url
// attribute (written by old versions of Nix), so that old lock entries
// still match.
func (r Ref) Canonicalize() Ref {
	out := Ref{Input: r.Input.Clone(), Subdir: r.Subdir}
	if raw := out.Input.Attrs.Str("url"); raw != "" {
		if u, err := ParseURL(raw, true); err == nil {
			if d, ok := u.Query["dir"]; ok && r.Subdir != "" && r.Subdir == d {
				delete(u.Query, "dir")
			}
			out.Input.Attrs["url"] = Str(u.String())
		}
	}
	return out
}

// ParseOptions controls how flake references are parsed.
type ParseOptions struct {
	// BaseDir resolves relative paths; "" means none (relative paths
	// are errors unless PreserveRelative).
	BaseDir string
	// AllowMissing accepts a path without flake.nix.
	AllowMissing bool
	// NotFlake parses the reference of a non-flake input (an http URL
	// without an archive extension is then a plain file).
	NotFlake bool
	// PreserveRelative keeps "./sub" relative (flake inputs).
	PreserveRelative bool
	// Notice receives informational messages (searching up for
	// flake.nix); Warn receives warnings.
	Notice, Warn func(string)
}

// ParseRef parses a flake reference without a fragment.
func ParseRef(s string, o ParseOptions) (Ref, error) {
	r, frag, err := ParseRefWithFragment(s, o)
	if err != nil {
		return Ref{}, err
	}
	if frag != "" {
		return Ref{}, fmt.Errorf("unexpected fragment '%s' in flake reference '%s'", frag, s)
	}
	return r, nil
}

var (
	refRe         = `[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*`
	revRe         = `[0-9a-fA-F]{40}`
	pcharRe       = `(?:[a-zA-Z0-9\-._~]|%[0-9a-fA-F]{2}|[!$&'"()*+,;=]|[:@])`
	fragmentRe    = `(?:` + pcharRe + `|[/? "^])*`
	flakeIDRefRe  = regexp.MustCompile(`^(([a-zA-Z][a-zA-Z0-9_-]*)(?:/(?:(` + revRe + `)|(?:(` + refRe + `)(?:/(` + revRe + `))?)))?)(?:#(` + fragmentRe + `))?$`)
	pathFlakeRefR = regexp.MustCompile(`^([^?#]*)(\?([^#]*))?(#(.*))?$`)
)

// ParseRefWithFragment parses "REF#FRAGMENT" like Nix: a flake id
// ("nixpkgs/branch"), then a URL, then a path.
func ParseRefWithFragment(s string, o ParseOptions) (Ref, string, error) {
	if m := flakeIDRefRe.FindStringSubmatch(s); m != nil {
		u := &URL{Scheme: "flake", Path: strings.Split(m[1], "/"), Query: map[string]string{}}
		in, err := InputFromURL(u, !o.NotFlake)
		if err != nil {
			return Ref{}, "", err
		}
		frag, err := PercentDecode(m[6])
		if err != nil {
			return Ref{}, "", err
		}
		return Ref{Input: in}, frag, nil
	}
	if u, err := ParseURL(s, true); err == nil {
		if o.BaseDir != "" && (u.Scheme == "path" || u.Scheme == "git+file") {
			p, err := urlPathToPath(u.Path)
			if err != nil {
				return Ref{}, "", err
			}
			if !filepath.IsAbs(p) {
				u.Path = pathToURLPath(filepath.Join(o.BaseDir, p))
			}
		}
		r, frag, err := fromParsedURL(u, !o.NotFlake)
		var bad *BadURLError
		if err == nil || !errors.As(err, &bad) {
			return r, frag, err
		}
	} else {
		var bad *BadURLError
		if !errors.As(err, &bad) {
			return Ref{}, "", err
		}
	}
	return parsePathRef(s, o)
}

func fromParsedURL(u *URL, isFlake bool) (Ref, string, error) {
	dir := u.Query["dir"]
	delete(u.Query, "dir")
	frag := u.Fragment
	u.Fragment = ""
	in, err := InputFromURL(u, isFlake)
	if err != nil {
		return Ref{}, "", err
	}
	return Ref{Input: in, Subdir: dir}, frag, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func deviceOf(p string) uint64 {
	fi, err := os.Lstat(p)
	if err != nil {
		return 0
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev)
	}
	return 0
}

// absPath makes p absolute against base and resolves symlinks when the
// path exists.
func absPath(p, base string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	p = filepath.Clean(p)
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

func parsePathRef(s string, o ParseOptions) (Ref, string, error) {
	m := pathFlakeRefR.FindStringSubmatch(s)
	if m == nil {
		return Ref{}, "", fmt.Errorf("invalid flakeref '%s'", s)
	}
	path := m[1]
	query, err := DecodeQuery(m[3], true, o.Warn)
	if err != nil {
		return Ref{}, "", err
	}
	frag, err := PercentDecode(m[5])
	if err != nil {
		return Ref{}, "", err
	}
	if o.BaseDir != "" {
		path = absPath(path, o.BaseDir)
		if !o.NotFlake {
			fi, err := os.Lstat(path)
			if err != nil {
				return Ref{}, "", fmt.Errorf("getting status of %q: %w", path, errors.Unwrap(err))
			}
			if !fi.IsDir() {
				if filepath.Base(path) == "flake.nix" {
					parent := filepath.Dir(path)
					if o.Warn != nil {
						o.Warn(fmt.Sprintf("Path %q should point at the directory containing the 'flake.nix' file, not the file itself. Pretending that you meant %q", path, parent))
					}
					path = parent
				} else {
					return Ref{}, "", badURL("path %q is not a flake (because it's not a directory)", path)
				}
			}
			if !o.AllowMissing && !exists(filepath.Join(path, "flake.nix")) {
				if o.Notice != nil {
					o.Notice(fmt.Sprintf("path %q does not contain a 'flake.nix', searching up", path))
				}
				dev := deviceOf(path)
				found := false
				for filepath.Dir(path) != path {
					if exists(filepath.Join(path, "flake.nix")) {
						found = true
						break
					} else if exists(filepath.Join(path, ".git")) {
						return Ref{}, "", fmt.Errorf("path %q is not part of a flake (neither it nor its parent directories contain a 'flake.nix' file)", path)
					} else if deviceOf(path) != dev {
						return Ref{}, "", fmt.Errorf("unable to find a flake before encountering filesystem boundary at %q", path)
					}
					path = filepath.Dir(path)
				}
				if !found {
					return Ref{}, "", badURL("could not find a flake.nix file")
				}
			}
			if !o.AllowMissing && !exists(filepath.Join(path, "flake.nix")) {
				return Ref{}, "", badURL("path %q is not a flake (because it doesn't contain a 'flake.nix' file)", path)
			}
			root, subdir := path, ""
			for filepath.Dir(root) != root {
				if exists(filepath.Join(root, ".git")) {
					u := &URL{Scheme: "git+file", Authority: &Authority{}, Path: pathToURLPath(root), Query: query, Fragment: frag}
					if subdir != "" {
						if _, ok := u.Query["dir"]; ok {
							return Ref{}, "", fmt.Errorf("flake URL '%s' has an inconsistent 'dir' parameter", s)
						}
						u.Query["dir"] = subdir
					}
					if exists(filepath.Join(root, ".git", "shallow")) {
						u.Query["shallow"] = "1"
					}
					return fromParsedURL(u, !o.NotFlake)
				}
				if subdir == "" {
					subdir = filepath.Base(root)
				} else {
					subdir = filepath.Base(root) + "/" + subdir
				}
				root = filepath.Dir(root)
			}
		}
	} else if !o.PreserveRelative && !filepath.IsAbs(path) {
		return Ref{}, "", badURL("flake reference '%s' is not an absolute path", s)
	}
	u := &URL{Scheme: "path", Path: pathToURLPath(path), Query: query, Fragment: frag}
	if filepath.IsAbs(path) {
		u.Authority = &Authority{}
	}
	return fromParsedURL(u, !o.NotFlake)
}

// OutputsSpec selects derivation outputs: "^out,dev" or "^*" after an
// installable. All means every output; Default (no '^') the default ones.
type OutputsSpec struct {
	Default bool
	All     bool
	Names   []string
}

var outputNameRe = regexp.MustCompile(`^[a-zA-Z0-9+\-._?=]+$`)

// SplitOutputsSpec splits "REF^out,dev" into the reference and the
// outputs.
func SplitOutputsSpec(s string) (string, OutputsSpec) {
	i := strings.LastIndexByte(s, '^')
	if i < 0 {
		return s, OutputsSpec{Default: true}
	}
	spec := s[i+1:]
	if spec == "*" {
		return s[:i], OutputsSpec{All: true}
	}
	names := strings.Split(spec, ",")
	for _, n := range names {
		if !outputNameRe.MatchString(n) {
			return s, OutputsSpec{Default: true}
		}
	}
	return s[:i], OutputsSpec{Names: names}
}
