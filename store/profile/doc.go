// Package profile manages Nix profiles on a store: generations as
// NAME-N-link symlinks (NAME -> NAME-N-link relative, NAME-N-link ->
// /nix/store/... absolute, registered as GC roots), switching, rollback,
// deleting generations, and building user environments: a store path
// named "profile" holding a symlink tree of the installed packages plus a
// manifest.json in the format current `nix profile` writes (version 3).
package profile
