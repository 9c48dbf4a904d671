package flake

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/gonix/gonix/eval"
)

// CheckOptions control Check.
type CheckOptions struct {
	// System is the local system; derivations of other systems are not
	// checked unless AllSystems.
	System     string
	AllSystems bool
	// KeepGoing reports every error instead of stopping at the first.
	KeepGoing bool
	// Warn receives warnings; Report receives errors when KeepGoing.
	Warn   func(string)
	Report func(error)
	// AcceptConfig trusts the flake's nixConfig (otherwise each setting
	// is reported as ignored, as Nix does).
	AcceptConfig bool
}

// CheckDrv is a derivation found under checks.<system>.
type CheckDrv struct {
	AttrPath string
	DrvPath  string
	Outputs  []string
}

// CheckResult is what Check found.
type CheckResult struct {
	// Checks are the derivations of checks.<local system> to build.
	Checks []CheckDrv
	// Errors are the errors reported (only with KeepGoing; otherwise
	// Check returns the first one).
	Errors []error
	// OmittedSystems are the systems whose outputs were not checked.
	OmittedSystems []string
}

// Check evaluates every output of a locked flake and checks it against
// the flake output schema as `nix flake check` does: derivations under
// packages, devShells, checks and formatter, apps, overlays, NixOS
// modules and configurations, templates, hydraJobs, bundlers; legacy
// output names and unknown outputs give warnings.
func (x *Session) Check(lf *LockedFlake, o CheckOptions) (*CheckResult, error) {
	st := x.State
	res := &CheckResult{}
	warn := func(m string) {
		if o.Warn != nil {
			o.Warn(m)
		}
	}
	if !o.AcceptConfig {
		for _, c := range lf.Flake.Config {
			switch c.Name {
			case "bash-prompt", "bash-prompt-prefix", "bash-prompt-suffix", "flake-registry",
				"commit-lock-file-summary", "commit-lockfile-summary":
				continue // settings Nix always accepts from a flake
			}
			warn(fmt.Sprintf("ignoring untrusted flake configuration setting '%s'.\nPass '--accept-flake-config' to trust it", c.Name))
		}
	}
	omitted := map[string]bool{}
	pos := func(p eval.Pos) string { return posString(st, p) }
	// report records an error (keep going) or raises it, so that every
	// enclosing check adds its trace line on the way out, as in Nix.
	report := func(e *eval.Error) {
		if o.KeepGoing {
			res.Errors = append(res.Errors, e)
			if o.Report != nil {
				o.Report(e)
			}
			return
		}
		st.Raise(e)
	}
	// guard runs f, turning an evaluation error into a reported error
	// with a trace line.
	guard := func(p eval.Pos, trace string, f func()) {
		var plain error
		caught := st.TryCatch(func() {
			defer func() {
				if r := recover(); r != nil {
					if e, ok := r.(checkErr); ok {
						plain = e.err
						return
					}
					panic(r)
				}
			}()
			f()
		}, func(*eval.Error) bool { return true })
		switch {
		case caught != nil:
			caught.Traces = append(caught.Traces, eval.Trace{Pos: p, Msg: trace, Always: true})
			report(caught)
		case plain != nil:
			e := st.Errorf(eval.ErrEval, "%s", plain.Error())
			e.Traces = append(e.Traces, eval.Trace{Pos: p, Msg: trace, Always: true})
			report(e)
		}
	}
	fail := func(format string, args ...any) { panic(checkErr{fmt.Errorf(format, args...)}) }
	name := func(a eval.Attr) string { return st.SymName(a.Name) }
	sorted := func(as *eval.Attrs) []eval.Attr {
		all := append([]eval.Attr(nil), as.All()...)
		sort.SliceStable(all, func(i, j int) bool { return name(all[i]) < name(all[j]) })
		return all
	}
	attrs := func(v eval.Value, p eval.Pos) *eval.Attrs { return st.ForceAttrs(v, p, "") }
	argHasName := func(arg, want string) bool {
		return arg == want || arg == "_" || strings.HasPrefix(arg, "_") && arg[1:] == want
	}
	checkSystemName := func(sys string, p eval.Pos) {
		if !strings.Contains(sys, "-") {
			report(st.Errorf(eval.ErrEval, "'%s' is not a valid system type, at %s", sys, pos(p)))
		}
	}
	checkSystemType := func(sys string) bool {
		if !o.AllSystems && sys != o.System {
			omitted[sys] = true
			return false
		}
		return true
	}
	getStr := func(as *eval.Attrs, n string) (string, bool) {
		a := as.Get(st.Sym(n))
		if a == nil {
			return "", false
		}
		return st.ForceStringNoCtx(a.Value, a.Pos, ""), true
	}
	checkDerivation := func(path string, v eval.Value, p eval.Pos) (drvPath string, outs []string) {
		guard(p, fmt.Sprintf("while checking the derivation '%s'", path), func() {
			fv := st.Force(v, p)
			as, ok := fv.(*eval.Attrs)
			if !ok || !st.IsDerivation(fv) {
				fail("flake attribute '%s' is not a derivation", path)
			}
			a := as.Get(st.Sym("drvPath"))
			if a == nil {
				return
			}
			drvPath = st.ForceString(a.Value, a.Pos, "while evaluating the 'drvPath' attribute of a derivation").S
			if oa := as.Get(st.Sym("outputs")); oa != nil {
				if l, ok := st.Force(oa.Value, oa.Pos).(*eval.List); ok {
					for _, e := range l.Elems {
						outs = append(outs, st.ForceStringNoCtx(e, oa.Pos, ""))
					}
				}
			}
		})
		return
	}
	checkApp := func(path string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking the app definition '%s'", path), func() {
			as := attrs(v, p)
			if _, ok := getStr(as, "type"); !ok {
				fail("app '%s' lacks attribute 'type'", path)
			}
			a := as.Get(st.Sym("program"))
			if a == nil {
				fail("app '%s' lacks attribute 'program'", path)
			}
			st.ForceString(a.Value, a.Pos, "")
			if m := as.Get(st.Sym("meta")); m != nil {
				ma := attrs(m.Value, m.Pos)
				if _, ok := getStr(ma, "description"); !ok {
					warn(fmt.Sprintf("app '%s' lacks attribute 'meta.description'", path))
				}
			} else {
				warn(fmt.Sprintf("app '%s' lacks attribute 'meta'", path))
			}
			for _, a := range sorted(as) {
				if n := name(a); n != "type" && n != "program" && n != "meta" {
					fail("app '%s' has unsupported attribute '%s'", path, n)
				}
			}
		})
	}
	checkOverlay := func(path string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking the overlay '%s'", path), func() {
			fv := st.Force(v, p)
			lam, ok := fv.(*eval.Lambda)
			if !ok {
				fail("overlay is not a function, but %s instead", eval.ShowType(fv))
			}
			if lam.Fn.HasFormals || !argHasName(lam.Fn.ArgName, "final") {
				fail("overlay does not take an argument named 'final'")
			}
		})
	}
	checkModule := func(path string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking the NixOS module '%s'", path), func() { st.Force(v, p) })
	}
	var checkHydraJobs func(path string, v eval.Value, p eval.Pos)
	checkHydraJobs = func(path string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking the Hydra jobset '%s'", path), func() {
			as := attrs(v, p)
			if st.IsDerivation(as) {
				fail("jobset should not be a derivation at top-level")
			}
			for _, a := range sorted(as) {
				attrs(a.Value, a.Pos)
				p2 := path + "." + name(a)
				if st.IsDerivation(st.Force(a.Value, a.Pos)) {
					checkDerivation(p2, a.Value, a.Pos)
				} else {
					checkHydraJobs(p2, a.Value, a.Pos)
				}
			}
		})
	}
	checkNixOS := func(path string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking the NixOS configuration '%s'", path), func() {
			cur := v
			for _, part := range []string{"config", "system", "build", "toplevel"} {
				as := st.ForceAttrs(cur, p, "")
				a := as.Get(st.Sym(part))
				if a == nil {
					st.Raise(st.Errorf(eval.ErrEval, "attribute '%s' in selection path '%s' not found", part, "config.system.build.toplevel"))
				}
				cur = a.Value
			}
			if !st.IsDerivation(st.Force(cur, p)) {
				fail("attribute 'config.system.build.toplevel' is not a derivation")
			}
		})
	}
	checkTemplate := func(path string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking the template '%s'", path), func() {
			as := attrs(v, p)
			a := as.Get(st.Sym("path"))
			if a == nil {
				fail("template '%s' lacks attribute 'path'", path)
			}
			var ctx eval.Context
			tp := st.CoerceToPath(a.Pos, a.Value, &ctx, "")
			if _, err := os.Lstat(x.Settings.PhysicalPath(tp)); err != nil {
				fail("template '%s' refers to a non-existent path '%s'", path, tp)
			}
			if _, ok := getStr(as, "description"); !ok {
				fail("template '%s' lacks attribute 'description'", path)
			}
			for _, a := range sorted(as) {
				if n := name(a); n != "path" && n != "description" && n != "welcomeText" {
					fail("template '%s' has unsupported attribute '%s'", path, n)
				}
			}
		})
	}
	checkBundler := func(path string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking the template '%s'", path), func() {
			if !eval.IsFunction(st.Force(v, p)) {
				fail("bundler must be a function")
			}
		})
	}
	perSystem := func(out string, v eval.Value, p eval.Pos, each func(path string, v eval.Value, p eval.Pos)) {
		for _, a := range sorted(attrs(v, p)) {
			sys := name(a)
			checkSystemName(sys, a.Pos)
			if checkSystemType(sys) {
				each(out+"."+sys, a.Value, a.Pos)
			}
		}
	}
	perSystemAttrs := func(out string, v eval.Value, p eval.Pos, each func(sys, path string, v eval.Value, p eval.Pos)) {
		for _, a := range sorted(attrs(v, p)) {
			sys := name(a)
			checkSystemName(sys, a.Pos)
			if checkSystemType(sys) {
				for _, b := range sorted(attrs(a.Value, a.Pos)) {
					each(sys, out+"."+sys+"."+name(b), b.Value, b.Pos)
				}
			}
		}
	}
	deprecated := map[string]string{
		"defaultPackage": "packages.<system>.default", "defaultApp": "apps.<system>.default",
		"defaultTemplate": "templates.default", "defaultBundler": "bundlers.<system>.default",
		"overlay": "overlays.default", "devShell": "devShells.<system>.default", "nixosModule": "nixosModules.default",
	}
	community := map[string]bool{"lib": true, "darwinConfigurations": true, "darwinModules": true, "flakeModule": true,
		"flakeModules": true, "herculesCI": true, "homeConfigurations": true, "homeModule": true, "homeModules": true,
		"nixopsConfigurations": true}

	checkOutput := func(out string, v eval.Value, p eval.Pos) {
		guard(p, fmt.Sprintf("while checking flake output '%s'", out), func() {
			st.Force(v, p)
			if r := deprecated[out]; r != "" {
				warn(fmt.Sprintf("flake output attribute '%s' is deprecated; use '%s' instead", out, r))
			}
			switch out {
			case "checks":
				perSystemAttrs(out, v, p, func(sys, path string, v eval.Value, p eval.Pos) {
					drv, outs := checkDerivation(path, v, p)
					if drv == "" {
						return
					}
					if sys == o.System {
						res.Checks = append(res.Checks, CheckDrv{AttrPath: path, DrvPath: drv, Outputs: outs})
					}
				})
			case "formatter", "defaultPackage", "devShell":
				perSystem(out, v, p, func(path string, v eval.Value, p eval.Pos) { checkDerivation(path, v, p) })
			case "packages", "devShells":
				perSystemAttrs(out, v, p, func(_, path string, v eval.Value, p eval.Pos) { checkDerivation(path, v, p) })
			case "apps":
				perSystemAttrs(out, v, p, func(_, path string, v eval.Value, p eval.Pos) { checkApp(path, v, p) })
			case "defaultApp":
				perSystem(out, v, p, checkApp)
			case "legacyPackages":
				for _, a := range sorted(attrs(v, p)) {
					checkSystemName(name(a), a.Pos)
					checkSystemType(name(a))
				}
			case "overlay":
				checkOverlay(out, v, p)
			case "overlays":
				for _, a := range sorted(attrs(v, p)) {
					checkOverlay(out+"."+name(a), a.Value, a.Pos)
				}
			case "nixosModule":
				checkModule(out, v, p)
			case "nixosModules":
				for _, a := range sorted(attrs(v, p)) {
					checkModule(out+"."+name(a), a.Value, a.Pos)
				}
			case "nixosConfigurations":
				for _, a := range sorted(attrs(v, p)) {
					checkNixOS(out+"."+name(a), a.Value, a.Pos)
				}
			case "hydraJobs":
				checkHydraJobs(out, v, p)
			case "defaultTemplate":
				checkTemplate(out, v, p)
			case "templates":
				for _, a := range sorted(attrs(v, p)) {
					checkTemplate(out+"."+name(a), a.Value, a.Pos)
				}
			case "defaultBundler":
				perSystem(out, v, p, checkBundler)
			case "bundlers":
				perSystemAttrs(out, v, p, func(_, path string, v eval.Value, p eval.Pos) { checkBundler(path, v, p) })
			default:
				if !community[out] {
					warn(fmt.Sprintf("unknown flake output '%s'", out))
				}
			}
		})
	}

	outs, oerr := x.Outputs(lf)
	if oerr != nil {
		return nil, oerr
	}
	runErr := st.Run(func() {
		if a := outs.Get(st.Sym("hydraJobs")); a != nil {
			checkOutput("hydraJobs", a.Value, a.Pos)
		}
		for _, a := range sorted(outs) {
			if n := name(a); n != "hydraJobs" {
				checkOutput(n, a.Value, a.Pos)
			}
		}
	})
	if runErr != nil {
		return nil, runErr
	}
	for sys := range omitted {
		res.OmittedSystems = append(res.OmittedSystems, sys)
	}
	sort.Strings(res.OmittedSystems)
	return res, nil
}

// checkErr is a schema violation raised inside a guarded check.
type checkErr struct{ err error }
