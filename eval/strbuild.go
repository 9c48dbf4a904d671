package eval

import (
	"strconv"
	"strings"
	"unsafe"
)

// Building strings. A concatenation collects its pieces first (strings,
// and integers that toString would format) and then writes them once
// into the result; a short result shares one allocation with its
// String header.

// strPiece is one piece of a string being built: s, or the decimal
// text of i when isInt.
type strPiece struct {
	s     string
	i     int64
	isInt bool
}

// strPieces collects the pieces of a string; the first few live in the
// value itself (on the caller's stack).
type strPieces struct {
	buf  [8]strPiece
	nbuf int
	more []strPiece
	n    int // total length in bytes
}

// add appends a string piece.
func (p *strPieces) add(s string) {
	p.push(strPiece{s: s})
	p.n += len(s)
}

// addInt appends the decimal text of i.
func (p *strPieces) addInt(i int64) {
	p.push(strPiece{i: i, isInt: true})
	p.n += decimalLen(i)
}

func (p *strPieces) push(x strPiece) {
	if p.nbuf < len(p.buf) {
		p.buf[p.nbuf] = x
		p.nbuf++
		return
	}
	p.more = append(p.more, x)
}

// count returns the number of pieces.
func (p *strPieces) count() int { return p.nbuf + len(p.more) }

// at returns the i-th piece.
func (p *strPieces) at(i int) *strPiece {
	if i < p.nbuf {
		return &p.buf[i]
	}
	return &p.more[i-p.nbuf]
}

// write copies the pieces into b, which has room for p.n bytes.
func (p *strPieces) write(b []byte) {
	off := 0
	for i := range p.count() {
		x := p.at(i)
		if x.isInt {
			off += len(strconv.AppendInt(b[off:off], x.i, 10))
		} else {
			off += copy(b[off:], x.s)
		}
	}
}

// single reports whether the pieces are one string piece.
func (p *strPieces) single() bool { return p.count() == 1 && !p.buf[0].isInt }

// string returns the pieces joined (without allocating for one string
// piece).
func (p *strPieces) string() string {
	if p.single() {
		return p.buf[0].s
	}
	if p.n == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(p.n)
	var tmp [20]byte
	for i := range p.count() {
		if x := p.at(i); x.isInt {
			b.Write(strconv.AppendInt(tmp[:0], x.i, 10))
		} else {
			b.WriteString(x.s)
		}
	}
	return b.String()
}

// value returns the pieces joined as a String with context ctx.
func (p *strPieces) value(ctx Context) *String {
	if p.n > maxInlineString || p.single() {
		return NewStringCtx(p.string(), ctx)
	}
	s, b := allocString(p.n)
	p.write(b)
	if len(ctx) > 0 {
		c := ctx
		s.ctx = &c
	}
	return s
}

// maxInlineString is the longest string allocated together with its
// header.
const maxInlineString = 40

// allocString returns a String of n bytes (n <= maxInlineString) whose
// bytes are b, allocated together with the header. The caller fills b
// before the String is used and never changes it afterwards.
func allocString(n int) (*String, []byte) {
	var s *String
	var b []byte
	switch {
	case n == 0:
		return &String{}, nil
	case n <= 8:
		x := &struct {
			String
			b [8]byte
		}{}
		s, b = &x.String, x.b[:n]
	case n <= 24:
		x := &struct {
			String
			b [24]byte
		}{}
		s, b = &x.String, x.b[:n]
	default:
		x := &struct {
			String
			b [maxInlineString]byte
		}{}
		s, b = &x.String, x.b[:n]
	}
	s.S = unsafe.String(unsafe.SliceData(b), n)
	return s, b
}

// decimalLen returns the length of i's decimal text.
func decimalLen(i int64) int {
	n := 1
	u := uint64(i)
	if i < 0 {
		n++
		u = -u
	}
	for u >= 10 {
		u /= 10
		n++
	}
	return n
}

// IntString returns the decimal text of i as a String (as toString
// gives it).
func IntString(i int64) *String {
	var p strPieces
	p.addInt(i)
	return p.value(nil)
}
