// Package nixhash holds Nix's content hashes: the algorithms md5, sha1,
// sha256 and sha512, and their textual forms (base16, Nix base-32, base64
// and SRI) with Nix's rules for which length means which encoding.
//
// The evaluator's hashString, hashFile and convertHash builtins are thin
// wrappers over Parse/ParseAny, Sum/NewHasher and Hash.Format.
package nixhash
