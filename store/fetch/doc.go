// Package fetch holds the download and unpack logic behind the
// evaluator's fetchurl, fetchTarball, fetchGit and fetchTree builtins:
// http(s) and file:// downloads, tarballs (tar.gz, tar.xz, tar.bz2,
// tar.zst) and zip archives, git repositories through the git CLI, hash
// checking in Nix's words, and a small cache (in the store's state
// directory) that maps URLs to store paths so re-evaluation does not
// download again.
package fetch
