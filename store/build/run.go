package build

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/sandbox"
	"github.com/gonix/gonix/store/storepath"
)

// sandboxBuildTop is where the build directory appears in the sandbox.
const sandboxBuildTop = "/build"

// BuildError is a failed build: the builder failed or its outputs were
// rejected.
type BuildError struct {
	DrvPath string
	Msg     string
	// LogTail holds the last lines of the build log.
	LogTail []string
}

func (e *BuildError) Error() string { return e.Msg }

// buildNode runs one derivation's builder and registers its outputs.
func (r *realiser) buildNode(ctx context.Context, n *node, finished func() int) error {
	st := r.st
	outNames := n.drv.OutputNames()
	// Lock the outputs so that two processes never build them at once.
	var locks []*store.PathLock
	defer func() {
		for _, l := range locks {
			l.Unlock()
		}
	}()
	for _, o := range outNames {
		l, err := st.LockPath(n.outPath(o))
		if err != nil {
			return err
		}
		locks = append(locks, l)
		if err := st.AddTempRoot(n.outPath(o)); err != nil {
			return err
		}
	}
	valid := map[string]bool{}
	allWanted := true
	for _, o := range outNames {
		ok, err := st.IsValid(n.outPath(o))
		if err != nil {
			return err
		}
		valid[o] = ok
		if n.wanted[o] && !ok {
			allWanted = false
		}
	}
	if allWanted {
		return nil // another process built it meanwhile
	}
	if !r.useSandbox {
		for _, o := range outNames {
			if valid[o] {
				return fmt.Errorf("cannot rebuild '%s' without the sandbox: its output '%s' is already valid", n.drvPath, o)
			}
		}
	}

	// The input closure: input sources and the used outputs of the input
	// derivations, with everything they refer to.
	var roots []string
	roots = append(roots, n.drv.InputSrcs...)
	for _, in := range n.inputs {
		for _, o := range n.drv.InputDrvs[in.drvPath] {
			roots = append(roots, in.outPath(o))
		}
	}
	for _, p := range roots {
		ok, err := st.IsValid(p)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("cannot build '%s': its input '%s' is not valid", n.drvPath, p)
		}
	}
	inputClosure, err := r.closure(roots)
	if err != nil {
		return err
	}

	r.report(Event{Kind: EvStarted, Drv: n.drvPath, Name: n.name(), Done: finished()})

	buildDir, err := makeBuildDir(r.opts.BuildDir, n.name())
	if err != nil {
		return err
	}
	keep := false
	defer func() {
		if !keep {
			store.RemoveTree(buildDir)
		}
	}()
	buildTop := buildDir
	if r.useSandbox {
		buildTop = sandboxBuildTop
	}
	rewrites := map[string]string{}
	for _, o := range outNames {
		rewrites[storepath.Placeholder(o)] = n.outPath(o)
	}
	structured, err := structuredAttrs(n.drv)
	if err != nil {
		return err
	}
	env, err := makeEnv(envParams{
		drv: n.drv, drvPath: n.drvPath, buildTop: buildTop, storeDir: string(st.Dir()),
		cores: r.opts.Cores, getenv: r.opts.Getenv, rewrites: rewrites,
		closure: r.closure, pathInfo: r.pathInfo, structured: structured,
	})
	if err != nil {
		return fmt.Errorf("preparing the build of '%s': %w", n.drvPath, err)
	}
	for name, content := range env.files {
		if err := os.WriteFile(filepath.Join(buildDir, name), []byte(content), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	// Leftovers of interrupted builds at the output paths go first.
	for _, o := range outNames {
		if !valid[o] {
			if err := st.RemoveStale(n.outPath(o)); err != nil {
				return err
			}
		}
	}

	// The log streams, bzip2-compressed, into the store's log directory
	// as the builder writes it (Nix's drvs/XX/REST.bz2).
	logFile, err := st.CreateBuildLog(n.drvPath)
	if err != nil {
		return err
	}
	defer logFile.Abort()
	tail := newTail(r.opts.LogTail)
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		br := bufio.NewReaderSize(pr, 64<<10)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				io.WriteString(logFile, line)
				l := strings.TrimRight(line, "\r\n")
				// Structured messages for Nix's logger ("@nix {...}",
				// e.g. setPhase) stay in the log file but are not
				// build output to show, as in Nix.
				if !isJSONLogMessage(l) {
					tail.add(l)
					r.report(Event{Kind: EvLog, Drv: n.drvPath, Name: n.name(), Line: l})
				}
			}
			if err != nil {
				return
			}
		}
	}()

	args := make([]string, len(n.drv.Args))
	for i, a := range n.drv.Args {
		args[i] = rewriteStrings(a, rewrites)
	}
	bctx := ctx
	if r.opts.Timeout > 0 {
		var cancel context.CancelFunc
		bctx, cancel = context.WithTimeout(ctx, r.opts.Timeout)
		defer cancel()
	}
	var chroot *store.ScratchDir
	var runErr error
	if isBuiltin(n.drv.Builder) {
		runErr = r.runBuiltin(bctx, n, pw)
	} else if r.useSandbox {
		chroot, runErr = r.runSandboxed(bctx, n, buildDir, inputClosure, env, args, pw)
		if chroot != nil {
			defer chroot.Remove()
		}
	} else {
		runErr = runDirect(bctx, n.drv.Builder, args, env, buildDir, pw)
	}
	pw.Close()
	<-logDone
	pr.Close()
	if err := logFile.Commit(); err != nil {
		r.report(Event{Kind: EvWarning, Drv: n.drvPath, Name: n.name(), Line: err.Error()})
	}

	if runErr != nil {
		if r.opts.KeepFailed {
			keep = true
		}
		for _, o := range outNames {
			if !valid[o] {
				st.RemoveStale(n.outPath(o))
			}
		}
		if errors.Is(bctx.Err(), context.DeadlineExceeded) && !errors.Is(ctx.Err(), context.Canceled) {
			runErr = fmt.Errorf("timed out after %s", r.opts.Timeout)
		} else if ctx.Err() != nil {
			return fmt.Errorf("build of '%s' cancelled: %w", n.drvPath, context.Canceled)
		}
		return r.failure(n, runErr, tail.lines(), buildDir, keep)
	}

	outRoot := ""
	if chroot != nil {
		outRoot = filepath.Join(chroot.Path, "root")
	}
	if err := r.registerOutputs(n, valid, outRoot, inputClosure, structured); err != nil {
		for _, o := range outNames {
			if !valid[o] {
				st.RemoveStale(n.outPath(o))
			}
		}
		if r.opts.KeepFailed {
			keep = true
		}
		var be *BuildError
		if errors.As(err, &be) {
			be.LogTail = tail.lines()
			if keep {
				be.Msg += fmt.Sprintf("\nnote: keeping build directory '%s'", buildDir)
			}
		}
		return err
	}
	return nil
}

// failure describes a failed builder like Nix does.
func (r *realiser) failure(n *node, runErr error, tail []string, buildDir string, kept bool) error {
	how := runErr.Error()
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			how = "signal " + strconv.Itoa(int(ws.Signal())) + " (" + ws.Signal().String() + ")"
			how = "failed due to " + how
		} else {
			how = "failed with exit code " + strconv.Itoa(ee.ExitCode())
		}
	} else {
		how = "failed: " + how
	}
	var b strings.Builder
	fmt.Fprintf(&b, "builder for '%s' %s", n.drvPath, how)
	if len(tail) > 0 {
		fmt.Fprintf(&b, ";\n       last %d log lines:\n", len(tail))
		for _, l := range tail {
			b.WriteString("       > " + l + "\n")
		}
		fmt.Fprintf(&b, "       For full logs, run:\n         gonix store log %s", n.drvPath)
	}
	if kept {
		fmt.Fprintf(&b, "\nnote: keeping build directory '%s'", buildDir)
	}
	return &BuildError{DrvPath: n.drvPath, Msg: b.String(), LogTail: tail}
}

// makeBuildDir creates DIR/nix-build-NAME-N (0700) like Nix.
func makeBuildDir(dir, name string) (string, error) {
	for i := 0; i < 1<<20; i++ {
		p := filepath.Join(dir, fmt.Sprintf("nix-build-%s-%d", name, i))
		err := os.Mkdir(p, 0o700)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("creating the build directory: %w", err)
		}
	}
	return "", fmt.Errorf("creating the build directory: too many build directories in %s", dir)
}

// runDirect runs the builder on the host (no sandbox).
func runDirect(ctx context.Context, builder string, args []string, env *builderEnv, dir string, out *os.File) error {
	cmd := exec.CommandContext(ctx, builder, args...)
	cmd.Args = append([]string{builder}, args...)
	cmd.Env = env.list()
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		// The whole process group.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("executing '%s': %w", builder, err)
	}
	return cmd.Wait()
}

// runSandboxed prepares a chroot in a scratch directory of the store and
// runs the builder there.
func (r *realiser) runSandboxed(ctx context.Context, n *node, buildDir string, inputs []string, env *builderEnv, args []string, out *os.File) (*store.ScratchDir, error) {
	sd, err := r.st.NewScratchDir("build")
	if err != nil {
		return nil, err
	}
	root := filepath.Join(sd.Path, "root")
	fixed := n.drv.IsFixedOutput()
	for _, d := range []struct {
		p    string
		mode os.FileMode
	}{{root, 0o755}, {filepath.Join(root, "tmp"), 0o1777}, {filepath.Join(root, "etc"), 0o755}} {
		if err := os.MkdirAll(d.p, d.mode); err != nil {
			return sd, err
		}
		os.Chmod(d.p, d.mode)
	}
	storeDir := filepath.Join(root, string(r.st.Dir()))
	if err := os.MkdirAll(storeDir, 0o755); err != nil {
		return sd, err
	}
	os.Chmod(storeDir, 0o1775)
	files := map[string]string{
		"passwd": "root:x:0:0:Nix build user:/build:/noshell\nnixbld:x:1000:100:Nix build user:/build:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n",
		"group":  "root:x:0:\nnixbld:!:100:\nnogroup:x:65534:\n",
	}
	if !fixed {
		files["hosts"] = "127.0.0.1 localhost\n::1 localhost\n"
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(content), 0o644); err != nil {
			return sd, err
		}
	}
	mounts := append([]sandbox.Mount(nil), r.hostMounts...)
	if fixed {
		for _, p := range []string{"/etc/resolv.conf", "/etc/services", "/etc/hosts"} {
			mounts = append(mounts, sandbox.Mount{Target: p, Source: p, Optional: true})
		}
	}
	outs := map[string]bool{}
	for _, o := range n.drv.Outputs {
		outs[o.Path] = true
	}
	for _, p := range inputs {
		if outs[p] {
			continue
		}
		mounts = append(mounts, sandbox.Mount{Target: p, Source: r.st.RealPath(p)})
	}
	mounts = append(mounts, sandbox.Mount{Target: sandboxBuildTop, Source: buildDir, Writable: true})
	sort.SliceStable(mounts, func(i, j int) bool { return mounts[i].Target < mounts[j].Target })
	p, err := sandbox.Start(ctx, &sandbox.Spec{
		Root: root, Mounts: mounts, Network: fixed, UserNS: r.userNS,
		Path: n.drv.Builder, Args: append([]string{n.drv.Builder}, args...), Env: env.list(),
		Dir: sandboxBuildTop, Stdout: out, Stderr: out,
	})
	if err != nil {
		return sd, err
	}
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			p.Kill()
		case <-done:
		}
	}()
	err = p.Wait()
	close(done)
	return sd, err
}

// tailBuf keeps the last n lines.
type tailBuf struct {
	n    int
	buf  []string
	next int
	full bool
}

func newTail(n int) *tailBuf { return &tailBuf{n: n, buf: make([]string, n)} }

func (t *tailBuf) add(l string) {
	t.buf[t.next] = l
	t.next = (t.next + 1) % t.n
	if t.next == 0 {
		t.full = true
	}
}

func (t *tailBuf) lines() []string {
	if !t.full {
		return append([]string(nil), t.buf[:t.next]...)
	}
	return append(append([]string(nil), t.buf[t.next:]...), t.buf[:t.next]...)
}

// isJSONLogMessage reports whether a builder's output line is a message
// for Nix's logger: "@nix " followed by a JSON object.
func isJSONLogMessage(line string) bool {
	rest, ok := strings.CutPrefix(line, "@nix ")
	return ok && json.Valid([]byte(rest))
}
