package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

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
^OUT1,OUT2 (or ^*) selecting outputs. Options: --option NAME VALUE for sandbox (true|false),
sandbox-paths, substituters, trusted-public-keys, require-sigs, cores,
max-jobs, keep-going, keep-failed.`,
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
	fl.IntVarP(&f.jobs, "max-jobs", "j", 1, "number of builds to run in parallel")
	fl.IntVar(&f.cores, "cores", 0, "NIX_BUILD_CORES for builders (0: all CPUs)")
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

// buildOptions turns flags and --option settings into build.Options.
func buildOptions(st *store.Store, f *buildFlags) (build.Options, error) {
	o := build.Options{Jobs: f.jobs, Cores: f.cores, KeepFailed: f.keepFailed, KeepGoing: f.keepGoing, Timeout: f.timeout, Getenv: getenv}
	sandboxSetting := f.sandbox
	var subs, keys []string
	requireSigs := true
	for name, v := range f.options {
		switch name {
		case "sandbox":
			sandboxSetting = v
		case "sandbox-paths", "extra-sandbox-paths":
			o.SandboxPaths = append(o.SandboxPaths, strings.Fields(v)...)
		case "substituters", "extra-substituters":
			subs = append(subs, strings.Fields(v)...)
		case "trusted-public-keys", "extra-trusted-public-keys":
			keys = append(keys, strings.Fields(v)...)
		case "require-sigs":
			requireSigs = v == "true"
		case "cores":
			n, err := strconv.Atoi(v)
			if err != nil {
				return o, usageError("option 'cores': '%s' is not an integer", v)
			}
			o.Cores = n
		case "max-jobs":
			n, err := strconv.Atoi(v)
			if err != nil {
				return o, usageError("option 'max-jobs': '%s' is not an integer", v)
			}
			o.Jobs = n
		case "keep-going":
			o.KeepGoing = v == "true"
		case "keep-failed":
			o.KeepFailed = v == "true"
		case "substitute":
			if v == "false" {
				subs = nil
			}
		default:
			return o, usageError("unknown option '%s'", name)
		}
	}
	mode, err := build.ParseSandboxMode(sandboxSetting)
	if err != nil {
		return o, usageError("%v", err)
	}
	o.Sandbox = mode
	if len(subs) > 0 {
		trust, err := substitute.ParsePublicKeys(keys)
		if err != nil {
			return o, err
		}
		for _, u := range subs {
			c, err := substitute.Open(u, st, substitute.Options{TrustedKeys: trust, RequireSigs: requireSigs})
			if err != nil {
				return o, err
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
