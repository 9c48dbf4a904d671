package lsp

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/gonix/gonix/eval"
)

// Evaluation jobs. Everything the server learns by evaluating — errors
// for diagnostics, values for hover, attribute and option names for
// completion — is one job: a text to evaluate (a document as the editor
// has it, possibly rewritten so that it returns one binding's value, or
// a configured expression), steps that select into the result, and what
// to report. A job is plain data, so that it can run in a separate
// worker process (see evaluator), which the server kills on timeout,
// when it outgrows its memory limit, or when a newer edit makes it
// pointless; it can also run in process, bounded by a step limit.

// Job kinds.
const (
	// jobCheck evaluates a document deeply and reports the first error.
	jobCheck = "check"
	// jobValue prints the selected value.
	jobValue = "value"
	// jobNames lists the attribute names of the selected set.
	jobNames = "names"
	// jobOptions lists the options of a module system's options tree.
	jobOptions = "options"
)

// evalJob is one evaluation.
type evalJob struct {
	Kind string `json:"kind"`
	// Origin names the text in positions and messages: the document's
	// path, so that errors in it point into it.
	Origin  string `json:"origin"`
	Text    string `json:"text"`
	BaseDir string `json:"baseDir"`
	// Steps select into the text's value, in order.
	Steps      []evalStep `json:"steps,omitempty"`
	SearchPath []string   `json:"searchPath,omitempty"`
	// Env holds the environment variables evaluation may read.
	Env map[string]string `json:"env,omitempty"`
	// StepLimit bounds evaluation steps; MaxListSize the lists builtins
	// build; MemoryMB the worker's memory (enforced by the runner).
	StepLimit   int64 `json:"stepLimit"`
	MaxListSize int   `json:"maxListSize"`
	MemoryMB    int   `json:"memoryMB"`
}

// evalStep is a selection: call a function whose formals all have
// defaults (Nix's auto-call), or select an attribute.
type evalStep struct {
	AutoCall bool   `json:"autoCall,omitempty"`
	Attr     string `json:"attr,omitempty"`
}

// evalResult is what a job found.
type evalResult struct {
	// Error is the evaluation error (for jobCheck, the diagnostic; for
	// the others, why there is no answer).
	Error *evalError `json:"error,omitempty"`
	// Value is the printed value (jobValue), Type its type.
	Value string `json:"value,omitempty"`
	Type  string `json:"type,omitempty"`
	// Names are the attribute names (jobNames).
	Names []string `json:"names,omitempty"`
	// Options are the options found (jobOptions).
	Options []evalOption `json:"options,omitempty"`
	// Incomplete reports that a limit stopped the job before it saw
	// everything (no error is reported then).
	Incomplete bool `json:"incomplete,omitempty"`
	// Failure says why the job did not finish (the runner's timeout,
	// memory limit, a crash); empty on success.
	Failure string `json:"failure,omitempty"`
}

// evalError is an evaluation error: Nix's message, its position, and
// the trace, innermost first.
type evalError struct {
	Msg       string      `json:"msg"`
	Loc       evalLoc     `json:"loc"`
	Traces    []evalTrace `json:"traces,omitempty"`
	Formatted string      `json:"formatted"`
}

// evalLoc is a position: Origin and, for files, Path; 1-based line and
// byte column (0 when unknown).
type evalLoc struct {
	Origin string `json:"origin,omitempty"`
	Path   string `json:"path,omitempty"`
	Line   int    `json:"line,omitempty"`
	Col    int    `json:"col,omitempty"`
}

type evalTrace struct {
	Msg string  `json:"msg"`
	Loc evalLoc `json:"loc"`
}

// evalOption is one option of a module system.
type evalOption struct {
	Path        string `json:"path"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
	Default     string `json:"default,omitempty"`
	File        string `json:"file,omitempty"`
}

// Limits of what jobs report.
const (
	maxEvalNames   = 5000
	maxEvalOptions = 50000
	maxOptionDepth = 12
)

// stepLimitExceeded is the evaluator's message when a step limit stops
// it (not an error in the user's code).
const stepLimitExceeded = "evaluation step limit exceeded"

// runEvalJob runs a job in this process. It never panics: a failure of
// the evaluator itself becomes the result's Failure.
func runEvalJob(newState func(eval.Options) *eval.State, job *evalJob) (res *evalResult) {
	res = &evalResult{}
	defer func() {
		if r := recover(); r != nil {
			res = &evalResult{Failure: fmt.Sprintf("the evaluator failed: %v\n%s", r, firstLines(string(debug.Stack()), 10))}
		}
	}()
	env := job.Env
	st := newState(eval.Options{
		SearchPath:  job.SearchPath,
		Stderr:      io.Discard,
		Getenv:      func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		MaxListSize: job.MaxListSize,
		// The nix-command and flakes features are what people's files
		// commonly assume.
		ExperimentalFeatures: []string{"nix-command", "flakes", "pipe-operators"},
	})
	st.SetStepLimit(job.StepLimit)
	fail := func(err error) *evalResult {
		e := toEvalError(st, err)
		if e != nil && strings.Contains(e.Msg, stepLimitExceeded) {
			return &evalResult{Incomplete: true}
		}
		return &evalResult{Error: e}
	}
	v, err := st.EvalString(job.Text, job.Origin, job.BaseDir)
	if err != nil {
		return fail(err)
	}
	for _, s := range job.Steps {
		err = st.Run(func() {
			if s.AutoCall {
				var aerr error
				if v, aerr = st.AutoCall(v, eval.NewAttrsBuilder(0).Finish(eval.NoPos)); aerr != nil {
					panic(aerr)
				}
				return
			}
			fv, ferr := st.ForceValue(v)
			if ferr != nil {
				panic(ferr)
			}
			as, ok := fv.(*eval.Attrs)
			if !ok {
				panic(fmt.Errorf("%s is %s, not a set", s.Attr, typeName(fv)))
			}
			a := as.Get(st.Sym(s.Attr))
			if a == nil {
				panic(fmt.Errorf("attribute '%s' missing", s.Attr))
			}
			v = a.Value
		})
		if err != nil {
			return fail(err)
		}
	}
	switch job.Kind {
	case jobCheck:
		err = st.Run(func() {
			fv, ferr := st.ForceValue(v)
			if ferr != nil {
				panic(ferr)
			}
			if lam, ok := fv.(*eval.Lambda); ok && allDefaults(lam) {
				if fv, ferr = st.AutoCall(fv, eval.NewAttrsBuilder(0).Finish(eval.NoPos)); ferr != nil {
					panic(ferr)
				}
			}
			if ferr := st.ForceDeep(fv); ferr != nil {
				panic(ferr)
			}
		})
		if err != nil {
			return fail(err)
		}
	case jobValue:
		err = st.Run(func() {
			fv, ferr := st.ForceValue(v)
			if ferr != nil {
				panic(ferr)
			}
			res.Type = typeName(fv)
			res.Value = st.PrintValue(fv, eval.PrintOptions{Force: true, MaxDepth: 2, MaxAttrs: 20, MaxListItems: 20, MaxStringLength: 300})
		})
		if err != nil {
			return fail(err)
		}
	case jobNames:
		err = st.Run(func() {
			fv, ferr := st.ForceValue(v)
			if ferr != nil {
				panic(ferr)
			}
			as, ok := fv.(*eval.Attrs)
			if !ok {
				return
			}
			for _, a := range as.All() {
				if len(res.Names) >= maxEvalNames {
					res.Incomplete = true
					break
				}
				res.Names = append(res.Names, st.SymName(a.Name))
			}
		})
		if err != nil {
			return fail(err)
		}
	case jobOptions:
		o := &optionWalker{st: st, res: res}
		err = st.Run(func() { o.walk(v, "", 0) })
		if err != nil {
			if e := fail(err); e.Error != nil {
				res.Error = e.Error
			} else {
				res.Incomplete = true
			}
		}
	default:
		return &evalResult{Failure: "unknown job kind " + job.Kind}
	}
	return res
}

// allDefaults reports whether a function can be auto-called: it takes
// a set whose every formal has a default.
func allDefaults(lam *eval.Lambda) bool {
	if !lam.Fn.HasFormals {
		return false
	}
	for _, f := range lam.Fn.Formals {
		if f.Default == nil {
			return false
		}
	}
	return true
}

// typeName is builtins.typeOf's answer for a forced value.
func typeName(v eval.Value) string {
	if v == nil {
		return "null"
	}
	switch v.Kind() {
	case eval.KindInt:
		return "int"
	case eval.KindFloat:
		return "float"
	case eval.KindBool:
		return "bool"
	case eval.KindNull:
		return "null"
	case eval.KindString:
		return "string"
	case eval.KindPath:
		return "path"
	case eval.KindAttrs:
		return "set"
	case eval.KindList:
		return "list"
	}
	return "lambda"
}

// toEvalError converts an error of the evaluator (or of a step).
func toEvalError(st *eval.State, err error) *evalError {
	e, ok := err.(*eval.Error)
	if !ok {
		return &evalError{Msg: err.Error(), Formatted: "error: " + err.Error()}
	}
	out := &evalError{Msg: e.Msg, Loc: locOf(st.Locate(e.Pos)), Formatted: e.Format(true)}
	for _, t := range e.Traces {
		out.Traces = append(out.Traces, evalTrace{Msg: t.Msg, Loc: locOf(st.Locate(t.Pos))})
	}
	return out
}

func locOf(l eval.Location) evalLoc {
	if !l.Valid() {
		return evalLoc{}
	}
	return evalLoc{Origin: l.Origin, Path: l.Path, Line: l.Line, Col: l.Col}
}

// optionWalker collects the options of a module system's options tree:
// sets with `_type = "option"`, below sets of options.
type optionWalker struct {
	st  *eval.State
	res *evalResult
}

func (o *optionWalker) walk(v eval.Value, path string, depth int) {
	st := o.st
	if depth > maxOptionDepth || len(o.res.Options) >= maxEvalOptions {
		o.res.Incomplete = true
		return
	}
	fv, err := st.ForceValue(v)
	if err != nil {
		return // an option set that fails to evaluate is left out
	}
	as, ok := fv.(*eval.Attrs)
	if !ok {
		return
	}
	if o.str(as, "_type") == "option" {
		opt := evalOption{Path: path, Description: o.description(as)}
		if t := o.get(as, "type"); t != nil {
			if ts, ok := t.(*eval.Attrs); ok {
				opt.Type = o.str(ts, "description")
				if opt.Type == "" {
					opt.Type = o.str(ts, "name")
				}
			}
		}
		if d := o.get(as, "defaultText"); d != nil {
			opt.Default = o.text(d)
		} else if d := o.attr(as, "default"); d != nil {
			opt.Default = o.print(d)
		}
		if decl := o.get(as, "declarations"); decl != nil {
			if l, ok := decl.(*eval.List); ok && len(l.Elems) > 0 {
				if f, err := st.ForceValue(l.Elems[0]); err == nil {
					opt.File = valueText(st, f)
				}
			}
		}
		o.res.Options = append(o.res.Options, opt)
		return
	}
	if o.str(as, "_type") != "" {
		return // some other typed value, not a set of options
	}
	names := make([]string, 0, as.Len())
	for _, a := range as.All() {
		names = append(names, st.SymName(a.Name))
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.HasPrefix(n, "_") {
			continue
		}
		o.walk(as.Get(st.Sym(n)).Value, joinPath(path, n), depth+1)
	}
}

// attr returns an attribute's unforced value, or nil.
func (o *optionWalker) attr(as *eval.Attrs, name string) eval.Value {
	if a := as.Get(o.st.Sym(name)); a != nil {
		return a.Value
	}
	return nil
}

// get returns an attribute's value forced, or nil if absent or failing.
func (o *optionWalker) get(as *eval.Attrs, name string) eval.Value {
	v := o.attr(as, name)
	if v == nil {
		return nil
	}
	fv, err := o.st.ForceValue(v)
	if err != nil {
		return nil
	}
	return fv
}

func (o *optionWalker) str(as *eval.Attrs, name string) string {
	v := o.get(as, name)
	if v == nil {
		return ""
	}
	return valueText(o.st, v)
}

// description reads an option's description: a string, or a set with
// `text` (literalMD, mdDoc).
func (o *optionWalker) description(as *eval.Attrs) string {
	v := o.get(as, "description")
	if v == nil {
		return ""
	}
	return o.text(v)
}

func (o *optionWalker) text(v eval.Value) string {
	if s, ok := v.(*eval.Attrs); ok {
		if t := o.str(s, "text"); t != "" {
			return t
		}
	}
	if s := valueText(o.st, v); s != "" {
		return s
	}
	return o.print(v)
}

func (o *optionWalker) print(v eval.Value) string {
	var s string
	if err := o.st.Run(func() {
		s = o.st.PrintValue(v, eval.PrintOptions{Force: true, MaxDepth: 1, MaxAttrs: 8, MaxListItems: 8, MaxStringLength: 120})
	}); err != nil {
		return ""
	}
	return s
}

// valueText is the text of a string or path value ("" for others).
func valueText(st *eval.State, v eval.Value) string {
	switch x := v.(type) {
	case *eval.String:
		return x.S
	case eval.Path:
		return string(x)
	}
	return ""
}

// firstLines keeps the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// decodeEvalJob reads a job.
func decodeEvalJob(r io.Reader) (*evalJob, error) {
	var job evalJob
	if err := json.NewDecoder(r).Decode(&job); err != nil {
		return nil, fmt.Errorf("reading the evaluation job: %w", err)
	}
	if job.BaseDir == "" {
		job.BaseDir = filepath.Dir(job.Origin)
	}
	return &job, nil
}
