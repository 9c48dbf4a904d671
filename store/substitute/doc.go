// Package substitute talks to Nix binary caches: .narinfo files, NAR
// compression (xz, zstd, bzip2, none), ed25519 signatures in Nix's
// "name:base64" key format, reading caches over file:// and http(s)://
// (Cache implements build.Substituter) and writing file:// caches (Copy,
// `gonix store copy --to file://DIR`).
package substitute
