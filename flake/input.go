package flake

import (
	"fmt"
	"regexp"
	"strings"
)

// Input is a fetchable source tree described by attributes, like Nix's
// fetchers::Input: {type = "github"; owner = ...; repo = ...; rev = ...}.
// Its scheme (the "type") knows how to parse, print and fetch it.
type Input struct {
	Attrs  Attrs
	scheme scheme // nil for an unknown type
}

// scheme is one input type (Nix's InputScheme).
type scheme interface {
	name() string
	// fromURL returns nil, nil when the URL is not for this scheme.
	fromURL(u *URL, requireTree bool) (*Input, error)
	allowedAttrs() []string
	fromAttrs(a Attrs) (*Input, error)
	toURL(in *Input) (*URL, error)
	isLocked(in *Input) bool
	isDirect() bool
	applyOverrides(in *Input, ref string, rev string) (*Input, error)
}

// schemes in name order: Nix tries them in that order for a URL.
var schemes = []scheme{
	curlScheme{kind: "file"}, gitScheme{}, forgeScheme{kind: forgeGitHub}, forgeScheme{kind: forgeGitLab},
	mercurialScheme{}, indirectScheme{}, pathScheme{}, forgeScheme{kind: forgeSourceHut}, curlScheme{kind: "tarball"},
}

func schemeByName(name string) scheme {
	for _, s := range schemes {
		if s.name() == name {
			return s
		}
	}
	return nil
}

var (
	revRegex  = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)
	flakeIDRe = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]*$`)
	hostRegex = regexp.MustCompile(`^[a-zA-Z0-9.-]*$`)
	nullRev   = strings.Repeat("0", 40)
)

// IsFlakeID reports whether s is a valid flake identifier (registry name).
func IsFlakeID(s string) bool { return flakeIDRe.MatchString(s) }

// IsRev reports whether s is a 40-digit hex commit hash.
func IsRev(s string) bool { return revRegex.MatchString(s) }

// InputFromURL parses a URL into an input; requireTree prefers tarballs
// over plain files for http(s) URLs without an archive extension.
func InputFromURL(u *URL, requireTree bool) (*Input, error) {
	for _, s := range schemes {
		in, err := s.fromURL(u, requireTree)
		if err != nil {
			return nil, err
		}
		if in != nil {
			in.scheme = s
			if err := in.fixup(); err != nil {
				return nil, err
			}
			return in, nil
		}
	}
	if app, t, ok := splitScheme(u.Scheme); ok && app == "file" && t == "git" {
		return nil, fmt.Errorf("input '%s' is unsupported; did you mean 'git+file' instead of 'file+git'?", u)
	}
	return nil, fmt.Errorf("input '%s' is unsupported", u)
}

// InputFromURLString parses a URL string into an input.
func InputFromURLString(s string, requireTree bool) (*Input, error) {
	u, err := ParseURL(s, false)
	if err != nil {
		return nil, err
	}
	return InputFromURL(u, requireTree)
}

// InputFromAttrs builds an input from attributes; "type" selects the
// scheme. Unknown types give an input that can be printed as JSON but
// not fetched.
func InputFromAttrs(a Attrs) (*Input, error) {
	typ, ok, err := a.GetStr("type")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("'type' attribute to specify input scheme is required but not provided")
	}
	s := schemeByName(typ)
	if s == nil {
		in := &Input{Attrs: a.Clone()}
		return in, in.fixup()
	}
	allowed := map[string]bool{"type": true, "__final": true}
	for _, n := range s.allowedAttrs() {
		allowed[n] = true
	}
	for _, k := range a.Keys() {
		if !allowed[k] {
			return nil, fmt.Errorf("input attribute '%s' not supported by scheme '%s'", k, typ)
		}
	}
	in, err := s.fromAttrs(a.Clone())
	if err != nil {
		return nil, err
	}
	in.scheme = s
	return in, in.fixup()
}

// fixup checks the common attributes' types.
func (in *Input) fixup() error {
	if _, err := in.Attrs.MustStr("type"); err != nil {
		return err
	}
	if _, _, err := in.Attrs.GetStr("ref"); err != nil {
		return err
	}
	if _, _, err := in.Attrs.GetInt("revCount"); err != nil {
		return err
	}
	if _, _, err := in.Attrs.GetInt("lastModified"); err != nil {
		return err
	}
	return nil
}

// Clone copies an input.
func (in *Input) Clone() *Input { return &Input{Attrs: in.Attrs.Clone(), scheme: in.scheme} }

// Type returns the input type.
func (in *Input) Type() string { return in.Attrs.Str("type") }

// Ref returns the branch or tag ("" when unset).
func (in *Input) Ref() string { return in.Attrs.Str("ref") }

// Rev returns the commit hash, lower-cased ("" when unset).
func (in *Input) Rev() string { return strings.ToLower(in.Attrs.Str("rev")) }

// NarHash returns the narHash attribute ("" when unset).
func (in *Input) NarHash() string { return in.Attrs.Str("narHash") }

// RevCount returns the revCount attribute.
func (in *Input) RevCount() (uint64, bool) {
	n, ok, _ := in.Attrs.GetInt("revCount")
	return n, ok
}

// LastModified returns the lastModified attribute.
func (in *Input) LastModified() (uint64, bool) {
	n, ok, _ := in.Attrs.GetInt("lastModified")
	return n, ok
}

// Name is the store path name of the fetched tree ("source" unless the
// input has a name attribute).
func (in *Input) Name() string {
	if n := in.Attrs.Str("name"); n != "" {
		return n
	}
	return "source"
}

// IsFinal reports whether the input carries __final (its attributes are
// authoritative, as in a lock file).
func (in *Input) IsFinal() bool { return in.Attrs.Bool("__final") }

// Equal compares inputs by attributes.
func (in *Input) Equal(o *Input) bool { return in.Attrs.Equal(o.Attrs) }

// Contains reports whether o equals in, possibly after dropping o's ref
// and rev (registry matching).
func (in *Input) Contains(o *Input) bool {
	if in.Equal(o) {
		return true
	}
	o2 := o.Attrs.Clone()
	delete(o2, "ref")
	delete(o2, "rev")
	return in.Attrs.Equal(o2)
}

// IsDirect reports whether the input can be fetched without a registry
// lookup (everything but indirect inputs).
func (in *Input) IsDirect() bool { return in.scheme == nil || in.scheme.isDirect() }

// IsLocked reports whether the input pins its content (a rev, or a
// narHash, depending on the type).
func (in *Input) IsLocked() bool { return in.scheme != nil && in.scheme.isLocked(in) }

// IsRelative returns the relative path of a "path:./sub" input.
func (in *Input) IsRelative() (string, bool) {
	if in.Type() != "path" {
		return "", false
	}
	p := in.Attrs.Str("path")
	if strings.HasPrefix(p, "/") {
		return "", false
	}
	return p, true
}

// URL renders the input as a URL.
func (in *Input) URL() (*URL, error) {
	if in.scheme == nil {
		return nil, fmt.Errorf("cannot show unsupported input '%s'", in.Attrs.JSON().Compact())
	}
	return in.scheme.toURL(in)
}

// String renders the input as a URL string; unsupported inputs print as
// their JSON attributes.
func (in *Input) String() string {
	u, err := in.URL()
	if err != nil {
		return in.Attrs.JSON().Compact()
	}
	return u.String()
}

// URLString renders the input with extra query parameters.
func (in *Input) URLString(extra map[string]string) (string, error) {
	u, err := in.URL()
	if err != nil {
		return "", err
	}
	for k, v := range extra {
		if _, ok := u.Query[k]; !ok {
			u.Query[k] = v
		}
	}
	return u.String(), nil
}

// ApplyOverrides sets the ref and/or rev ("" = leave as is).
func (in *Input) ApplyOverrides(ref, rev string) (*Input, error) {
	if in.scheme == nil {
		return in, nil
	}
	return in.scheme.applyOverrides(in, ref, rev)
}

// defaultApplyOverrides is the behaviour of schemes without refs.
func defaultApplyOverrides(in *Input, ref, rev string) (*Input, error) {
	if ref != "" {
		return nil, fmt.Errorf("don't know how to set branch/tag name of input '%s' to '%s'", in, ref)
	}
	if rev != "" {
		return nil, fmt.Errorf("don't know how to set revision of input '%s' to '%s'", in, rev)
	}
	return in, nil
}

// IsLegalRefName implements git's rules for branch and tag names
// (git check-ref-format), as Nix checks them through libgit2.
func IsLegalRefName(ref string) bool {
	if ref == "" || ref == "@" || strings.ContainsAny(ref, "\x7f ~^:?*[\\") {
		return false
	}
	for i := 0; i < len(ref); i++ {
		if ref[i] < 0x20 {
			return false
		}
	}
	if strings.HasPrefix(ref, "-") || strings.HasPrefix(ref, "/") || strings.HasSuffix(ref, "/") ||
		strings.HasSuffix(ref, ".") || strings.Contains(ref, "..") || strings.Contains(ref, "@{") ||
		strings.Contains(ref, "//") {
		return false
	}
	for _, c := range strings.Split(ref, "/") {
		if strings.HasPrefix(c, ".") || strings.HasSuffix(c, ".lock") {
			return false
		}
	}
	return true
}

// queryInt parses an integer query parameter.
func parseUint(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		d := uint64(s[i] - '0')
		if n > (^uint64(0)-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
