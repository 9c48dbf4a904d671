package storepath

import (
	"fmt"
	"path"
	"strings"

	"github.com/gonix/gonix/store/nixbase32"
)

// DefaultDir is the logical store directory of every gonix store.
const DefaultDir Dir = "/nix/store"

// HashLen is the length of the hash part of a store path (20 bytes in
// Nix base-32).
const HashLen = 32

// MaxNameLen is the longest name a store path may have.
const MaxNameLen = 211

// DrvExtension is the suffix of derivation store paths.
const DrvExtension = ".drv"

// Path is a store path without its directory: "<hash>-<name>". The zero
// value is not a valid path.
type Path struct {
	base string
}

// ParseBase parses "<hash>-<name>" (a store path's base name).
func ParseBase(base string) (Path, error) {
	if len(base) < HashLen+1 {
		return Path{}, fmt.Errorf("'%s' is too short to be a valid store path", base)
	}
	if base[HashLen] != '-' {
		return Path{}, fmt.Errorf("'%s' can't name a store path because the hash part is not followed by a '-'", base)
	}
	for i := 0; i < HashLen; i++ {
		if !nixbase32.IsDigit(base[i]) {
			return Path{}, fmt.Errorf("store path '%s' contains illegal base-32 character '%c'", base, base[i])
		}
	}
	if err := CheckName(base[HashLen+1:]); err != nil {
		return Path{}, fmt.Errorf("path '%s' is not a valid store path: %w", base, err)
	}
	return Path{base: base}, nil
}

// FromParts builds a path from a hash part (32 nix32 characters) and a name.
func FromParts(hashPart, name string) (Path, error) {
	return ParseBase(hashPart + "-" + name)
}

// fromDigest builds a path from a 20-byte digest and a name.
func fromDigest(digest []byte, name string) (Path, error) {
	if err := CheckName(name); err != nil {
		return Path{}, err
	}
	return Path{base: nixbase32.EncodeToString(digest) + "-" + name}, nil
}

// CheckName validates a store path name like current Nix: non-empty, at
// most 211 characters of [0-9a-zA-Z+-._?=], and not "." or ".." or
// starting with ".-" or "..-".
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("name must not be empty")
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("name '%s' must be no longer than %d characters", name, MaxNameLen)
	}
	if name[0] == '.' {
		switch {
		case name == "." || name == "..":
			return fmt.Errorf("name '%s' is not valid", name)
		case strings.HasPrefix(name, ".-"):
			return fmt.Errorf("name '%s' is not valid: first dash-separated component must not be '.'", name)
		case strings.HasPrefix(name, "..-"):
			return fmt.Errorf("name '%s' is not valid: first dash-separated component must not be '..'", name)
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			c == '+' || c == '-' || c == '.' || c == '_' || c == '?' || c == '=') {
			return fmt.Errorf("name '%s' contains illegal character '%c'", name, c)
		}
	}
	return nil
}

// String returns the base name "<hash>-<name>".
func (p Path) String() string { return p.base }

// IsZero reports whether p is the zero Path.
func (p Path) IsZero() bool { return p.base == "" }

// HashPart returns the 32-character hash part.
func (p Path) HashPart() string {
	if p.base == "" {
		return ""
	}
	return p.base[:HashLen]
}

// Name returns the name after the hash part.
func (p Path) Name() string {
	if p.base == "" {
		return ""
	}
	return p.base[HashLen+1:]
}

// IsDerivation reports whether the name ends in ".drv".
func (p Path) IsDerivation() bool { return strings.HasSuffix(p.base, DrvExtension) }

// Dir is a store directory such as "/nix/store" (absolute, no trailing
// slash).
type Dir string

// Path returns the absolute form of p in the store directory.
func (d Dir) Path(p Path) string { return string(d) + "/" + p.base }

// Parse parses an absolute store path "<dir>/<hash>-<name>". The path is
// cleaned first (like Nix's canonPath), so "/nix/store//x" is accepted but
// a file inside a store path is not.
func (d Dir) Parse(s string) (Path, error) {
	if s == "" {
		return Path{}, fmt.Errorf("empty path is not a valid store path")
	}
	if !strings.HasPrefix(s, "/") {
		return Path{}, fmt.Errorf("path '%s' is not in the Nix store", s)
	}
	c := path.Clean(s)
	if path.Dir(c) != string(d) {
		return Path{}, fmt.Errorf("path '%s' is not in the Nix store", s)
	}
	return ParseBase(path.Base(c))
}

// ParseInside splits a path inside the store ("/nix/store/h-n/bin/x") into
// the store path and the remaining relative part ("bin/x", or "").
func (d Dir) ParseInside(s string) (Path, string, error) {
	c := path.Clean(s)
	prefix := string(d) + "/"
	if !strings.HasPrefix(c, prefix) {
		return Path{}, "", fmt.Errorf("path '%s' is not in the Nix store", s)
	}
	rest := c[len(prefix):]
	base, sub, _ := strings.Cut(rest, "/")
	p, err := ParseBase(base)
	if err != nil {
		return Path{}, "", err
	}
	return p, sub, nil
}

// IsStorePath reports whether s parses as a store path in d.
func (d Dir) IsStorePath(s string) bool {
	_, err := d.Parse(s)
	return err == nil
}

// Parse parses an absolute path in the default store directory.
func Parse(s string) (Path, error) { return DefaultDir.Parse(s) }

// OutputPathName returns the name of a derivation output's store path:
// the derivation name for "out", "<name>-<output>" otherwise.
func OutputPathName(drvName, output string) string {
	if output == "out" {
		return drvName
	}
	return drvName + "-" + output
}
