package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/gonix/gonix/internal/nshelper"
)

// helperEnv marks a process started as the sandbox helper.
const helperEnv = "GONIX_SANDBOX_HELPER"

// Mount is one entry of the sandbox's file system.
type Mount struct {
	// Target is the absolute path inside the sandbox.
	Target string `json:"target"`
	// Source is the host path bind-mounted at Target (files and
	// directories).
	Source string `json:"source,omitempty"`
	// Symlink, when set, makes Target a symbolic link with this content
	// instead of a bind mount.
	Symlink string `json:"symlink,omitempty"`
	// Writable keeps the bind mount writable (default read-only).
	Writable bool `json:"writable,omitempty"`
	// Optional skips a Source that does not exist.
	Optional bool `json:"optional,omitempty"`
}

// Spec describes one sandboxed process.
type Spec struct {
	// Root is a host directory prepared by the caller that becomes "/"
	// (it should contain /tmp, /etc and the store directory; mount
	// points are created as needed).
	Root   string  `json:"root"`
	Mounts []Mount `json:"mounts"`
	// Network shares the host's network (fixed-output derivations);
	// otherwise the sandbox has its own namespace with loopback only.
	Network bool `json:"network"`
	// UserNS runs the sandbox in a new user namespace (needed when not
	// root; Probe says whether it works).
	UserNS bool `json:"userns"`
	// Hostname inside the sandbox (default "localhost").
	Hostname string `json:"hostname"`
	// Path is the program, Args its argv (Args[0] included), Env its
	// complete environment and Dir its working directory, all as seen
	// inside the sandbox.
	Path string   `json:"path"`
	Args []string `json:"args"`
	Env  []string `json:"env"`
	Dir  string   `json:"dir"`
	// UID and GID the program runs as inside (default 1000 and 100, Nix's
	// sandbox build user), in a nested user namespace without privileges.
	UID int `json:"uid"`
	GID int `json:"gid"`

	// Stdout and Stderr receive the program's output (not serialised).
	Stdout io.Writer `json:"-"`
	Stderr io.Writer `json:"-"`
}

// Process is a running sandbox.
type Process struct {
	cmd *exec.Cmd
}

// Start launches the sandbox helper in new namespaces and waits until the
// sandbox is set up and the program started; a setup failure is returned
// as an error (the program did not run).
func Start(ctx context.Context, spec *Spec) (*Process, error) {
	if spec.Hostname == "" {
		spec.Hostname = "localhost"
	}
	if spec.UID == 0 && spec.GID == 0 {
		spec.UID, spec.GID = 1000, 100
	}
	cmd := exec.CommandContext(ctx, "/proc/self/exe")
	cmd.Stdout = spec.Stdout
	cmd.Stderr = spec.Stderr
	flags := uintptr(syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC)
	if !spec.Network {
		flags |= syscall.CLONE_NEWNET
	}
	attr := &syscall.SysProcAttr{Cloneflags: flags, Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if spec.UserNS {
		nshelper.AsRootInUserNS(attr)
	}
	cmd.SysProcAttr = attr
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	if err := nshelper.Start(cmd, helperEnv, "gonix sandbox", spec); err != nil {
		if se := (*nshelper.StartError)(nil); errors.As(err, &se) {
			return nil, fmt.Errorf("creating the sandbox: %w", se.Err)
		}
		return nil, fmt.Errorf("setting up the sandbox: %w", err)
	}
	return &Process{cmd: cmd}, nil
}

// Wait waits for the program and returns its exit error (an
// *exec.ExitError when it failed).
func (p *Process) Wait() error { return p.cmd.Wait() }

// Kill ends the whole sandbox.
func (p *Process) Kill() { p.cmd.Process.Kill() }

// Probe checks whether sandboxes can be created here, trying a user
// namespace first. It returns whether to use a user namespace, or an
// error saying why sandboxing is unavailable.
func Probe() (userNS bool, err error) {
	var errs []string
	for _, userns := range []bool{true, false} {
		if !userns && os.Geteuid() != 0 {
			continue
		}
		if err := probe(userns); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		return userns, nil
	}
	return false, errors.New(strings.Join(errs, "; "))
}

// probe starts a helper that sets up an empty root and exits.
func probe(userns bool) error {
	root, err := os.MkdirTemp("", "gonix-sandbox-probe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	var out bytes.Buffer
	p, err := Start(context.Background(), &Spec{Root: root, UserNS: userns, Path: "", Stdout: &out, Stderr: &out})
	if err != nil {
		return err
	}
	if err := p.Wait(); err != nil {
		return fmt.Errorf("sandbox probe failed: %v %s", err, out.String())
	}
	return nil
}
