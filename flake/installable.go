package flake

import (
	"fmt"
	"strings"

	"github.com/gonix/gonix/eval"
)

// InstallableKind selects the default attributes of an installable, as
// the Nix command using it does.
type InstallableKind int

// Installable kinds.
const (
	// ForBuild is `nix build`: packages.<system>.default,
	// defaultPackage.<system>; NAME is packages.<system>.NAME or
	// legacyPackages.<system>.NAME.
	ForBuild InstallableKind = iota
	// ForDevelop is `nix develop`: devShells.<system>.default,
	// devShell.<system>, then the package defaults; NAME is also looked up
	// in devShells.<system>.
	ForDevelop
	// ForRun is `nix run`: apps.<system>.default, defaultApp.<system>,
	// then the package defaults; NAME is also looked up in
	// apps.<system>.
	ForRun
)

// InstallableOptions control ResolveInstallable.
type InstallableOptions struct {
	Kind InstallableKind
	// System replaces <system> ("x86_64-linux").
	System string
	// BaseDir resolves relative flake references (the working directory).
	BaseDir string
	// Lock are the lock flags (by default the lock file is updated and
	// written, as `nix build` does).
	Lock LockFlags
}

// Installable is a resolved "FLAKEREF#ATTRPATH^OUTPUTS".
type Installable struct {
	Ref      Ref
	Fragment string
	Outputs  OutputsSpec
	// AttrPath is the attribute path that was found.
	AttrPath string
	Locked   *LockedFlake
	// Value is the selected value, in weak head normal form.
	Value eval.Value
}

// DefaultAttrPaths returns the attribute paths tried, in order, for an
// installable without a fragment, and the prefixes tried before a
// fragment.
func DefaultAttrPaths(kind InstallableKind, system string) (paths, prefixes []string) {
	pkgPaths := []string{"packages." + system + ".default", "defaultPackage." + system}
	pkgPrefixes := []string{"packages." + system + ".", "legacyPackages." + system + "."}
	switch kind {
	case ForDevelop:
		return append([]string{"devShells." + system + ".default", "devShell." + system}, pkgPaths...),
			append([]string{"devShells." + system + "."}, pkgPrefixes...)
	case ForRun:
		return append([]string{"apps." + system + ".default", "defaultApp." + system}, pkgPaths...),
			append([]string{"apps." + system + "."}, pkgPrefixes...)
	}
	return pkgPaths, pkgPrefixes
}

// ResolveInstallable is the installable resolution behind `gonix build
// FLAKEREF#ATTR` and `gonix develop FLAKEREF`: it parses the argument,
// locks the flake (writing flake.lock unless o.Lock says otherwise),
// evaluates its outputs and selects the attribute the way Nix does for
// the kind of command. Callers get the value; Derivation gives the .drv
// path and outputs to build.
func ResolveInstallable(st *eval.State, s *Settings, arg string, o InstallableOptions) (*Installable, error) {
	return NewSession(s, st).ResolveInstallable(arg, o)
}

// ResolveInstallable resolves an installable in this session.
func (x *Session) ResolveInstallable(arg string, o InstallableOptions) (*Installable, error) {
	refStr, outs := SplitOutputsSpec(arg)
	ref, frag, err := ParseRefWithFragment(refStr, ParseOptions{BaseDir: o.BaseDir, Warn: x.Settings.Warn, Notice: x.Settings.Notice})
	if err != nil {
		return nil, err
	}
	lf, err := x.LockFlake(ref, o.Lock)
	if err != nil {
		return nil, err
	}
	outputs, err := x.Outputs(lf)
	if err != nil {
		return nil, err
	}
	paths, prefixes := DefaultAttrPaths(o.Kind, o.System)
	if frag != "" {
		paths = attrPathCandidates(frag, prefixes)
	}
	inst := &Installable{Ref: ref, Fragment: frag, Outputs: outs, Locked: lf}
	err = x.State.Run(func() {
		v, p := findAttrPath(x.State, outputs, paths, lf.Flake.ResolvedRef.String())
		inst.Value = x.State.Force(v, eval.NoPos)
		inst.AttrPath = p
	})
	if err != nil {
		return nil, err
	}
	return inst, nil
}

// Derivation returns the .drv path of the installable's value and the
// outputs to build: the ^OUTPUTS given, or meta.outputsToInstall, or the
// derivation's outputName ("out").
func (inst *Installable) Derivation(st *eval.State) (drvPath string, outputs []string, err error) {
	err = st.Run(func() {
		as, ok := st.Force(inst.Value, eval.NoPos).(*eval.Attrs)
		if !ok || !st.IsDerivation(as) {
			st.Raise(st.Errorf(eval.ErrEval, "flake output attribute '%s' is not a derivation or path", inst.AttrPath))
		}
		a := st.GetAttr(as, st.Sym("drvPath"), "while evaluating the derivation's drvPath")
		drvPath = st.ForceString(a.Value, a.Pos, "while evaluating the 'drvPath' attribute of a derivation").S
		switch {
		case inst.Outputs.All:
			outputs = nil
		case len(inst.Outputs.Names) > 0:
			outputs = inst.Outputs.Names
		default:
			outputs = defaultOutputs(st, as)
		}
	})
	return drvPath, outputs, err
}

// defaultOutputs are meta.outputsToInstall or the outputName.
func defaultOutputs(st *eval.State, as *eval.Attrs) []string {
	if m := as.Get(st.Sym("meta")); m != nil {
		if ma, ok := st.Force(m.Value, m.Pos).(*eval.Attrs); ok {
			if oa := ma.Get(st.Sym("outputsToInstall")); oa != nil {
				if l, ok := st.Force(oa.Value, oa.Pos).(*eval.List); ok && len(l.Elems) > 0 {
					var out []string
					for _, e := range l.Elems {
						out = append(out, st.ForceStringNoCtx(e, oa.Pos, "while evaluating meta.outputsToInstall"))
					}
					return out
				}
			}
		}
	}
	if on := as.Get(st.Sym("outputName")); on != nil {
		return []string{st.ForceStringNoCtx(on.Value, on.Pos, "while evaluating the outputName of a derivation")}
	}
	return []string{"out"}
}

// IsInstallable reports whether a command-line argument names a flake
// installable rather than a Nix file: it has a '#' fragment, a flake URL
// scheme (path:, git+..., github:, flake:, ...), or is a directory with a
// flake.nix and no default.nix.
func IsInstallable(arg string, dirHasFlakeOnly func(string) bool) bool {
	if strings.Contains(arg, "#") {
		return true
	}
	if scheme, ok := schemeOf(arg); ok {
		switch {
		case scheme == "path", scheme == "flake", scheme == "github", scheme == "gitlab", scheme == "sourcehut",
			strings.HasPrefix(scheme, "git+"), strings.HasPrefix(scheme, "tarball+"), strings.HasPrefix(scheme, "file+"),
			strings.HasPrefix(scheme, "hg+"):
			return true
		}
	}
	return dirHasFlakeOnly != nil && dirHasFlakeOnly(arg)
}

// String renders the installable like Nix prints it.
func (inst *Installable) String() string {
	return fmt.Sprintf("%s#%s", inst.Locked.Flake.LockedRef, inst.AttrPath)
}
