package flake

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gonix/gonix/store/nixhash"
)

// parseNarHash parses an SRI sha256 narHash ("" is the zero hash).
func parseNarHash(s string) (nixhash.Hash, error) {
	if s == "" {
		return nixhash.Hash{Algo: nixhash.SHA256, Digest: make([]byte, 32)}, nil
	}
	h, err := nixhash.ParseSRI(s)
	if err != nil {
		return nixhash.Hash{}, fmt.Errorf("invalid narHash '%s': %w", s, err)
	}
	if h.Algo != nixhash.SHA256 {
		return nixhash.Hash{}, fmt.Errorf("narHash must use SHA-256")
	}
	return h, nil
}

// normalNarHash re-renders a narHash in canonical SRI form (old lock
// files may lack the trailing '=').
func normalNarHash(s string) string {
	h, err := parseNarHash(s)
	if err != nil {
		return s
	}
	return h.Format(nixhash.SRI, true)
}

// --- path ---

type pathScheme struct{}

func (pathScheme) name() string   { return "path" }
func (pathScheme) isDirect() bool { return true }
func (pathScheme) allowedAttrs() []string {
	return []string{"path", "rev", "revCount", "lastModified", "narHash"}
}

func (pathScheme) fromURL(u *URL, requireTree bool) (*Input, error) {
	if u.Scheme != "path" {
		return nil, nil
	}
	if u.Authority != nil && u.Authority.Host != "" {
		return nil, fmt.Errorf("path URL '%s' should not have an authority ('%s')", u, u.Authority)
	}
	p, err := urlPathToPath(u.Path)
	if err != nil {
		return nil, err
	}
	a := Attrs{"type": Str("path"), "path": Str(p)}
	for _, k := range slices.Sorted(maps.Keys(u.Query)) {
		v := u.Query[k]
		switch k {
		case "rev", "narHash":
			a[k] = Str(v)
		case "revCount", "lastModified":
			n, ok := parseUint(v)
			if !ok {
				return nil, fmt.Errorf("path URL '%s' has invalid parameter '%s'", u, k)
			}
			a[k] = Int(n)
		default:
			return nil, fmt.Errorf("path URL '%s' has unsupported parameter '%s'", u, k)
		}
	}
	return &Input{Attrs: a}, nil
}

func (pathScheme) fromAttrs(a Attrs) (*Input, error) {
	if _, err := a.MustStr("path"); err != nil {
		return nil, err
	}
	return &Input{Attrs: a}, nil
}

func (pathScheme) toURL(in *Input) (*URL, error) {
	q := in.Attrs.Query()
	delete(q, "path")
	delete(q, "type")
	delete(q, "__final")
	return &URL{Scheme: "path", Path: pathToURLPath(in.Attrs.Str("path")), Query: q}, nil
}

func (pathScheme) isLocked(in *Input) bool { _, ok := in.Attrs["narHash"]; return ok }

func (pathScheme) applyOverrides(in *Input, ref, rev string) (*Input, error) {
	return defaultApplyOverrides(in, ref, rev)
}

// --- git ---

type gitScheme struct{}

func (gitScheme) name() string   { return "git" }
func (gitScheme) isDirect() bool { return true }
func (gitScheme) allowedAttrs() []string {
	return []string{"url", "ref", "rev", "shallow", "submodules", "lfs", "exportIgnore", "lastModified",
		"revCount", "narHash", "allRefs", "name", "dirtyRev", "dirtyShortRev", "verifyCommit", "keytype",
		"publicKey", "publicKeys"}
}

var gitBoolParams = map[string]bool{"shallow": true, "submodules": true, "lfs": true, "exportIgnore": true, "allRefs": true, "verifyCommit": true}

func (s gitScheme) fromURL(u *URL, requireTree bool) (*Input, error) {
	if app, _, _ := splitScheme(u.Scheme); u.Scheme != "git" && app != "git" {
		return nil, nil
	}
	u2 := u.Clone()
	u2.Query = map[string]string{}
	a := Attrs{"type": Str("git")}
	for k, v := range u.Query {
		switch {
		case k == "rev" || k == "ref" || k == "keytype" || k == "publicKey" || k == "publicKeys":
			a[k] = Str(v)
		case gitBoolParams[k]:
			a[k] = Bool(v == "1")
		default:
			u2.Query[k] = v
		}
	}
	u2.Fragment = ""
	a["url"] = Str(u2.String())
	return s.fromAttrs(a)
}

func (gitScheme) fromAttrs(a Attrs) (*Input, error) {
	if ref, ok, err := a.GetStr("ref"); err != nil {
		return nil, err
	} else if ok && !IsLegalRefName(ref) {
		return nil, badURL("invalid Git branch/tag name '%s'", ref)
	}
	raw, err := a.MustStr("url")
	if err != nil {
		return nil, err
	}
	fixed, err := FixGitURL(raw)
	if err != nil {
		return nil, err
	}
	if _, err := ParseURL(fixed.String(), false); err != nil {
		return nil, badURL("'%s' is not a valid Git URL", raw)
	}
	a["url"] = Str(fixed.String())
	for _, k := range []string{"shallow", "submodules", "allRefs", "lfs", "exportIgnore", "verifyCommit"} {
		if _, _, err := a.GetBool(k); err != nil {
			return nil, err
		}
	}
	return &Input{Attrs: a}, nil
}

func (gitScheme) toURL(in *Input) (*URL, error) {
	u, err := ParseURL(in.Attrs.Str("url"), false)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "git" {
		u.Scheme = "git+" + u.Scheme
	}
	if rev := in.Rev(); rev != "" {
		u.Query["rev"] = rev
	}
	if ref := in.Ref(); ref != "" {
		u.Query["ref"] = ref
	}
	for _, k := range []string{"shallow", "lfs", "submodules", "exportIgnore", "verifyCommit"} {
		if in.Attrs.Bool(k) {
			u.Query[k] = "1"
		}
	}
	if k := in.Attrs.Str("publicKey"); k != "" {
		u.Query["keytype"] = in.Attrs.Str("keytype")
		if u.Query["keytype"] == "" {
			u.Query["keytype"] = "ssh-ed25519"
		}
		u.Query["publicKey"] = k
	}
	return u, nil
}

func (gitScheme) isLocked(in *Input) bool {
	rev := in.Rev()
	return rev != "" && rev != nullRev
}

func (gitScheme) applyOverrides(in *Input, ref, rev string) (*Input, error) {
	out := in.Clone()
	if rev != "" {
		out.Attrs["rev"] = Str(rev)
	}
	if ref != "" {
		out.Attrs["ref"] = Str(ref)
	}
	if out.Ref() == "" && out.Rev() != "" {
		return nil, fmt.Errorf("Git input '%s' has a commit hash but no branch/tag name", out)
	}
	return out, nil
}

// --- github, gitlab, sourcehut ---

type forgeKind int

const (
	forgeGitHub forgeKind = iota
	forgeGitLab
	forgeSourceHut
)

type forgeScheme struct{ kind forgeKind }

func (s forgeScheme) name() string {
	switch s.kind {
	case forgeGitLab:
		return "gitlab"
	case forgeSourceHut:
		return "sourcehut"
	}
	return "github"
}

func (forgeScheme) isDirect() bool { return true }
func (forgeScheme) allowedAttrs() []string {
	return []string{"owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash"}
}

func (s forgeScheme) fromURL(u *URL, requireTree bool) (*Input, error) {
	if u.Scheme != s.name() {
		return nil, nil
	}
	path := u.PathSegments(true)
	a := Attrs{}
	switch {
	case len(path) == 3:
		if IsRev(path[2]) {
			a["rev"] = Str(path[2])
		} else {
			a["ref"] = Str(path[2])
		}
	case len(path) > 3:
		a["ref"] = Str(strings.Join(path[2:], "/"))
	case len(path) < 2:
		return nil, badURL("URL '%s' is invalid", u)
	}
	for _, k := range slices.Sorted(maps.Keys(u.Query)) {
		v := u.Query[k]
		switch k {
		case "rev":
			if _, ok := a["rev"]; ok {
				return nil, badURL("URL '%s' contains multiple commit hashes", u)
			}
			a["rev"] = Str(v)
		case "ref":
			if _, ok := a["ref"]; ok {
				return nil, badURL("URL '%s' contains multiple branch/tag names", u)
			}
			a["ref"] = Str(v)
		case "host", "narHash":
			a[k] = Str(v)
		default:
			return nil, badURL("URL '%s' contains unknown parameter '%s'", u, k)
		}
	}
	a["type"] = Str(s.name())
	a["owner"] = Str(path[0])
	a["repo"] = Str(path[1])
	return s.fromAttrs(a)
}

func (s forgeScheme) fromAttrs(a Attrs) (*Input, error) {
	if _, err := a.MustStr("owner"); err != nil {
		return nil, err
	}
	if _, err := a.MustStr("repo"); err != nil {
		return nil, err
	}
	ref, hasRef, err := a.GetStr("ref")
	if err != nil {
		return nil, err
	}
	rev, hasRev, err := a.GetStr("rev")
	if err != nil {
		return nil, err
	}
	if hasRef && hasRev {
		return nil, badURL("input %s contains both a commit hash ('%s') and a branch/tag name ('%s')", a.JSON().Compact(), rev, ref)
	}
	if hasRev && !IsRev(rev) {
		return nil, fmt.Errorf("hash '%s' has wrong length for hash algorithm 'sha1'", rev)
	}
	if hasRef && !IsLegalRefName(ref) {
		return nil, badURL("input %s contains an invalid branch/tag name", a.JSON().Compact())
	}
	if host, ok, err := a.GetStr("host"); err != nil {
		return nil, err
	} else if ok && !hostRegex.MatchString(host) {
		return nil, badURL("input %s contains an invalid instance host", a.JSON().Compact())
	}
	return &Input{Attrs: a}, nil
}

func (s forgeScheme) toURL(in *Input) (*URL, error) {
	path := []string{in.Attrs.Str("owner"), in.Attrs.Str("repo")}
	if ref := in.Ref(); ref != "" {
		path = append(path, ref)
	}
	if rev := in.Rev(); rev != "" {
		path = append(path, rev)
	}
	u := &URL{Scheme: s.name(), Path: path, Query: map[string]string{}}
	if nh := in.NarHash(); nh != "" {
		u.Query["narHash"] = normalNarHash(nh)
	}
	if host := in.Attrs.Str("host"); host != "" {
		u.Query["host"] = host
	}
	return u, nil
}

func (forgeScheme) isLocked(in *Input) bool { return in.Rev() != "" }

func (forgeScheme) applyOverrides(in *Input, ref, rev string) (*Input, error) {
	if ref != "" && rev != "" {
		return nil, badURL("cannot apply both a commit hash (%s) and a branch/tag name ('%s') to input '%s'", rev, ref, in)
	}
	out := in.Clone()
	if rev != "" {
		out.Attrs["rev"] = Str(rev)
		delete(out.Attrs, "ref")
	}
	if ref != "" {
		out.Attrs["ref"] = Str(ref)
		delete(out.Attrs, "rev")
	}
	return out, nil
}

// --- tarball and file ---

var curlAttrs = []string{"url", "narHash", "name", "unpack", "rev", "revCount", "lastModified"}

func hasTarballExtension(u *URL) bool {
	if len(u.Path) == 0 {
		return false
	}
	last := u.Path[len(u.Path)-1]
	for _, ext := range []string{".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"} {
		if strings.HasSuffix(last, ext) {
			return true
		}
	}
	return false
}

var curlTransports = map[string]bool{"file": true, "http": true, "https": true}

// curlFromURL is the shared URL parsing of tarball and file inputs.
func curlFromURL(typ string, u *URL) *Input {
	u2 := u.Clone()
	_, u2.Scheme, _ = splitScheme(u.Scheme)
	a := Attrs{}
	if v, ok := u.Query["narHash"]; ok {
		a["narHash"] = Str(v)
	}
	if v, ok := u.Query["rev"]; ok {
		a["rev"] = Str(v)
	}
	for _, k := range []string{"revCount", "lastModified"} {
		if v, ok := u.Query[k]; ok {
			if n, ok := parseUint(v); ok {
				a[k] = Int(n)
			}
		}
	}
	for _, k := range curlAttrs {
		delete(u2.Query, k)
	}
	a["type"] = Str(typ)
	a["url"] = Str(u2.String())
	return &Input{Attrs: a}
}

func curlToURL(in *Input) (*URL, error) {
	u, err := ParseURL(in.Attrs.Str("url"), false)
	if err != nil {
		return nil, err
	}
	if nh := in.NarHash(); nh != "" {
		u.Query["narHash"] = normalNarHash(nh)
	}
	return u, nil
}

// curlScheme is the "tarball" and "file" input types: downloads over
// curl's transports, unpacked into a tree or kept as one file. Without an
// explicit "tarball+"/"file+" prefix, a URL is a tarball when a tree is
// required or its name has a tarball extension, else a file.
type curlScheme struct {
	kind string // "tarball" or "file"
}

func (s curlScheme) name() string         { return s.kind }
func (curlScheme) isDirect() bool         { return true }
func (curlScheme) allowedAttrs() []string { return curlAttrs }

func (s curlScheme) fromURL(u *URL, requireTree bool) (*Input, error) {
	app, t, hasApp := splitScheme(u.Scheme)
	if !curlTransports[t] {
		return nil, nil
	}
	if hasApp && app != s.kind || !hasApp && (requireTree || hasTarballExtension(u)) != (s.kind == "tarball") {
		return nil, nil
	}
	return curlFromURL(s.kind, u), nil
}

func (curlScheme) fromAttrs(a Attrs) (*Input, error) { return &Input{Attrs: a}, nil }
func (curlScheme) toURL(in *Input) (*URL, error)     { return curlToURL(in) }
func (curlScheme) isLocked(in *Input) bool           { return in.NarHash() != "" }
func (curlScheme) applyOverrides(in *Input, ref, rev string) (*Input, error) {
	return defaultApplyOverrides(in, ref, rev)
}

// --- indirect (registry names) ---

type indirectScheme struct{}

func (indirectScheme) name() string           { return "indirect" }
func (indirectScheme) isDirect() bool         { return false }
func (indirectScheme) allowedAttrs() []string { return []string{"id", "ref", "rev", "narHash"} }

func (s indirectScheme) fromURL(u *URL, requireTree bool) (*Input, error) {
	if u.Scheme != "flake" {
		return nil, nil
	}
	path := u.PathSegments(true)
	var ref, rev string
	switch len(path) {
	case 1:
	case 2:
		switch {
		case IsRev(path[1]):
			rev = strings.ToLower(path[1])
		case IsLegalRefName(path[1]):
			ref = path[1]
		default:
			return nil, badURL("in flake URL '%s', '%s' is not a commit hash or branch/tag name", u, path[1])
		}
	case 3:
		if !IsLegalRefName(path[1]) {
			return nil, badURL("in flake URL '%s', '%s' is not a branch/tag name", u, path[1])
		}
		ref = path[1]
		if !IsRev(path[2]) {
			return nil, badURL("in flake URL '%s', '%s' is not a commit hash", u, path[2])
		}
		rev = strings.ToLower(path[2])
	default:
		return nil, badURL("GitHub URL '%s' is invalid", u)
	}
	if !IsFlakeID(path[0]) {
		return nil, badURL("'%s' is not a valid flake ID", path[0])
	}
	a := Attrs{"type": Str("indirect"), "id": Str(path[0])}
	if rev != "" {
		a["rev"] = Str(rev)
	}
	if ref != "" {
		a["ref"] = Str(ref)
	}
	return &Input{Attrs: a}, nil
}

func (indirectScheme) fromAttrs(a Attrs) (*Input, error) {
	id, err := a.MustStr("id")
	if err != nil {
		return nil, err
	}
	if !IsFlakeID(id) {
		return nil, badURL("'%s' is not a valid flake ID", id)
	}
	return &Input{Attrs: a}, nil
}

func (indirectScheme) toURL(in *Input) (*URL, error) {
	path := []string{in.Attrs.Str("id")}
	if ref := in.Ref(); ref != "" {
		path = append(path, ref)
	}
	if rev := in.Rev(); rev != "" {
		path = append(path, rev)
	}
	return &URL{Scheme: "flake", Path: path, Query: map[string]string{}}, nil
}

func (indirectScheme) isLocked(in *Input) bool { return false }

func (indirectScheme) applyOverrides(in *Input, ref, rev string) (*Input, error) {
	out := in.Clone()
	if rev != "" {
		out.Attrs["rev"] = Str(rev)
	}
	if ref != "" {
		out.Attrs["ref"] = Str(ref)
	}
	return out, nil
}

// --- mercurial (parsed and printed; fetching is not supported) ---

type mercurialScheme struct{}

func (mercurialScheme) name() string   { return "hg" }
func (mercurialScheme) isDirect() bool { return true }
func (mercurialScheme) allowedAttrs() []string {
	return []string{"url", "ref", "rev", "revCount", "narHash", "name"}
}

func (s mercurialScheme) fromURL(u *URL, requireTree bool) (*Input, error) {
	switch u.Scheme {
	case "hg+http", "hg+https", "hg+ssh", "hg+file":
	default:
		return nil, nil
	}
	u2 := u.Clone()
	u2.Scheme = u.Scheme[3:]
	u2.Query = map[string]string{}
	a := Attrs{"type": Str("hg")}
	for k, v := range u.Query {
		if k == "rev" || k == "ref" {
			a[k] = Str(v)
		} else {
			u2.Query[k] = v
		}
	}
	a["url"] = Str(u2.String())
	return s.fromAttrs(a)
}

func (mercurialScheme) fromAttrs(a Attrs) (*Input, error) {
	if ref, ok, err := a.GetStr("ref"); err != nil {
		return nil, err
	} else if ok && !IsLegalRefName(ref) {
		return nil, badURL("invalid Mercurial branch/tag name '%s'", ref)
	}
	if _, err := a.MustStr("url"); err != nil {
		return nil, err
	}
	return &Input{Attrs: a}, nil
}

func (mercurialScheme) toURL(in *Input) (*URL, error) {
	u, err := ParseURL(in.Attrs.Str("url"), false)
	if err != nil {
		return nil, err
	}
	u.Scheme = "hg+" + u.Scheme
	if rev := in.Rev(); rev != "" {
		u.Query["rev"] = rev
	}
	if ref := in.Ref(); ref != "" {
		u.Query["ref"] = ref
	}
	return u, nil
}

func (mercurialScheme) isLocked(in *Input) bool { return in.Rev() != "" }

func (mercurialScheme) applyOverrides(in *Input, ref, rev string) (*Input, error) {
	out := in.Clone()
	if rev != "" {
		out.Attrs["rev"] = Str(rev)
	}
	if ref != "" {
		out.Attrs["ref"] = Str(ref)
	}
	return out, nil
}
