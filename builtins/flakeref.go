package builtins

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("flakeref", 0, registerFlakeRef) }

// Nix installs these through the flake settings without checking the
// experimental feature, so they are always present.
func registerFlakeRef(r *eval.Registry) {
	prim(r, "parseFlakeRef", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the argument passed to builtins.parseFlakeRef")
		attrs, err := parseFlakeRef(s)
		if err != "" {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err))
		}
		b := eval.NewAttrsBuilder(len(attrs))
		for k, v := range attrs {
			b.Add(st.Sym(k), v, eval.NoPos)
		}
		return b.Finish(eval.NoPos)
	})
	prim(r, "flakeRefToString", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the argument passed to builtins.flakeRefToString")
		attrs := map[string]string{}
		for _, a := range as.All() {
			name := st.SymName(a.Name)
			switch v := st.Force(a.Value, eval.NoPos).(type) {
			case eval.Int:
				if v < 0 {
					st.Raise(st.Errorf(eval.ErrEval, "negative value given for flake ref attr %s: %d", name, int64(v)))
				}
				attrs[name] = strconv.FormatInt(int64(v), 10)
			case eval.Bool:
				if v {
					attrs[name] = "1"
				} else {
					attrs[name] = "0"
				}
			case *eval.String:
				attrs[name] = v.S
			default:
				st.Raise(st.Errorf(eval.ErrEval, "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute '%s' is %s", name, eval.ShowType(v)))
			}
		}
		s, err := flakeRefToString(attrs)
		if err != "" {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err))
		}
		return eval.NewString(s)
	})
}

var gitHosts = map[string]bool{"github": true, "gitlab": true, "sourcehut": true}

func isRev(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// parseFlakeRef parses the common flake reference forms into attributes.
func parseFlakeRef(s string) (map[string]eval.Value, string) {
	out := map[string]eval.Value{}
	str := func(k, v string) { out[k] = eval.NewString(v) }
	rest, query, _ := strings.Cut(s, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return nil, "invalid flake reference '" + s + "'"
	}
	for k, vs := range params {
		if len(vs) > 0 {
			str(k, vs[len(vs)-1])
		}
	}
	scheme, body, hasScheme := strings.Cut(rest, ":")
	switch {
	case hasScheme && gitHosts[scheme]:
		parts := strings.Split(body, "/")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, "'" + s + "' is not a valid flake reference"
		}
		str("type", scheme)
		str("owner", parts[0])
		str("repo", parts[1])
		if len(parts) == 3 {
			if isRev(parts[2]) {
				str("rev", parts[2])
			} else {
				str("ref", parts[2])
			}
		}
	case hasScheme && (scheme == "path"):
		str("type", "path")
		str("path", body)
	case strings.HasPrefix(rest, "/"):
		str("type", "path")
		str("path", rest)
	case hasScheme && strings.HasPrefix(scheme, "git+"):
		str("type", "git")
		str("url", strings.TrimPrefix(rest, "git+"))
	case hasScheme && (scheme == "http" || scheme == "https" || strings.HasPrefix(scheme, "tarball+") || strings.HasPrefix(scheme, "file+")):
		typ := "tarball"
		u := rest
		if strings.HasPrefix(scheme, "file+") {
			typ, u = "file", strings.TrimPrefix(rest, "file+")
		} else if strings.HasPrefix(scheme, "tarball+") {
			u = strings.TrimPrefix(rest, "tarball+")
		}
		str("type", typ)
		str("url", u)
	default:
		id := rest
		if hasScheme && scheme == "flake" {
			id = body
		}
		parts := strings.Split(id, "/")
		str("type", "indirect")
		str("id", parts[0])
		if len(parts) > 1 {
			if isRev(parts[1]) {
				str("rev", parts[1])
			} else {
				str("ref", parts[1])
			}
		}
		if len(parts) > 2 && isRev(parts[2]) {
			str("rev", parts[2])
		}
	}
	return out, ""
}

// flakeRefToString renders flake reference attributes as a URL-like
// string.
func flakeRefToString(a map[string]string) (string, string) {
	typ := a["type"]
	used := map[string]bool{"type": true}
	take := func(k string) string {
		used[k] = true
		return a[k]
	}
	var base string
	switch {
	case gitHosts[typ]:
		base = typ + ":" + take("owner") + "/" + take("repo")
		if r := take("rev"); r != "" {
			base += "/" + r
		} else if r := take("ref"); r != "" {
			base += "/" + r
		}
	case typ == "path":
		base = "path:" + take("path")
	case typ == "git":
		base = "git+" + take("url")
	case typ == "tarball", typ == "file":
		base = take("url")
		if typ == "file" {
			base = "file+" + base
		}
	case typ == "indirect":
		base = "flake:" + take("id")
		if r := take("ref"); r != "" {
			base += "/" + r
		}
		if r := take("rev"); r != "" {
			base += "/" + r
		}
	default:
		return "", "unsupported flake input type '" + typ + "'"
	}
	var keys []string
	for k := range a {
		if !used[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var q []string
	for _, k := range keys {
		q = append(q, url.QueryEscape(k)+"="+url.QueryEscape(a[k]))
	}
	if len(q) > 0 {
		base += "?" + strings.Join(q, "&")
	}
	return base, ""
}
