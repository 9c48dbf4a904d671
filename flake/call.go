package flake

import (
	"path/filepath"
	"time"

	"github.com/gonix/gonix/eval"
)

// TreeAttrs builds the attribute set fetchTree returns for a fetched
// input (Nix's emitTreeAttrs): outPath, narHash, rev, shortRev,
// revCount, lastModified, lastModifiedDate, dirtyRev, submodules (git).
// forceDirty drops rev and revCount; emptyRevFallback gives a dirty
// input an all-zero rev (fetchGit's behaviour).
func TreeAttrs(st *eval.State, storePath string, in *Input, emptyRevFallback, forceDirty bool) *eval.Attrs {
	b := eval.NewAttrsBuilder(12)
	add := func(name string, v eval.Value) { b.Add(st.Sym(name), v, eval.NoPos) }
	add("outPath", eval.NewStringCtx(storePath, eval.NewContext(storePath)))
	if nh := in.NarHash(); nh != "" {
		add("narHash", eval.NewString(normalNarHash(nh)))
	}
	if in.Type() == "git" {
		add("submodules", eval.Bool(in.Attrs.Bool("submodules")))
	}
	if !forceDirty {
		if rev := in.Rev(); rev != "" {
			add("rev", eval.NewString(rev))
			add("shortRev", eval.NewString(rev[:min(7, len(rev))]))
		} else if emptyRevFallback {
			add("rev", eval.NewString(nullRev))
			add("shortRev", eval.NewString(nullRev[:7]))
		}
		if n, ok := in.RevCount(); ok {
			add("revCount", eval.Int(int64(n)))
		} else if emptyRevFallback {
			add("revCount", eval.Int(0))
		}
	}
	if d := in.Attrs.Str("dirtyRev"); d != "" {
		add("dirtyRev", eval.NewString(d))
		add("dirtyShortRev", eval.NewString(in.Attrs.Str("dirtyShortRev")))
	}
	if lm, ok := in.LastModified(); ok {
		add("lastModified", eval.Int(int64(lm)))
		add("lastModifiedDate", eval.NewString(time.Unix(int64(lm), 0).UTC().Format("20060102150405")))
	}
	return b.Finish(eval.NoPos)
}

// nodeValue is the lazily computed evaluation of one lock node.
type nodeValue struct {
	result, outPath, sourceInfo eval.Value
}

// CallFlake evaluates a locked flake the way Nix's call-flake.nix does:
// every node's outputs function is called with its inputs (resolved
// through follows) and self; inputs are fetched only when used. The
// result is the root flake: its outputs plus outPath, inputs, outputs,
// sourceInfo, _type = "flake" and the source info attributes.
func (x *Session) CallFlake(lf *LockedFlake) (eval.Value, error) {
	st := x.State
	nodes := map[*Node]*nodeValue{}
	var get func(n *Node) *nodeValue
	resolveEdge := func(e Edge) *Node {
		if e.Node != nil {
			return e.Node
		}
		n, err := lf.LockFile.FindInput(e.Follows)
		if err != nil {
			st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
		}
		if n == nil {
			st.Raise(st.Errorf(eval.ErrEval, "input '%s' does not exist in the lock file", e.Follows))
		}
		return n
	}
	get = func(n *Node) *nodeValue {
		if v, ok := nodes[n]; ok {
			return v
		}
		nv := &nodeValue{}
		nodes[n] = nv
		src, hasOverride := lf.NodePaths[n]
		relPath, isRel := "", false
		if n != lf.LockFile.Root {
			relPath, isRel = n.Locked.Input.IsRelative()
		}
		if isRel {
			// A relative input is always taken from its parent's source
			// (which may have been fetched again after writing the lock).
			hasOverride = false
		}
		parent := func() *nodeValue {
			p, err := lf.LockFile.FindInput(n.Parent)
			if err != nil || p == nil {
				st.Raise(st.Errorf(eval.ErrEval, "cannot find the parent '%s' of a relative flake input", n.Parent))
			}
			return get(p)
		}
		subdir := ""
		switch {
		case hasOverride:
			storePath := src.StorePath
			sub, _ := filepath.Rel(storePath, src.Logical)
			if sub == "." {
				sub = ""
			}
			subdir = sub
			in := lf.Flake.LockedRef.Input
			forceDirty := lf.Flake.ForceDirty
			if n != lf.LockFile.Root {
				in, forceDirty = n.Locked.Input, false
			}
			nv.sourceInfo = TreeAttrs(st, storePath, in, false, forceDirty)
		case isRel:
			nv.sourceInfo = eval.NewLazy(func(st *eval.State) eval.Value { return st.Force(parent().sourceInfo, eval.NoPos) })
			subdir = n.Locked.Subdir
		default:
			subdir = n.Locked.Subdir
			locked := n.Locked.Input
			nv.sourceInfo = eval.NewLazy(func(st *eval.State) eval.Value {
				in := locked.Clone()
				in.Attrs["__final"] = Bool(true)
				p, res, err := x.Settings.Fetch(in)
				if err != nil {
					st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
				}
				return TreeAttrs(st, p, res, false, false)
			})
		}
		outPathOf := func(st *eval.State) *eval.String {
			var base *eval.String
			if !hasOverride && isRel {
				base = st.ForceString(parent().outPath, eval.NoPos, "while evaluating the outPath of a flake")
				if relPath != "" && relPath != "." {
					base = eval.NewStringCtx(filepath.Join(base.S, relPath), base.Context())
				}
			} else {
				si := st.ForceAttrs(nv.sourceInfo, eval.NoPos, "while evaluating the source info of a flake")
				base = st.ForceString(si.Get(st.Sym("outPath")).Value, eval.NoPos, "while evaluating the outPath of a flake")
			}
			if subdir != "" {
				return eval.NewStringCtx(base.S+"/"+subdir, base.Context())
			}
			return base
		}
		nv.outPath = eval.NewLazy(func(st *eval.State) eval.Value { return outPathOf(st) })
		flakeFile := eval.NewLazy(func(st *eval.State) eval.Value {
			op := st.ForceString(nv.outPath, eval.NoPos, "while evaluating the outPath of a flake")
			return st.ImportPath(filepath.Join(x.Settings.PhysicalPath(op.S), "flake.nix"), eval.NoPos)
		})
		inputs := eval.NewLazy(func(st *eval.State) eval.Value {
			b := eval.NewAttrsBuilder(len(n.Inputs))
			for _, name := range n.inputNames() {
				e := n.Inputs[name]
				b.Add(st.Sym(name), eval.NewLazy(func(st *eval.State) eval.Value {
					return st.Force(get(resolveEdge(e)).result, eval.NoPos)
				}), eval.NoPos)
			}
			return b.Finish(eval.NoPos)
		})
		outputsFn := eval.NewLazy(func(st *eval.State) eval.Value {
			fl := st.ForceAttrs(flakeFile, eval.NoPos, "while evaluating flake.nix")
			a := fl.Get(st.Sym("outputs"))
			if a == nil {
				st.Raise(st.Errorf(eval.ErrType, "attribute 'outputs' missing"))
			}
			return st.Force(a.Value, a.Pos)
		})
		var result eval.Value
		outputs := eval.NewLazy(func(st *eval.State) eval.Value {
			ins := st.ForceAttrs(inputs, eval.NoPos, "")
			b := eval.NewAttrsBuilder(ins.Len() + 1)
			b.Add(st.Sym("self"), result, eval.NoPos)
			for _, a := range ins.All() {
				b.Add(a.Name, a.Value, a.Pos)
			}
			return st.CallFunction(outputsFn, []eval.Value{b.Finish(eval.NoPos)}, eval.NoPos)
		})
		result = eval.NewLazy(func(st *eval.State) eval.Value {
			outs := st.ForceAttrs(outputs, eval.NoPos, "while evaluating the outputs of a flake")
			si := st.ForceAttrs(nv.sourceInfo, eval.NoPos, "")
			b := eval.NewAttrsBuilder(outs.Len() + si.Len() + 5)
			b.Add(st.Sym("outPath"), nv.outPath, eval.NoPos)
			b.Add(st.Sym("inputs"), inputs, eval.NoPos)
			b.Add(st.Sym("outputs"), outputs, eval.NoPos)
			b.Add(st.Sym("sourceInfo"), nv.sourceInfo, eval.NoPos)
			b.Add(st.Sym("_type"), eval.NewString("flake"), eval.NoPos)
			for _, a := range si.All() {
				b.Add(a.Name, a.Value, a.Pos)
			}
			for _, a := range outs.All() {
				b.Add(a.Name, a.Value, a.Pos)
			}
			return b.Finish(outs.Pos)
		})
		if n.IsFlake {
			nv.result = eval.NewLazy(func(st *eval.State) eval.Value {
				if !eval.IsFunction(st.Force(outputsFn, eval.NoPos)) {
					st.Raise(st.Errorf(eval.ErrAssertion, "assertion '(builtins.isFunction flake.outputs)' failed"))
				}
				return st.Force(result, eval.NoPos)
			})
		} else {
			nv.result = eval.NewLazy(func(st *eval.State) eval.Value {
				si := st.ForceAttrs(nv.sourceInfo, eval.NoPos, "")
				b := eval.NewAttrsBuilder(si.Len() + 2)
				b.Add(st.Sym("sourceInfo"), nv.sourceInfo, eval.NoPos)
				b.Add(st.Sym("outPath"), nv.outPath, eval.NoPos)
				for _, a := range si.All() {
					b.Add(a.Name, a.Value, a.Pos)
				}
				return b.Finish(eval.NoPos)
			})
		}
		return nv
	}
	var v eval.Value
	err := st.Run(func() { v = st.Force(get(lf.LockFile.Root).result, eval.NoPos) })
	return v, err
}
