package flake

import (
	"fmt"
	"io"
	"strings"

	"github.com/gonix/gonix/eval"
)

// ShowOptions control Show.
type ShowOptions struct {
	// Legacy shows the contents of legacyPackages.
	Legacy bool
	// AllSystems shows outputs of every system, not only System.
	AllSystems bool
	// System is the local system ("x86_64-linux").
	System string
	// JSON selects the JSON result; otherwise a tree is written to Out.
	JSON bool
	// Out receives the tree; Warn receives warnings.
	Out  io.Writer
	Warn func(string)
	// Color adds Nix's ANSI colours to the tree.
	Color bool
}

// Outputs evaluates a locked flake and returns its outputs attribute.
func (x *Session) Outputs(lf *LockedFlake) (*eval.Attrs, error) {
	v, err := x.CallFlake(lf)
	if err != nil {
		return nil, err
	}
	var outs *eval.Attrs
	err = x.State.Run(func() {
		as := x.State.ForceAttrs(v, eval.NoPos, "while evaluating the flake")
		a := as.Get(x.State.Sym("outputs"))
		outs = x.State.ForceAttrs(a.Value, eval.NoPos, "while evaluating the flake outputs")
	})
	return outs, err
}

// Show lists a flake's outputs as `nix flake show` does, returning the
// JSON form (or printing the tree).
func (x *Session) Show(lf *LockedFlake, o ShowOptions) (*JSONValue, error) {
	outs, err := x.Outputs(lf)
	if err != nil {
		return nil, err
	}
	st := x.State
	green, bold, warnc, normal := "", "", "", ""
	if o.Color {
		green, bold, warnc, normal = "\x1b[32;1m", "\x1b[1m", "\x1b[35;1m", "\x1b[0m"
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	warn := func(m string) {
		if o.Warn != nil {
			o.Warn(m)
		}
	}
	isDrv := func(v eval.Value) bool {
		as, ok := st.Force(v, eval.NoPos).(*eval.Attrs)
		if !ok {
			return false
		}
		t := as.Get(st.Sym("type"))
		if t == nil {
			return false
		}
		s, ok := st.Force(t.Value, eval.NoPos).(*eval.String)
		return ok && s.S == "derivation"
	}
	getStr := func(as *eval.Attrs, name string) (string, bool) {
		a := as.Get(st.Sym(name))
		if a == nil {
			return "", false
		}
		return st.ForceStringNoCtx(a.Value, a.Pos, ""), true
	}
	attrsOf := func(v eval.Value) *eval.Attrs { return st.ForceAttrs(v, eval.NoPos, "") }
	sortedAttrs := func(as *eval.Attrs) []eval.Attr {
		all := append([]eval.Attr(nil), as.All()...)
		for i := 1; i < len(all); i++ {
			for j := i; j > 0 && st.SymName(all[j].Name) < st.SymName(all[j-1].Name); j-- {
				all[j], all[j-1] = all[j-1], all[j]
			}
		}
		return all
	}
	in := func(s string, set ...string) bool {
		for _, x := range set {
			if s == x {
				return true
			}
		}
		return false
	}
	var hasContent func(v eval.Value, path []string) bool
	hasContent = func(v eval.Value, path []string) bool {
		res := true
		st.TryCatch(func() {
			if (in(path[0], "apps", "checks", "devShells", "legacyPackages", "packages") && (len(path) == 1 || len(path) == 2)) ||
				(len(path) == 1 && in(path[0], "formatter", "nixosConfigurations", "nixosModules", "overlays")) {
				as, isAttrs := st.Force(v, eval.NoPos).(*eval.Attrs)
				if !isAttrs {
					return
				}
				res = false
				for _, a := range sortedAttrs(as) {
					if hasContent(a.Value, append(append([]string(nil), path...), st.SymName(a.Name))) {
						res = true
						return
					}
				}
			}
		}, func(*eval.Error) bool { res = true; return true })
		return res
	}
	var visit func(v eval.Value, path []string, header, next string) *JSONValue
	visit = func(v eval.Value, path []string, header, next string) *JSONValue {
		j := NewObject()
		p0 := ""
		if len(path) > 0 {
			p0 = path[0]
		}
		body := func() {
			recurse := func() {
				if !o.JSON {
					fmt.Fprintln(out, header)
				}
				as := attrsOf(v)
				var keep []eval.Attr
				for _, a := range sortedAttrs(as) {
					if hasContent(a.Value, append(append([]string(nil), path...), st.SymName(a.Name))) {
						keep = append(keep, a)
					}
				}
				for i, a := range keep {
					last := i == len(keep)-1
					conn, nn := treeConn, treeLine
					if last {
						conn, nn = treeLast, treeNull
					}
					name := st.SymName(a.Name)
					j2 := visit(a.Value, append(append([]string(nil), path...), name),
						fmt.Sprintf("%s%s%s%s%s%s", green, next, conn, normal+bold, name, normal), next+nn)
					if o.JSON {
						j.Set(name, j2)
					}
				}
			}
			showDerivation := func() {
				as := attrsOf(v)
				name, _ := getStr(as, "name")
				if o.JSON {
					desc := ""
					if m := as.Get(st.Sym("meta")); m != nil {
						if ma, ok := st.Force(m.Value, eval.NoPos).(*eval.Attrs); ok {
							desc, _ = getStr(ma, "description")
						}
					}
					j.Set("type", JSONString("derivation"))
					j.Set("name", JSONString(name))
					j.Set("description", JSONString(desc))
					return
				}
				kind := "package"
				switch {
				case len(path) == 2 && p0 == "devShell", len(path) >= 2 && p0 == "devShells":
					kind = "development environment"
				case len(path) == 3 && p0 == "checks", len(path) >= 1 && p0 == "hydraJobs":
					kind = "derivation"
				}
				fmt.Fprintf(out, "%s: %s '%s'\n", header, kind, name)
			}
			omitted := func(why string) {
				if !o.JSON {
					fmt.Fprintf(out, "%s %somitted%s (use '%s' to show)\n", header, warnc, normal, why)
				} else {
					warn(fmt.Sprintf("%s omitted (use '%s' to show)", strings.Join(path, "."), why))
				}
			}
			switch {
			case len(path) == 0 ||
				len(path) == 1 && in(p0, "defaultPackage", "devShell", "formatter", "nixosConfigurations", "nixosModules", "defaultApp", "templates", "overlays") ||
				(len(path) == 1 || len(path) == 2) && in(p0, "checks", "packages", "devShells", "apps"):
				recurse()
			case len(path) == 2 && in(p0, "defaultPackage", "devShell", "formatter") ||
				len(path) == 3 && in(p0, "checks", "packages", "devShells"):
				if !o.AllSystems && path[1] != o.System {
					omitted("--all-systems")
				} else if isDrv(v) {
					showDerivation()
				} else {
					warn(fmt.Sprintf("%s is not a derivation", strings.Join(path, ".")))
				}
			case len(path) > 0 && p0 == "hydraJobs":
				if isDrv(v) {
					showDerivation()
				} else {
					recurse()
				}
			case len(path) > 0 && p0 == "legacyPackages":
				switch {
				case len(path) == 1:
					recurse()
				case !o.Legacy:
					omitted("--legacy")
				case !o.AllSystems && path[1] != o.System:
					omitted("--all-systems")
				case isDrv(v):
					showDerivation()
				case len(path) <= 2:
					recurse()
				}
			case len(path) == 2 && p0 == "defaultApp" || len(path) == 3 && p0 == "apps":
				as := attrsOf(v)
				desc, hasDesc := "", false
				if m := as.Get(st.Sym("meta")); m != nil {
					if ma, ok := st.Force(m.Value, eval.NoPos).(*eval.Attrs); ok {
						desc, hasDesc = getStr(ma, "description")
					}
				}
				if t, ok := getStr(as, "type"); !ok || t != "app" {
					st.Raise(st.Errorf(eval.ErrEval, "not an app definition"))
				}
				if o.JSON {
					j.Set("type", JSONString("app"))
					if hasDesc {
						j.Set("description", JSONString(desc))
					}
				} else {
					if !hasDesc {
						desc = "no description"
					}
					fmt.Fprintf(out, "%s: app: %s%s%s\n", header, bold, desc, normal)
				}
			case len(path) == 1 && p0 == "defaultTemplate" || len(path) == 2 && p0 == "templates":
				as := attrsOf(v)
				a := st.GetAttr(as, st.Sym("description"), "")
				desc := st.ForceStringNoCtx(a.Value, a.Pos, "")
				if o.JSON {
					j.Set("type", JSONString("template"))
					j.Set("description", JSONString(desc))
				} else {
					fmt.Fprintf(out, "%s: template: %s%s%s\n", header, bold, desc, normal)
				}
			default:
				typ, desc := "unknown", "unknown"
				switch {
				case len(path) == 1 && p0 == "overlay" || len(path) == 2 && p0 == "overlays":
					typ, desc = "nixpkgs-overlay", "Nixpkgs overlay"
				case len(path) == 2 && p0 == "nixosConfigurations":
					typ, desc = "nixos-configuration", "NixOS configuration"
				case len(path) == 1 && p0 == "nixosModule" || len(path) == 2 && p0 == "nixosModules":
					typ, desc = "nixos-module", "NixOS module"
				}
				if o.JSON {
					j.Set("type", JSONString(typ))
				} else {
					fmt.Fprintf(out, "%s: %s%s%s\n", header, warnc, desc, normal)
				}
			}
		}
		if p0 == "legacyPackages" {
			st.TryCatch(body, func(*eval.Error) bool { return true })
		} else {
			body()
		}
		return j
	}
	var res *JSONValue
	err = st.Run(func() {
		res = visit(outs, nil, bold+lf.Flake.LockedRef.String()+normal, "")
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
