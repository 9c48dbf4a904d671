package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/devenv"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
)

// shellFlags are gonix shell's options (nix shell's).
type shellFlags struct {
	build   buildFlags
	flake   flakeArgs
	command []string
	env     developFlags // -i, -k, -u
}

func newShellCmd(s *streams) *cobra.Command {
	f := &shellFlags{}
	cmd := &cobra.Command{
		Use:   "shell INSTALLABLE... [-c CMD ARGS...]",
		Short: "Start a shell with packages on PATH (like nix shell)",
		Long: `Build the installables and run a command (default: $SHELL, else bash) with
the bin directories of their outputs (and of the packages listed in their
nix-support/propagated-user-env-packages) in front of PATH, as nix shell
does.

Installables are flake references (FLAKEREF#NAME: packages.<system>.NAME,
legacyPackages.<system>.NAME, ...), Nix files or directories (with -A
ATTR, --arg/--argstr and -I as for gonix build), -E expressions, or .drv
paths.

  -c, --command CMD ARGS...  the command to run (it is executed directly,
                             not through a shell) and whose exit status
                             gonix shell returns
  -i, --ignore-environment   start from an empty environment; -k VAR keeps
                             VAR, -u VAR unsets VAR
  --impure, --override-input, --system, ... as for gonix flake
  --option NAME VALUE, -j N, -K as for gonix build`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, raw []string) error {
			before, command, found := splitCommand(raw)
			if found {
				if len(command) == 0 {
					return usageError("'--command' requires at least one argument")
				}
				f.command = command
			}
			rest, err := extractFlakeArgs(before, &f.flake)
			if err != nil {
				return err
			}
			f.build.options = map[string]string{}
			for k, v := range f.flake.options {
				if !isFlakeOption(k) {
					f.build.options[k] = v
					delete(f.flake.options, k)
				}
			}
			if rest, err = extractEvalArgs(rest, &f.build); err != nil {
				return err
			}
			if err := cmd.Flags().Parse(rest); err != nil {
				return &flagError{err: err}
			}
			if help, _ := cmd.Flags().GetBool("help"); help {
				return cmd.Help()
			}
			args := cmd.Flags().Args()
			if len(args) == 0 && !f.build.expr && len(f.build.attrs) == 0 {
				return usageError("gonix shell needs at least one installable")
			}
			return runShell(s, f, args)
		},
	}
	fl := cmd.Flags()
	addFlakeFlags(cmd, &f.flake)
	fl.StringArrayVarP(&f.build.attrs, "attr", "A", nil, "attribute path of a Nix file (repeatable)")
	fl.BoolVarP(&f.build.expr, "expr", "E", false, "interpret the arguments as Nix expressions")
	fl.BoolVarP(&f.env.ignoreEnv, "ignore-environment", "i", false, "start from an empty environment")
	fl.StringArrayVarP(&f.env.keep, "keep", "k", nil, "keep this variable with --ignore-environment")
	fl.StringArrayVarP(&f.env.unset, "unset", "u", nil, "unset this variable")
	fl.IntVarP(&f.build.jobs, "max-jobs", "j", 0, "number of builds to run in parallel (0: max-jobs from nix.conf, default 1)")
	fl.IntVar(&f.build.cores, "cores", 0, "NIX_BUILD_CORES for builders (0: all CPUs)")
	fl.BoolVarP(&f.build.keepFailed, "keep-failed", "K", false, "keep the build directory of failed builds")
	fl.BoolVarP(&f.build.quiet, "no-build-output", "Q", false, "do not show build output")
	return cmd
}

// shellTargets resolves the installables to derivations and outputs.
func shellTargets(s *streams, st *store.Store, f *shellFlags, args []string) ([]build.Request, error) {
	if !f.build.expr && len(f.build.attrs) == 0 && len(f.build.autoArgs) == 0 && allFlakeInstallables(args) {
		insts, err := resolveFlakeInstallables(s, st, args, flake.ForBuild, &f.flake)
		if err != nil {
			return nil, err
		}
		var reqs []build.Request
		for _, in := range insts {
			reqs = append(reqs, build.Request{DrvPath: in.drvPath, Outputs: in.outputs})
		}
		return reqs, nil
	}
	targets, err := buildTargets(s, st, &f.build, args)
	if err != nil {
		return nil, err
	}
	var reqs []build.Request
	for _, t := range targets {
		reqs = append(reqs, t.req)
	}
	return reqs, nil
}

func runShell(s *streams, f *shellFlags, args []string) error {
	st, err := openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	reqs, err := shellTargets(s, st, f, args)
	if err != nil {
		return err
	}
	if len(reqs) == 0 {
		return usageError("nothing to put in the shell")
	}
	opts, err := buildOptions(st, &f.build)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if d, err := st.ReadDerivation(r.DrvPath); err == nil && !strings.HasPrefix(d.Builder, string(st.Dir())+"/") {
			opts.SandboxPaths = append(opts.SandboxPaths, hostToolPaths()...)
			break
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	prog := newProgress(s.err, f.build.quiet)
	opts.Reporter = prog
	results, err := build.Realise(ctx, st, reqs, opts)
	prog.finish()
	stop()
	if err != nil {
		return err
	}
	var outs []string
	for _, r := range results {
		for _, name := range sortedOutputNames(r.Outputs) {
			outs = append(outs, r.Outputs[name])
			if err := st.AddTempRoot(r.Outputs[name]); err != nil {
				return err
			}
		}
	}
	dirs, err := shellBinDirs(st, outs)
	if err != nil {
		return err
	}
	env := developEnviron(&f.env)
	path := strings.Join(dirs, ":")
	if old := envLookup(env, "PATH"); old != "" {
		path += ":" + old
	}
	env = setEnv(env, "PATH", path)
	command := f.command
	if len(command) == 0 {
		sh := os.Getenv("SHELL")
		if sh == "" {
			sh = "bash"
		}
		command = []string{sh}
	}
	tmp, err := os.MkdirTemp("", "gonix-shell-")
	if err != nil {
		return err
	}
	defer store.RemoveTree(tmp)
	return runWithStore(s, st, &devenv.Command{Path: command[0], Args: command, Env: env, ScratchDir: tmp})
}

// shellBinDirs lists the bin directories of the outputs and of the
// packages their nix-support/propagated-user-env-packages name, each
// once, in order.
func shellBinDirs(st *store.Store, outs []string) ([]string, error) {
	seen := map[string]bool{}
	var dirs []string
	todo := append([]string(nil), outs...)
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		dirs = append(dirs, p+"/bin")
		data, err := os.ReadFile(filepath.Join(st.RealPath(p), "nix-support", "propagated-user-env-packages"))
		if err != nil {
			continue
		}
		for _, q := range strings.Fields(string(data)) {
			if _, err := st.ParsePath(q); err != nil {
				return nil, fmt.Errorf("%s/nix-support/propagated-user-env-packages: %w", p, err)
			}
			todo = append(todo, q)
		}
	}
	return dirs, nil
}

func sortedOutputNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	// "out" first, then the others by name.
	sort.Slice(names, func(i, j int) bool {
		if names[i] == "out" || names[j] == "out" {
			return names[i] == "out" && names[j] != "out"
		}
		return names[i] < names[j]
	})
	return names
}

func envLookup(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}
