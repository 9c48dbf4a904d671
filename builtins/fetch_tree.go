package builtins

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/flake"
)

func init() { addFamily("fetchtree", 0, registerFetchTree) }

func registerFetchTree(r *eval.Registry) {
	st := r.State()
	prim(r, "fetchGit", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return fetchTree(st, args[0], true)
	})
	// fetchTree is an experimental builtin (fetch-tree, implied by
	// flakes): without the feature it does not exist.
	if st.Feature("fetch-tree") || st.Feature("flakes") {
		prim(r, "fetchTree", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
			return fetchTree(st, args[0], false)
		})
	}
}

// fetchTreeCacheKey keys the per-evaluation cache of fetchTree results.
type fetchTreeCacheKey struct{}

// FetchTreeArgs turns the argument of builtins.fetchTree (isFetchGit
// false) or builtins.fetchGit (true) into a fetcher input, as current Nix
// does: an attribute set of strings, paths, Booleans and non-negative
// integers with a type (implied for fetchGit), or a URL (fetchTree needs
// the flakes feature for that). fetchGit makes url absolute or ssh://
// (scp-like syntax) and defaults exportIgnore to true; fetchTree defaults
// shallow to true for git inputs and rejects name.
func FetchTreeArgs(st *eval.State, arg eval.Value, isFetchGit bool) *flake.Input {
	fetcher := "fetchTree"
	if isFetchGit {
		fetcher = "fetchGit"
	}
	arg = st.Force(arg, eval.NoPos)
	var attrs flake.Attrs
	if as, ok := arg.(*eval.Attrs); ok {
		attrs = flake.Attrs{}
		typ := ""
		if isFetchGit {
			typ = "git"
		}
		if a := as.Get(st.Sym("type")); a != nil {
			if isFetchGit {
				st.Raise(st.Errorf(eval.ErrEval, "unexpected argument 'type'"))
			}
			typ = st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the `type` argument passed to '"+fetcher+"'")
		} else if typ == "" {
			st.Raise(st.Errorf(eval.ErrEval, "argument 'type' is missing in call to '%s'", fetcher))
		}
		attrs["type"] = flake.Str(typ)
		for _, a := range as.All() {
			name := st.SymName(a.Name)
			if name == "type" {
				continue
			}
			switch v := st.Force(a.Value, a.Pos).(type) {
			case eval.Path, *eval.String:
				s := st.CoerceToString(a.Pos, v, nil, "", eval.CoerceOptions{NoCanonicalize: true})
				if isFetchGit && name == "url" {
					s = fixGitURL(s)
				}
				attrs[name] = flake.Str(s)
			case eval.Bool:
				attrs[name] = flake.Bool(bool(v))
			case eval.Int:
				if v < 0 {
					st.Raise(st.Errorf(eval.ErrEval, "negative value given for '%s' argument '%s': %d", fetcher, name, int64(v)))
				}
				attrs[name] = flake.Int(uint64(v))
			default:
				st.Raise(st.Errorf(eval.ErrType, "argument '%s' to '%s' is %s while a string, Boolean or integer is expected", name, fetcher, eval.ShowType(v)))
			}
		}
		if isFetchGit {
			if _, ok := attrs["exportIgnore"]; !ok && !attrs.Bool("submodules") {
				attrs["exportIgnore"] = flake.Bool(true)
			}
		} else {
			if typ == "git" {
				if _, ok := attrs["shallow"]; !ok {
					attrs["shallow"] = flake.Bool(true)
				}
			}
			if _, ok := attrs["name"]; ok {
				st.Raise(st.Errorf(eval.ErrEval, "argument 'name' isn’t supported in call to '%s'", fetcher))
			}
		}
	} else {
		u := st.CoerceToString(eval.NoPos, arg, nil, "while evaluating the first argument passed to '"+fetcher+"'", eval.CoerceOptions{NoCanonicalize: true})
		if isFetchGit {
			attrs = flake.Attrs{"type": flake.Str("git"), "url": flake.Str(fixGitURL(u)), "exportIgnore": flake.Bool(true)}
		} else {
			if !st.Feature("flakes") {
				st.Raise(st.Errorf(eval.ErrEval, "passing a string argument to '%s' requires the 'flakes' experimental feature", fetcher))
			}
			in, err := flake.InputFromURLString(u, false)
			if err != nil {
				st.Raise(flake.AsEvalError(st, err))
			}
			return in
		}
	}
	in, err := flake.InputFromAttrs(attrs)
	if err != nil {
		st.Raise(flake.AsEvalError(st, err))
	}
	return in
}

// scpLike matches git's scp-like syntax (user@host:path).
var scpLike = regexp.MustCompile(`^([^/]*)@(.*):(.*)$`)

// fixGitURL turns what fetchGit accepts as a url into a URL: scp-like
// addresses become ssh://, local paths file:// (relative ones made
// absolute).
func fixGitURL(u string) string {
	if !strings.HasPrefix(u, "/") && scpLike.MatchString(u) {
		return scpLike.ReplaceAllString(u, "ssh://$1@$2/$3")
	}
	if strings.HasPrefix(u, "file:") || strings.Contains(u, "://") {
		return u
	}
	if abs, err := filepath.Abs(u); err == nil {
		u = abs
	}
	return "file://" + u
}

// fetchTree is builtins.fetchTree and builtins.fetchGit: the input is
// fetched through FetchTreeInput (the fetchers shared with flakes), once
// per evaluation for the same input.
func fetchTree(st *eval.State, arg eval.Value, isFetchGit bool) eval.Value {
	in := FetchTreeArgs(st, arg, isFetchGit)
	if st.Options().Pure && in.IsDirect() && !in.IsLocked() && in.NarHash() == "" {
		fetcher := "fetchTree"
		if isFetchGit {
			fetcher = "fetchGit"
		}
		st.Raise(st.Errorf(eval.ErrEval, "in pure evaluation mode, '%s' doesn't fetch unlocked input '%s'", fetcher, in))
	}
	if in.Type() == "tarball" || in.Type() == "file" {
		if err := checkTarballURL(in.Attrs.Str("url")); err != nil {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()).WithTrace(eval.NoPos, "while fetching the input '"+in.String()+"'"))
		}
	}
	cache := st.Ext(fetchTreeCacheKey{}, func() any { return map[string]eval.Value{} }).(map[string]eval.Value)
	key := in.Attrs.JSON().Compact()
	if isFetchGit {
		key = "fetchGit\x00" + key
	}
	if v, ok := cache[key]; ok {
		return v
	}
	v := FetchTreeInput(st, in, isFetchGit)
	cache[key] = v
	return v
}
