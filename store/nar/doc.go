// Package nar reads and writes Nix ARchives, the canonical serialisation of
// a file system object (regular file with its executable bit, symlink, or
// directory with entries in byte order) that Nix hashes and transfers.
//
// Writing streams from the file system (Dump, with an optional filter as
// used by builtins.path and filterSource); reading is a tar-like streaming
// Reader with strict validation (magic, padding, sorted unique entry names,
// no "/", "." or ".." in names, truncation), and Restore materialises a NAR
// into a directory. Nothing here buffers a whole file in memory.
package nar
