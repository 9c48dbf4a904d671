package sandbox

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func probeOrSkip(t *testing.T) bool {
	t.Helper()
	userns, err := Probe()
	if err != nil {
		t.Skipf("sandboxing unavailable here: %v", err)
	}
	return userns
}

func runSh(t *testing.T, spec *Spec, script string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	spec.Path = "/bin/sh"
	spec.Args = []string{"sh", "-c", script}
	spec.Env = []string{"PATH=/path-not-set"}
	spec.Dir = "/"
	spec.Stdout, spec.Stderr = &out, &out
	p, err := Start(context.Background(), spec)
	if err != nil {
		return "", err
	}
	err = p.Wait()
	return out.String(), err
}

func newRoot(t *testing.T) (string, []Mount) {
	root := t.TempDir()
	for _, d := range []string{"tmp", "etc"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	mounts, err := HostPaths([]string{"/bin/sh"})
	if err != nil {
		t.Fatal(err)
	}
	return root, mounts
}

func TestSandboxIsolation(t *testing.T) {
	userns := probeOrSkip(t)
	root, mounts := newRoot(t)
	ro := t.TempDir()
	os.WriteFile(filepath.Join(ro, "f"), []byte("data"), 0o644)
	hostDir := t.TempDir()
	mounts = append(mounts, Mount{Target: "/input", Source: ro})
	out, err := runSh(t, &Spec{Root: root, Mounts: mounts, UserNS: userns}, `
read h < /proc/sys/kernel/hostname; echo "host=$h"
echo "pid=$$"
read l < /input/f; echo "input=$l"
if echo x > /input/g 2>/dev/null; then echo writable-input; fi
if echo x > `+hostDir+`/escape 2>/dev/null; then echo escaped; fi
echo ok > /tmp/t && echo tmp-ok
while read l; do case "$l" in *:*) echo "if=${l%%:*}";; esac; done < /proc/net/dev
`)
	if err != nil {
		t.Fatalf("sandbox run failed: %v\n%s", err, out)
	}
	for _, want := range []string{"host=localhost", "input=data", "tmp-ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in output:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "if=lo") {
		t.Errorf("no loopback interface:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "if=") && l != "if=lo" {
			t.Errorf("network interface visible in the sandbox: %s", l)
		}
	}
	for _, bad := range []string{"writable-input", "escaped"} {
		if strings.Contains(out, bad) {
			t.Errorf("sandbox leak %q:\n%s", bad, out)
		}
	}
	if _, err := os.Stat(filepath.Join(hostDir, "escape")); err == nil {
		t.Errorf("builder wrote outside the sandbox")
	}
	if _, err := os.Stat(filepath.Join(ro, "g")); err == nil {
		t.Errorf("builder wrote into a read-only input")
	}
}

func TestSandboxExitStatusAndSetupError(t *testing.T) {
	userns := probeOrSkip(t)
	root, mounts := newRoot(t)
	_, err := runSh(t, &Spec{Root: root, Mounts: mounts, UserNS: userns}, "exit 3")
	if err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("want exit status 3, got %v", err)
	}
	_, err = runSh(t, &Spec{Root: root, UserNS: userns, Mounts: append(mounts, Mount{Target: "/x", Source: "/does/not/exist"})}, "true")
	if err == nil || !strings.Contains(err.Error(), "/does/not/exist") {
		t.Fatalf("want a setup error naming the path, got %v", err)
	}
}

func TestHostPathsELF(t *testing.T) {
	ms, err := HostPaths([]string{"/bin/sh"})
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, m := range ms {
		targets = append(targets, m.Target)
	}
	if len(ms) < 2 {
		t.Skipf("/bin/sh seems static here: %v", targets)
	}
	found := false
	for _, tg := range targets {
		if strings.Contains(tg, "libc.so") {
			found = true
		}
	}
	if !found {
		t.Errorf("libc not among %v", targets)
	}
	if _, err := HostPaths([]string{"relative"}); err == nil {
		t.Error("relative sandbox path accepted")
	}
}

// TestHostPathsBelowSymlink checks that paths reached through a symlink
// sandbox path (/bin -> usr/bin on merged-/usr systems) are not mounted
// beside the link, and that such a set of paths works in the sandbox.
func TestHostPathsBelowSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "usr/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "usr/bin/tool"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("usr/bin", filepath.Join(dir, "bin")); err != nil {
		t.Fatal(err)
	}
	ms, err := HostPaths([]string{filepath.Join(dir, "bin/tool"), filepath.Join(dir, "bin")})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if strings.HasPrefix(m.Target, filepath.Join(dir, "bin")+"/") {
			t.Errorf("%s is mounted below the symlink %s/bin", m.Target, dir)
		}
	}
	fi, err := os.Lstat("/bin")
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return
	}
	userns := probeOrSkip(t)
	root, _ := newRoot(t)
	mounts, err := HostPaths([]string{"/bin/sh", "/bin", "/usr", "/lib", "/lib64?"})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := runSh(t, &Spec{Root: root, UserNS: userns, Mounts: mounts}, "echo ok"); err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("sandbox with /bin and /bin/sh: %q, %v", out, err)
	}
}
