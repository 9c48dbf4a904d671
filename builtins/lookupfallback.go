package builtins

import "github.com/gonix/gonix/eval"

// LookupFallback resolves a <name> lookup that no entry of the search
// path satisfies (gonix resolves <gonix> to its embedded library this
// way). It returns the path and true, or false when it does not know the
// name either.
type LookupFallback func(name string) (string, bool)

type lookupFallbackKey struct{}

// SetLookupFallback installs f as st's lookup fallback: <name> lookups
// try the search path (-I, NIX_PATH), then Nix's corepkgs, then f. The
// fallback is not part of builtins.nixPath and is not consulted in pure
// evaluation mode. Call it right after creating the State.
func SetLookupFallback(st *eval.State, f LookupFallback) {
	st.Ext(lookupFallbackKey{}, func() any { return f })
}

// lookupFallback resolves name through the search path entries, falling
// back to the State's LookupFallback.
func lookupFallback(st *eval.State, entries []eval.SearchPathEntry, name string) (string, bool) {
	f, _ := st.Ext(lookupFallbackKey{}, func() any { return LookupFallback(nil) }).(LookupFallback)
	if f == nil || st.Options().Pure {
		return "", false
	}
	var p string
	err := st.TryCatch(func() { p = st.FindFile(entries, name, eval.NoPos) }, func(*eval.Error) bool { return true })
	if err == nil {
		return p, true
	}
	if fp, ok := f(name); ok {
		return fp, true
	}
	st.Raise(err)
	return "", false
}
