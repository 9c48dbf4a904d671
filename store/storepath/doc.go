// Package storepath holds Nix store paths: parsing and validating
// "/nix/store/<hash>-<name>" (with Nix's name rules), and computing the path
// of every kind of store object — text files (.drv, toFile), sources and
// other content-addressed objects (flat or NAR, any algorithm), and
// derivation outputs — for a store directory given as a parameter.
package storepath
