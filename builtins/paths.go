package builtins

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("paths", 0, registerPaths) }

func registerPaths(r *eval.Registry) {
	prim(r, "toPath", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		p := st.CoerceToPath(eval.NoPos, args[0], &ctx, "while evaluating the first argument passed to builtins.toPath")
		return eval.NewStringCtx(p, ctx)
	})
	prim(r, "pathExists", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		arg := st.Force(args[0], eval.NoPos)
		mustBeDir := false
		if s, ok := arg.(*eval.String); ok {
			mustBeDir = strings.HasSuffix(s.S, "/") || strings.HasSuffix(s.S, "/.")
		}
		p := realisePath(st, arg)
		var fi fs.FileInfo
		var err error
		if mustBeDir {
			fi, err = os.Stat(p)
		} else {
			fi, err = lstatAncestors(p)
		}
		return eval.Bool(err == nil && (!mustBeDir || fi.IsDir()))
	})
	prim(r, "baseNameOf", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := st.CoerceToString(eval.NoPos, args[0], &ctx, "while evaluating the first argument passed to builtins.baseNameOf", eval.CoerceOptions{})
		return eval.NewStringCtx(legacyBaseNameOf(s), ctx)
	})
	prim(r, "dirOf", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		v := st.Force(args[0], eval.NoPos)
		if p, ok := v.(eval.Path); ok {
			if p == "/" {
				return p
			}
			return eval.Path(filepath.Dir(string(p)))
		}
		var ctx eval.Context
		s := st.CoerceToString(eval.NoPos, v, &ctx, "while evaluating the first argument passed to 'builtins.dirOf'", eval.CoerceOptions{})
		i := strings.LastIndexByte(s, '/')
		switch {
		case i < 0:
			return eval.NewStringCtx(".", ctx)
		case i == 0:
			return eval.NewStringCtx("/", ctx)
		}
		return eval.NewStringCtx(s[:i], ctx)
	})
	prim(r, "readFile", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		logical := realiseLogicalPath(st, args[0])
		p := realPath(st, logical)
		data := readFileChecked(st, resolveSymlinks(p))
		if strings.IndexByte(string(data), 0) >= 0 {
			st.Raise(st.Errorf(eval.ErrEval, "the contents of the file '%s' cannot be represented as a Nix string", p))
		}
		return eval.NewStringCtx(string(data), fileContext(st, logical, data))
	})
	prim(r, "findFile", 2, primFindFile)
	prim(r, "readFileType", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		p := realisePath(st, args[0])
		fi, err := os.Lstat(p)
		if err != nil {
			st.Raise(st.IOError(p, err))
		}
		return eval.NewString(fileType(fi.Mode()))
	})
	prim(r, "readDir", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		p := resolveSymlinks(realisePath(st, args[0]))
		entries, err := os.ReadDir(p)
		if err != nil {
			st.Raise(readDirError(st, p, err))
		}
		names := make([]string, 0, len(entries))
		types := map[string]string{}
		for _, e := range entries {
			names = append(names, e.Name())
			types[e.Name()] = fileType(e.Type())
		}
		sort.Strings(names)
		b := eval.NewAttrsBuilder(len(names))
		for _, n := range names {
			b.Add(st.Sym(n), eval.NewString(types[n]), eval.NoPos)
		}
		return b.Finish(eval.NoPos)
	})
}

func readDirError(st *eval.State, p string, err error) *eval.Error {
	if errors.Is(err, fs.ErrNotExist) {
		return st.Errorf(eval.ErrIO, "path '%s' does not exist", p)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "not a directory") {
		return st.Errorf(eval.ErrIO, "cannot read directory '%s': Not a directory", p)
	}
	return st.IOError(p, err)
}

// fileType names a file mode as readDir and readFileType do.
func fileType(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "regular"
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	}
	return "unknown"
}

// lstatAncestors resolves symlinks in the parent directories but not the
// last component, then lstats.
func lstatAncestors(p string) (fs.FileInfo, error) {
	dir, base := filepath.Split(p)
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	return os.Lstat(filepath.Join(dir, base))
}

// resolveSymlinks resolves all symlinks of a path when possible.
func resolveSymlinks(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// legacyBaseNameOf is Nix's baseNameOf (a single trailing slash is
// ignored).
func legacyBaseNameOf(p string) string {
	if p == "" {
		return ""
	}
	last := len(p) - 1
	if p[last] == '/' && last > 0 {
		last--
	}
	i := strings.LastIndexByte(p[:last+1], '/')
	return p[i+1 : last+1]
}

func primFindFile(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	list := st.ForceList(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.findFile")
	var entries []eval.SearchPathEntry
	prefixSym, pathSym := st.Sym("prefix"), st.Sym("path")
	for _, e := range list {
		as := st.ForceAttrs(e, eval.NoPos, "while evaluating an element of the list passed to builtins.findFile")
		prefix := ""
		if a := as.Get(prefixSym); a != nil {
			prefix = st.ForceStringNoCtx(a.Value, eval.NoPos, "while evaluating the `prefix` attribute of an element of the list passed to builtins.findFile")
		}
		a := st.GetAttr(as, pathSym, "in an element of the __nixPath")
		var ctx eval.Context
		p := st.CoerceToString(eval.NoPos, a.Value, &ctx, "while evaluating the `path` attribute of an element of the list passed to builtins.findFile", eval.CoerceOptions{})
		entries = append(entries, eval.SearchPathEntry{Prefix: prefix, Path: p})
	}
	name := st.ForceStringNoCtx(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.findFile")
	if p, ok := lookupFallback(st, entries, name); ok {
		return eval.Path(p)
	}
	return eval.Path(st.FindFile(entries, name, eval.NoPos))
}
