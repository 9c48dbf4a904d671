package flake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/parser"
)

// FlakeInput is one entry of a flake's inputs.
type FlakeInput struct {
	Ref       *Ref
	IsFlake   bool
	Follows   InputPath
	HasFollow bool
	Overrides map[string]*FlakeInput
}

func (fi *FlakeInput) clone() *FlakeInput {
	c := *fi
	return &c
}

// ConfigSetting is one nixConfig entry of a flake.
type ConfigSetting struct {
	Name  string
	Value string
}

// Source is a directory of a fetched tree: its logical path (a store
// path, possibly with a subdirectory) and where its files are on disk.
type Source struct {
	Logical, Physical string
	// StorePath is the store path the source is in.
	StorePath string
}

// Join appends a relative path.
func (s Source) Join(rel string) Source {
	if rel == "" || rel == "." {
		return s
	}
	return Source{Logical: filepath.Join(s.Logical, rel), Physical: filepath.Join(s.Physical, rel), StorePath: s.StorePath}
}

// Flake is a parsed flake.nix with where it came from.
type Flake struct {
	OriginalRef, ResolvedRef, LockedRef Ref
	// ForceDirty marks a flake whose lock file was changed but not
	// written: its source info then lacks rev and revCount.
	ForceDirty bool
	// Dir is the directory holding flake.nix.
	Dir            Source
	Description    string
	HasDescription bool
	Inputs         map[string]*FlakeInput
	SelfAttrs      Attrs
	Config         []ConfigSetting
}

// LockFilePath is the physical path of the flake's flake.lock.
func (f *Flake) LockFilePath() string { return filepath.Join(f.Dir.Physical, "flake.lock") }

// errorAt formats a position for flake errors ("«file»:line:col").
func posString(st *eval.State, p eval.Pos) string {
	if l := st.Locate(p); l.Valid() {
		return l.String()
	}
	return "«none»"
}

func typeName(v eval.Value) string { return eval.ShowType(v) }

// expectKind forces v and checks its type.
func expectKind(st *eval.State, v eval.Value, pos eval.Pos, want eval.Kind, wantName string) eval.Value {
	fv := st.Force(v, pos)
	if fv.Kind() != want && !(want == eval.KindLambda && eval.IsFunction(fv)) {
		st.Raise(st.Errorf(eval.ErrEval, "expected %s but got %s at %s", wantName, typeName(fv), posString(st, pos)))
	}
	return fv
}

// checkTrivialAttrs rejects a flake.nix whose top-level expression is
// not an attribute set literal, as Nix does.
func checkTrivialAttrs(physical, logical string) error {
	src, err := os.ReadFile(physical)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("path '%s' does not exist", logical)
		}
		return err
	}
	t := parser.Parse(src, parser.Options{Name: logical})
	n := t.Expr()
	for n.Valid() && n.Kind() == parser.NodeParen {
		n = n.Inner()
	}
	if n.Valid() && n.Kind() != parser.NodeAttrSet && n.Kind() != parser.NodeError {
		return fmt.Errorf("file '%s' must be an attribute set", logical)
	}
	return nil
}

// readFlake evaluates dir/flake.nix and extracts description, inputs,
// the implicit inputs of the outputs function and nixConfig.
func readFlake(st *eval.State, original, resolved, locked Ref, dir Source, lockRoot InputPath) (*Flake, error) {
	physical := filepath.Join(dir.Physical, "flake.nix")
	logical := filepath.Join(dir.Logical, "flake.nix")
	if err := checkTrivialAttrs(physical, logical); err != nil {
		return nil, err
	}
	f := &Flake{OriginalRef: original, ResolvedRef: resolved, LockedRef: locked, Dir: dir, Inputs: map[string]*FlakeInput{}, SelfAttrs: Attrs{}}
	err := st.Run(func() {
		v := st.ImportPath(physical, eval.NoPos)
		info := st.ForceAttrs(v, eval.NoPos, "while evaluating the flake")
		sDesc, sInputs, sOutputs, sConfig := st.Sym("description"), st.Sym("inputs"), st.Sym("outputs"), st.Sym("nixConfig")
		if a := info.Get(sDesc); a != nil {
			d := expectKind(st, a.Value, a.Pos, eval.KindString, "a string")
			f.Description, f.HasDescription = d.(*eval.String).S, true
		}
		if a := info.Get(sInputs); a != nil {
			f.Inputs = parseFlakeInputs(st, a.Value, a.Pos, lockRoot, dir, true, f.SelfAttrs)
		}
		a := info.Get(sOutputs)
		if a == nil {
			st.Raise(st.Errorf(eval.ErrEval, "flake '%s' lacks attribute 'outputs'", resolved))
		}
		out := expectKind(st, a.Value, a.Pos, eval.KindLambda, "a function")
		if lam, ok := out.(*eval.Lambda); ok && lam.Fn.HasFormals {
			for _, fm := range lam.Fn.Formals {
				name := fm.NameStr
				if name == "self" {
					continue
				}
				if _, ok := f.Inputs[name]; ok {
					continue
				}
				r, err := ParseRef(name, ParseOptions{})
				if err != nil {
					st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
				}
				f.Inputs[name] = &FlakeInput{Ref: &r, IsFlake: true}
			}
		}
		if a := info.Get(sConfig); a != nil {
			f.Config = parseNixConfig(st, a.Value, a.Pos)
		}
		for _, a := range info.All() {
			if a.Name != sDesc && a.Name != sInputs && a.Name != sOutputs && a.Name != sConfig {
				st.Raise(st.Errorf(eval.ErrEval, "flake '%s' has an unsupported attribute '%s', at %s", resolved, st.SymName(a.Name), posString(st, a.Pos)))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

func parseFlakeInputs(st *eval.State, v eval.Value, pos eval.Pos, lockRoot InputPath, dir Source, allowSelf bool, selfAttrs Attrs) map[string]*FlakeInput {
	as := expectKind(st, v, pos, eval.KindAttrs, "a set").(*eval.Attrs)
	out := map[string]*FlakeInput{}
	for _, a := range as.All() {
		name := st.SymName(a.Name)
		if name == "self" {
			if !allowSelf {
				st.Raise(st.Errorf(eval.ErrEval, "'self' input attribute not allowed at %s", posString(st, a.Pos)))
			}
			sa := expectKind(st, a.Value, a.Pos, eval.KindAttrs, "a set").(*eval.Attrs)
			for _, x := range sa.All() {
				parseInputAttr(st, x, selfAttrs)
			}
			continue
		}
		out[name] = parseFlakeInput(st, a.Value, a.Pos, lockRoot, dir)
	}
	return out
}

func parseInputAttr(st *eval.State, a eval.Attr, attrs Attrs) {
	name := st.SymName(a.Name)
	switch v := st.Force(a.Value, a.Pos).(type) {
	case *eval.String:
		attrs[name] = Str(v.S)
	case eval.Bool:
		attrs[name] = Bool(bool(v))
	case eval.Int:
		if v < 0 {
			st.Raise(st.Errorf(eval.ErrEval, "negative value given for flake input attribute %s: %d", name, int64(v)))
		}
		attrs[name] = Int(uint64(v))
	default:
		st.Raise(st.Errorf(eval.ErrType, "flake input attribute '%s' is %s while a string, Boolean, or integer is expected", name, eval.ShowType(v)))
	}
}

func parseFlakeInput(st *eval.State, v eval.Value, pos eval.Pos, lockRoot InputPath, dir Source) *FlakeInput {
	as := expectKind(st, v, pos, eval.KindAttrs, "a set").(*eval.Attrs)
	in := &FlakeInput{IsFlake: true}
	attrs := Attrs{}
	var url string
	hasURL := false
	for _, a := range as.All() {
		a := a
		name := st.SymName(a.Name)
		func() {
			ok := false
			defer func() {
				if !ok {
					st.AddTraceOnError(a.Pos, fmt.Sprintf("while evaluating flake attribute '%s'", name))
				}
			}()
			switch name {
			case "url":
				switch u := st.Force(a.Value, pos).(type) {
				case *eval.String:
					url, hasURL = u.S, true
				case eval.Path:
					p := string(u)
					rel, err := filepath.Rel(dir.Physical, p)
					if err != nil || strings.HasPrefix(rel, "..") {
						st.Raise(st.Errorf(eval.ErrEval, "input attribute path '%s' at %s must be in the same source tree as %s", p, posString(st, a.Pos), dir.Logical))
					}
					if rel == "." {
						rel = ""
					}
					url, hasURL = "path:"+rel, true
				default:
					st.Raise(st.Errorf(eval.ErrEval, "expected a string or a path but got %s at %s", eval.ShowType(u), posString(st, a.Pos)))
				}
				attrs["url"] = Str(url)
			case "flake":
				b := expectKind(st, a.Value, a.Pos, eval.KindBool, "a Boolean")
				in.IsFlake = bool(b.(eval.Bool))
			case "inputs":
				in.Overrides = parseFlakeInputs(st, a.Value, a.Pos, lockRoot, dir, false, nil)
			case "follows":
				s := expectKind(st, a.Value, a.Pos, eval.KindString, "a string").(*eval.String)
				p, err := ParseInputPath(s.S)
				if err != nil {
					st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
				}
				in.Follows = append(append(InputPath{}, lockRoot...), p...)
				in.HasFollow = true
			default:
				parseInputAttr(st, a, attrs)
			}
			ok = true
		}()
	}
	if _, ok := attrs["type"]; ok {
		r, err := RefFromAttrs(attrs)
		if err != nil {
			e := st.Errorf(eval.ErrEval, "%s", err.Error())
			e.Traces = append(e.Traces, eval.Trace{Pos: pos, Msg: "while evaluating flake input"})
			st.Raise(e)
		}
		in.Ref = &r
	} else {
		delete(attrs, "url")
		if len(attrs) > 0 {
			st.Raise(st.Errorf(eval.ErrEval, "unexpected flake input attribute '%s', at %s", attrs.Keys()[0], posString(st, pos)))
		}
		if hasURL {
			r, err := ParseRef(url, ParseOptions{AllowMissing: true, NotFlake: !in.IsFlake, PreserveRelative: true})
			if err != nil {
				st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
			}
			in.Ref = &r
		}
	}
	if in.Ref != nil && in.HasFollow {
		st.Raise(st.Errorf(eval.ErrEval, "flake input has both a flake reference and a follows attribute, at %s", posString(st, pos)))
	}
	return in
}

func parseNixConfig(st *eval.State, v eval.Value, pos eval.Pos) []ConfigSetting {
	as := expectKind(st, v, pos, eval.KindAttrs, "a set").(*eval.Attrs)
	var out []ConfigSetting
	for _, a := range as.All() {
		name := st.SymName(a.Name)
		var val string
		switch x := st.Force(a.Value, a.Pos).(type) {
		case *eval.String:
			val = x.S
		case eval.Path:
			val = string(x)
		case eval.Int:
			val = fmt.Sprint(int64(x))
		case eval.Bool:
			val = "false"
			if x {
				val = "true"
			}
		case *eval.List:
			var parts []string
			for _, e := range x.Elems {
				s, ok := st.Force(e, a.Pos).(*eval.String)
				if !ok {
					st.Raise(st.Errorf(eval.ErrType, "list element in flake configuration setting '%s' is %s while a string is expected", name, eval.ShowType(x)))
				}
				parts = append(parts, s.S)
			}
			val = strings.Join(parts, " ")
		default:
			st.Raise(st.Errorf(eval.ErrType, "flake configuration setting '%s' is %s", name, eval.ShowType(x)))
		}
		out = append(out, ConfigSetting{Name: name, Value: val})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
