// Package nixbase32 implements Nix's base-32 encoding ("nix32"): the
// alphabet 0-9a-z without e, o, u and t, with the bits taken from the end of
// the input so that the last character encodes the lowest bits of byte 0.
package nixbase32
