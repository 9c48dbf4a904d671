package flake

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"sort"
	"strings"
)

// BadURLError reports a string that is not a valid URL (or flake
// reference); parsing falls back to other forms on it.
type BadURLError struct{ Msg string }

// Error returns the message.
func (e *BadURLError) Error() string { return e.Msg }

func badURL(format string, args ...any) error {
	return &BadURLError{Msg: fmt.Sprintf(format, args...)}
}

// HostType is the kind of host in a URL authority.
type HostType int

// Host kinds.
const (
	HostName HostType = iota
	HostIPv4
	HostIPv6
)

// Authority is the "user:password@host:port" part of a URL.
type Authority struct {
	Type        HostType
	Host        string // decoded; IPv6 without brackets
	User        string
	HasUser     bool
	Password    string
	HasPassword bool
	Port        string // digits, "" when absent
}

// String renders the authority with Nix's escaping.
func (a *Authority) String() string {
	var b strings.Builder
	if a.HasUser {
		b.WriteString(PercentEncode(a.User, ""))
		if a.HasPassword {
			b.WriteString(":" + PercentEncode(a.Password, ""))
		}
		b.WriteByte('@')
	}
	switch a.Type {
	case HostIPv4:
		b.WriteString(a.Host)
	case HostIPv6:
		b.WriteString("[" + PercentEncode(a.Host, ":") + "]")
	default:
		b.WriteString(PercentEncode(a.Host, ""))
	}
	if a.Port != "" {
		b.WriteString(":" + a.Port)
	}
	return b.String()
}

// URL is a parsed URL the way Nix keeps it: decoded path segments (an
// absolute path starts with an empty segment), a sorted query map and a
// decoded fragment.
type URL struct {
	Scheme    string
	Authority *Authority // nil when the URL has none
	Path      []string
	Query     map[string]string
	Fragment  string
}

// Clone returns a deep copy.
func (u *URL) Clone() *URL {
	c := *u
	if u.Authority != nil {
		a := *u.Authority
		c.Authority = &a
	}
	c.Path = append([]string(nil), u.Path...)
	c.Query = make(map[string]string, len(u.Query))
	for k, v := range u.Query {
		c.Query[k] = v
	}
	return &c
}

// PathSegments returns the path segments, without empty ones when
// skipEmpty.
func (u *URL) PathSegments(skipEmpty bool) []string {
	var out []string
	for _, s := range u.Path {
		if skipEmpty && s == "" {
			continue
		}
		out = append(out, s)
	}
	return out
}

// RenderPath joins the path segments, percent-encoded.
func (u *URL) RenderPath() string { return encodeURLPath(u.Path) }

// String renders the URL as Nix does (ParsedURL::to_string).
func (u *URL) String() string {
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteByte(':')
	if u.Authority != nil {
		b.WriteString("//")
		b.WriteString(u.Authority.String())
	}
	b.WriteString(encodeURLPath(u.Path))
	if len(u.Query) > 0 {
		b.WriteByte('?')
		b.WriteString(EncodeQuery(u.Query))
	}
	if u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(PercentEncode(u.Fragment, ""))
	}
	return b.String()
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func isUnreserved(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }

func isPchar(c byte) bool { return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' }

// PercentEncode encodes every byte except RFC 3986 unreserved characters
// and those in keep, with upper-case hex digits (current Nix's
// percentEncode).
func PercentEncode(s, keep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// PercentDecode decodes %XX escapes, rejecting malformed ones.
func PercentDecode(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", badURL("invalid URI parameter '%s': invalid percent-encoding", s)
		}
		b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
		i += 2
	}
	return b.String(), nil
}

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// EncodeQuery renders a query map in key order.
func EncodeQuery(q map[string]string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(PercentEncode(k, ":@/?"))
		b.WriteByte('=')
		b.WriteString(PercentEncode(q[k], ":@/?"))
	}
	return b.String()
}

func encodeURLPath(path []string) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = PercentEncode(p, ":@")
	}
	return strings.Join(parts, "/")
}

// encodeChars percent-encodes the bytes of s that are in set.
func encodeChars(s, set string) string {
	if !strings.ContainsAny(s, set) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) >= 0 {
			fmt.Fprintf(&b, "%%%02X", s[i])
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// DecodeQuery parses "a=1&b=2". Parameters without '=' are dropped
// (warn receives Nix's warning); the first of duplicate keys wins.
func DecodeQuery(query string, lenient bool, warn func(string)) (map[string]string, error) {
	if lenient {
		query = encodeChars(query, " \"")
	}
	res := map[string]string{}
	if query == "" {
		return res, nil
	}
	for _, p := range strings.Split(query, "&") {
		if err := checkChars(p, func(c byte) bool { return isPchar(c) || c == '/' || c == '?' }); err != nil {
			return nil, badURL("invalid URI query '%s': %v", query, err)
		}
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			if warn != nil {
				warn(fmt.Sprintf("dubious URI query '%s' is missing equal sign '%s', ignoring", p, "="))
			}
			continue
		}
		dk, err := PercentDecode(k)
		if err != nil {
			return nil, err
		}
		dv, err := PercentDecode(v)
		if err != nil {
			return nil, err
		}
		if _, dup := res[dk]; !dup {
			res[dk] = dv
		}
	}
	return res, nil
}

// checkChars validates an encoded component: every byte must satisfy ok
// or start a valid %XX escape.
func checkChars(s string, ok func(byte) bool) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return fmt.Errorf("bad percent-encoding")
			}
			i += 2
			continue
		}
		if !ok(c) {
			return fmt.Errorf("invalid character %q", c)
		}
	}
	return nil
}

// schemeOf returns the scheme of s (the part before the first ':') when
// it is a valid RFC 3986 scheme.
func schemeOf(s string) (string, bool) {
	i := strings.IndexByte(s, ':')
	if i <= 0 || !isAlpha(s[0]) {
		return "", false
	}
	for j := 1; j < i; j++ {
		c := s[j]
		if !(isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.') {
			return "", false
		}
	}
	return s[:i], true
}

// ParseURL parses an absolute URL like Nix's parseURL. lenient accepts
// unescaped spaces and double quotes in the query and fragment (and '^'
// in the fragment), as Nix does for flake references.
func ParseURL(raw string, lenient bool) (*URL, error) {
	s := raw
	if lenient {
		var b strings.Builder
		rest := s
		if i := strings.IndexByte(rest, '?'); i >= 0 {
			b.WriteString(rest[:i+1])
			rest = rest[i+1:]
			j := strings.IndexByte(rest, '#')
			if j < 0 {
				j = len(rest)
			}
			b.WriteString(encodeChars(rest[:j], " \""))
			rest = rest[j:]
		}
		if i := strings.IndexByte(rest, '#'); i >= 0 {
			b.WriteString(rest[:i+1])
			b.WriteString(encodeChars(rest[i+1:], " \"^"))
		} else {
			b.WriteString(rest)
		}
		s = b.String()
	}
	scheme, ok := schemeOf(s)
	if !ok {
		return nil, badURL("'%s' doesn't have a scheme", raw)
	}
	rest := s[len(scheme)+1:]
	var fragment, query string
	hasQuery := false
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		fragment = rest[i+1:]
		rest = rest[:i]
		if err := checkChars(fragment, func(c byte) bool { return isPchar(c) || c == '/' || c == '?' }); err != nil {
			return nil, badURL("'%s' is not a valid URL: %v", raw, err)
		}
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		query = rest[i+1:]
		rest = rest[:i]
		hasQuery = true
	}
	u := &URL{Scheme: scheme}
	if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
		end := strings.IndexByte(rest, '/')
		if end < 0 {
			end = len(rest)
		}
		a, err := parseAuthority(rest[:end])
		if err != nil {
			return nil, badURL("'%s' is not a valid URL: %v", raw, err)
		}
		u.Authority = a
		rest = rest[end:]
	}
	if err := checkChars(rest, func(c byte) bool { return isPchar(c) || c == '/' }); err != nil {
		return nil, badURL("'%s' is not a valid URL: %v", raw, err)
	}
	isFile := transportOf(scheme) == "file"
	if isFile && u.Authority != nil && u.Authority.Host != "" {
		return nil, badURL("file:// URL '%s' has unexpected authority '%s'", raw, u.Authority.String())
	}
	if isFile && rest == "" {
		rest = "/"
	}
	for _, seg := range strings.Split(rest, "/") {
		d, err := PercentDecode(seg)
		if err != nil {
			return nil, err
		}
		u.Path = append(u.Path, d)
	}
	if rest == "" {
		u.Path = nil
	}
	if hasQuery {
		q, err := DecodeQuery(query, false, nil)
		if err != nil {
			return nil, err
		}
		u.Query = q
	} else {
		u.Query = map[string]string{}
	}
	f, err := PercentDecode(fragment)
	if err != nil {
		return nil, err
	}
	u.Fragment = f
	return u, nil
}

func parseAuthority(s string) (*Authority, error) {
	a := &Authority{}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		ui := s[:i]
		s = s[i+1:]
		if err := checkChars(ui, func(c byte) bool { return isUnreserved(c) || isSubDelim(c) || c == ':' }); err != nil {
			return nil, err
		}
		user, pass, hasPass := strings.Cut(ui, ":")
		var err error
		if a.User, err = PercentDecode(user); err != nil {
			return nil, err
		}
		a.HasUser = true
		if hasPass {
			if a.Password, err = PercentDecode(pass); err != nil {
				return nil, err
			}
			a.HasPassword = true
		}
	}
	host := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return nil, fmt.Errorf("unterminated IPv6 address")
		}
		addr, err := netip.ParseAddr(s[1:end])
		if err != nil || !addr.Is6() {
			return nil, fmt.Errorf("invalid IPv6 address '%s'", s[1:end])
		}
		a.Type = HostIPv6
		a.Host = s[1:end]
		host = ""
		s = s[end+1:]
		if s != "" && s[0] != ':' {
			return nil, fmt.Errorf("unexpected characters after IPv6 address")
		}
		if s != "" {
			a.Port = s[1:]
		}
	} else {
		if i := strings.LastIndexByte(s, ':'); i >= 0 {
			host, a.Port = s[:i], s[i+1:]
		}
		if err := checkChars(host, func(c byte) bool { return isUnreserved(c) || isSubDelim(c) }); err != nil {
			return nil, err
		}
		if addr, err := netip.ParseAddr(host); err == nil && addr.Is4() {
			a.Type = HostIPv4
		}
		d, err := PercentDecode(host)
		if err != nil {
			return nil, err
		}
		a.Host = d
	}
	for i := 0; i < len(a.Port); i++ {
		if !isDigit(a.Port[i]) {
			return nil, fmt.Errorf("port '%s' is invalid", a.Port)
		}
	}
	return a, nil
}

// splitScheme splits "tarball+https" into ("tarball", "https"); the
// application part is "" when absent.
func splitScheme(scheme string) (application, transport string, hasApp bool) {
	if i := strings.IndexByte(scheme, '+'); i >= 0 {
		return scheme[:i], scheme[i+1:], true
	}
	return "", scheme, false
}

func transportOf(scheme string) string {
	_, t, _ := splitScheme(scheme)
	return t
}

// pathToURLPath turns an absolute or relative file path into URL path
// segments.
func pathToURLPath(p string) []string {
	var out []string
	if strings.HasPrefix(p, "/") {
		out = append(out, "")
	}
	rel := strings.TrimLeft(p, "/")
	if rel != "" {
		for _, c := range strings.Split(rel, "/") {
			if c != "" {
				out = append(out, c)
			}
		}
	}
	if strings.HasSuffix(p, "/") || p == "" {
		out = append(out, "")
	}
	return out
}

// urlPathToPath joins decoded URL path segments into a file path.
func urlPathToPath(segs []string) (string, error) {
	for _, c := range segs {
		if strings.Contains(c, "/") {
			return "", badURL("URL path component '%s' contains '/', which is not allowed in file names", c)
		}
		if strings.IndexByte(c, 0) >= 0 {
			return "", badURL("URL path component '%s' contains NUL byte which is not allowed", strings.ReplaceAll(c, "\x00", "␀"))
		}
	}
	if len(segs) == 0 {
		return "", nil
	}
	var b strings.Builder
	i := 0
	if segs[0] == "" {
		b.WriteByte('/')
		i = 1
	}
	for j := i; j < len(segs); j++ {
		if j > i && !strings.HasSuffix(b.String(), "/") {
			b.WriteByte('/')
		}
		b.WriteString(segs[j])
	}
	return b.String(), nil
}

// FixGitURL turns what Nix accepts as a git URL (an absolute path, an
// scp-style "host:path", or a URL with an optional git+ prefix) into a
// URL.
func FixGitURL(raw string) (*URL, error) {
	if filepath.IsAbs(raw) {
		return &URL{Scheme: "file", Authority: &Authority{}, Path: pathToURLPath(raw), Query: map[string]string{}}, nil
	}
	if u, ok, err := parseSCPStyle(raw); ok || err != nil {
		return u, err
	}
	u, err := ParseURL(raw, false)
	if err != nil {
		return nil, err
	}
	if app, t, ok := splitScheme(u.Scheme); ok && app == "git" {
		u.Scheme = t
	}
	return u, nil
}

var gitSchemes = map[string]bool{}

func init() {
	for _, s := range []string{"ssh", "http", "https", "file", "ftp", "ftps", "git"} {
		gitSchemes[s] = true
		gitSchemes["git+"+s] = true
	}
}

// parseSCPStyle recognises git's "user@host:path" syntax.
func parseSCPStyle(raw string) (*URL, bool, error) {
	if strings.Contains(raw, "://") {
		return nil, false, nil
	}
	colon := strings.IndexByte(raw, ':')
	if colon < 0 {
		return nil, false, nil
	}
	host := raw[:colon]
	if strings.Contains(host, "/") || gitSchemes[host] {
		return nil, false, nil
	}
	path := raw[colon+1:]
	if strings.Contains(host, "[") {
		return nil, false, nil
	}
	a := &Authority{Host: host}
	if at := strings.IndexByte(host, '@'); at >= 0 {
		a.User, a.HasUser, a.Host = host[:at], true, host[at+1:]
	}
	if addr, err := netip.ParseAddr(a.Host); err == nil && addr.Is4() {
		a.Type = HostIPv4
	}
	if path == "" {
		return nil, true, badURL("SCP-style Git URL '%s' has an empty path", raw)
	}
	segs := strings.Split(path, "/")
	if segs[0] != "" {
		segs = append([]string{""}, segs...)
	}
	return &URL{Scheme: "ssh", Authority: a, Path: segs, Query: map[string]string{}}, true, nil
}
