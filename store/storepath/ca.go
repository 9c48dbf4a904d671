package storepath

import (
	"fmt"
	"strings"

	"github.com/gonix/gonix/store/nixhash"
)

// Method is how a content-addressed object's hash was taken.
type Method int

// The content-addressing methods.
const (
	// Flat hashes the bytes of a single regular file.
	Flat Method = iota + 1
	// NAR hashes the NAR serialisation ("recursive").
	NAR
	// Text hashes the bytes of a text file that may have references.
	Text
)

// prefix returns the method's prefix in "fixed:" strings ("r:" for NAR).
func (m Method) prefix() string {
	if m == NAR {
		return "r:"
	}
	return ""
}

// String returns "flat", "nar" or "text".
func (m Method) String() string {
	switch m {
	case Flat:
		return "flat"
	case NAR:
		return "nar"
	case Text:
		return "text"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ContentAddress is a method plus a hash: the ca column of the store db.
type ContentAddress struct {
	Method Method
	Hash   nixhash.Hash
}

// IsZero reports whether ca is unset.
func (ca ContentAddress) IsZero() bool { return ca.Method == 0 }

// String renders Nix's textual form: "text:sha256:<nix32>",
// "fixed:r:sha256:<nix32>", "fixed:sha1:<nix32>", ... ("" when unset).
func (ca ContentAddress) String() string {
	switch ca.Method {
	case Text:
		return "text:" + ca.Hash.Format(nixhash.Nix32, true)
	case Flat, NAR:
		return "fixed:" + ca.Method.prefix() + ca.Hash.Format(nixhash.Nix32, true)
	}
	return ""
}

// ParseContentAddress parses the textual form written by String (any hash
// encoding is accepted).
func ParseContentAddress(s string) (ContentAddress, error) {
	rest, ok := strings.CutPrefix(s, "text:")
	if ok {
		h, err := nixhash.ParsePrefixed(rest)
		if err != nil {
			return ContentAddress{}, fmt.Errorf("invalid content address '%s': %w", s, err)
		}
		if h.Algo != nixhash.SHA256 {
			return ContentAddress{}, fmt.Errorf("invalid content address '%s': text hashes must be sha256", s)
		}
		return ContentAddress{Method: Text, Hash: h}, nil
	}
	rest, ok = strings.CutPrefix(s, "fixed:")
	if !ok {
		return ContentAddress{}, fmt.Errorf("invalid content address '%s': expected 'text:' or 'fixed:' prefix", s)
	}
	m := Flat
	if r, ok := strings.CutPrefix(rest, "r:"); ok {
		m, rest = NAR, r
	}
	h, err := nixhash.ParsePrefixed(rest)
	if err != nil {
		return ContentAddress{}, fmt.Errorf("invalid content address '%s': %w", s, err)
	}
	return ContentAddress{Method: m, Hash: h}, nil
}
