package nixhash

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"

	"github.com/gonix/gonix/store/nixbase32"
)

// Algo is a hash algorithm Nix knows.
type Algo int

// The supported algorithms. The zero value is not a valid algorithm.
const (
	MD5 Algo = iota + 1
	SHA1
	SHA256
	SHA512
)

// String returns Nix's name of the algorithm ("sha256").
func (a Algo) String() string {
	switch a {
	case MD5:
		return "md5"
	case SHA1:
		return "sha1"
	case SHA256:
		return "sha256"
	case SHA512:
		return "sha512"
	}
	return fmt.Sprintf("Algo(%d)", int(a))
}

// Size returns the digest length in bytes.
func (a Algo) Size() int {
	switch a {
	case MD5:
		return md5.Size
	case SHA1:
		return sha1.Size
	case SHA256:
		return sha256.Size
	case SHA512:
		return sha512.Size
	}
	return 0
}

// New returns a fresh hash.Hash for the algorithm.
func (a Algo) New() hash.Hash {
	switch a {
	case MD5:
		return md5.New()
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	case SHA512:
		return sha512.New()
	}
	panic("nixhash: invalid algorithm " + a.String())
}

// ParseAlgo parses an algorithm name as Nix spells it.
func ParseAlgo(s string) (Algo, error) {
	switch s {
	case "md5":
		return MD5, nil
	case "sha1":
		return SHA1, nil
	case "sha256":
		return SHA256, nil
	case "sha512":
		return SHA512, nil
	}
	return 0, fmt.Errorf("unknown hash algorithm '%s', expect 'md5', 'sha1', 'sha256', or 'sha512'", s)
}

// Encoding is a textual representation of a digest.
type Encoding int

// The encodings Nix prints and parses.
const (
	Base16 Encoding = iota + 1
	Nix32
	Base64
	SRI
)

// String returns Nix's name of the encoding as used by convertHash's
// toHashFormat ("base16", "nix32", "base64", "sri").
func (e Encoding) String() string {
	switch e {
	case Base16:
		return "base16"
	case Nix32:
		return "nix32"
	case Base64:
		return "base64"
	case SRI:
		return "sri"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

// ParseEncoding parses an encoding name; "base32" is accepted as the old
// name of nix32.
func ParseEncoding(s string) (Encoding, error) {
	switch s {
	case "base16":
		return Base16, nil
	case "nix32", "base32":
		return Nix32, nil
	case "base64":
		return Base64, nil
	case "sri":
		return SRI, nil
	}
	return 0, fmt.Errorf("unknown hash format '%s', expect 'base16', 'base32', 'base64', or 'sri'", s)
}

// EncodedLen returns the length of a digest of the algorithm in encoding e
// (without any prefix).
func (a Algo) EncodedLen(e Encoding) int {
	switch e {
	case Base16:
		return 2 * a.Size()
	case Nix32:
		return nixbase32.EncodedLen(a.Size())
	case Base64, SRI:
		return base64.StdEncoding.EncodedLen(a.Size())
	}
	return 0
}

// Hash is a digest together with its algorithm.
type Hash struct {
	Algo   Algo
	Digest []byte
}

// New wraps a digest, checking its length.
func New(a Algo, digest []byte) (Hash, error) {
	if a.Size() == 0 {
		return Hash{}, fmt.Errorf("invalid hash algorithm %v", a)
	}
	if len(digest) != a.Size() {
		return Hash{}, fmt.Errorf("%s digest has length %d, expected %d", a, len(digest), a.Size())
	}
	return Hash{Algo: a, Digest: bytes.Clone(digest)}, nil
}

// Sum hashes data with the algorithm.
func Sum(a Algo, data []byte) Hash {
	h := a.New()
	h.Write(data)
	return Hash{Algo: a, Digest: h.Sum(nil)}
}

// SumReader hashes everything r yields, streaming.
func SumReader(a Algo, r io.Reader) (Hash, int64, error) {
	h := a.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return Hash{}, n, err
	}
	return Hash{Algo: a, Digest: h.Sum(nil)}, n, nil
}

// IsZero reports whether h holds no hash.
func (h Hash) IsZero() bool { return h.Algo == 0 }

// Equal reports whether two hashes have the same algorithm and digest.
func (h Hash) Equal(o Hash) bool {
	return h.Algo == o.Algo && bytes.Equal(h.Digest, o.Digest)
}

// Hex returns the lower-case base-16 digest.
func (h Hash) Hex() string { return hex.EncodeToString(h.Digest) }

// Format renders the hash. With includeAlgo, base16/nix32/base64 get an
// "algo:" prefix; SRI always has its "algo-" prefix.
func (h Hash) Format(e Encoding, includeAlgo bool) string {
	var s string
	switch e {
	case Base16:
		s = hex.EncodeToString(h.Digest)
	case Nix32:
		s = nixbase32.EncodeToString(h.Digest)
	case Base64:
		s = base64.StdEncoding.EncodeToString(h.Digest)
	case SRI:
		return h.Algo.String() + "-" + base64.StdEncoding.EncodeToString(h.Digest)
	default:
		panic("nixhash: invalid encoding")
	}
	if includeAlgo {
		return h.Algo.String() + ":" + s
	}
	return s
}

// String renders the hash as SRI, like Nix's default for new output.
func (h Hash) String() string { return h.Format(SRI, true) }

// Compress XOR-folds the digest to size bytes, as Nix does to get the
// 20-byte hash part of a store path.
func Compress(digest []byte, size int) []byte {
	out := make([]byte, size)
	for i, b := range digest {
		out[i%size] ^= b
	}
	return out
}

// decode decodes the body of a hash in encoding e, checking the length.
func decode(s string, a Algo, e Encoding) (Hash, error) {
	var d []byte
	var err error
	name := e.String()
	switch e {
	case Base16:
		d, err = hex.DecodeString(s)
	case Nix32:
		d, err = nixbase32.DecodeString(s)
	case Base64, SRI:
		if e == SRI {
			name = "SRI"
		}
		d, err = base64.StdEncoding.DecodeString(s)
	}
	if err != nil {
		return Hash{}, fmt.Errorf("invalid %s hash '%s': %w", name, s, err)
	}
	if len(d) != a.Size() {
		return Hash{}, fmt.Errorf("invalid %s hash '%s', length %d != expected length %d", name, s, len(d), a.Size())
	}
	return Hash{Algo: a, Digest: d}, nil
}

// encodingFromLen picks base16, nix32 or base64 from the length of an
// unprefixed hash, as Nix does.
func encodingFromLen(s string, a Algo) (Encoding, error) {
	switch len(s) {
	case a.EncodedLen(Base16):
		return Base16, nil
	case a.EncodedLen(Nix32):
		return Nix32, nil
	case a.EncodedLen(Base64):
		return Base64, nil
	}
	return 0, fmt.Errorf("hash '%s' has wrong length for hash algorithm '%s'", s, a)
}

// ParseAny parses a hash in any of Nix's forms: "algo:BODY", SRI
// "algo-BASE64", or a bare BODY whose encoding follows from its length. want
// is the algorithm known from context (0 when unknown); when both the string
// and want name one they must agree. It also returns the encoding found.
func ParseAny(s string, want Algo) (Hash, Encoding, error) {
	rest := s
	var algo Algo
	sri := false
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		a, err := ParseAlgo(rest[:i])
		if err != nil {
			return Hash{}, 0, err
		}
		algo, rest = a, rest[i+1:]
	} else if i := strings.IndexByte(rest, '-'); i >= 0 {
		a, err := ParseAlgo(rest[:i])
		if err != nil {
			return Hash{}, 0, err
		}
		algo, rest, sri = a, rest[i+1:], true
	}
	switch {
	case algo == 0 && want == 0:
		return Hash{}, 0, fmt.Errorf("hash '%s' does not include a type, nor is the type otherwise known from context", s)
	case algo != 0 && want != 0 && algo != want:
		return Hash{}, 0, fmt.Errorf("hash '%s' should have type '%s'", s, want)
	case algo == 0:
		algo = want
	}
	if sri {
		h, err := decode(rest, algo, SRI)
		return h, SRI, err
	}
	e, err := encodingFromLen(rest, algo)
	if err != nil {
		return Hash{}, 0, err
	}
	h, err := decode(rest, algo, e)
	return h, e, err
}

// Parse is ParseAny without the encoding.
func Parse(s string, want Algo) (Hash, error) {
	h, _, err := ParseAny(s, want)
	return h, err
}

// ParsePrefixed parses a hash that must name its algorithm ("algo:BODY" or
// SRI).
func ParsePrefixed(s string) (Hash, error) {
	if !strings.ContainsAny(s, ":-") {
		return Hash{}, fmt.Errorf("hash '%s' does not include a type", s)
	}
	return Parse(s, 0)
}

// ParseSRI parses an SRI hash "algo-BASE64".
func ParseSRI(s string) (Hash, error) {
	i := strings.IndexByte(s, '-')
	if i < 0 {
		return Hash{}, fmt.Errorf("hash '%s' is not SRI", s)
	}
	a, err := ParseAlgo(s[:i])
	if err != nil {
		return Hash{}, err
	}
	return decode(s[i+1:], a, SRI)
}

// ParseEncoded parses an unprefixed body in a given encoding.
func ParseEncoded(s string, a Algo, e Encoding) (Hash, error) {
	return decode(s, a, e)
}
