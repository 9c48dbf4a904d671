package builtins

import (
	_ "embed"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// derivationNix defines builtins.derivation on top of derivationStrict
// (our own formulation of Nix's derivation wrapper).
//
//go:embed derivation.nix
var derivationNix string

// fetchurlNix is <nix/fetchurl.nix>.
//
//go:embed fetchurl.nix
var fetchurlNix string

func init() { addFamily("derivation", 0, registerDerivation) }

func registerDerivation(r *eval.Registry) {
	prim(r, "derivationStrict", 1, primDerivationStrict)
	r.NixExpr("derivation", "derivation-internal.nix", derivationNix)
	r.CorePackage("fetchurl.nix", fetchurlNix)
	prim(r, "placeholder", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		out := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.placeholder")
		return eval.NewString(storepath.Placeholder(out))
	})
}

// drvState is the per-evaluation derivation bookkeeping: the resolver
// that memoises hashes modulo, and the derivations instantiated so far
// (a read-only evaluation writes none of them).
type drvState struct {
	resolver *derivation.Resolver
	drvs     map[string]*derivation.Derivation
}

type drvStateKey struct{}

func getDrvState(st *eval.State) *drvState {
	return st.Ext(drvStateKey{}, func() any {
		ds := &drvState{drvs: map[string]*derivation.Derivation{}}
		dir := storepath.Dir(st.StoreDir())
		ds.resolver = derivation.NewResolver(dir, func(p string) (*derivation.Derivation, error) {
			if d, ok := ds.drvs[p]; ok {
				return d, nil
			}
			data, err := os.ReadFile(realPath(st, p))
			if err != nil {
				return nil, err
			}
			name := strings.TrimSuffix(filepath.Base(p)[33:], ".drv")
			return derivation.Parse(data, name)
		})
		return ds
	}).(*drvState)
}

func primDerivationStrict(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	attrs := st.ForceAttrs(args[0], eval.NoPos, "while evaluating the argument passed to builtins.derivationStrict")
	nameAttr := st.GetAttr(attrs, st.Sym("name"), "in the attrset passed as argument to builtins.derivationStrict")
	var name string
	withTracePos(st, nameAttr.Pos, "while evaluating the derivation attribute 'name'", func() {
		name = st.ForceStringNoCtx(nameAttr.Value, eval.NoPos, "while evaluating the `name` attribute passed to builtins.derivationStrict")
	})
	var res eval.Value
	err := st.TryCatch(func() { res = derivationStrictInternal(st, name, attrs) }, func(*eval.Error) bool { return true })
	if err != nil {
		err.Traces = append(err.Traces, eval.Trace{
			Msg:    "while evaluating derivation '" + name + "'\n  whose name attribute is located at " + st.Locate(nameAttr.Pos).String(),
			Always: true,
		})
		st.Raise(err)
	}
	return res
}

// withTracePos runs f, adding a positioned trace line to errors.
func withTracePos(st *eval.State, pos eval.Pos, msg string, f func()) {
	ok := false
	defer func() {
		if !ok {
			st.AddTraceOnError(pos, msg)
		}
	}()
	f()
	ok = true
}

func derivationStrictInternal(st *eval.State, name string, attrs *eval.Attrs) eval.Value {
	if err := storepath.CheckName(name); err != nil {
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "invalid name") {
			msg = msg[i+2:]
		}
		st.Raise(st.Errorf(eval.ErrEval, "invalid derivation name: %s. Please pass a different 'name'.", msg))
	}
	pos := st.DeterminePos(attrs, eval.NoPos)
	structured := false
	if a := attrs.Get(st.Sym("__structuredAttrs")); a != nil {
		structured = st.ForceBool(a.Value, eval.NoPos, "while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict")
	}
	ignoreNulls := false
	if a := attrs.Get(st.Sym("__ignoreNulls")); a != nil {
		ignoreNulls = st.ForceBool(a.Value, eval.NoPos, "while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict")
	}
	drv := &derivation.Derivation{Name: name, Env: map[string]string{}, InputDrvs: map[string][]string{}}
	var ctx eval.Context
	var outputHash, outputHashAlgo, hashMode string
	haveHash := false
	outputs := []string{"out"}
	jsonAttrs := map[string]string{}
	all := attrs.All()
	for _, j := range sortedByName(st, all) {
		a := all[j]
		key := st.SymName(a.Name)
		if key == "__ignoreNulls" {
			continue
		}
		withTracePos(st, a.Pos, "while evaluating attribute '"+key+"' of derivation '"+name+"'", func() {
			if ignoreNulls {
				if _, isNull := st.Force(a.Value, eval.NoPos).(eval.Null); isNull {
					return
				}
			}
			switch key {
			case "__contentAddressed", "__impure":
				if st.ForceBool(a.Value, eval.NoPos, "") {
					st.Raise(st.Errorf(eval.ErrEval, "content-addressed and impure derivations are not supported"))
				}
				return
			case "args":
				for _, e := range st.ForceList(a.Value, pos, "") {
					drv.Args = append(drv.Args, st.CoerceToString(eval.NoPos, e, &ctx, "while evaluating an element of the argument list", eval.CoerceOptions{CoerceMore: true, CopyToStore: true}))
				}
				return
			}
			if structured {
				if key == "__structuredAttrs" {
					return
				}
				jsonAttrs[key] = toJSON(st, a.Value, true, pos, &ctx)
				switch key {
				case "builder":
					s := st.ForceString(a.Value, pos, "")
					ctx = ctx.Merge(s.Context())
					drv.Builder = s.S
				case "system":
					drv.Platform = st.ForceStringNoCtx(a.Value, pos, "")
				case "outputHash":
					outputHash, haveHash = st.ForceStringNoCtx(a.Value, pos, ""), true
				case "outputHashAlgo":
					outputHashAlgo = st.ForceStringNoCtx(a.Value, pos, "")
				case "outputHashMode":
					hashMode = checkHashMode(st, st.ForceStringNoCtx(a.Value, pos, ""))
				case "allowedReferences", "allowedRequisites", "disallowedReferences", "disallowedRequisites", "maxSize", "maxClosureSize":
					st.WarnAt(fmt.Sprintf("'structuredAttrs' disables the effect of the derivation attribute '%[1]s'; use 'outputChecks.<output>.%[1]s' instead", key),
						a.Pos, []eval.Trace{{Msg: "while evaluating derivation '" + name + "'"}})
				case "outputs":
					var ss []string
					for _, e := range st.ForceList(a.Value, pos, "") {
						ss = append(ss, st.ForceStringNoCtx(e, pos, ""))
					}
					outputs = checkOutputs(st, ss)
				}
				return
			}
			s := st.CoerceToString(eval.NoPos, a.Value, &ctx, "", eval.CoerceOptions{CoerceMore: true, CopyToStore: true})
			if key == "__json" {
				drv.Env["__json"] = s
				return
			}
			drv.Env[key] = s
			switch key {
			case "builder":
				drv.Builder = s
			case "system":
				drv.Platform = s
			case "outputHash":
				outputHash, haveHash = s, true
			case "outputHashAlgo":
				outputHashAlgo = s
			case "outputHashMode":
				hashMode = checkHashMode(st, s)
			case "outputs":
				outputs = checkOutputs(st, strings.Fields(s))
			}
		})
	}
	if structured {
		keys := make([]string, 0, len(jsonAttrs))
		for k := range jsonAttrs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			w := &jsonWriter{st: st, b: &b}
			w.str(k)
			b.WriteByte(':')
			b.WriteString(jsonAttrs[k])
		}
		b.WriteByte('}')
		drv.Env["__json"] = b.String()
	}
	ds := getDrvState(st)
	srcs := map[string]bool{}
	for _, c := range ctx {
		switch {
		case strings.HasPrefix(c, "="):
			for _, p := range ds.closure(st, c[1:]) {
				srcs[p] = true
				if strings.HasSuffix(p, ".drv") {
					if d, err := ds.resolver.Load(p); err == nil {
						drv.InputDrvs[p] = d.OutputNames()
					}
				}
			}
		case strings.HasPrefix(c, "!"):
			out, dp, _ := strings.Cut(c[1:], "!")
			drv.InputDrvs[dp] = appendUnique(drv.InputDrvs[dp], out)
		default:
			srcs[c] = true
		}
	}
	for p := range srcs {
		drv.InputSrcs = append(drv.InputSrcs, p)
	}
	sort.Strings(drv.InputSrcs)
	if drv.Builder == "" {
		st.Raise(st.Errorf(eval.ErrEval, "required attribute 'builder' missing"))
	}
	if drv.Platform == "" {
		st.Raise(st.Errorf(eval.ErrEval, "required attribute 'system' missing"))
	}
	if strings.HasSuffix(name, ".drv") {
		st.Raise(st.Errorf(eval.ErrEval, "derivation names are allowed to end in '%s' only if they produce a single derivation file", ".drv"))
	}
	drv.Outputs = map[string]derivation.Output{}
	if haveHash {
		if len(outputs) != 1 || outputs[0] != "out" {
			st.Raise(st.Errorf(eval.ErrEval, "multiple outputs are not supported in fixed-output derivations"))
		}
		method := storepath.Flat
		switch hashMode {
		case "recursive", "nar":
			method = storepath.NAR
		case "text":
			method = storepath.Text
		}
		var algo nixhash.Algo
		if outputHashAlgo != "" {
			algo = parseHashAlgo(st, outputHashAlgo)
		}
		var h nixhash.Hash
		if outputHash == "" {
			if algo == 0 {
				algo = nixhash.SHA256
			}
			h, _ = nixhash.New(algo, make([]byte, algo.Size()))
		} else {
			var err error
			h, _, err = nixhash.ParseAny(outputHash, algo)
			if err != nil {
				st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
			}
		}
		drv.Outputs["out"] = derivation.FixedOutput(method, h)
	} else {
		for _, o := range outputs {
			drv.Outputs[o] = derivation.Output{}
		}
	}
	drvPath, _, err := ds.resolver.Instantiate(drv)
	if err != nil {
		st.Raise(st.Errorf(eval.ErrEval, "%s", err.Error()))
	}
	ds.drvs[drvPath] = drv
	if w, ok := st.Store().(DerivationWriter); ok {
		if err := w.AddDerivation(st, drvPath, drv); err != nil {
			st.Raise(storeErr(st, err))
		}
	}
	b := eval.NewAttrsBuilder(1 + len(drv.Outputs))
	b.Add(st.Sym("drvPath"), eval.NewStringCtx(drvPath, eval.Context{"=" + drvPath}), eval.NoPos)
	for name, o := range drv.Outputs {
		b.Add(st.Sym(name), eval.NewStringCtx(o.Path, eval.Context{"!" + name + "!" + drvPath}), eval.NoPos)
	}
	return b.Finish(eval.NoPos)
}

// checkHashMode validates an outputHashMode value as Nix does when it
// meets the attribute.
func checkHashMode(st *eval.State, s string) string {
	switch s {
	case "flat", "recursive", "nar", "text":
		return s
	case "git":
		st.Raise(st.Errorf(eval.ErrEval, "experimental Nix feature 'git-hashing' is disabled; add '--extra-experimental-features git-hashing' to enable it"))
	}
	st.Raise(st.Errorf(eval.ErrEval, "invalid value '%s' for 'outputHashMode' attribute", s))
	return ""
}

func appendUnique(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	ss = append(ss, s)
	sort.Strings(ss)
	return ss
}

func checkOutputs(st *eval.State, ss []string) []string {
	seen := map[string]bool{}
	for _, o := range ss {
		if seen[o] {
			st.Raise(st.Errorf(eval.ErrEval, "duplicate derivation output '%s'", o))
		}
		if o == "drvPath" {
			st.Raise(st.Errorf(eval.ErrEval, "invalid derivation output name 'drvPath'"))
		}
		seen[o] = true
	}
	if len(ss) == 0 {
		st.Raise(st.Errorf(eval.ErrEval, "derivation cannot have an empty set of outputs"))
	}
	return ss
}

// closure returns the store paths a .drv refers to, transitively
// (itself included), from the derivations of this evaluation or the
// store directory.
func (ds *drvState) closure(st *eval.State, p string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		if !strings.HasSuffix(p, ".drv") {
			return
		}
		d, err := ds.resolver.Load(p)
		if err != nil {
			return
		}
		for _, s := range d.InputSrcs {
			walk(s)
		}
		for dp := range d.InputDrvs {
			walk(dp)
		}
	}
	walk(p)
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
