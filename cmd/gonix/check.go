package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"unsafe"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/spf13/cobra"

	"github.com/gonix/gonix/checker"
	"github.com/gonix/gonix/formatter"
	"github.com/gonix/gonix/parser"
)

type checkFlags struct {
	fix       bool
	json      bool
	format    string
	config    string
	enable    []string
	disable   []string
	exclude   []string
	hidden    bool
	listRules bool
	jobs      int
	deadnix   checker.DeadnixOptions
}

func newCheckCmd(s *streams) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check [--fix] [--json|--format text|short|json|sarif] [PATH...|-]",
		Short: "Lint Nix files (statix and deadnix lints, undefined names, and more)",
		Long: `Lint Nix files and directories (walked for *.nix; "." when none is given;
"-" reads standard input). Reports statix's lints, deadnix's unused code,
undefined variables, duplicate attributes, deprecated syntax and more; see
docs/lints.md or --list-rules. Exit status 1 when there are findings.

--fix applies the automatic fixes in place (each file is replaced
atomically) and reports what is left; with "-" the fixed text goes to
standard output and the findings to standard error.

Configuration comes from gonix.toml or .gonix.toml (table [check]: enable,
disable, exclude, [check.deadnix], [check.severity]) found in the file's
directory or a parent, or statix.toml's "disabled" list; flags win.
Comments "# gonix: ignore[CODE]" and "# statix: ignore" suppress findings.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(s, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.fix, "fix", false, "apply automatic fixes in place")
	fl.BoolVar(&f.json, "json", false, "print findings as JSON (same as --format json)")
	fl.StringVarP(&f.format, "format", "o", "text", "output format: text, short (one line each), json or sarif")
	fl.StringVar(&f.config, "config", "", "configuration file (default: gonix.toml, .gonix.toml or statix.toml found upwards)")
	fl.StringSliceVar(&f.enable, "enable", nil, "enable rules (codes, names, statix codes, or statix/deadnix/all)")
	fl.StringSliceVar(&f.disable, "disable", nil, "disable rules (as for --enable)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip files matching this glob (relative to the working directory)")
	fl.BoolVar(&f.hidden, "hidden", false, "also walk hidden directories and files")
	fl.BoolVar(&f.listRules, "list-rules", false, "list the rules and exit")
	fl.IntVarP(&f.jobs, "jobs", "j", 0, "files checked in parallel (default: number of CPUs)")
	fl.BoolVarP(&f.deadnix.NoLambdaArg, "no-lambda-arg", "l", false, "deadnix: don't check lambda arguments")
	fl.BoolVarP(&f.deadnix.NoLambdaPatternNames, "no-lambda-pattern-names", "L", false, "deadnix: don't check lambda pattern names")
	fl.BoolVar(&f.deadnix.NoUnderscore, "no-underscore", false, "deadnix: don't check bindings starting with _")
	fl.BoolVarP(&f.deadnix.WarnUsedUnderscore, "warn-used-underscore", "W", false, "deadnix: report used bindings starting with _")
	return cmd
}

// checkJob is one file to check.
type checkJob struct {
	arg    string // the path as the user should see it, or "-"
	path   string // the file to read ("" for stdin)
	absDir string // the absolute directory of path, when known
	cfg    *checker.Config
	opts   *checker.Options
	rep    *checker.FileReport
	err    error
	fixed  string // fixed text for stdin
}

func runCheck(s *streams, f *checkFlags, args []string) error {
	stopProfiles, err := startProfiles()
	if err != nil {
		return err
	}
	defer stopProfiles()
	// Thousands of parses fault in fresh heap pages; huge pages make that
	// a fault per 2 MiB (see preallocHugeHeap).
	preallocHugeHeap(256 << 20)
	if f.listRules {
		return listRules(s.out)
	}
	format := strings.ToLower(f.format)
	if f.json {
		format = "json"
	}
	switch format {
	case "text", "short", "json", "sarif":
	default:
		return usageError("unknown --format %q (want text, short, json or sarif)", f.format)
	}
	for _, g := range f.exclude {
		if !doublestar.ValidatePattern(g) {
			return usageError("bad --exclude pattern %q", g)
		}
	}
	base := &checker.Options{Deadnix: f.deadnix}
	flagRules := func(o *checker.Options) (*checker.Options, error) {
		out := *o
		rules := checker.DefaultRules()
		if o.Rules != nil {
			rules = *o.Rules
		}
		for _, n := range f.disable {
			if !rules.Disable(n) {
				return nil, usageError("--disable: unknown rule %q (see --list-rules)", n)
			}
		}
		for _, n := range f.enable {
			if !rules.Enable(n) {
				return nil, usageError("--enable: unknown rule %q (see --list-rules)", n)
			}
		}
		out.Rules = &rules
		return &out, nil
	}
	if _, err := flagRules(base); err != nil {
		return err
	}
	configs := &configCache{byDir: map[string]*checker.Config{}, known: map[string]string{}, loaded: map[string]*checker.Config{}}
	if f.config != "" {
		cfg, err := checker.LoadConfig(f.config)
		if err != nil {
			return &configError{err}
		}
		configs.fixed = cfg
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	// Walk the arguments, checking files as they are found.
	pool := startPool(s, f.fix, f.jobs)
	var jobs []*checkJob
	failed := false
	optsFor := map[*checker.Config]*checker.Options{}
	add := func(j *checkJob) error {
		var cfg *checker.Config
		var err error
		if j.absDir != "" && configs.fixed == nil {
			cfg, err = configs.lookup(j.absDir)
		} else {
			dir := "."
			if j.path != "" {
				dir = filepath.Dir(j.path)
			}
			cfg, err = configs.get(dir)
		}
		if err != nil {
			return err
		}
		if j.path != "" && (excludedByFlags(f.exclude, j.path) || cfg != nil && cfg.Excluded(j.path)) {
			return nil
		}
		opts, ok := optsFor[cfg]
		if !ok {
			opts = base
			if cfg != nil {
				if opts, err = cfg.Apply(base); err != nil {
					return err
				}
			}
			if opts, err = flagRules(opts); err != nil {
				return err
			}
			opts.Format = fixFormatter()
			optsFor[cfg] = opts
		}
		j.cfg, j.opts = cfg, opts
		jobs = append(jobs, j)
		pool.submit(j)
		return nil
	}
	var walkErr error
	for _, arg := range args {
		if arg == "-" {
			if walkErr = add(&checkJob{arg: "-"}); walkErr != nil {
				break
			}
			continue
		}
		err := walkNixFiles(arg, f.hidden, configs.known, func(p, absDir string) error {
			return add(&checkJob{arg: p, path: p, absDir: absDir})
		})
		if err != nil {
			var ue *exitCodeError
			if errors.As(err, &ue) || isConfigError(err) {
				walkErr = err
				break
			}
			fmt.Fprintf(s.err, "error: %v\n", err)
			failed = true
		}
	}
	pool.wait()
	if walkErr != nil {
		return walkErr
	}

	var reports []*checker.FileReport
	total, fixedFiles, fixes := 0, 0, 0
	for _, j := range jobs {
		if j.err != nil {
			fmt.Fprintf(s.err, "error: %v\n", j.err)
			failed = true
			continue
		}
		if j.path == "" && f.fix {
			if _, err := io.WriteString(s.out, j.fixed); err != nil {
				return err
			}
		}
		reports = append(reports, j.rep)
		total += len(j.rep.Findings)
		if j.rep.Fixed > 0 {
			fixedFiles++
			fixes += j.rep.Fixed
		}
	}
	var out io.Writer = s.out
	if f.fix && len(jobs) > 0 && jobs[0].path == "" {
		out = s.err // standard output holds the fixed text
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	out = bw
	switch format {
	case "json":
		err = checker.WriteJSON(out, reports)
	case "sarif":
		err = checker.WriteSARIF(out, reports, version)
	case "short":
		for _, r := range reports {
			if err = checker.WriteShort(out, r); err != nil {
				break
			}
		}
	default:
		for _, r := range reports {
			if err = checker.WriteText(out, r); err != nil {
				break
			}
		}
		if err == nil {
			summary := fmt.Sprintf("%d finding%s in %d file%s checked", total, plural(total), len(reports), plural(len(reports)))
			if f.fix {
				summary += fmt.Sprintf("; %d fix%s applied to %d file%s", fixes, pluralES(fixes), fixedFiles, plural(fixedFiles))
			}
			defer fmt.Fprintln(s.err, summary)
		}
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if failed || total > 0 {
		return silentExit(exitError)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

// checkPool checks files with a pool of workers as they are submitted,
// handing them over in small batches.
type checkPool struct {
	s     *streams
	fix   bool
	ch    chan []*checkJob
	batch []*checkJob
	wg    sync.WaitGroup
}

const poolBatch = 16

func startPool(s *streams, fix bool, workers int) *checkPool {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	p := &checkPool{s: s, fix: fix, ch: make(chan []*checkJob, 8)}
	for i := 0; i < workers; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for b := range p.ch {
				for _, j := range b {
					checkOne(s, j, fix)
				}
			}
		}()
	}
	return p
}

func (p *checkPool) submit(j *checkJob) {
	if j.path == "" {
		checkOne(p.s, j, p.fix) // standard input, read here
		return
	}
	p.batch = append(p.batch, j)
	if len(p.batch) == poolBatch {
		p.ch <- p.batch
		p.batch = nil
	}
}

func (p *checkPool) wait() {
	if len(p.batch) > 0 {
		p.ch <- p.batch
	}
	close(p.ch)
	p.wg.Wait()
}

// checkOne checks (and fixes) one file. Panics become errors naming it.
func checkOne(s *streams, j *checkJob, fix bool) {
	defer func() {
		if r := recover(); r != nil {
			j.err = fmt.Errorf("%s: internal error while checking: %v", j.arg, r)
		}
	}()
	var data []byte
	var err error
	name := j.arg
	if j.path == "" {
		data, err = io.ReadAll(s.in)
		name = "«stdin»"
	} else {
		data, err = readSourceFile(j.path)
	}
	if err != nil {
		j.err = fmt.Errorf("reading %s: %w", j.arg, err)
		return
	}
	// The buffer is never written again: share it instead of copying.
	src := unsafe.String(unsafe.SliceData(data), len(data))
	rep := &checker.FileReport{Path: name}
	if fix {
		res, err := checker.FixSource(name, src, j.opts)
		if err != nil {
			j.err = err
			return
		}
		rep.Src, rep.Findings, rep.Fixed = res.Src, res.Remaining, res.Applied
		j.fixed = res.Src
		if res.Changed && j.path != "" {
			if err := writeFileAtomic(j.path, []byte(res.Src)); err != nil {
				j.err = err
				return
			}
		}
	} else {
		tree := parser.ParseString(src, parser.Options{Name: name, PipeOperators: true})
		rep.Src, rep.Findings = src, checker.Check(tree, j.opts)
	}
	if len(rep.Findings) == 0 {
		rep.Src = "" // nothing to show; keep memory flat over large trees
	}
	j.rep = rep
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, keeping the file's permissions.
func writeFileAtomic(path string, data []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gonix-fix-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Chmod(st.Mode().Perm()); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	ok = true
	return nil
}

// walkNixFiles calls fn for arg itself when it is a file, or for the
// *.nix files under it in lexical order, skipping hidden entries unless
// hidden. It records in known which configuration file each directory
// walked holds ("" for none), sparing the configuration lookup its stats.
func walkNixFiles(arg string, hidden bool, known map[string]string, fn func(path, absDir string) error) error {
	st, err := os.Stat(arg)
	if err != nil {
		return fmt.Errorf("%s: %w", arg, unwrapPathError(err))
	}
	if !st.IsDir() {
		return fn(arg, "")
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return fmt.Errorf("%s: %w", arg, err)
	}
	return walkDir(arg, abs, hidden, known, fn)
}

func walkDir(dir, abs string, hidden bool, known map[string]string, fn func(path, absDir string) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, unwrapPathError(err))
	}
	cfg := ""
	for _, name := range checker.ConfigNames {
		for _, e := range entries {
			if e.Name() == name && !e.IsDir() {
				cfg = filepath.Join(abs, name)
				break
			}
		}
		if cfg != "" {
			break
		}
	}
	known[abs] = cfg
	for _, e := range entries {
		name := e.Name()
		if !hidden && strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		if e.IsDir() {
			if err := walkDir(p, filepath.Join(abs, name), hidden, known, fn); err != nil {
				return err
			}
			continue
		}
		if !strings.HasSuffix(name, ".nix") {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				continue
			}
		} else if !e.Type().IsRegular() {
			continue
		}
		if err := fn(p, abs); err != nil {
			return err
		}
	}
	return nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

func excludedByFlags(globs []string, path string) bool {
	p := filepath.ToSlash(filepath.Clean(path))
	for _, g := range globs {
		g = strings.TrimPrefix(strings.TrimSuffix(filepath.ToSlash(g), "/"), "./")
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
		if ok, _ := doublestar.Match(g+"/**", p); ok {
			return true
		}
	}
	return false
}

// configCache finds and loads configuration files once per directory.
type configCache struct {
	fixed *checker.Config
	byDir map[string]*checker.Config
	// known holds, for directories already listed, their configuration
	// file ("" for none).
	known map[string]string
	// loaded holds the configurations read, by file.
	loaded map[string]*checker.Config
}

// configError marks errors in configuration files (they stop the run).
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

func isConfigError(err error) bool {
	var ce *configError
	return errors.As(err, &ce)
}

func (c *configCache) get(dir string) (*checker.Config, error) {
	if c.fixed != nil {
		return c.fixed, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return c.lookup(abs)
}

// lookup finds the configuration of an absolute directory: a file in it,
// or its parent's configuration.
func (c *configCache) lookup(dir string) (*checker.Config, error) {
	if cfg, ok := c.byDir[dir]; ok {
		return cfg, nil
	}
	var cfg *checker.Config
	path, listed := c.known[dir]
	if !listed {
		for _, name := range checker.ConfigNames {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				path = p
				break
			}
		}
	}
	if path != "" {
		if cfg = c.loaded[path]; cfg == nil {
			var err error
			if cfg, err = checker.LoadConfig(path); err != nil {
				return nil, &configError{err}
			}
			c.loaded[path] = cfg
		}
	} else if parent := filepath.Dir(dir); parent != dir {
		var err error
		if cfg, err = c.lookup(parent); err != nil {
			return nil, err
		}
	}
	c.byDir[dir] = cfg
	return cfg, nil
}

// listRules prints the rule table.
func listRules(w io.Writer) error {
	rules := checker.Rules()
	sort.SliceStable(rules, func(i, j int) bool { return rules[i].Code < rules[j].Code })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tCOMPAT\tSEVERITY\tDEFAULT\tFIX\tSUMMARY")
	for _, r := range rules {
		def, fix := "on", ""
		if !r.Default {
			def = "off"
		}
		if r.Fixable {
			fix = "yes"
		}
		compat := r.Compat
		if compat == "" {
			compat = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Code, r.Name, compat, r.Severity, def, fix, r.Summary)
	}
	return tw.Flush()
}

// fixFormatter returns the formatter --fix uses to leave files formatted
// (see checker.FixSource: only files that were nixfmt-formatted before are
// formatted after fixing).
func fixFormatter() func(string) (string, error) {
	return func(src string) (string, error) {
		out, err := formatter.Format([]byte(src), formatter.Options{})
		return string(out), err
	}
}
