package main

import (
	"os"
	"path/filepath"

	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
)

// isFlakeInstallable reports whether a gonix build (or develop) argument
// names a flake installable ("FLAKEREF#ATTR", a flake URL, or a directory
// with a flake.nix and no default.nix) rather than a Nix file.
func isFlakeInstallable(arg string) bool {
	return flake.IsInstallable(arg, func(p string) bool {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			return false
		}
		_, errFlake := os.Stat(filepath.Join(p, "flake.nix"))
		_, errDefault := os.Stat(filepath.Join(p, "default.nix"))
		return errFlake == nil && errDefault != nil
	})
}

// flakeInstallable is a resolved installable: the .drv to build and the
// outputs that get result links.
type flakeInstallable struct {
	drvPath string
	outputs []string // nil: all
	attr    string
}

// resolveFlakeInstallables resolves installables for gonix build
// (kind flake.ForBuild) or develop (flake.ForDevelop): each flake is
// locked (flake.lock written when it changes, as nix build does),
// evaluated with derivations written to st, and the attribute selected.
func resolveFlakeInstallables(s *streams, st *store.Store, args []string, kind flake.InstallableKind, fa *flakeArgs) ([]flakeInstallable, error) {
	if fa == nil {
		fa = &flakeArgs{}
	}
	e, err := newFlakeEnvWithStore(s, fa, st, evalstore.ReadWrite)
	if err != nil {
		return nil, err
	}
	flags, err := e.lockFlags()
	if err != nil {
		return nil, err
	}
	var out []flakeInstallable
	for _, a := range args {
		inst, err := e.session.ResolveInstallable(a, flake.InstallableOptions{Kind: kind, System: fa.system, BaseDir: e.cwd, Lock: flags})
		if err != nil {
			return nil, e.report(err)
		}
		drv, outs, err := inst.Derivation(e.state)
		if err != nil {
			return nil, e.report(err)
		}
		out = append(out, flakeInstallable{drvPath: drv, outputs: outs, attr: inst.AttrPath})
	}
	return out, nil
}

// flakeBuildTargets turns flake installables into gonix build targets.
func flakeBuildTargets(s *streams, st *store.Store, args []string) ([]buildTarget, error) {
	insts, err := resolveFlakeInstallables(s, st, args, flake.ForBuild, nil)
	if err != nil {
		return nil, err
	}
	var targets []buildTarget
	for _, in := range insts {
		t := buildTarget{req: build.Request{DrvPath: in.drvPath, Outputs: in.outputs}, links: in.outputs}
		if in.outputs == nil {
			d, err := st.ReadDerivation(in.drvPath)
			if err != nil {
				return nil, err
			}
			t.links = d.OutputNames()
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// allFlakeInstallables reports whether every gonix build argument is a
// flake installable (see isFlakeInstallable).
func allFlakeInstallables(args []string) bool {
	for _, a := range args {
		if !isFlakeInstallable(a) {
			return false
		}
	}
	return len(args) > 0
}
