package store

import (
	"fmt"
	"sort"

	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixbase32"
	"github.com/gonix/gonix/store/storepath"
)

// refScanner finds occurrences of store path hash parts in a byte stream,
// across write boundaries, like Nix's reference scanner.
type refScanner struct {
	hashes map[string]bool
	seen   map[string]bool
	tail   []byte // the last HashLen-1 bytes of the previous write
}

func newRefScanner(hashParts []string) *refScanner {
	r := &refScanner{hashes: map[string]bool{}, seen: map[string]bool{}}
	for _, h := range hashParts {
		r.hashes[h] = true
	}
	return r
}

func (r *refScanner) Write(b []byte) (int, error) {
	const n = storepath.HashLen
	// Scan the seam: tail + the head of b.
	if len(r.tail) > 0 {
		head := b
		if len(head) > n-1 {
			head = head[:n-1]
		}
		r.scan(append(append([]byte(nil), r.tail...), head...))
	}
	r.scan(b)
	if len(b) >= n-1 {
		r.tail = append(r.tail[:0], b[len(b)-(n-1):]...)
	} else {
		r.tail = append(r.tail, b...)
		if len(r.tail) > n-1 {
			r.tail = r.tail[len(r.tail)-(n-1):]
		}
	}
	return len(b), nil
}

// scan looks for 32-character base-32 windows; on an invalid character it
// skips past it.
func (r *refScanner) scan(b []byte) {
	const n = storepath.HashLen
	i := 0
	for i+n <= len(b) {
		j := n - 1
		for j >= 0 && nixbase32.IsDigit(b[i+j]) {
			j--
		}
		if j >= 0 {
			i += j + 1
			continue
		}
		h := string(b[i : i+n])
		if r.hashes[h] {
			r.seen[h] = true
		}
		i++
	}
}

// ScanReferences returns which of the candidate store paths occur (by their
// hash part) in the NAR serialisation of the object at the physical path
// real — how Nix finds a build output's runtime references.
func ScanReferences(real string, candidates []string) ([]string, error) {
	byHash := map[string]string{}
	var hashes []string
	for _, c := range candidates {
		p, err := storepath.Parse(c)
		if err != nil {
			return nil, fmt.Errorf("reference candidate: %w", err)
		}
		byHash[p.HashPart()] = c
		hashes = append(hashes, p.HashPart())
	}
	sc := newRefScanner(hashes)
	if err := nar.Dump(sc, real, nil); err != nil {
		return nil, err
	}
	var out []string
	for h := range sc.seen {
		out = append(out, byHash[h])
	}
	sort.Strings(out)
	return out, nil
}
