package nixbase32

import (
	"fmt"
)

// Alphabet is the 32-character alphabet of Nix's base-32 encoding.
const Alphabet = "0123456789abcdfghijklmnpqrsvwxyz"

// reverse maps a byte to its digit value, or 0xff when it is not a digit.
var reverse = func() (r [256]byte) {
	for i := range r {
		r[i] = 0xff
	}
	for i := 0; i < len(Alphabet); i++ {
		r[Alphabet[i]] = byte(i)
	}
	return r
}()

// EncodedLen returns the length of the encoding of n bytes.
func EncodedLen(n int) int {
	if n == 0 {
		return 0
	}
	return (n*8-1)/5 + 1
}

// DecodedLen returns the number of bytes an encoding of n characters holds.
func DecodedLen(n int) int {
	return n * 5 / 8
}

// EncodeToString returns the Nix base-32 encoding of src.
func EncodeToString(src []byte) string {
	return string(Encode(nil, src))
}

// Encode appends the Nix base-32 encoding of src to dst and returns the
// extended slice.
func Encode(dst, src []byte) []byte {
	n := EncodedLen(len(src))
	for k := n - 1; k >= 0; k-- {
		b := uint(k) * 5
		i := b / 8
		j := b % 8
		c := src[i] >> j
		if int(i)+1 < len(src) {
			c |= src[i+1] << (8 - j)
		}
		dst = append(dst, Alphabet[c&31])
	}
	return dst
}

// IsDigit reports whether c belongs to the Nix base-32 alphabet.
func IsDigit(c byte) bool {
	return reverse[c] != 0xff
}

// DecodeString decodes a Nix base-32 string. It is strict: every character
// must be in the alphabet and the string must be the canonical encoding of
// DecodedLen(len(s)) bytes (no stray high bits).
func DecodeString(s string) ([]byte, error) {
	out := make([]byte, DecodedLen(len(s)))
	for n := 0; n < len(s); n++ {
		c := s[len(s)-n-1]
		d := reverse[c]
		if d == 0xff {
			return nil, fmt.Errorf("invalid character %q at offset %d in nix32 string %q", c, len(s)-n-1, s)
		}
		b := uint(n) * 5
		i := b / 8
		j := b % 8
		v := uint16(d) << j
		if int(i) < len(out) {
			out[i] |= byte(v)
		} else if byte(v) != 0 {
			return nil, fmt.Errorf("nix32 string %q is not a canonical encoding (excess bits)", s)
		}
		if hi := byte(v >> 8); hi != 0 {
			if int(i)+1 >= len(out) {
				return nil, fmt.Errorf("nix32 string %q is not a canonical encoding (excess bits)", s)
			}
			out[i+1] |= hi
		}
	}
	return out, nil
}

// ValidateString reports whether s only holds Nix base-32 characters.
func ValidateString(s string) error {
	for i := 0; i < len(s); i++ {
		if !IsDigit(s[i]) {
			return fmt.Errorf("invalid character %q at offset %d in nix32 string %q", s[i], i, s)
		}
	}
	return nil
}
