package devenv

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gonix/gonix/internal/nshelper"
	"golang.org/x/sys/unix"
)

// init turns the process into the namespace helper when Start launched
// it; it runs before main (and before any test's main).
func init() {
	var spec helperSpec
	nshelper.Serve(helperEnv, &spec, func(h *nshelper.Helper) int { return helperMain(h, &spec) })
}

// helperMain mounts the store, reports setup errors to the parent and
// runs the program: by exec when it can, else (in a nested user
// namespace) as a child whose status it returns.
func helperMain(h *nshelper.Helper, spec *helperSpec) int {
	fail := h.Fail
	if err := mountStore(spec); err != nil {
		return fail(err)
	}
	if err := os.Chdir(spec.Dir); err != nil {
		return fail(fmt.Errorf("changing to %s: %w", spec.Dir, err))
	}
	prog, err := LookPath(spec.Path, envValue(spec.Env, "PATH"))
	if err != nil {
		return fail(err)
	}
	if !spec.Nested {
		unix.CloseOnExec(h.StatusFD())
		err := unix.Exec(prog, spec.Args, spec.Env)
		return fail(fmt.Errorf("running %s: %w", prog, err))
	}
	// In a user namespace the helper is root; the program runs as the
	// user in a nested namespace, so that it sees its own uid.
	cmd := &exec.Cmd{
		Path: prog, Args: spec.Args, Env: spec.Env,
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags:                 syscall.CLONE_NEWUSER,
			UidMappings:                []syscall.SysProcIDMap{{ContainerID: spec.UID, HostID: 0, Size: 1}},
			GidMappings:                []syscall.SysProcIDMap{{ContainerID: spec.GID, HostID: 0, Size: 1}},
			GidMappingsEnableSetgroups: false,
		},
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGHUP)
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("running %s: %w", prog, err))
	}
	h.Started()
	go func() {
		for s := range sigs {
			if s == syscall.SIGTERM || s == syscall.SIGHUP {
				cmd.Process.Signal(s)
			}
		}
	}()
	code, err := exitStatus(cmd.ProcessState, cmd.Wait())
	if err != nil {
		fmt.Fprintf(os.Stderr, "gonix: %v\n", err)
		return 126
	}
	return code
}

// mountStore makes RealStoreDir visible at StoreDir in this (private)
// mount namespace: over the machine's StoreDir (an overlay keeping both
// stores' paths visible, else a bind mount), or, when StoreDir does not
// exist, in a new root made of bind mounts of "/"'s entries.
func mountStore(spec *helperSpec) error {
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("making the mount namespace private: %w", err)
	}
	if fi, err := os.Stat(spec.StoreDir); err == nil && fi.IsDir() {
		if !strings.ContainsAny(spec.StoreDir+spec.RealStoreDir, ":,") {
			opts := "lowerdir=" + spec.StoreDir + ":" + spec.RealStoreDir
			if unix.Mount("overlay", spec.StoreDir, "overlay", 0, opts) == nil {
				return nil
			}
		}
		if err := unix.Mount(spec.RealStoreDir, spec.StoreDir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("mounting the store %s on %s: %w", spec.RealStoreDir, spec.StoreDir, err)
		}
		return nil
	}
	if spec.ScratchDir == "" {
		return fmt.Errorf("%s does not exist on this machine and no directory was given for a private root", spec.StoreDir)
	}
	root := spec.ScratchDir
	target := filepath.Join(root, spec.StoreDir)
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	if err := unix.Mount(spec.RealStoreDir, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("mounting the store %s on %s: %w", spec.RealStoreDir, spec.StoreDir, err)
	}
	entries, err := os.ReadDir("/")
	if err != nil {
		return err
	}
	for _, e := range entries {
		src := filepath.Join("/", e.Name())
		dst := filepath.Join(root, e.Name())
		if _, err := os.Lstat(dst); err == nil {
			continue // the store's own top directory
		}
		switch {
		case e.Type()&os.ModeSymlink != 0:
			t, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(t, dst); err != nil {
				return err
			}
		case e.IsDir():
			if err := os.Mkdir(dst, 0o700); err != nil {
				return err
			}
			if err := unix.Mount(src, dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
				return fmt.Errorf("mounting %s in the private root: %w", src, err)
			}
		}
	}
	if err := unix.Chroot(root); err != nil {
		return fmt.Errorf("entering the private root %s: %w", root, err)
	}
	if err := os.Chdir(spec.Dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
