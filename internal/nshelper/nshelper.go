package nshelper

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// Descriptors of the helper: the specification comes in on specFD, and
// statusFD carries a set-up error back (or just closes).
const (
	specFD   = 3
	statusFD = 4
)

// Start starts cmd as this binary in the helper mode named by env and
// returns once the helper has started its program. The caller sets up
// cmd's streams, directory, SysProcAttr (the namespaces) and Cancel;
// Start sets its Path, Args (label names the process in ps), Env and
// ExtraFiles. A set-up error the helper reports is returned after the
// helper has been reaped; an error starting the helper at all is wrapped
// in a *StartError.
func Start(cmd *exec.Cmd, env, label string, spec any) error {
	data, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	specR, specW, err := os.Pipe()
	if err != nil {
		return err
	}
	statR, statW, err := os.Pipe()
	if err != nil {
		specR.Close()
		specW.Close()
		return err
	}
	self, err := os.Executable()
	if err != nil {
		self = "gonix"
	}
	cmd.Path = "/proc/self/exe"
	cmd.Args = []string{self + " (" + label + ")"}
	cmd.Env = []string{env + "=1"}
	cmd.ExtraFiles = []*os.File{specR, statW}
	err = cmd.Start()
	specR.Close()
	statW.Close()
	if err != nil {
		specW.Close()
		statR.Close()
		return &StartError{Err: err}
	}
	_, werr := specW.Write(data)
	specW.Close()
	status, _ := io.ReadAll(statR)
	statR.Close()
	if len(status) == 0 && werr == nil {
		return nil
	}
	cmd.Process.Kill()
	cmd.Wait()
	if msg := strings.TrimSpace(string(status)); msg != "" {
		return errors.New(msg)
	}
	return fmt.Errorf("sending the helper its specification: %w", werr)
}

// StartError is returned by Start when the helper process could not be
// created (for example when the kernel refuses the namespaces).
type StartError struct{ Err error }

func (e *StartError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *StartError) Unwrap() error { return e.Err }

// Helper is the helper process's end of the status channel.
type Helper struct {
	status *os.File
}

// Serve turns the process into a helper when Start launched it in the
// mode named by env: it decodes the specification into spec, calls run
// and exits with its status. Otherwise it returns at once. Call it from
// an init function.
func Serve(env string, spec any, run func(h *Helper) int) {
	if os.Getenv(env) != "1" {
		return
	}
	h := &Helper{status: os.NewFile(statusFD, "status")}
	in := os.NewFile(specFD, "spec")
	data, err := io.ReadAll(in)
	in.Close()
	if err == nil {
		err = json.Unmarshal(data, spec)
	}
	if err != nil {
		os.Exit(h.Fail(fmt.Errorf("reading the helper's specification: %w", err)))
	}
	os.Exit(run(h))
}

// Fail reports a set-up error to the parent and returns the helper's exit
// status for it (125).
func (h *Helper) Fail(err error) int {
	fmt.Fprintf(h.status, "%v\n", err)
	h.status.Close()
	return 125
}

// Started tells the parent that set-up is done and the program runs.
func (h *Helper) Started() { h.status.Close() }

// StatusFD is the descriptor of the status channel, for a helper that
// replaces itself with the program by exec: marked close-on-exec, it
// closes exactly when the exec succeeds.
func (h *Helper) StatusFD() int { return statusFD }

// AsRootInUserNS adds a new user namespace to attr in which the caller's
// user and group are root, the helper's usual footing when it is not
// privileged.
func AsRootInUserNS(attr *syscall.SysProcAttr) {
	attr.Cloneflags |= syscall.CLONE_NEWUSER
	attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
	attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	attr.GidMappingsEnableSetgroups = false
}
