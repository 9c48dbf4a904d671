package nar

import (
	"encoding/binary"
	"io"
)

// Magic is the first string of every NAR.
const Magic = "nix-archive-1"

// Limits on strings other than file contents, to refuse absurd inputs
// early.
const (
	maxKeyword = 64
	maxName    = 1024
	maxTarget  = 4096
)

var zeroPad [8]byte

// padLen returns the number of zero bytes that follow n bytes.
func padLen(n uint64) int { return int((8 - n%8) % 8) }

// writer writes NAR primitives, remembering the first error.
type writer struct {
	w   io.Writer
	err error
	buf [8]byte
}

func (w *writer) write(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(b)
	}
}

func (w *writer) u64(n uint64) {
	binary.LittleEndian.PutUint64(w.buf[:], n)
	w.write(w.buf[:])
}

func (w *writer) str(s string) {
	w.u64(uint64(len(s)))
	if w.err == nil {
		_, w.err = io.WriteString(w.w, s)
	}
	w.write(zeroPad[:padLen(uint64(len(s)))])
}

func (w *writer) strs(ss ...string) {
	for _, s := range ss {
		w.str(s)
	}
}
