package storepath

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gonix/gonix/store/nixbase32"
	"github.com/gonix/gonix/store/nixhash"
)

// Make computes a store path from its type string (e.g. "source",
// "text:/nix/store/...", "output:out"), inner hash and name: the hash part is
// the 20-byte XOR-fold of sha256("TYPE:ALGO:HEX:DIR:NAME").
func (d Dir) Make(typ string, inner nixhash.Hash, name string) (Path, error) {
	fp := typ + ":" + inner.Format(nixhash.Base16, true) + ":" + string(d) + ":" + name
	h := nixhash.Sum(nixhash.SHA256, []byte(fp))
	p, err := fromDigest(nixhash.Compress(h.Digest, 20), name)
	if err != nil {
		return Path{}, fmt.Errorf("invalid store path name: %w", err)
	}
	return p, nil
}

// typeWithRefs returns TYPE followed by ":"+ref for each reference in
// sorted order, and ":self" when the object refers to itself.
func (d Dir) typeWithRefs(typ string, refs []Path, self bool) string {
	var b strings.Builder
	b.WriteString(typ)
	sorted := slices.Clone(refs)
	slices.SortFunc(sorted, func(a, b Path) int { return strings.Compare(a.base, b.base) })
	sorted = slices.Compact(sorted)
	for _, r := range sorted {
		b.WriteByte(':')
		b.WriteString(d.Path(r))
	}
	if self {
		b.WriteString(":self")
	}
	return b.String()
}

// MakeText computes the path of a text object (a .drv file or
// builtins.toFile) with the given content hash (sha256) and references.
func (d Dir) MakeText(name string, contentHash nixhash.Hash, refs []Path) (Path, error) {
	if contentHash.Algo != nixhash.SHA256 {
		return Path{}, fmt.Errorf("text store objects need a sha256 hash, not %s", contentHash.Algo)
	}
	return d.Make(d.typeWithRefs("text", refs, false), contentHash, name)
}

// MakeTextFromContents hashes contents and computes its text path.
func (d Dir) MakeTextFromContents(name string, contents []byte, refs []Path) (Path, error) {
	return d.MakeText(name, nixhash.Sum(nixhash.SHA256, contents), refs)
}

// MakeFixedOutput computes the path of a content-addressed object with
// method flat or NAR ("recursive"). NAR+sha256 is a "source" path that may
// have references (and self); every other combination must have none.
func (d Dir) MakeFixedOutput(name string, method Method, h nixhash.Hash, refs []Path, self bool) (Path, error) {
	switch method {
	case Text:
		if self {
			return Path{}, fmt.Errorf("text store objects cannot refer to themselves")
		}
		return d.MakeText(name, h, refs)
	case Flat, NAR:
	default:
		return Path{}, fmt.Errorf("invalid content address method %d", method)
	}
	if method == NAR && h.Algo == nixhash.SHA256 {
		return d.Make(d.typeWithRefs("source", refs, self), h, name)
	}
	if len(refs) > 0 || self {
		return Path{}, fmt.Errorf("fixed-output path '%s' using %s:%s cannot have references", name, method.prefix(), h.Algo)
	}
	inner := nixhash.Sum(nixhash.SHA256, []byte("fixed:out:"+method.prefix()+h.Format(nixhash.Base16, true)+":"))
	return d.Make("output:out", inner, name)
}

// MakeFromCA computes the path of a content-addressed object.
func (d Dir) MakeFromCA(name string, ca ContentAddress, refs []Path, self bool) (Path, error) {
	return d.MakeFixedOutput(name, ca.Method, ca.Hash, refs, self)
}

// MakeOutput computes the path of an input-addressed derivation output
// from the derivation's hash modulo, its name and the output name.
func (d Dir) MakeOutput(output string, hashModulo nixhash.Hash, drvName string) (Path, error) {
	return d.Make("output:"+output, hashModulo, OutputPathName(drvName, output))
}

// Placeholder returns builtins.placeholder's value for an output name:
// "/" followed by nix32(sha256("nix-output:NAME")).
func Placeholder(output string) string {
	h := nixhash.Sum(nixhash.SHA256, []byte("nix-output:"+output))
	return "/" + nixbase32.EncodeToString(h.Digest)
}
