package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/evalstore"
)

func newFlakeCheckCmd(s *streams) *cobra.Command {
	fa := &flakeArgs{}
	var noBuild, allSystems, keepGoing, noLint bool
	cmd := flakeCommand(s, "check [FLAKEREF] [--no-build] [--all-systems] [--keep-going] [--no-lint]",
		"Check a flake: outputs, builds of checks and lints, with one exit status",
		`Evaluate every output of the flake and check it against the flake output
schema as 'nix flake check' does (packages, devShells, checks, formatter,
apps, overlays, nixosModules, nixosConfigurations, templates, hydraJobs,
bundlers, legacyPackages; deprecated and unknown outputs give warnings),
build checks.<system> for the local system (unless --no-build), then run
'gonix check' on the flake's Nix files (unless --no-lint). Exit status 1
when anything failed: one command for CI.`, fa, func(args []string) error {
			arg, err := oneFlakeArg(args)
			if err != nil {
				return err
			}
			return runFlakeCheck(s, fa, arg, noBuild, allSystems, keepGoing, noLint)
		})
	fl := cmd.Flags()
	fl.BoolVar(&noBuild, "no-build", false, "do not build checks")
	fl.BoolVar(&allSystems, "all-systems", false, "check the outputs for all systems")
	fl.BoolVarP(&keepGoing, "keep-going", "k", false, "report every error instead of stopping at the first")
	fl.BoolVar(&noLint, "no-lint", false, "do not run gonix check on the flake's files")
	return cmd
}

func runFlakeCheck(s *streams, fa *flakeArgs, arg string, noBuild, allSystems, keepGoing, noLint bool) error {
	mode := evalstore.ReadWrite
	if noBuild {
		mode = evalstore.ReadOnly
	}
	return withLockedFlake(s, fa, mode, arg, func(e *flakeEnv, lf *flake.LockedFlake, ref flake.Ref) error {
		return checkLockedFlake(s, fa, e, lf, ref, noBuild, allSystems, keepGoing, noLint)
	})
}

// checkLockedFlake is flake check on a locked flake.
func checkLockedFlake(s *streams, fa *flakeArgs, e *flakeEnv, lf *flake.LockedFlake, ref flake.Ref, noBuild, allSystems, keepGoing, noLint bool) error {
	failed := false
	res, err := e.session.Check(lf, flake.CheckOptions{
		System: fa.system, AllSystems: allSystems, KeepGoing: keepGoing,
		Warn: e.warn, AcceptConfig: fa.acceptConfig,
		Report: func(err error) { fmt.Fprint(s.err, flake.FormatError(e.state, err)) },
	})
	if err != nil {
		fmt.Fprint(s.err, flake.FormatError(e.state, err))
		failed = true
	} else if len(res.Errors) > 0 {
		failed = true
	}
	if res != nil && !noBuild && len(res.Checks) > 0 && (!failed || keepGoing) {
		if err := buildFlakeChecks(e, res.Checks); err != nil {
			fmt.Fprint(s.err, flake.FormatError(e.state, err))
			failed = true
		}
	}
	if !noLint && (!failed || keepGoing) {
		dir := lintDir(lf, ref)
		if dir != "" {
			if err := runCheck(s, &checkFlags{format: "text"}, []string{dir}); err != nil {
				if ec, ok := err.(*exitCodeError); !ok || ec.code != exitError || ec.msg != "" {
					return err
				}
				failed = true
			}
		}
	}
	if failed {
		if keepGoing && res != nil && len(res.Errors) > 0 {
			fmt.Fprintln(s.err, "error: some errors were encountered during the evaluation")
		}
		return silentExit(exitError)
	}
	if e.color {
		fmt.Fprintln(s.err, "\x1b[32;1mall checks passed!\x1b[0m")
	} else {
		fmt.Fprintln(s.err, "all checks passed!")
	}
	if res != nil && len(res.OmittedSystems) > 0 {
		e.warn(fmt.Sprintf("The check omitted these incompatible systems: %s\nUse '--all-systems' to check all.", strings.Join(res.OmittedSystems, ", ")))
	}
	return nil
}

// lintDir is the directory whose Nix files `flake check` lints: the
// local source of a path or git flake (shown relative to the working
// directory when inside it), else the fetched copy.
func lintDir(lf *flake.LockedFlake, ref flake.Ref) string {
	dir := lf.Flake.Dir.Physical
	if src := flakeSourceDir(ref); src != "" {
		dir = filepath.Join(src, ref.Subdir)
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, dir); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return dir
}

// flakeSourceDir is the local directory of a path: or local git flake.
func flakeSourceDir(ref flake.Ref) string {
	switch ref.Input.Type() {
	case "path":
		if p := ref.Input.Attrs.Str("path"); filepath.IsAbs(p) {
			return p
		}
	case "git":
		u, err := flake.ParseURL(ref.Input.Attrs.Str("url"), false)
		if err == nil && u.Scheme == "file" {
			p := "/" + strings.Join(u.PathSegments(true), "/")
			if _, err := os.Stat(filepath.Join(p, ".git")); err == nil {
				return p
			}
		}
	}
	return ""
}
