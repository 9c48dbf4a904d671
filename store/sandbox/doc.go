// Package sandbox runs a build's builder inside Linux namespaces (user,
// mount, pid, network, uts, ipc), the way Nix's chroot builder does: a
// private root built from bind mounts of the input closure, the build
// directory and configured sandbox paths (read-only except the build
// directory), a fresh /proc, a minimal /dev, hostname "localhost", a
// network namespace with only loopback unless the derivation is a
// fixed-output one, and the builder running as uid 1000 / gid 100 in a
// nested user namespace without capabilities.
//
// The namespaces are created by re-executing the current binary
// (/proc/self/exe) as a small helper: importing this package installs an
// init hook that turns the process into that helper when it was started by
// Start. The helper mounts, pivots into the new root and starts the
// builder as its child (the helper is pid 1 of the sandbox, so everything
// dies with it).
//
// Probe tells whether this machine allows it; callers fall back to
// unsandboxed builds with a warning when it does not.
package sandbox
