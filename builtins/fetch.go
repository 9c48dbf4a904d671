package builtins

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/store/fetch"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// FetcherProvider is implemented by store hooks that can download into a
// store (the evaluator's evalstore): the fetch builtins use it.
type FetcherProvider interface {
	Fetcher() (*fetch.Fetcher, error)
}

func init() { addFamily("fetch", 0, registerFetch) }

func registerFetch(r *eval.Registry) {
	prim(r, "fetchurl", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return fetchURLOrTarball(st, args[0], "fetchurl", false, "")
	})
	prim(r, "fetchTarball", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		return fetchURLOrTarball(st, args[0], "fetchTarball", true, "source")
	})
}

// fetchCacheKey keys the per-evaluation cache of fetch results.
type fetchCacheKey struct{}

// fetchCache returns the evaluation's fetch cache: what a fetch with the
// same arguments returned before (so one evaluation sees one version of
// an unlocked URL, and downloads it once).
func fetchCache(st *eval.State) map[string]string {
	return st.Ext(fetchCacheKey{}, func() any { return map[string]string{} }).(map[string]string)
}

// fetcher returns the store hook's downloader or raises.
func fetcher(st *eval.State, what string) *fetch.Fetcher {
	p, ok := st.Store().(FetcherProvider)
	if !ok {
		st.Raise(st.Errorf(eval.ErrEval, "'%s' needs a Nix store, which is not available", what))
	}
	f, err := p.Fetcher()
	if err != nil {
		st.Raise(storeErr(st, err))
	}
	return f
}

// resolvePseudoURL expands channel:NAME as Nix does for fetchTarball.
func resolvePseudoURL(u string) string {
	if rest, ok := strings.CutPrefix(u, "channel:"); ok {
		return "https://channels.nixos.org/" + rest + "/nixexprs.tar.xz"
	}
	return u
}

// checkTarballURL gives Nix's errors for local tarball URLs that cannot
// work.
func checkTarballURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "file" {
		return nil
	}
	p := u.Path
	if u.Opaque != "" {
		p = u.Opaque
	}
	if !filepath.IsAbs(p) {
		return fmt.Errorf("tarball '%s' must use an absolute path. The 'file' scheme does not support relative paths.", rawURL)
	}
	return nil
}

// fetchURLOrTarball is builtins.fetchurl (unpack false) and
// builtins.fetchTarball (unpack true), following current Nix: the
// argument is a URL or { url, sha256 ? , name ? }; the result is the
// store path (with its context).
func fetchURLOrTarball(st *eval.State, arg eval.Value, who string, unpack bool, name string) eval.Value {
	var rawURL string
	haveURL := false
	var expected *nixhash.Hash
	nameAttrPassed := false
	arg = st.Force(arg, eval.NoPos)
	as, isAttrs := arg.(*eval.Attrs)
	if isAttrs {
		for _, a := range as.All() {
			switch n := st.SymName(a.Name); n {
			case "url":
				rawURL = st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the url we should fetch")
				haveURL = true
			case "sha256":
				s := st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the sha256 of the content we should fetch")
				h := parseHashAllowEmpty(st, s, nixhash.SHA256)
				expected = &h
			case "name":
				nameAttrPassed = true
				name = st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the name of the content we should fetch")
			default:
				st.Raise(st.Errorf(eval.ErrEval, "unsupported argument '%s' to '%s'", n, who))
			}
		}
		if !haveURL {
			st.Raise(st.Errorf(eval.ErrEval, "'url' argument required"))
		}
	} else {
		rawURL = st.ForceStringNoCtx(arg, eval.NoPos, "while evaluating the url we should fetch")
	}
	if who == "fetchTarball" {
		rawURL = resolvePseudoURL(rawURL)
	}
	if name == "" {
		name = legacyBaseNameOf(rawURL)
	}
	if err := storepath.CheckName(name); err != nil {
		var resolution string
		switch {
		case nameAttrPassed:
			resolution = fmt.Sprintf("Please change the value for the 'name' attribute passed to '%s', so that it can create a valid store path.", who)
		case isAttrs:
			resolution = fmt.Sprintf("Please add a valid 'name' attribute to the argument for '%s', so that it can create a valid store path.", who)
		default:
			resolution = fmt.Sprintf("Please pass an attribute set with 'url' and 'name' attributes to '%s',  so that it can create a valid store path.", who)
		}
		st.Raise(st.Errorf(eval.ErrEval, "invalid store path name when fetching URL '%s': %s. %s", rawURL, nameErrorDetail(err), resolution))
	}
	if st.Options().Pure && expected == nil {
		st.Raise(st.Errorf(eval.ErrEval, "in pure evaluation mode, '%s' requires a 'sha256' argument", who))
	}
	method := storepath.Flat
	if unpack {
		method = storepath.NAR
	}
	f := fetcher(st, who)
	dir := f.Store.Dir()
	// Pinned and already in the store: nothing to download.
	if expected != nil && expected.Algo == nixhash.SHA256 {
		if sp, err := dir.MakeFixedOutput(name, method, *expected, nil, false); err == nil {
			p := dir.Path(sp)
			if ok, _ := f.Store.IsValid(p); ok {
				f.Store.AddTempRoot(p)
				return eval.NewStringCtx(p, eval.NewContext(p))
			}
		}
	}
	key := fmt.Sprintf("%s\x00%s\x00%s", who, rawURL, name)
	p, cached := fetchCache(st)[key]
	if !cached {
		var err error
		if unpack {
			if err = checkTarballURL(rawURL); err == nil {
				p, err = f.FetchTarball(rawURL, fetch.Options{Name: name})
			}
		} else {
			p, err = f.FetchURL(rawURL, fetch.Options{Name: name})
		}
		if err != nil {
			st.Raise(storeErr(st, err))
		}
		fetchCache(st)[key] = p
	}
	if expected != nil {
		info, err := f.Store.QueryPathInfo(p)
		if err != nil {
			st.Raise(storeErr(st, err))
		}
		if unpack {
			if expected.Algo != nixhash.SHA256 || !info.NarHash.Equal(*expected) {
				in := tarballInputString(rawURL, *expected)
				e := st.Errorf(eval.ErrEval, "NAR hash mismatch in input '%s', expected '%s' but got '%s'",
					in, expected.Format(nixhash.SRI, true), info.NarHash.Format(nixhash.SRI, true))
				st.Raise(e)
			}
		} else if got := info.CA.Hash; info.CA.Method != storepath.Flat || !got.Equal(*expected) {
			if got.Algo != expected.Algo || info.CA.Method != storepath.Flat {
				h, err := hashStoreFile(f, p, expected.Algo)
				if err != nil {
					st.Raise(storeErr(st, err))
				}
				got = h
			}
			if !got.Equal(*expected) {
				st.Raise(st.Errorf(eval.ErrEval, "hash mismatch in file downloaded from '%s':\n  specified: %s\n  got:       %s",
					rawURL, expected.Format(nixhash.Nix32, true), got.Format(nixhash.Nix32, true)))
			}
		}
	}
	return eval.NewStringCtx(p, eval.NewContext(p))
}

// tarballInputString renders a tarball input with a NAR hash as Nix
// prints it in messages (the URL with a narHash query parameter).
func tarballInputString(rawURL string, h nixhash.Hash) string {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	return rawURL + sep + "narHash=" + url.QueryEscape(h.Format(nixhash.SRI, true))
}

// hashStoreFile hashes the contents of a store file (flat).
func hashStoreFile(f *fetch.Fetcher, p string, algo nixhash.Algo) (nixhash.Hash, error) {
	data, err := readStoreFile(f, p)
	if err != nil {
		return nixhash.Hash{}, err
	}
	return nixhash.Sum(algo, data), nil
}

// nameErrorDetail is the part of a store path name error after "invalid
// name: ", as Nix words it ("name '~x' contains illegal character '~'").
func nameErrorDetail(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "invalid name") {
		msg = msg[i+2:]
	}
	return msg
}

// parseHashAllowEmpty parses a hash in any of Nix's formats; an empty
// string means an all-zero hash of the algorithm, with Nix's warning.
func parseHashAllowEmpty(st *eval.State, s string, algo nixhash.Algo) nixhash.Hash {
	if s == "" {
		h, _ := nixhash.New(algo, make([]byte, algo.Size()))
		st.Warn(fmt.Sprintf("found empty hash, assuming '%s'", h.Format(nixhash.SRI, true)), false)
		return h
	}
	h, _, err := nixhash.ParseAny(s, algo)
	if err != nil {
		st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
	}
	return h
}

// readStoreFile reads a file of the fetcher's store.
func readStoreFile(f *fetch.Fetcher, p string) ([]byte, error) {
	return os.ReadFile(f.Store.RealPath(p))
}
