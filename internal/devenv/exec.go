package devenv

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gonix/gonix/internal/nshelper"
)

// helperEnv marks a process started by Start as the namespace helper.
const helperEnv = "GONIX_DEVENV_HELPER"

// Command is a program to run with a store visible at its logical
// directory.
type Command struct {
	// Path is the program: a path, or a name looked up in the PATH of
	// Env (inside the namespace, so store paths on it are found).
	Path string
	// Args is the argument vector, Args[0] included.
	Args []string
	// Env is the complete environment; Dir the working directory ("":
	// the current one).
	Env []string
	Dir string
	// Stdin, Stdout and Stderr are the standard streams (nil: the null
	// device).
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// StoreDir is the logical store directory (default /nix/store) and
	// RealStoreDir where its contents are on this machine; when they
	// differ the program runs in a mount namespace in which RealStoreDir
	// is mounted on StoreDir.
	StoreDir     string
	RealStoreDir string
	// UserNS asks for a user namespace even when running as root (which
	// needs none); without root one is always used.
	UserNS bool
	// ScratchDir is an empty directory for the private root made when
	// StoreDir does not exist on this machine (the caller removes it).
	ScratchDir string
}

// helperSpec is what the helper process is told through its pipe.
type helperSpec struct {
	StoreDir     string   `json:"storeDir"`
	RealStoreDir string   `json:"realStoreDir"`
	ScratchDir   string   `json:"scratchDir"`
	Path         string   `json:"path"`
	Args         []string `json:"args"`
	Env          []string `json:"env"`
	Dir          string   `json:"dir"`
	// Nested runs the program in a nested user namespace as UID/GID
	// (the helper itself is root in its user namespace).
	Nested bool `json:"nested"`
	UID    int  `json:"uid"`
	GID    int  `json:"gid"`
}

// Process is a started Command.
type Process struct {
	cmd *exec.Cmd
}

// Start starts the command.
func Start(c *Command) (*Process, error) {
	if len(c.Args) == 0 {
		c.Args = []string{c.Path}
	}
	storeDir := c.StoreDir
	if storeDir == "" {
		storeDir = "/nix/store"
	}
	dir := c.Dir
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		dir = wd
	}
	if c.RealStoreDir == "" || filepath.Clean(c.RealStoreDir) == filepath.Clean(storeDir) {
		prog, err := LookPath(c.Path, envValue(c.Env, "PATH"))
		if err != nil {
			return nil, err
		}
		cmd := &exec.Cmd{Path: prog, Args: c.Args, Env: c.Env, Dir: dir, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting %s: %w", c.Path, err)
		}
		return &Process{cmd: cmd}, nil
	}
	return startHelper(c, storeDir, dir)
}

// startHelper re-executes this binary as the namespace helper.
func startHelper(c *Command, storeDir, dir string) (*Process, error) {
	userNS := c.UserNS || os.Geteuid() != 0
	spec := helperSpec{
		StoreDir: storeDir, RealStoreDir: c.RealStoreDir, ScratchDir: c.ScratchDir,
		Path: c.Path, Args: c.Args, Env: c.Env, Dir: dir,
		Nested: userNS, UID: os.Getuid(), GID: os.Getgid(),
	}
	cmd := &exec.Cmd{Dir: dir, Stdin: c.Stdin, Stdout: c.Stdout, Stderr: c.Stderr}
	attr := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS}
	if userNS {
		nshelper.AsRootInUserNS(attr)
	}
	cmd.SysProcAttr = attr
	if err := nshelper.Start(cmd, helperEnv, "gonix store namespace", spec); err != nil {
		if se := (*nshelper.StartError)(nil); errors.As(err, &se) {
			return nil, fmt.Errorf("entering a mount namespace for the store at %s: %w", c.RealStoreDir, se.Err)
		}
		return nil, err
	}
	return &Process{cmd: cmd}, nil
}

// Wait waits for the program and returns its exit status (128+N when a
// signal N ended it). While it runs, interrupts from the terminal are
// left to the program, and termination requests are passed on to it.
func (p *Process) Wait() (int, error) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case s := <-sigs:
				if s == syscall.SIGTERM || s == syscall.SIGHUP {
					p.cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err := p.cmd.Wait()
	return exitStatus(p.cmd.ProcessState, err)
}

// exitStatus turns a finished process's state into a shell-style status.
func exitStatus(ps *os.ProcessState, err error) (int, error) {
	if ps == nil {
		return -1, err
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return ps.ExitCode(), err
	}
	return ps.ExitCode(), nil
}

// LookPath finds a program like the shell does: a name with a slash is
// used as is, anything else is searched in the colon-separated pathList
// (an empty entry meaning the current directory).
func LookPath(file, pathList string) (string, error) {
	if file == "" {
		return "", errors.New("no program to run")
	}
	if strings.Contains(file, "/") {
		if err := executable(file); err != nil {
			return "", fmt.Errorf("cannot run '%s': %w", file, err)
		}
		return file, nil
	}
	for _, d := range filepath.SplitList(pathList) {
		if d == "" {
			d = "."
		}
		p := filepath.Join(d, file)
		if executable(p) == nil {
			if !filepath.IsAbs(p) {
				p = "./" + p
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: command not found", file)
}

func executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("is a directory")
	}
	if fi.Mode()&0o111 == 0 {
		return fmt.Errorf("permission denied")
	}
	return nil
}

// envValue returns the value of name in an environment list.
func envValue(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val
		}
	}
	return v
}
