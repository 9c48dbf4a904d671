package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/gonix/gonix/internal/devenv"
	"github.com/gonix/gonix/store"
)

// developFlags are gonix develop's options: nix develop's (and
// nix-shell's -A/--arg/-I for Nix files).
type developFlags struct {
	build      buildFlags
	flake      flakeArgs
	file       string
	command    []string
	hasCommand bool
	phase      string
	printEnv   bool
	ignoreEnv  bool
	keep       []string
	unset      []string
	outputsDir string
}

// developPhases are the --PHASE shortcuts of --phase.
func developPhases() []struct{ flag, phase string } {
	return []struct{ flag, phase string }{
		{"unpack", "unpack"}, {"configure", "configure"}, {"build", "build"},
		{"check", "check"}, {"install", "install"}, {"installcheck", "installCheck"},
	}
}

func newDevelopCmd(s *streams) *cobra.Command {
	f := &developFlags{}
	cmd := &cobra.Command{
		Use:   "develop [FLAKEREF[#NAME] | FILE | DIR | -E EXPR] [-A ATTR] [-c CMD ARGS...] [--print-env] [--json]",
		Short: "Start a shell with a derivation's build environment (like nix develop)",
		Long: `Start bash with the build environment of a derivation, as nix develop does:
its variables and the setup script's functions (genericBuild, buildPhase,
...), PATH with its inputs, writable directories in place of its outputs
($out, ...), a temporary NIX_BUILD_TOP, and its shellHook run.

The derivation is, for a flake, devShells.<system>.default, devShell.<system>,
packages.<system>.default or defaultPackage.<system> (FLAKEREF#NAME looks in
devShells.<system>, packages.<system> and legacyPackages.<system> first);
for a directory without flake.nix its shell.nix, else its default.nix,
called with inNixShell = true like nix-shell; for a FILE or -E EXPR the
derivation it evaluates to (-A ATTR selects, --arg/--argstr NAME VALUE
and -I PATH as for gonix build). The default is the current directory.

Its inputs are built (not the derivation itself): a "NAME-env" derivation
with the same inputs runs gonix's get-env script, which records the
environment; the user's bash then restores it from an rc file.

  -c, --command CMD ARGS...  run CMD in the environment and return its exit
                             status (a shell function such as genericBuild
                             runs like a builder would, with set -e)
  --phase NAME, --unpack, --configure, --build, --check, --install,
  --installcheck             run one phase (in the flake's directory)
  --print-env                print the rc script instead (nix print-dev-env)
  --json                     print the environment as JSON (nix print-dev-env --json)
  --outputs-dir DIR          put the outputs in DIR/NAME (default: a temporary
                             directory removed when the shell ends; with
                             --print-env, ./outputs like Nix)
  -i, --ignore-environment   start from an empty environment; -k VAR keeps
                             VAR, -u VAR unsets VAR
  --impure, --override-input, --system, ... as for gonix flake
  --option NAME VALUE, -j N, -K as for gonix build

When the store is not at / (GONIX_STORE, or the rootless store) the
shell runs in a mount namespace in which the store is at /nix/store.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, raw []string) error {
			rest, err := parseDevelopArgs(cmd, f, raw)
			if err != nil {
				return err
			}
			if rest == nil {
				return cmd.Help()
			}
			return runDevelop(s, f, rest)
		},
	}
	fl := cmd.Flags()
	addFlakeFlags(cmd, &f.flake)
	addJSONFlags(cmd, &f.flake)
	fl.StringArrayVarP(&f.build.attrs, "attr", "A", nil, "attribute path of a Nix file to use")
	fl.BoolVarP(&f.build.expr, "expr", "E", false, "interpret the argument as a Nix expression")
	fl.StringVarP(&f.file, "file", "f", "", "use a Nix file rather than a flake")
	fl.BoolVar(&f.printEnv, "print-env", false, "print the rc script that sets up the environment")
	fl.StringVar(&f.phase, "phase", "", "run this phase (for example build) and exit")
	for _, p := range developPhases() {
		fl.Bool(p.flag, false, "run the "+p.phase+" phase")
	}
	fl.BoolVarP(&f.ignoreEnv, "ignore-environment", "i", false, "start from an empty environment")
	fl.StringArrayVarP(&f.keep, "keep", "k", nil, "keep this variable with --ignore-environment")
	fl.StringArrayVarP(&f.unset, "unset", "u", nil, "unset this variable")
	fl.StringVar(&f.outputsDir, "outputs-dir", "", "directory for the outputs")
	fl.IntVarP(&f.build.jobs, "max-jobs", "j", 0, "number of builds to run in parallel (0: max-jobs from nix.conf, default 1)")
	fl.IntVar(&f.build.cores, "cores", 0, "NIX_BUILD_CORES for builders (0: all CPUs)")
	fl.BoolVarP(&f.build.keepFailed, "keep-failed", "K", false, "keep the build directory of failed builds")
	fl.BoolVarP(&f.build.quiet, "no-build-output", "Q", false, "do not show build output")
	return cmd
}

// splitCommand cuts args at -c/--command: what follows is the command.
// Values of options that take arguments are skipped, so that `-I -c`
// still means an -I entry named "-c".
func splitCommand(args []string) (before, command []string, found bool) {
	takes := map[string]int{
		"-A": 1, "--attr": 1, "-I": 1, "--include": 1, "-f": 1, "--file": 1, "--phase": 1,
		"-k": 1, "--keep": 1, "-u": 1, "--unset": 1, "--outputs-dir": 1, "--system": 1,
		"-j": 1, "--max-jobs": 1, "--cores": 1, "--reference-lock-file": 1, "--output-lock-file": 1,
		"--update-input": 1, "--extra-experimental-features": 1, "--experimental-features": 1,
		"--arg": 2, "--argstr": 2, "--option": 2, "--override-input": 2, "--override-flake": 2,
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "-c" || a == "--command" {
			return args[:i], args[i+1:], true
		}
		if n, ok := takes[a]; ok {
			i += n
		}
	}
	return args, nil, false
}

// parseDevelopArgs fills f and returns the positional arguments (nil
// for --help).
func parseDevelopArgs(cmd *cobra.Command, f *developFlags, raw []string) ([]string, error) {
	before, command, found := splitCommand(raw)
	if found {
		if len(command) == 0 {
			return nil, usageError("'--command' requires at least one argument")
		}
		f.command, f.hasCommand = command, true
	}
	rest, err := extractFlakeArgs(before, &f.flake)
	if err != nil {
		return nil, err
	}
	f.build.options = map[string]string{}
	for k, v := range f.flake.options {
		if !isFlakeOption(k) {
			f.build.options[k] = v
			delete(f.flake.options, k)
		}
	}
	if rest, err = extractEvalArgs(rest, &f.build); err != nil {
		return nil, err
	}
	if err := cmd.Flags().Parse(rest); err != nil {
		return nil, &flagError{err: err}
	}
	if help, _ := cmd.Flags().GetBool("help"); help {
		return nil, nil
	}
	for _, p := range developPhases() {
		if on, _ := cmd.Flags().GetBool(p.flag); on {
			f.phase = p.phase
		}
	}
	if f.phase != "" && f.hasCommand {
		return nil, usageError("you cannot use both '--command' and '--phase'")
	}
	args := cmd.Flags().Args()
	if len(args) > 1 && f.file == "" {
		return nil, usageError("gonix develop takes one installable, got %d: %s", len(args), strings.Join(args, " "))
	}
	return append([]string{}, args...), nil
}

// isFlakeOption reports whether an --option setting is for flakes (the
// others configure builds).
func isFlakeOption(name string) bool {
	switch name {
	case "flake-registry", "use-registries", "allow-dirty", "warn-dirty", "access-tokens", "accept-flake-config":
		return true
	}
	return false
}

// hostToolPaths are the host directories the embedded stdenv's builders
// use; they are made visible in the build sandbox when a derivation's
// builder is outside the store.
func hostToolPaths() []string {
	var ps []string
	for _, p := range []string{"/bin", "/sbin", "/usr", "/lib", "/lib64", "/lib32", "/libx32", "/etc/alternatives"} {
		if _, err := os.Stat(p); err == nil {
			ps = append(ps, p)
		}
	}
	return ps
}

func runDevelop(s *streams, f *developFlags, args []string) error {
	st, err := openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	target, err := resolveDevelopTarget(ctx, s, st, f, args)
	if err != nil {
		return err
	}
	env, envPath := target.env, target.envPath
	if env == nil {
		opts, err := buildOptions(st, &f.build)
		if err != nil {
			return err
		}
		if d, err := st.ReadDerivation(target.drvPath); err == nil && !strings.HasPrefix(d.Builder, string(st.Dir())+"/") {
			// A builder from the host (gonix's embedded stdenv): the
			// builds need the host's tools, as the shell will.
			opts.SandboxPaths = append(opts.SandboxPaths, hostToolPaths()...)
		}
		prog := newProgress(s.err, f.build.quiet)
		opts.Reporter = prog
		env, envPath, err = devenv.Build(ctx, st, target.drvPath, opts)
		prog.finish()
		if err != nil {
			return err
		}
	}
	if err := st.AddTempRoot(envPath); err != nil {
		return err
	}
	stop()

	if f.flake.json {
		pretty := f.flake.pretty || (isTTY(s.out) && !f.flake.noPretty)
		j := envJSON(env)
		if pretty {
			fmt.Fprintln(s.out, j.Pretty())
		} else {
			fmt.Fprintln(s.out, j.Compact())
		}
		return nil
	}
	if f.printEnv {
		return printDevelopRc(s, f, env)
	}
	return startDevelopShell(s, st, f, env, envPath, target.dir)
}

// printDevelopRc prints the rc script (nix print-dev-env): outputs in
// ./outputs unless --outputs-dir, NIX_BUILD_TOP made when it runs.
func printDevelopRc(s *streams, f *developFlags, env *devenv.Env) error {
	outs := f.outputsDir
	if outs == "" {
		outs = "outputs"
	}
	outs, err := filepath.Abs(outs)
	if err != nil {
		return err
	}
	o := devenv.RcOptions{OutputsDir: outs}
	if env.Structured != nil {
		dir, err := os.MkdirTemp("", "gonix-dev-env-")
		if err != nil {
			return err
		}
		o.AttrsDir = dir
	}
	rc, err := env.RcScript(o)
	if err != nil {
		return err
	}
	if err := writeRcFiles(rc); err != nil {
		return err
	}
	_, err = fmt.Fprint(s.out, rc.Script)
	return err
}

func writeRcFiles(rc *devenv.Rc) error {
	for p, content := range rc.Files {
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// startDevelopShell runs bash with the environment: interactively with
// the rc file, or the rc file as a script ending in the command or
// phase. It returns the shell's exit status.
func startDevelopShell(s *streams, st *store.Store, f *developFlags, env *devenv.Env, envPath, phaseDir string) error {
	bash, err := exec.LookPath("bash")
	if err != nil {
		return fmt.Errorf("gonix develop needs bash on PATH: %w", err)
	}
	if bash, err = filepath.Abs(bash); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "gonix-develop-")
	if err != nil {
		return err
	}
	defer store.RemoveTree(tmp)
	o := devenv.RcOptions{
		OutputsDir: filepath.Join(tmp, "outputs"),
		BuildTop:   filepath.Join(tmp, "build"),
		AttrsDir:   filepath.Join(tmp, "attrs"),
	}
	if f.outputsDir != "" {
		if o.OutputsDir, err = filepath.Abs(f.outputsDir); err != nil {
			return err
		}
	}
	for _, d := range []string{o.BuildTop, o.AttrsDir, filepath.Join(tmp, "root")} {
		if err := os.Mkdir(d, 0o700); err != nil {
			return err
		}
	}
	// The outputs themselves are made by the build (as in a builder);
	// their directory exists.
	if err := os.MkdirAll(o.OutputsDir, 0o755); err != nil {
		return err
	}
	rc, err := env.RcScript(o)
	if err != nil {
		return err
	}
	if err := writeRcFiles(rc); err != nil {
		return err
	}
	rcPath := filepath.Join(tmp, "rc")
	stdinTTY := false
	if in, ok := s.in.(*os.File); ok && isatty.IsTerminal(in.Fd()) {
		stdinTTY = true
	}
	// The rc script, then SHELL (the build's own value is no shell for
	// people), then what to run.
	script := rc.Script + "command rm -f " + devenv.ShellQuote(rcPath) + "\n" +
		"SHELL=" + devenv.ShellQuote(bash) + "\n"
	argv := []string{"bash", rcPath}
	switch {
	case f.phase != "":
		script += developPhaseScript(f.phase)
	case f.hasCommand:
		script += developCommandScript(f.command)
	case stdinTTY:
		script = "[ -n \"$PS1\" ] && [ -e ~/.bashrc ] && source ~/.bashrc;\nshopt -u expand_aliases\n" +
			script + "shopt -s expand_aliases\n"
		argv = []string{"bash", "--rcfile", rcPath}
	default:
		// Commands come from stdin: bash reads them after sourcing
		// $BASH_ENV (an interactive shell's rc file would be ignored).
		script = "unset BASH_ENV\n" + script
		argv = []string{"bash"}
	}
	if err := os.WriteFile(rcPath, []byte(script), 0o600); err != nil {
		return err
	}

	childEnv := developEnviron(f)
	childEnv = setEnv(childEnv, "NIX_GCROOT", envPath)
	childEnv = setEnv(childEnv, "SHELL", bash)
	if len(argv) == 1 {
		childEnv = setEnv(childEnv, "BASH_ENV", rcPath)
	}
	dir := ""
	if f.phase != "" && phaseDir != "" {
		dir = phaseDir
	}
	return runWithStore(s, st, &devenv.Command{
		Path: bash, Args: argv, Env: childEnv, Dir: dir,
		ScratchDir: filepath.Join(tmp, "root"),
	})
}

// runWithStore runs c with the command's streams, the store visible at its
// own directory (a mount namespace when it lives elsewhere), and returns
// its exit status as the command's.
func runWithStore(s *streams, st *store.Store, c *devenv.Command) error {
	c.Stdin, c.Stdout, c.Stderr = s.in, s.out, s.err
	c.StoreDir, c.RealStoreDir = string(st.Dir()), st.RealStoreDir()
	p, err := devenv.Start(c)
	if err != nil {
		return err
	}
	code, err := p.Wait()
	if err != nil {
		return err
	}
	if code != 0 {
		return silentExit(code)
	}
	return nil
}

// developPhaseScript runs one phase (nix develop --PHASE), stopping at
// the first failing command as a builder does.
func developPhaseScript(phase string) string {
	q := devenv.ShellQuote(phase + "Phase")
	return "foundMakefile=1\nset -e\nif declare -f runPhase > /dev/null; then\n  runPhase " + q +
		"\nelse\n  runHook " + q + "\nfi\n"
}

// developCommandScript runs the -c command: a shell function of the
// environment (genericBuild, buildPhase, ...) like a builder would (set
// -e), anything else by exec.
func developCommandScript(command []string) string {
	quoted := make([]string, len(command))
	for i, a := range command {
		quoted[i] = devenv.ShellQuote(a)
	}
	line := strings.Join(quoted, " ")
	return "if declare -F -- " + quoted[0] + " > /dev/null 2>&1; then\n  set -e\n  " + line +
		"\n  exit\nfi\nexec " + line + "\n"
}

// developEnviron is the environment the shell starts from: ours, or
// only the kept variables with --ignore-environment, minus --unset.
func developEnviron(f *developFlags) []string {
	var env []string
	if f.ignoreEnv {
		for _, k := range f.keep {
			if v, ok := os.LookupEnv(k); ok {
				env = append(env, k+"="+v)
			}
		}
	} else {
		env = os.Environ()
	}
	for _, u := range f.unset {
		env = unsetEnv(env, u)
	}
	return env
}

func unsetEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != name {
			out = append(out, kv)
		}
	}
	return out
}

func setEnv(env []string, name, value string) []string {
	return append(unsetEnv(env, name), name+"="+value)
}
