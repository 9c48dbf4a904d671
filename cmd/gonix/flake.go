package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/eval"
	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/evalstore"
	"github.com/gonix/gonix/internal/nixconf"
	"github.com/gonix/gonix/store"
)

// flakeArgs are the options shared by the flake commands (Nix's lock
// flags, evaluation and registry options).
type flakeArgs struct {
	impure           bool
	showTrace        bool
	noRegistries     bool
	recreate         bool
	noUpdateLock     bool
	noWriteLock      bool
	commitLock       bool
	referenceLock    string
	outputLock       string
	system           string
	acceptConfig     bool
	json             bool
	pretty, noPretty bool
	overrideInputs   [][2]string
	updateInputs     []string
	overrideFlakes   [][2]string
	options          map[string]string
}

// extractFlakeArgs removes the options that take two values
// (--override-input PATH REF, --override-flake ID REF, --option NAME
// VALUE) and --update-input PATH before flag parsing.
func extractFlakeArgs(args []string, fa *flakeArgs) ([]string, error) {
	fa.options = map[string]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		need := func(n int) error {
			if i+n >= len(args) {
				return usageError("flag '%s' requires %d arguments", a, n)
			}
			return nil
		}
		switch a {
		case "--override-input", "--override-flake", "--option":
			if err := need(2); err != nil {
				return nil, err
			}
			pair := [2]string{args[i+1], args[i+2]}
			switch a {
			case "--override-input":
				fa.overrideInputs = append(fa.overrideInputs, pair)
			case "--override-flake":
				fa.overrideFlakes = append(fa.overrideFlakes, pair)
			default:
				fa.options[pair[0]] = pair[1]
			}
			i += 2
		case "--update-input":
			if err := need(1); err != nil {
				return nil, err
			}
			fa.updateInputs = append(fa.updateInputs, args[i+1])
			i++
		case "--extra-experimental-features", "--experimental-features":
			if err := need(1); err != nil {
				return nil, err
			}
			i++
		default:
			rest = append(rest, a)
		}
	}
	return rest, nil
}

func addFlakeFlags(cmd *cobra.Command, fa *flakeArgs) {
	fl := cmd.Flags()
	fl.BoolVar(&fa.impure, "impure", false, "allow access to mutable paths and repositories")
	fl.BoolVar(&fa.showTrace, "show-trace", false, "print the full trace of evaluation errors")
	fl.BoolVar(&fa.noRegistries, "no-registries", false, "don't allow lookups in the flake registries")
	fl.BoolVar(&fa.recreate, "recreate-lock-file", false, "recreate the flake's lock file from scratch")
	fl.BoolVar(&fa.noUpdateLock, "no-update-lock-file", false, "do not allow any updates to the flake's lock file")
	fl.BoolVar(&fa.noWriteLock, "no-write-lock-file", false, "do not write the flake's newly generated lock file")
	fl.BoolVar(&fa.commitLock, "commit-lock-file", false, "commit changes to the flake's lock file (git flakes; only flake.lock is committed)")
	fl.StringVar(&fa.referenceLock, "reference-lock-file", "", "read the given lock file instead of flake.lock")
	fl.StringVar(&fa.outputLock, "output-lock-file", "", "write the lock file to this path instead of flake.lock")
	fl.StringVar(&fa.system, "system", "", "the system type (default: this machine's)")
	fl.BoolVar(&fa.acceptConfig, "accept-flake-config", false, "accept the flakes' nixConfig settings")
	fl.BoolP("help", "h", false, "help for "+cmd.Name())
	cmd.Flags().SetInterspersed(true)
}

func addJSONFlags(cmd *cobra.Command, fa *flakeArgs) {
	fl := cmd.Flags()
	fl.BoolVar(&fa.json, "json", false, "produce output in JSON format")
	fl.BoolVar(&fa.pretty, "pretty", false, "print multi-line, indented JSON")
	fl.BoolVar(&fa.noPretty, "no-pretty", false, "print compact JSON on one line")
}

// flakeCommand wraps a flake subcommand: it pre-parses the two-value
// options and then parses the flags itself.
func flakeCommand(s *streams, use, short, long string, fa *flakeArgs, run func(args []string) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:                use,
		Short:              short,
		Long:               long,
		DisableFlagParsing: true,
	}
	cmd.RunE = func(c *cobra.Command, raw []string) error {
		rest, err := extractFlakeArgs(raw, fa)
		if err != nil {
			return err
		}
		if err := c.Flags().Parse(rest); err != nil {
			return &flagError{err: err}
		}
		if help, _ := c.Flags().GetBool("help"); help {
			return c.Help()
		}
		return run(c.Flags().Args())
	}
	addFlakeFlags(cmd, fa)
	return cmd
}

func newFlakeCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "flake",
		Short: "Manage Nix flakes (lock, update, metadata, show, init, check)",
		Long: `Work with Nix flakes like 'nix flake': lock and update flake.lock files
(version 7, byte-identical to what Nix writes), print metadata and the
outputs of a flake, create a flake from a template, and check a flake in
CI (output schema, builds of checks, and gonix check's lints).

Flake references: paths (., ./dir, /abs), path:, git+file:, git+https:,
git+ssh:, github:OWNER/REPO[/REF], gitlab:, sourcehut:, https://...tar.gz,
tarball+https:, file+https:, and registry names (nixpkgs, flake:gonix)
resolved through --override-flake, ~/.config/nix/registry.json,
$NIX_CONF_DIR/registry.json, gonix's built-in "gonix" entry (the embedded
library) and the flake-registry setting.`,
	}
	cmd.AddCommand(
		newFlakeLockCmd(s), newFlakeUpdateCmd(s), newFlakeMetadataCmd(s),
		newFlakeShowCmd(s), newFlakeInitCmd(s), newFlakeCheckCmd(s),
	)
	return cmd
}

// flakeEnv is what a flake command works with.
type flakeEnv struct {
	s        *streams
	fa       *flakeArgs
	store    *store.Store
	settings *flake.Settings
	state    *eval.State
	session  *flake.Session
	hook     *evalstore.Store
	cwd      string
	color    bool
}

func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

// newFlakeEnv opens the store and creates the settings, the evaluator
// and a session. Evaluation writes derivations to the store in
// evalstore.ReadWrite mode (flake check, build), else only computes them.
func newFlakeEnv(s *streams, fa *flakeArgs, mode evalstore.Mode) (*flakeEnv, error) {
	st, err := openStore()
	if err != nil {
		return nil, err
	}
	e, err := newFlakeEnvWithStore(s, fa, st, mode)
	if err != nil {
		st.Close()
		return nil, err
	}
	return e, nil
}

// newFlakeEnvWithStore is newFlakeEnv on an open store (closed by the
// caller; close() closes it too).
func newFlakeEnvWithStore(s *streams, fa *flakeArgs, st *store.Store, mode evalstore.Mode) (*flakeEnv, error) {
	e := &flakeEnv{s: s, fa: fa, store: st, cwd: eval.Cwd(), color: isTTY(s.err)}
	if fa.options == nil {
		fa.options = map[string]string{}
	}
	e.settings = flake.NewSettings(st, getenv)
	e.settings.Warn = e.warn
	e.settings.Notice = func(m string) { fmt.Fprintln(s.err, m) }
	if v, ok := fa.options["flake-registry"]; ok {
		e.settings.GlobalRegistry = v
	}
	if v, ok := fa.options["use-registries"]; ok {
		e.settings.UseRegistries = v == "true"
	}
	if v, ok := fa.options["allow-dirty"]; ok {
		e.settings.AllowDirty = v == "true"
	}
	if v, ok := fa.options["warn-dirty"]; ok {
		e.settings.WarnDirty = v == "true"
	}
	if v, ok := fa.options["access-tokens"]; ok {
		e.settings.AccessTokens = map[string]string{}
		for _, kv := range strings.Fields(v) {
			if k, t, ok := strings.Cut(kv, "="); ok {
				e.settings.AccessTokens[k] = t
			}
		}
	}
	if rw := getenv("GONIX_FLAKE_URL_REWRITE"); rw != "" {
		// "FROM=TO;FROM2=TO2": rewrite URL prefixes (tests point forges
		// at local servers with it).
		var pairs [][2]string
		for _, p := range strings.Split(rw, ";") {
			if from, to, ok := strings.Cut(p, "="); ok {
				pairs = append(pairs, [2]string{from, to})
			}
		}
		e.settings.RewriteURL = func(u string) string {
			for _, p := range pairs {
				if strings.HasPrefix(u, p[0]) {
					return p[1] + u[len(p[0]):]
				}
			}
			return u
		}
	}
	for _, of := range fa.overrideFlakes {
		from, err := flake.ParseRef(of[0], flake.ParseOptions{BaseDir: e.cwd, AllowMissing: true})
		if err != nil {
			return nil, usageError("--override-flake: %v", err)
		}
		to, err := flake.ParseRef(of[1], flake.ParseOptions{BaseDir: e.cwd, AllowMissing: true})
		if err != nil {
			return nil, usageError("--override-flake: %v", err)
		}
		extra := flake.Attrs{}
		if to.Subdir != "" {
			extra["dir"] = flake.Str(to.Subdir)
		}
		e.settings.FlagRegistry = append(e.settings.FlagRegistry, &flake.RegistryEntry{From: from.Input, To: to.Input, Extra: extra})
	}
	e.hook = evalstore.New(evalstore.Options{Mode: mode, Root: st.Root, Open: func() (*store.Store, error) { return st, nil }})
	var hook eval.Store = e.hook
	var pure *pureStore
	if !fa.impure {
		pure = newPureStore(e.hook, string(st.Dir()), st.RealStoreDir())
		hook = pure
	}
	e.state = builtins.New(eval.Options{
		Pure:      !fa.impure,
		ShowTrace: fa.showTrace,
		Stderr:    s.err,
		Store:     hook,
	})
	if pure != nil {
		pure.st = e.state
	}
	builtins.SetLookupFallback(e.state, gonixLookup)
	if fa.system != "" {
		// The local system for flake outputs; the evaluator's
		// currentSystem stays the machine's.
	} else {
		fa.system = e.state.Options().CurrentSystem
	}
	e.session = flake.NewSession(e.settings, e.state)
	e.session.Color = e.color
	flake.Attach(e.state, e.settings)
	return e, nil
}

func (e *flakeEnv) close() { e.store.Close() }

func (e *flakeEnv) warn(msg string) {
	if e.color {
		fmt.Fprintf(e.s.err, "\x1b[35;1mwarning:\x1b[0m %s\n", msg)
	} else {
		fmt.Fprintf(e.s.err, "warning: %s\n", msg)
	}
}

// report prints an error the way Nix does and returns exit status 1.
func (e *flakeEnv) report(err error) error {
	if err == nil {
		return nil
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		return err
	}
	fmt.Fprint(e.s.err, flake.FormatError(e.state, err))
	return silentExit(exitError)
}

// parseRef parses a flake reference given on the command line.
func (e *flakeEnv) parseRef(arg string) (flake.Ref, string, error) {
	return flake.ParseRefWithFragment(arg, flake.ParseOptions{BaseDir: e.cwd, Warn: e.warn, Notice: e.settings.Notice})
}

// lockFlags turns the command-line options into lock flags.
func (e *flakeEnv) lockFlags() (flake.LockFlags, error) {
	fa := e.fa
	lf := flake.LockFlags{
		CommitLockFile:    fa.commitLock,
		RecreateLockFile:  fa.recreate,
		NoUpdateLockFile:  fa.noUpdateLock,
		NoWriteLockFile:   fa.noWriteLock,
		NoRegistries:      fa.noRegistries,
		Pure:              false,
		ReferenceLockFile: fa.referenceLock,
		OutputLockFile:    fa.outputLock,
	}
	if fa.commitLock {
		summary, err := commitLockFileSummary(fa.options)
		if err != nil {
			return lf, err
		}
		lf.CommitLockFileSummary = summary
	}
	for _, o := range fa.overrideInputs {
		p, err := flake.ParseInputPath(o[0])
		if err != nil {
			return lf, usageError("%v", err)
		}
		r, err := flake.ParseRef(o[1], flake.ParseOptions{BaseDir: e.cwd, AllowMissing: true, Warn: e.warn})
		if err != nil {
			return lf, usageError("%v", err)
		}
		lf.InputOverrides = append(lf.InputOverrides, flake.InputOverride{Path: p, Ref: r})
	}
	for _, u := range fa.updateInputs {
		p, err := flake.ParseInputPath(u)
		if err != nil {
			return lf, usageError("%v", err)
		}
		if len(fa.updateInputs) > 0 {
			e.warn("'--update-input' is a deprecated alias for 'flake update' and will be removed in a future version.")
		}
		lf.InputUpdates = append(lf.InputUpdates, p)
	}
	return lf, nil
}

// commitLockFileSummary is the commit-lock-file-summary setting: from
// nix.conf as Nix reads it, overridden by --option.
func commitLockFileSummary(options map[string]string) (string, error) {
	conf, err := nixconf.Load(os.LookupEnv)
	if err != nil {
		return "", err
	}
	for _, name := range []string{"commit-lockfile-summary", "commit-lock-file-summary"} {
		if v, ok := options[name]; ok {
			conf.Set(nixconf.Setting{Name: name, Value: v, Pos: "--option " + name})
		}
	}
	s, _ := conf.Lookup("commit-lock-file-summary")
	return s.Value, nil
}

// lock parses a flake reference argument ("." by default) and locks it.
func (e *flakeEnv) lock(arg string, flags flake.LockFlags) (*flake.LockedFlake, flake.Ref, error) {
	ref, frag, err := e.parseRef(arg)
	if err != nil {
		return nil, flake.Ref{}, err
	}
	if frag != "" {
		return nil, ref, fmt.Errorf("unexpected fragment '%s' in flake reference '%s'", frag, arg)
	}
	lf, err := e.session.LockFlake(ref, flags)
	return lf, ref, err
}

func (e *flakeEnv) printJSON(j *flake.JSONValue) {
	pretty := isTTY(e.s.out)
	if e.fa.pretty {
		pretty = true
	}
	if e.fa.noPretty {
		pretty = false
	}
	if pretty {
		fmt.Fprintln(e.s.out, j.Pretty())
	} else {
		fmt.Fprintln(e.s.out, j.Compact())
	}
}

func oneFlakeArg(args []string) (string, error) {
	switch len(args) {
	case 0:
		return ".", nil
	case 1:
		return args[0], nil
	}
	return "", usageError("unexpected argument '%s'", args[1])
}

func newFlakeLockCmd(s *streams) *cobra.Command {
	fa := &flakeArgs{}
	return flakeCommand(s, "lock [FLAKEREF] [--override-input PATH REF] [--update-input PATH]",
		"Create missing lock file entries",
		`Add entries to flake.lock for inputs that lack one, keeping every
existing entry (use 'gonix flake update' to update them). FLAKEREF
defaults to the flake in the current directory.`, fa, func(args []string) error {
			arg, err := oneFlakeArg(args)
			if err != nil {
				return err
			}
			return withLockedFlake(s, fa, evalstore.ReadOnly, arg, func(*flakeEnv, *flake.LockedFlake, flake.Ref) error { return nil })
		})
}

func newFlakeUpdateCmd(s *streams) *cobra.Command {
	fa := &flakeArgs{}
	var flakeRef string
	cmd := flakeCommand(s, "update [INPUT...] [--flake FLAKEREF]",
		"Update flake lock file entries",
		`Update the named inputs of the flake (all of them when none is named)
to their latest versions and write flake.lock. The flake is --flake, or
the current directory; for compatibility with older Nix, a flake
reference may also be given as the only argument.`, fa, func(args []string) error {
			e, err := newFlakeEnv(s, fa, evalstore.ReadOnly)
			if err != nil {
				return err
			}
			defer e.close()
			flags, err := e.lockFlags()
			if err != nil {
				return err
			}
			target := flakeRef
			var inputs []flake.InputPath
			for _, a := range args {
				if p, err := flake.ParseInputPath(a); err == nil && len(p) > 0 && !strings.ContainsAny(a, ".:") && !fileExists(a) {
					inputs = append(inputs, p)
					continue
				}
				if target != "" {
					return usageError("'%s' is not a valid input name", a)
				}
				target = a
			}
			if target == "" {
				target = "."
			}
			if len(inputs) == 0 {
				flags.RecreateLockFile = true
			}
			flags.InputUpdates = append(flags.InputUpdates, inputs...)
			_, _, err = e.lock(target, flags)
			return e.report(err)
		})
	cmd.Flags().StringVar(&flakeRef, "flake", "", "the flake to update (default: the current directory)")
	return cmd
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func newFlakeMetadataCmd(s *streams) *cobra.Command {
	fa := &flakeArgs{}
	cmd := flakeCommand(s, "metadata [FLAKEREF] [--json]",
		"Show flake metadata",
		`Print the flake's description, its original, resolved and locked
references, revision, last modification time, store path and inputs
(--json: the same document as 'nix flake metadata --json').`, fa, func(args []string) error {
			arg, err := oneFlakeArg(args)
			if err != nil {
				return err
			}
			return withLockedFlake(s, fa, evalstore.ReadOnly, arg, func(e *flakeEnv, lf *flake.LockedFlake, _ flake.Ref) error {
				if fa.json {
					e.printJSON(lf.MetadataJSON())
					return nil
				}
				lf.WriteMetadata(s.out, isTTY(s.out))
				return nil
			})
		})
	addJSONFlags(cmd, fa)
	return cmd
}

func newFlakeShowCmd(s *streams) *cobra.Command {
	fa := &flakeArgs{}
	var legacy, allSystems bool
	cmd := flakeCommand(s, "show [FLAKEREF] [--json] [--legacy] [--all-systems]",
		"Show the outputs provided by a flake",
		`Print the flake's outputs as a tree (or, with --json, as 'nix flake show
--json' does): packages, apps, devShells, checks, templates, overlays,
NixOS modules and configurations. Outputs for other systems than the
local one are omitted unless --all-systems; legacyPackages only with
--legacy.`, fa, func(args []string) error {
			arg, err := oneFlakeArg(args)
			if err != nil {
				return err
			}
			return withLockedFlake(s, fa, evalstore.ReadOnly, arg, func(e *flakeEnv, lf *flake.LockedFlake, _ flake.Ref) error {
				j, err := e.session.Show(lf, flake.ShowOptions{Legacy: legacy, AllSystems: allSystems, System: fa.system,
					JSON: fa.json, Out: s.out, Warn: e.warn, Color: isTTY(s.out)})
				if err != nil {
					return e.report(err)
				}
				if fa.json {
					e.printJSON(j)
				}
				return nil
			})
		})
	addJSONFlags(cmd, fa)
	cmd.Flags().BoolVar(&legacy, "legacy", false, "show the contents of the legacyPackages output")
	cmd.Flags().BoolVar(&allSystems, "all-systems", false, "show the outputs for all systems")
	return cmd
}

// withLockedFlake opens a flake environment in mode, locks the flake arg
// names and calls fn with it; lock errors are reported as flake errors.
func withLockedFlake(s *streams, fa *flakeArgs, mode evalstore.Mode, arg string, fn func(e *flakeEnv, lf *flake.LockedFlake, ref flake.Ref) error) error {
	e, err := newFlakeEnv(s, fa, mode)
	if err != nil {
		return err
	}
	defer e.close()
	flags, err := e.lockFlags()
	if err != nil {
		return err
	}
	lf, ref, err := e.lock(arg, flags)
	if err != nil {
		return e.report(err)
	}
	return fn(e, lf, ref)
}
