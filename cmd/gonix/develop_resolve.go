package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/devenv"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
)

// developTarget is what gonix develop was asked for: a derivation, or
// an environment built before.
type developTarget struct {
	drvPath string
	// env and envPath are set for a NAME-env store path argument.
	env     *devenv.Env
	envPath string
	// dir is the flake's directory on this machine, where phases run.
	dir string
}

// resolveDevelopTarget turns the arguments into a derivation: a flake
// installable, a Nix file or directory (shell.nix, then default.nix), an
// expression (-E), a .drv path, or an environment store path.
func resolveDevelopTarget(ctx context.Context, s *streams, st *store.Store, f *developFlags, args []string) (*developTarget, error) {
	arg := "."
	if len(args) > 0 {
		arg = args[0]
	}
	switch {
	case f.build.expr:
		if len(args) != 1 {
			return nil, usageError("--expr needs one expression")
		}
		return developFromNix(ctx, s, st, f, args[0], true)
	case f.file != "":
		f.build.attrs = append(f.build.attrs, args...)
		return developFromNix(ctx, s, st, f, f.file, false)
	}
	if t, ok, err := developFromStorePath(st, arg); ok || err != nil {
		return t, err
	}
	if len(f.build.attrs) > 0 || !isDevelopFlake(arg) {
		file, err := developFile(arg)
		if err != nil {
			return nil, err
		}
		return developFromNix(ctx, s, st, f, file, false)
	}
	return developFromFlake(s, st, f, arg)
}

// isDevelopFlake reports whether a develop argument is a flake: a flake
// reference (FLAKEREF#NAME, a URL, an indirect name that is no file) or
// a directory with a flake.nix.
func isDevelopFlake(arg string) bool {
	dirWithFlake := func(p string) bool {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			return false
		}
		_, err = os.Stat(filepath.Join(p, "flake.nix"))
		return err == nil
	}
	if flake.IsInstallable(arg, dirWithFlake) {
		return true
	}
	_, err := os.Stat(arg)
	return os.IsNotExist(err) && !strings.HasSuffix(arg, ".nix") && !strings.Contains(arg, "/")
}

// developFile is the Nix file for a file or directory argument: a
// directory's shell.nix, else its default.nix (as nix-shell).
func developFile(arg string) (string, error) {
	fi, err := os.Stat(arg)
	if err != nil {
		return "", fmt.Errorf("%s: %w", arg, err)
	}
	if !fi.IsDir() {
		return arg, nil
	}
	for _, name := range []string{"shell.nix", "default.nix"} {
		p := filepath.Join(arg, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s has no flake.nix, shell.nix or default.nix", arg)
}

// developFromStorePath accepts a .drv path or a NAME-env output (what
// nix develop accepts as a store path installable).
func developFromStorePath(st *store.Store, arg string) (*developTarget, bool, error) {
	if !strings.HasPrefix(arg, string(st.Dir())+"/") && !strings.HasPrefix(arg, st.RealStoreDir()+"/") {
		return nil, false, nil
	}
	p, err := resolveStorePath(st, arg)
	if err != nil {
		return nil, true, err
	}
	switch {
	case strings.HasSuffix(p, ".drv"):
		return &developTarget{drvPath: p}, true, nil
	case strings.HasSuffix(p, devenv.EnvSuffix):
		env, err := devenv.ReadEnvPath(st, p)
		if err != nil {
			return nil, true, err
		}
		return &developTarget{env: env, envPath: p}, true, nil
	}
	return nil, true, fmt.Errorf("'%s' is neither a derivation nor an environment (NAME-env) in the store", p)
}

// developFromNix evaluates a Nix file or expression like nix-shell
// (functions called with inNixShell = true and the --arg values) and
// instantiates the one derivation it gives.
func developFromNix(ctx context.Context, s *streams, st *store.Store, f *developFlags, src string, isExpr bool) (*developTarget, error) {
	ef := &evalFlags{
		expr:       isExpr,
		searchPath: f.build.searchPath,
		attrPaths:  f.build.attrs,
		args:       append([]autoArg{{name: "inNixShell", value: "true"}}, f.build.autoArgs...),
		files:      []string{src},
	}
	opts := evalOptions(s, ef)
	bopts, err := buildOptions(st, &f.build)
	if err != nil {
		return nil, err
	}
	bopts.SandboxPaths = append(bopts.SandboxPaths, hostToolPaths()...)
	bopts.Reporter = build.ReporterFunc(func(e build.Event) {
		if e.Kind == build.EvStarted {
			fmt.Fprintf(s.err, "building '%s'...\n", e.Drv)
		}
	})
	opts.Store = evalstore.New(evalstore.Options{
		Mode:    evalstore.ReadWrite,
		Root:    st.Root,
		Open:    func() (*store.Store, error) { return st, nil },
		Build:   bopts,
		Context: ctx,
	})
	ev := builtins.New(opts)
	builtins.SetLookupFallback(ev, developLookup(s.err))
	var drvs []selectedDrv
	err = instantiateAll(ev, s.in, ef, func(d selectedDrv) error {
		drvs = append(drvs, d)
		return nil
	})
	if err != nil {
		fmt.Fprint(s.err, ev.FormatError(err))
		return nil, silentExit(exitError)
	}
	if len(drvs) != 1 {
		return nil, fmt.Errorf("'%s' needs to evaluate to a single derivation, but it evaluated to %d derivations", src, len(drvs))
	}
	return &developTarget{drvPath: drvs[0].drvPath}, nil
}

// developLookup resolves <gonix> to the embedded library and, when no
// search path entry provides nixpkgs, <nixpkgs> to the embedded package
// set too (with a note, once), so that the common
// `{ pkgs ? import <nixpkgs> { } }: pkgs.mkShell { ... }` works offline.
func developLookup(w io.Writer) func(string) (string, bool) {
	var once sync.Once
	return func(name string) (string, bool) {
		if p, ok := gonixLookup(name); ok {
			return p, true
		}
		rest, ok := strings.CutPrefix(name, "nixpkgs")
		if !ok || (rest != "" && rest[0] != '/') {
			return "", false
		}
		p, ok := gonixLookup("gonix" + rest)
		if ok {
			once.Do(func() {
				fmt.Fprintln(w, "note: <nixpkgs> not found; using gonix's embedded package set (host tools, see docs/nixpkgs-plan.md)")
			})
		}
		return p, ok
	}
}

// developFromFlake resolves a flake installable the way nix develop
// does (devShells first).
func developFromFlake(s *streams, st *store.Store, f *developFlags, arg string) (*developTarget, error) {
	e, err := newFlakeEnvWithStore(s, &f.flake, st, evalstore.ReadWrite)
	if err != nil {
		return nil, err
	}
	flags, err := e.lockFlags()
	if err != nil {
		return nil, err
	}
	inst, err := e.session.ResolveInstallable(arg, flake.InstallableOptions{Kind: flake.ForDevelop, System: f.flake.system, BaseDir: e.cwd, Lock: flags})
	if err != nil {
		return nil, e.report(err)
	}
	drv, _, err := inst.Derivation(e.state)
	if err != nil {
		return nil, e.report(err)
	}
	return &developTarget{drvPath: drv, dir: flakeLocalDir(inst)}, nil
}

// flakeLocalDir is the directory of a path: or git+file: flake on this
// machine ("" for other flakes).
func flakeLocalDir(inst *flake.Installable) string {
	if inst.Locked == nil || inst.Locked.Flake == nil {
		return ""
	}
	ref := inst.Locked.Flake.ResolvedRef
	if ref.Input == nil {
		return ""
	}
	var dir string
	switch ref.Input.Type() {
	case "path":
		dir = ref.Input.Attrs.Str("path")
	case "git":
		u, err := url.Parse(ref.Input.Attrs.Str("url"))
		if err != nil || u.Scheme != "file" {
			return ""
		}
		dir = u.Path
	default:
		return ""
	}
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, ref.Subdir)
}
