package build

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/sandbox"
)

// realiser holds the state of one Realise call.
type realiser struct {
	st   *store.Store
	opts Options

	repMu sync.Mutex // serialises Reporter calls

	// sandbox configuration decided once per call.
	useSandbox bool
	userNS     bool
	hostMounts []sandbox.Mount

	refMu sync.Mutex
	refs  map[string][]string // references of valid paths (cache)
}

// Realise builds (or substitutes) the outputs the requests name, with
// their dependencies, and returns one Result per request (in order). The
// error is non-nil when the plan could not be made (a missing .drv, a
// dependency cycle, bad options) or when any request did not succeed; the
// Results then say which.
func Realise(ctx context.Context, st *store.Store, reqs []Request, opts Options) ([]Result, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = 1
	}
	if opts.Cores <= 0 {
		opts.Cores = runtime.NumCPU()
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.LogTail <= 0 {
		opts.LogTail = 10
	}
	if opts.BuildDir == "" {
		opts.BuildDir = os.TempDir()
	}
	r := &realiser{st: st, opts: opts, refs: map[string][]string{}}
	for i := range reqs {
		p, err := st.Dir().Parse(reqs[i].DrvPath)
		if err != nil {
			return nil, err
		}
		reqs[i].DrvPath = st.Dir().Path(p)
		if err := st.AddTempRoot(reqs[i].DrvPath); err != nil {
			return nil, err
		}
	}
	g, err := r.loadGraph(reqs)
	if err != nil {
		return nil, err
	}
	if err := r.plan(g, reqs); err != nil {
		return nil, err
	}
	var work []*node
	nsubst := 0
	for _, n := range g.order {
		switch n.action {
		case actBuild:
			work = append(work, n)
		case actSubstitute:
			work = append(work, n)
			nsubst++
		}
	}
	if len(work)-nsubst > 0 {
		if err := r.setupSandbox(); err != nil {
			return nil, err
		}
	}
	r.report(Event{Kind: EvPlanned, Total: len(work) - nsubst, Substitutions: nsubst})
	r.schedule(ctx, work)

	results := make([]Result, len(reqs))
	var failed []string
	for i, rq := range reqs {
		n := g.nodes[rq.DrvPath]
		res := Result{DrvPath: n.drvPath, Outputs: map[string]string{}}
		outs := rq.Outputs
		if len(outs) == 0 {
			outs = n.drv.OutputNames()
		}
		for _, o := range outs {
			res.Outputs[o] = n.outPath(o)
		}
		switch n.action {
		case actNone:
			res.Status = AlreadyValid
		default:
			res.Status, res.Err = n.status, n.err
		}
		if res.Err != nil {
			failed = append(failed, n.drvPath)
		}
		results[i] = res
	}
	if len(failed) > 0 {
		return results, r.summary(work, failed)
	}
	return results, nil
}

// summary is the error Realise returns when builds failed: the first
// failure's message, plus a count like Nix's when there were more.
func (r *realiser) summary(work []*node, requested []string) error {
	var failures []*node
	for _, n := range work {
		if n.status == Failed {
			failures = append(failures, n)
		}
	}
	if len(failures) == 0 {
		return fmt.Errorf("build of %s failed", quoteList(requested))
	}
	if len(failures) == 1 {
		return failures[0].err
	}
	var msgs []string
	var drvs []string
	for _, n := range failures {
		msgs = append(msgs, n.err.Error())
		drvs = append(drvs, n.drvPath)
	}
	return &MultiError{Errs: msgs, Summary: fmt.Sprintf("build of %s failed", quoteList(drvs))}
}

// MultiError is returned when several builds failed (with KeepGoing).
type MultiError struct {
	Errs    []string
	Summary string
}

func (e *MultiError) Error() string {
	return strings.Join(e.Errs, "\n") + "\n" + e.Summary
}

func quoteList(ps []string) string {
	q := make([]string, len(ps))
	for i, p := range ps {
		q[i] = "'" + p + "'"
	}
	return strings.Join(q, ", ")
}

// report sends an event to the reporter.
func (r *realiser) report(e Event) {
	if r.opts.Reporter == nil {
		return
	}
	r.repMu.Lock()
	defer r.repMu.Unlock()
	r.opts.Reporter.Report(e)
}

// setupSandbox decides whether builds are sandboxed.
func (r *realiser) setupSandbox() error {
	rootless := r.st.Root != "/"
	if r.opts.Sandbox == SandboxOff {
		if rootless {
			return fmt.Errorf("cannot build without the sandbox in the store rooted at '%s': builders must see it at /nix/store, which needs a mount namespace", r.st.Root)
		}
		return nil
	}
	userNS, err := sandbox.Probe()
	if err != nil {
		if r.opts.Sandbox == SandboxOn || rootless {
			return fmt.Errorf("sandboxed builds are not possible on this machine (%v)", err)
		}
		r.report(Event{Kind: EvWarning, Line: fmt.Sprintf("sandboxing is not available on this machine (%v); building without the sandbox", err)})
		return nil
	}
	paths := append([]string{"/bin/sh"}, r.opts.SandboxPaths...)
	mounts, err := sandbox.HostPaths(paths)
	if err != nil {
		return err
	}
	r.useSandbox, r.userNS, r.hostMounts = true, userNS, mounts
	return nil
}

// schedule runs the work in topological order (Kahn's algorithm) with up
// to Jobs at once.
func (r *realiser) schedule(ctx context.Context, work []*node) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	acting := map[*node]bool{}
	for _, n := range work {
		acting[n] = true
	}
	var ready []*node
	for _, n := range work {
		for _, in := range n.inputs {
			if acting[in] {
				n.pending++
				in.referrers = append(in.referrers, n)
			}
		}
		if n.pending == 0 {
			ready = append(ready, n)
		}
	}
	type doneMsg struct {
		n   *node
		err error
	}
	doneCh := make(chan doneMsg)
	running, finished, total := 0, 0, 0
	for _, n := range work {
		if n.action == actBuild {
			total++
		}
	}
	stopping := false
	remaining := len(work)
	for remaining > 0 {
		for !stopping && running < r.opts.Jobs && len(ready) > 0 {
			n := ready[0]
			ready = ready[1:]
			running++
			go func() {
				var err error
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("internal error realising '%s': %v", n.drvPath, p)
					}
					doneCh <- doneMsg{n, err}
				}()
				if n.action == actSubstitute {
					err = r.substituteNode(n)
				} else {
					err = r.buildNode(ctx, n, func() int { return finished })
				}
			}()
		}
		if running == 0 {
			// Nothing can run any more (stopped after a failure).
			break
		}
		m := <-doneCh
		running--
		remaining--
		n := m.n
		n.done = true
		if n.action == actBuild {
			finished++
		}
		if m.err == nil {
			if n.action == actSubstitute {
				n.status = Substituted
			} else {
				n.status = Built
				r.report(Event{Kind: EvFinished, Drv: n.drvPath, Name: n.name(), Done: finished, Total: total})
			}
			for _, ref := range n.referrers {
				ref.pending--
				if ref.pending == 0 && !ref.done {
					ready = append(ready, ref)
				}
			}
			continue
		}
		n.status, n.err = Failed, m.err
		if errors.Is(m.err, context.Canceled) && stopping {
			n.status = Cancelled
		}
		if n.status == Failed {
			r.report(Event{Kind: EvFailed, Drv: n.drvPath, Name: n.name(), Err: m.err, Done: finished, Total: total})
		}
		// Everything depending on it cannot be built.
		remaining -= r.failDependents(n)
		if !r.opts.KeepGoing && !stopping {
			stopping = true
			cancel()
		}
	}
	// Mark what never ran.
	for _, n := range work {
		if !n.done {
			n.done = true
			n.status = Cancelled
			n.err = fmt.Errorf("build of '%s' was cancelled after another build failed", n.drvPath)
		}
	}
}

// failDependents marks every transitive referrer of a failed node as
// DependencyFailed and returns how many it marked.
func (r *realiser) failDependents(failed *node) int {
	count := 0
	var walk func(n *node)
	walk = func(n *node) {
		for _, ref := range n.referrers {
			if ref.done {
				continue
			}
			ref.done = true
			ref.status = DependencyFailed
			ref.err = fmt.Errorf("1 dependencies of derivation '%s' failed to build (%s)", ref.drvPath, failed.drvPath)
			count++
			walk(ref)
		}
	}
	walk(failed)
	return count
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
