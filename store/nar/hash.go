package nar

import (
	"crypto/sha256"
	"io"
)

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// HashPath returns the sha256 digest and the size of the NAR serialisation
// of path, streaming.
func HashPath(path string, filter Filter) (digest [32]byte, size int64, err error) {
	h := sha256.New()
	cw := &countWriter{w: h}
	if err := Dump(cw, path, filter); err != nil {
		return digest, 0, err
	}
	copy(digest[:], h.Sum(nil))
	return digest, cw.n, nil
}
