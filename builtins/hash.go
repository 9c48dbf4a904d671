package builtins

import (
	"fmt"
	"os"
	"strings"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/store/nixhash"
)

func init() { addFamily("hash", 0, registerHash) }

func registerHash(r *eval.Registry) {
	prim(r, "hashString", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		algo := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.hashString")
		a := parseHashAlgo(st, algo)
		s := st.ForceString(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.hashString")
		return eval.NewString(nixhash.Sum(a, []byte(s.S)).Hex())
	})
	prim(r, "hashFile", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		algo := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.hashFile")
		a := parseHashAlgo(st, algo)
		p := realisePath(st, args[1])
		data := readFileChecked(st, p)
		return eval.NewString(nixhash.Sum(a, data).Hex())
	})
	prim(r, "convertHash", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		as := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.convertHash")
		h := st.GetAttr(as, st.Sym("hash"), "while locating the attribute 'hash'")
		hash := st.ForceStringNoCtx(h.Value, eval.NoPos, "while evaluating the attribute 'hash'")
		var algo nixhash.Algo
		if ha := as.Get(st.Sym("hashAlgo")); ha != nil {
			algo = parseHashAlgo(st, st.ForceStringNoCtx(ha.Value, eval.NoPos, "while evaluating the attribute 'hashAlgo'"))
		}
		tf := st.GetAttr(as, st.Sym("toHashFormat"), "while locating the attribute 'toHashFormat'")
		format := st.ForceStringNoCtx(tf.Value, eval.NoPos, "while evaluating the attribute 'toHashFormat'")
		if format == "base32" {
			fmt.Fprintln(st.Stderr(), `warning: "base32" is a deprecated alias for hash format "nix32".`)
		}
		enc, err := nixhash.ParseEncoding(format)
		if err != nil {
			st.Raise(usageErr(st, "unknown hash format '%s', expect 'base16', 'base32', 'base64', or 'sri'", format))
		}
		parsed, _, err := nixhash.ParseAny(hash, algo)
		if err != nil {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
		}
		return eval.NewString(parsed.Format(enc, enc == nixhash.SRI))
	})
}

// parseHashAlgo parses an algorithm name, failing like Nix (a usage
// error listing the valid names).
func parseHashAlgo(st *eval.State, s string) nixhash.Algo {
	a, err := nixhash.ParseAlgo(s)
	if err != nil {
		st.Raise(usageErr(st, "unknown hash algorithm '%s', expect 'blake3', 'md5', 'sha1', 'sha256', or 'sha512'", s))
	}
	return a
}

// usageErr builds an error Nix reports as a usage error (it prints a
// "Try ... --help" line after the message).
func usageErr(st *eval.State, format string, args ...any) *eval.Error {
	e := st.Errorf(eval.ErrEval, format, args...)
	e.Usage = true
	return e
}

// readFileChecked reads a file, failing with Nix's messages.
func readFileChecked(st *eval.State, p string) []byte {
	data, err := os.ReadFile(p)
	if err != nil {
		st.Raise(st.IOError(p, err))
	}
	return data
}

var _ = strings.HasPrefix
