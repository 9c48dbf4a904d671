package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/gonix/gonix/internal/nixconf"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
	"github.com/gonix/gonix/store/substitute"
)

// buildFlags are gonix build's options (nix-build's names).
type buildFlags struct {
	outLink    string
	noOutLink  bool
	jobs       int
	cores      int
	keepFailed bool
	keepGoing  bool
	quiet      bool
	attrs      []string
	expr       bool
	autoArgs   []autoArg
	searchPath []string
	sandbox    string
	timeout    time.Duration
	options    map[string]string
}

// buildTarget is one derivation to realise and the outputs that get
// result links (in order).
type buildTarget struct {
	req   build.Request
	links []string
}

// extractOptions removes Nix-style `--option NAME VALUE` triples from
// args (pflag cannot take a flag with two values).
func extractOptions(args []string) ([]string, map[string]string, error) {
	opts := map[string]string{}
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if args[i] == "--option" {
			if i+2 >= len(args) {
				return nil, nil, usageError("flag '--option' requires two arguments (NAME VALUE)")
			}
			opts[args[i+1]] = args[i+2]
			i += 2
			continue
		}
		rest = append(rest, args[i])
	}
	return rest, opts, nil
}

func newBuildCmd(s *streams) *cobra.Command {
	f := &buildFlags{}
	cmd := &cobra.Command{
		Use:   "build [DRV[^OUTPUTS]... | FILE | -E EXPR] [-A ATTR] [-j N] [-o LINK | --no-out-link] [-K] [-k]",
		Short: "Build derivations (like nix-build) and create result links",
		Long: `Realise derivations into the store: substitute from binary caches, build
what is missing in dependency order with up to -j builds at once (sandboxed
where Linux namespaces allow), print the output paths and create result
links (GC roots) named like nix-build's: result, result-dev, result-2, ...

Arguments are Nix files (default ./default.nix; a directory means its
default.nix) or, with -E, expressions, evaluated like nix-build: every
derivation found (selected with -A ATTRPATH, functions called with
--arg NAME EXPR / --argstr NAME STR, -I PATH extending the search path)
is instantiated and its selected output built; result links are named
like nix-build's. Arguments may also be .drv paths, optionally with
^OUT1,OUT2 (or ^*) selecting outputs.

Settings are read from nix.conf as Nix reads them ($NIX_CONF_DIR/nix.conf,
default /etc/nix/nix.conf, then $XDG_CONFIG_HOME/nix/nix.conf, then
$NIX_CONFIG) and --option NAME VALUE overrides them: sandbox (true|false),
sandbox-paths, substituters, trusted-public-keys, require-sigs, substitute,
cores, max-jobs, keep-going, keep-failed; extra-NAME appends to a list.
As in Nix, sandbox = false in nix.conf does not apply to a store that is
not at /nix/store: builds there are always sandboxed.`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, raw []string) error {
			rest, opts, err := extractOptions(raw)
			if err != nil {
				return err
			}
			f.options = opts
			if rest, err = extractEvalArgs(rest, f); err != nil {
				return err
			}
			if err := cmd.Flags().Parse(rest); err != nil {
				return &flagError{err: err}
			}
			if help, _ := cmd.Flags().GetBool("help"); help {
				return cmd.Help()
			}
			return runBuild(s, f, cmd.Flags().Args())
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.outLink, "out-link", "o", "result", "name of the result link")
	fl.BoolVar(&f.noOutLink, "no-out-link", false, "do not create result links")
	fl.IntVarP(&f.jobs, "max-jobs", "j", 0, "number of builds to run in parallel (0: max-jobs from nix.conf, default 1)")
	fl.IntVar(&f.cores, "cores", 0, "NIX_BUILD_CORES for builders (0: cores from nix.conf, default all CPUs)")
	fl.BoolVarP(&f.keepFailed, "keep-failed", "K", false, "keep the build directory of failed builds")
	fl.BoolVarP(&f.keepGoing, "keep-going", "k", false, "keep building independent derivations after a failure")
	fl.BoolVarP(&f.quiet, "no-build-output", "Q", false, "do not show build output")
	fl.StringArrayVarP(&f.attrs, "attr", "A", nil, "attribute path to build (repeatable)")
	fl.BoolVarP(&f.expr, "expr", "E", false, "interpret the arguments as Nix expressions")
	fl.StringVar(&f.sandbox, "sandbox", "", "sandbox setting: true, false or auto (default auto)")
	fl.DurationVar(&f.timeout, "timeout", 0, "kill builds running longer than this")
	fl.BoolP("help", "h", false, "help for build")
	return cmd
}

// runBuild realises the targets, prints the outputs and creates links.
func runBuild(s *streams, f *buildFlags, args []string) error {
	st, err := openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	opts, err := buildOptions(st, f)
	if err != nil {
		return err
	}
	targets, err := buildTargets(s, st, f, args)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		return usageError("nothing to build: pass .drv paths (or, once the evaluator supports derivations, FILE / -E EXPR)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	prog := newProgress(s.err, f.quiet)
	opts.Reporter = prog
	reqs := make([]build.Request, len(targets))
	for i, t := range targets {
		reqs[i] = t.req
	}
	results, rerr := build.Realise(ctx, st, reqs, opts)
	prog.finish()
	if rerr != nil && results == nil {
		return rerr
	}
	var paths []string
	// Like nix-build, each distinct derivation gets a link prefix (result,
	// result-2, ...) in order of first appearance; its outputs share it.
	prefixes := map[string]string{}
	for i, res := range results {
		if res.Err != nil {
			continue
		}
		prefix, ok := prefixes[targets[i].req.DrvPath]
		if !ok {
			prefix = f.outLink
			if n := len(prefixes); n > 0 {
				prefix += "-" + strconv.Itoa(n+1)
			}
			prefixes[targets[i].req.DrvPath] = prefix
		}
		for _, o := range targets[i].links {
			p, ok := res.Outputs[o]
			if !ok {
				continue
			}
			if !f.noOutLink {
				link := prefix
				if o != "out" {
					link += "-" + o
				}
				if _, err := st.AddPermRoot(p, link); err != nil {
					return err
				}
			}
			paths = append(paths, p)
		}
	}
	for _, p := range paths {
		fmt.Fprintln(s.out, p)
	}
	if rerr != nil {
		return rerr
	}
	return nil
}

// buildTargets resolves the arguments: .drv paths directly, everything
// else through the evaluator.
func buildTargets(s *streams, st *store.Store, f *buildFlags, args []string) ([]buildTarget, error) {
	if f.expr || len(f.attrs) > 0 || len(f.autoArgs) > 0 || len(args) == 0 {
		return evalBuildTargets(s, st, f, args)
	}
	if allFlakeInstallables(args) {
		return flakeBuildTargets(s, st, args)
	}
	var out []buildTarget
	for _, a := range args {
		req := build.ParseRequest(a)
		if !strings.HasSuffix(req.DrvPath, ".drv") {
			return evalBuildTargets(s, st, f, args)
		}
		p, err := resolveStorePath(st, req.DrvPath)
		if err != nil {
			return nil, err
		}
		req.DrvPath = p
		t := buildTarget{req: req, links: req.Outputs}
		if len(t.links) == 0 {
			d, err := st.ReadDerivation(p)
			if err != nil {
				return nil, err
			}
			t.links = d.OutputNames()
		}
		out = append(out, t)
	}
	return out, nil
}

// isBuildSetting reports whether gonix build understands a setting (in
// nix.conf or as --option NAME VALUE; extra-NAME appends to the list
// ones). Older aliases of these names count too.
func isBuildSetting(name string) bool {
	switch strings.TrimPrefix(name, "extra-") {
	case "sandbox", "sandbox-paths", "substituters", "trusted-public-keys", "require-sigs",
		"cores", "max-jobs", "keep-going", "keep-failed", "substitute",
		"build-use-chroot", "build-use-sandbox", "build-chroot-dirs", "build-sandbox-paths",
		"binary-caches", "binary-cache-public-keys", "build-use-substitutes", "build-cores",
		"build-max-jobs":
		return true
	}
	return false
}

// buildConfig is the configuration gonix build runs with: nix.conf as Nix
// reads it (nixconf.Load), then the --option settings, plain ones before
// extra- ones (the command line's order is not kept).
func buildConfig(options map[string]string) (*nixconf.Config, error) {
	conf, err := nixconf.Load(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(options))
	for name := range options {
		if !isBuildSetting(name) && !isFlakeOption(name) && !conf.IsKnown(name) {
			return nil, usageError("unknown option '%s'", name)
		}
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		ea, eb := strings.HasPrefix(a, "extra-"), strings.HasPrefix(b, "extra-")
		if ea != eb {
			if ea {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		conf.Set(nixconf.Setting{Name: name, Value: options[name], Pos: "--option " + name})
	}
	return conf, nil
}

// settingError reports a bad setting value with where it was set.
func settingError(s nixconf.Setting, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if strings.HasPrefix(s.Pos, "--option") {
		return usageError("option '%s': %s", s.Name, msg)
	}
	return fmt.Errorf("%s: setting '%s': %s", s.Pos, s.Name, msg)
}

// boolSetting reads a Boolean setting as Nix does (true or false).
func boolSetting(conf *nixconf.Config, name string) (bool, bool, error) {
	s, ok := conf.Lookup(name)
	if !ok {
		return false, false, nil
	}
	switch s.Value {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, false, settingError(s, "'%s' is not a Boolean (true or false)", s.Value)
}

// buildOptions turns flags, nix.conf and --option settings into
// build.Options. Flags given on the command line win over both; -j and
// --cores count as given when they are not at their defaults (0).
func buildOptions(st *store.Store, f *buildFlags) (build.Options, error) {
	o := build.Options{Jobs: f.jobs, Cores: f.cores, KeepFailed: f.keepFailed, KeepGoing: f.keepGoing, Timeout: f.timeout, Getenv: getenv}
	conf, err := buildConfig(f.options)
	if err != nil {
		return o, err
	}
	if f.jobs <= 0 {
		s, _ := conf.Lookup("max-jobs")
		switch s.Value {
		case "auto":
			o.Jobs = runtime.NumCPU()
		default:
			n, err := strconv.Atoi(s.Value)
			if err != nil || n < 0 {
				return o, settingError(s, "'%s' is not a number of jobs", s.Value)
			}
			o.Jobs = max(n, 1)
		}
	}
	if f.cores == 0 {
		if s, ok := conf.Lookup("cores"); ok {
			n, err := strconv.Atoi(s.Value)
			if err != nil || n < 0 {
				return o, settingError(s, "'%s' is not an integer", s.Value)
			}
			o.Cores = n
		}
	}
	for name, dst := range map[string]*bool{"keep-going": &o.KeepGoing, "keep-failed": &o.KeepFailed} {
		v, set, err := boolSetting(conf, name)
		if err != nil {
			return o, err
		}
		if set && !*dst {
			*dst = v
		}
	}
	o.SandboxPaths = conf.Fields("sandbox-paths")
	sandboxSetting := f.sandbox
	if sandboxSetting == "" {
		if s, ok := conf.Lookup("sandbox"); ok {
			sandboxSetting = s.Value
			// Nix always sandboxes builds for a store that is not at
			// /nix/store ("diverted"), whatever nix.conf says; only an
			// explicit --option sandbox false is refused there.
			if st.Root != "/" && !strings.HasPrefix(s.Pos, "--option") {
				if m, err := build.ParseSandboxMode(s.Value); err == nil && m == build.SandboxOff {
					sandboxSetting = "auto"
				}
			}
			if _, err := build.ParseSandboxMode(sandboxSetting); err != nil {
				return o, settingError(s, "%v", err)
			}
		}
	}
	mode, err := build.ParseSandboxMode(sandboxSetting)
	if err != nil {
		return o, usageError("%v", err)
	}
	o.Sandbox = mode
	useSubs, _, err := boolSetting(conf, "substitute")
	if err != nil {
		return o, err
	}
	requireSigs, _, err := boolSetting(conf, "require-sigs")
	if err != nil {
		return o, err
	}
	if subs := conf.Fields("substituters"); useSubs && len(subs) > 0 {
		trust, err := substitute.ParsePublicKeys(conf.Fields("trusted-public-keys"))
		if err != nil {
			s, _ := conf.Lookup("trusted-public-keys")
			return o, fmt.Errorf("%s: %w", s.Pos, err)
		}
		for _, u := range subs {
			c, err := substitute.Open(u, st, substitute.Options{TrustedKeys: trust, RequireSigs: requireSigs})
			if err != nil {
				s, _ := conf.Lookup("substituters")
				return o, fmt.Errorf("%s: %w", s.Pos, err)
			}
			o.Substituters = append(o.Substituters, c)
		}
	}
	return o, nil
}

// progress renders build events: a live display on a terminal, plain
// lines (like nix-build's) otherwise.
type progress struct {
	w     io.Writer
	quiet bool
	tty   bool

	mu      sync.Mutex
	p       *mpb.Progress
	bar     *mpb.Bar
	running map[string]string // drv -> last log line
	names   map[string]string
	total   int
}

func newProgress(w io.Writer, quiet bool) *progress {
	pr := &progress{w: w, quiet: quiet, running: map[string]string{}, names: map[string]string{}}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		pr.tty = true
	}
	return pr
}

// Report implements build.Reporter.
func (pr *progress) Report(e build.Event) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	switch e.Kind {
	case build.EvPlanned:
		pr.total = e.Total
		if pr.tty && e.Total > 0 {
			pr.p = mpb.New(mpb.WithOutput(pr.w), mpb.WithWidth(30))
			pr.bar = pr.p.AddBar(int64(e.Total),
				mpb.PrependDecorators(decor.Name("building "), decor.CountersNoUnit("%d/%d")),
				mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return pr.status() })))
		} else if e.Total > 0 && !pr.tty {
			fmt.Fprintf(pr.w, "these %d derivations will be built:\n", e.Total)
		}
	case build.EvStarted:
		pr.running[e.Drv] = ""
		pr.names[e.Drv] = e.Name
		if !pr.tty {
			fmt.Fprintf(pr.w, "building '%s'...\n", e.Drv)
		}
	case build.EvLog:
		if pr.tty {
			pr.running[e.Drv] = e.Line
		} else if !pr.quiet {
			fmt.Fprintln(pr.w, e.Line)
		}
	case build.EvFinished, build.EvFailed:
		delete(pr.running, e.Drv)
		if pr.bar != nil {
			pr.bar.Increment()
		}
	case build.EvSubstituting:
		pr.printf("copying path '%s' from '%s'...\n", e.Path, e.URL)
	case build.EvWarning:
		pr.printf("warning: %s\n", e.Line)
	}
}

// printf prints a line (above the live display on a terminal). The
// caller holds pr.mu.
func (pr *progress) printf(format string, args ...any) {
	if pr.p != nil {
		fmt.Fprintf(pr.p, format, args...)
		return
	}
	fmt.Fprintf(pr.w, format, args...)
}

// status is the live line: running builds and the newest log line.
func (pr *progress) status() string {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var parts []string
	for drv, line := range pr.running {
		s := pr.names[drv]
		if line != "" {
			if len(line) > 60 {
				line = line[:60]
			}
			s += ": " + line
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf(" %d running  %s", len(pr.running), strings.Join(parts, " | "))
}

// finish ends the live display.
func (pr *progress) finish() {
	pr.mu.Lock()
	p, bar := pr.p, pr.bar
	pr.mu.Unlock()
	if p != nil {
		if bar != nil && !bar.Completed() {
			bar.Abort(false)
		}
		p.Wait()
	}
}
