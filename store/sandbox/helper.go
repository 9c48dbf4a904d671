package sandbox

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"unsafe"

	"github.com/gonix/gonix/internal/nshelper"
	"golang.org/x/sys/unix"
)

// init turns the process into the sandbox helper when Start launched it.
// It runs before main (and before any test), so the helper never executes
// the host program's own logic.
func init() {
	var spec Spec
	nshelper.Serve(helperEnv, &spec, func(h *nshelper.Helper) int { return helperMain(h, &spec) })
}

// helperMain builds the sandbox, reports setup errors to the parent and
// runs the program, returning its exit status.
func helperMain(h *nshelper.Helper, spec *Spec) int {
	fail := h.Fail
	if err := setupRoot(spec); err != nil {
		return fail(err)
	}
	if spec.Path == "" { // probe
		h.Started()
		return 0
	}
	unix.Umask(0o022)
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: unix.RLIM_INFINITY})
	devnull, err := os.Open("/dev/null")
	if err != nil {
		devnull = nil
	}
	cmd := &exec.Cmd{
		Path:   spec.Path,
		Args:   spec.Args,
		Env:    spec.Env,
		Dir:    spec.Dir,
		Stdin:  devnull,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		SysProcAttr: &syscall.SysProcAttr{
			// The builder gets its own user namespace in which it is the
			// unprivileged build user; the helper stays its root.
			Cloneflags:                 syscall.CLONE_NEWUSER,
			UidMappings:                []syscall.SysProcIDMap{{ContainerID: spec.UID, HostID: 0, Size: 1}},
			GidMappings:                []syscall.SysProcIDMap{{ContainerID: spec.GID, HostID: 0, Size: 1}},
			GidMappingsEnableSetgroups: false,
			Setsid:                     true,
		},
	}
	if len(cmd.Args) == 0 {
		cmd.Args = []string{spec.Path}
	}
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("executing builder '%s': %w", spec.Path, err))
	}
	h.Started()
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sandbox: %v\n", err)
		return 126
	}
	return 0
}

// setupRoot makes spec.Root the root of a private mount namespace.
func setupRoot(spec *Spec) error {
	root := spec.Root
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("making / private: %w", err)
	}
	if err := unix.Mount(root, root, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind mounting the sandbox root %s: %w", root, err)
	}
	for _, m := range spec.Mounts {
		if err := addMount(root, m); err != nil {
			return err
		}
	}
	// A fresh /proc for the new pid namespace.
	proc := filepath.Join(root, "proc")
	if err := os.MkdirAll(proc, 0o555); err != nil {
		return err
	}
	if err := unix.Mount("none", proc, "proc", 0, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	if err := setupDev(root); err != nil {
		return err
	}
	if err := unix.Sethostname([]byte(spec.Hostname)); err != nil {
		return fmt.Errorf("setting the host name: %w", err)
	}
	if err := unix.Setdomainname([]byte("(none)")); err != nil {
		return fmt.Errorf("setting the domain name: %w", err)
	}
	if !spec.Network {
		if err := loopbackUp(); err != nil {
			return fmt.Errorf("setting up the loopback interface: %w", err)
		}
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	if err := os.Mkdir("real-root", 0o500); err != nil && !os.IsExist(err) {
		return err
	}
	if err := unix.PivotRoot(".", "real-root"); err != nil {
		return fmt.Errorf("pivoting into %s: %w", root, err)
	}
	if err := os.Chdir("/"); err != nil {
		return err
	}
	if err := unix.Unmount("real-root", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("unmounting the real root: %w", err)
	}
	os.Remove("real-root")
	return nil
}

// addMount creates one bind mount or symlink below root.
func addMount(root string, m Mount) error {
	if !filepath.IsAbs(m.Target) {
		return fmt.Errorf("sandbox path '%s' is not absolute", m.Target)
	}
	target := filepath.Join(root, m.Target)
	if m.Symlink != "" {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		os.Remove(target)
		if err := os.Symlink(m.Symlink, target); err != nil {
			return fmt.Errorf("creating symlink %s in the sandbox: %w", m.Target, err)
		}
		return nil
	}
	fi, err := os.Stat(m.Source)
	if err != nil {
		if m.Optional && errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("sandbox path '%s': %w", m.Source, err)
	}
	if fi.IsDir() {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY, 0o444)
		if err != nil {
			return fmt.Errorf("creating mount point %s: %w", m.Target, err)
		}
		f.Close()
	}
	if err := unix.Mount(m.Source, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind mounting %s at %s: %w", m.Source, m.Target, err)
	}
	if !m.Writable {
		// Remounting must keep the flags the kernel locked (nosuid, nodev,
		// noexec of the source mount).
		var st unix.Statfs_t
		flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY)
		if err := unix.Statfs(target, &st); err == nil {
			for _, f := range [][2]int64{
				{unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV},
				{unix.ST_NOEXEC, unix.MS_NOEXEC}, {unix.ST_NOATIME, unix.MS_NOATIME},
				{unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME},
			} {
				if st.Flags&f[0] != 0 {
					flags |= uintptr(f[1])
				}
			}
		}
		if err := unix.Mount("", target, "", flags, ""); err != nil {
			return fmt.Errorf("making %s read-only: %w", m.Target, err)
		}
	}
	return nil
}

// setupDev creates a minimal /dev like Nix's.
func setupDev(root string) error {
	dev := filepath.Join(root, "dev")
	if err := os.MkdirAll(dev, 0o755); err != nil {
		return err
	}
	for _, n := range []string{"full", "null", "random", "tty", "urandom", "zero"} {
		if err := addMount(root, Mount{Target: "/dev/" + n, Source: "/dev/" + n, Writable: true, Optional: true}); err != nil {
			return err
		}
	}
	for name, target := range map[string]string{
		"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2",
	} {
		os.Symlink(target, filepath.Join(dev, name))
	}
	shm := filepath.Join(dev, "shm")
	if err := os.MkdirAll(shm, 0o1777); err == nil {
		unix.Mount("none", shm, "tmpfs", 0, "size=50%")
	}
	pts := filepath.Join(dev, "pts")
	if err := os.MkdirAll(pts, 0o755); err == nil {
		if unix.Mount("none", pts, "devpts", 0, "newinstance,mode=0620") == nil {
			os.Symlink("/dev/pts/ptmx", filepath.Join(dev, "ptmx"))
			os.Chmod(filepath.Join(pts, "ptmx"), 0o666)
		}
	}
	return nil
}

// loopbackUp brings up "lo" in the sandbox's network namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var ifr [unix.IFNAMSIZ + 24]byte
	copy(ifr[:], "lo")
	flags := (*uint16)(unsafe.Pointer(&ifr[unix.IFNAMSIZ]))
	*flags = unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&ifr[0]))); e != 0 {
		return e
	}
	return nil
}
