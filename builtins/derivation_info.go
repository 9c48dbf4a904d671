package builtins

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gonix/gonix/eval"
)

// DrvInfo is a derivation found in a value by GetDerivations: what
// nix-instantiate and nix-build print and build.
type DrvInfo struct {
	// AttrPath is where the derivation was found ("" for the value
	// itself, "a.b", "0.c" for nested ones).
	AttrPath string
	// Attrs is the derivation's attribute set.
	Attrs *eval.Attrs
}

// drvAttrRegex selects the attributes GetDerivations descends into (as
// Nix's getDerivations does).
var drvAttrRegex = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9\-_+]*$`)

// GetDerivations collects the derivations of v as nix-instantiate and
// nix-build do: v itself if it is a derivation; otherwise, for a set, its
// derivation attributes in name order and the derivations of nested sets
// that have recurseForDerivations = true; for a list, the derivations of
// each element. Functions are called with autoArgs first. A derivation
// reachable twice is listed once.
func GetDerivations(st *eval.State, v eval.Value, autoArgs *eval.Attrs) ([]DrvInfo, error) {
	g := &drvCollector{st: st, autoArgs: autoArgs, done: map[*eval.Attrs]bool{}}
	err := st.Run(func() { g.collect(v, "") })
	return g.drvs, err
}

type drvCollector struct {
	st       *eval.State
	autoArgs *eval.Attrs
	done     map[*eval.Attrs]bool
	drvs     []DrvInfo
}

// add records v if it is a derivation; it reports whether v is not one
// (and should be searched).
func (g *drvCollector) add(v eval.Value, attrPath string) bool {
	st := g.st
	v = st.Force(v, st.DeterminePos(v, eval.NoPos))
	as, ok := v.(*eval.Attrs)
	if !ok || !st.IsDerivation(v) {
		return true
	}
	if g.done[as] {
		return false
	}
	g.done[as] = true
	d := DrvInfo{AttrPath: attrPath, Attrs: as}
	if _, err := d.Name(st); err != nil {
		reraise(st, err)
	}
	g.drvs = append(g.drvs, d)
	return false
}

// reraise raises an error returned by the evaluator's exported API again
// inside a builtin.
func reraise(st *eval.State, err error) {
	if e, ok := err.(*eval.Error); ok {
		st.Raise(e)
	}
	st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
}

func joinAttrPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (g *drvCollector) collect(vIn eval.Value, prefix string) {
	st := g.st
	v, err := st.AutoCall(vIn, g.autoArgs)
	if err != nil {
		reraise(st, err)
	}
	if !g.add(v, prefix) {
		return
	}
	switch x := st.Force(v, eval.NoPos).(type) {
	case *eval.Attrs:
		combine := x.Get(st.Sym("_combineChannels")) != nil
		all := x.All()
		for _, i := range sortedByName(st, all) {
			a := all[i]
			name := st.SymName(a.Name)
			if !drvAttrRegex.MatchString(name) {
				continue
			}
			p := joinAttrPath(prefix, name)
			if combine {
				g.collect(a.Value, p)
				continue
			}
			if !g.add(a.Value, p) {
				continue
			}
			if sub, ok := st.Force(a.Value, eval.NoPos).(*eval.Attrs); ok {
				if r := sub.Get(st.Sym("recurseForDerivations")); r != nil && st.ForceBool(r.Value, r.Pos, "") {
					g.collect(a.Value, p)
				}
			}
		}
	case *eval.List:
		for n, e := range x.Elems {
			p := joinAttrPath(prefix, strconv.Itoa(n))
			if g.add(e, p) {
				g.collect(e, p)
			}
		}
	default:
		st.Raise(st.Errorf(eval.ErrType, "expression does not evaluate to a derivation (or a set or list of those)"))
	}
}

// Name returns the derivation's name attribute.
func (d DrvInfo) Name(st *eval.State) (name string, err error) {
	err = st.Run(func() {
		a := d.Attrs.Get(st.Sym("name"))
		if a == nil {
			st.Raise(st.Errorf(eval.ErrType, "derivation name missing"))
		}
		name = st.ForceStringNoCtx(a.Value, eval.NoPos, "while evaluating the 'name' attribute of a derivation")
	})
	return name, err
}

// DrvPath evaluates the derivation's drvPath (instantiating it) and
// checks that it is a .drv store path.
func (d DrvInfo) DrvPath(st *eval.State) (drvPath string, err error) {
	err = st.Run(func() {
		a := d.Attrs.Get(st.Sym("drvPath"))
		if a == nil {
			st.Raise(st.Errorf(eval.ErrEval, "derivation does not contain a 'drvPath' attribute"))
		}
		const ctx = "while evaluating the 'drvPath' attribute of a derivation"
		var c eval.Context
		p := st.CoerceToPath(a.Pos, a.Value, &c, ctx)
		if !isStorePath(st, p) {
			st.Raise(st.Errorf(eval.ErrEval, "path '%s' is not in the Nix store", p).WithTrace(a.Pos, ctx))
		}
		if !strings.HasSuffix(p, ".drv") {
			base := p[len(st.StoreDir())+1:]
			st.Raise(st.Errorf(eval.ErrEval, "store path '%s' is not a valid derivation path", base).WithTrace(a.Pos, ctx))
		}
		drvPath = p
	})
	return drvPath, err
}

// OutputName returns the derivation's outputName attribute ("" when it
// has none).
func (d DrvInfo) OutputName(st *eval.State) (out string, err error) {
	err = st.Run(func() {
		if a := d.Attrs.Get(st.Sym("outputName")); a != nil {
			out = st.ForceStringNoCtx(a.Value, a.Pos, "while evaluating the output name of a derivation")
		}
	})
	return out, err
}

// OutPath returns the derivation's outPath attribute, a store path.
func (d DrvInfo) OutPath(st *eval.State) (outPath string, err error) {
	err = st.Run(func() {
		a := d.Attrs.Get(st.Sym("outPath"))
		if a == nil {
			st.Raise(st.Errorf(eval.ErrEval, "derivation does not have attribute 'outPath'"))
		}
		const ctx = "while evaluating the output path of a derivation"
		var c eval.Context
		p := st.CoerceToPath(a.Pos, a.Value, &c, ctx)
		if !isStorePath(st, p) {
			st.Raise(st.Errorf(eval.ErrEval, "path '%s' is not in the Nix store", p).WithTrace(a.Pos, ctx))
		}
		outPath = p
	})
	return outPath, err
}
