package flake

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/gonix/gonix/eval"
)

// TemplateFile is one entry of a template directory.
type TemplateFile struct {
	Path   string // relative
	Mode   fs.FileMode
	Data   []byte
	Target string // symlinks
}

// ReadTemplateDir reads a template directory (files, symlinks and
// directories, in path order).
func ReadTemplateDir(dir string) ([]TemplateFile, error) {
	var out []TemplateFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		f := TemplateFile{Path: rel, Mode: fi.Mode()}
		switch {
		case fi.IsDir():
		case fi.Mode()&fs.ModeSymlink != 0:
			if f.Target, err = os.Readlink(p); err != nil {
				return err
			}
		case fi.Mode().IsRegular():
			if f.Data, err = os.ReadFile(p); err != nil {
				return err
			}
		default:
			return fmt.Errorf("path '%s' needs to be a symlink, file, or directory but instead is a %s", p, fi.Mode().Type())
		}
		out = append(out, f)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

const defaultFlakeNix = `{
  description = "A flake built with gonix's embedded library";

  # "gonix" resolves to the library built into gonix (gonix's flake
  # registry); with Nix, use --override-input gonix path:/path/to/gonix/lib.
  inputs.gonix.url = "gonix";

  outputs =
    { self, gonix }:
    let
      forAllSystems = gonix.lib.genAttrs [
        "x86_64-linux"
        "aarch64-linux"
      ];
    in
    {
      packages = forAllSystems (system: {
        default = gonix.legacyPackages.${system}.writeShellScriptBin "hello" ''
          echo "Hello from a gonix flake!"
        '';
      });

      devShells = forAllSystems (system: {
        default = gonix.legacyPackages.${system}.mkShell {
          packages = [ self.packages.${system}.default ];
        };
      });
    };
}
`

// DefaultTemplate is what `gonix flake init` writes without -t.
func DefaultTemplate() []TemplateFile {
	return []TemplateFile{{Path: "flake.nix", Mode: 0o644, Data: []byte(defaultFlakeNix)}}
}

// Template finds a template among a flake's outputs (fragment NAME:
// templates.NAME or NAME; none: templates.default or defaultTemplate)
// and returns its directory and welcome text.
func (x *Session) Template(lf *LockedFlake, fragment string) (string, string, error) {
	outs, err := x.Outputs(lf)
	if err != nil {
		return "", "", err
	}
	paths := []string{"templates.default", "defaultTemplate"}
	if fragment != "" {
		paths = attrPathCandidates(fragment, []string{"templates."})
	}
	st := x.State
	var dir, welcome string
	err = st.Run(func() {
		v, _ := findAttrPath(st, outs, paths, lf.Flake.ResolvedRef.String())
		as := st.ForceAttrs(v, eval.NoPos, "")
		a := st.GetAttr(as, st.Sym("path"), "while evaluating the template")
		var ctx eval.Context
		dir = st.CoerceToPath(a.Pos, a.Value, &ctx, "while evaluating the template's path")
		if w := as.Get(st.Sym("welcomeText")); w != nil {
			welcome = st.ForceStringNoCtx(w.Value, w.Pos, "")
		}
	})
	return dir, welcome, err
}

// attrPathCandidates lists the attribute paths a fragment may mean: with
// a leading '.', only itself; else each prefix + fragment, then the
// fragment itself.
func attrPathCandidates(fragment string, prefixes []string) []string {
	if len(fragment) > 0 && fragment[0] == '.' {
		return []string{fragment[1:]}
	}
	var out []string
	for _, p := range prefixes {
		out = append(out, p+fragment)
	}
	return append(out, fragment)
}

// findAttrPath returns the value of the first attribute path that
// exists (raising Nix's "does not provide attribute" error otherwise).
func findAttrPath(st *eval.State, root *eval.Attrs, paths []string, flakeRef string) (eval.Value, string) {
	for _, p := range paths {
		v, ok := lookupAttrPath(st, root, p)
		if ok {
			return v, p
		}
	}
	var quoted []string
	for _, p := range paths {
		quoted = append(quoted, "'"+p+"'")
	}
	msg := ""
	for i, q := range quoted {
		switch {
		case i == 0:
			msg = q
		case i == len(quoted)-1:
			msg += " or " + q
		default:
			msg += ", " + q
		}
	}
	st.Raise(st.Errorf(eval.ErrEval, "flake '%s' does not provide attribute %s", flakeRef, msg))
	return nil, ""
}

// lookupAttrPath follows a dotted path ("a.b.\"c.d\"") through sets.
func lookupAttrPath(st *eval.State, root *eval.Attrs, path string) (eval.Value, bool) {
	var v eval.Value = root
	if path == "" {
		return v, true
	}
	for _, part := range splitAttrPath(path) {
		as, ok := st.Force(v, eval.NoPos).(*eval.Attrs)
		if !ok {
			return nil, false
		}
		a := as.Get(st.Sym(part))
		if a == nil {
			return nil, false
		}
		v = a.Value
	}
	return v, true
}

// splitAttrPath splits on dots outside double quotes.
func splitAttrPath(s string) []string {
	var out []string
	cur := []byte{}
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == '.' && !inQuote:
			out = append(out, string(cur))
			cur = cur[:0]
		default:
			cur = append(cur, c)
		}
	}
	return append(out, string(cur))
}
