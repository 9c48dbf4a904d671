package nar

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Type is the type of a file system object in a NAR.
type Type int

// The object types.
const (
	TypeRegular Type = iota + 1
	TypeDirectory
	TypeSymlink
)

// String returns "regular", "directory" or "symlink".
func (t Type) String() string {
	switch t {
	case TypeRegular:
		return "regular"
	case TypeDirectory:
		return "directory"
	case TypeSymlink:
		return "symlink"
	}
	return "unknown"
}

// Header describes one object of a NAR.
type Header struct {
	// Path is the object's path relative to the root, with "/" separators;
	// "" for the root itself.
	Path       string
	Type       Type
	Executable bool   // regular files only
	Size       int64  // regular files only
	Target     string // symlinks only
}

// Error is a malformed or truncated NAR, with the byte offset where the
// problem was found.
type Error struct {
	Offset int64
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid NAR at byte %d: %s", e.Offset, e.Msg) }

// dirFrame is an open directory: its path and last entry name.
type dirFrame struct {
	path string
	last string
	any  bool
}

// Reader reads a NAR as a sequence of Headers (in NAR order: a directory
// before its entries), like archive/tar. Read returns the contents of the
// current regular file.
type Reader struct {
	r         *bufio.Reader
	off       int64
	stack     []dirFrame
	started   bool
	done      bool
	remaining int64 // unread content bytes of the current regular file
	fileSize  int64
	inFile    bool // a regular file's contents are pending
	err       error
	buf       [8]byte
}

// NewReader checks the magic and returns a Reader for the NAR in r.
func NewReader(r io.Reader) (*Reader, error) {
	nr := &Reader{r: bufio.NewReaderSize(r, 64<<10)}
	s, err := nr.readString(maxKeyword)
	if err != nil {
		return nil, err
	}
	if s != Magic {
		return nil, nr.errorf(0, "bad magic %q, expected %q", s, Magic)
	}
	return nr, nil
}

func (nr *Reader) errorf(off int64, format string, args ...any) error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (nr *Reader) readFull(b []byte) error {
	n, err := io.ReadFull(nr.r, b)
	nr.off += int64(n)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nr.errorf(nr.off, "unexpected end of archive (truncated)")
		}
		return fmt.Errorf("reading NAR: %w", err)
	}
	return nil
}

func (nr *Reader) readU64() (uint64, error) {
	if err := nr.readFull(nr.buf[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(nr.buf[:]), nil
}

func (nr *Reader) readPadding(n uint64) error {
	p := padLen(n)
	if p == 0 {
		return nil
	}
	start := nr.off
	if err := nr.readFull(nr.buf[:p]); err != nil {
		return err
	}
	for _, b := range nr.buf[:p] {
		if b != 0 {
			return nr.errorf(start, "non-zero padding")
		}
	}
	return nil
}

func (nr *Reader) readString(max int) (string, error) {
	start := nr.off
	n, err := nr.readU64()
	if err != nil {
		return "", err
	}
	if n > uint64(max) {
		return "", nr.errorf(start, "string of length %d is longer than the limit of %d", n, max)
	}
	b := make([]byte, n)
	if err := nr.readFull(b); err != nil {
		return "", err
	}
	if err := nr.readPadding(n); err != nil {
		return "", err
	}
	return string(b), nil
}

// expect reads a keyword and checks it is want.
func (nr *Reader) expect(want string) error {
	start := nr.off
	s, err := nr.readString(maxKeyword)
	if err != nil {
		return err
	}
	if s != want {
		return nr.errorf(start, "expected %q, got %q", want, s)
	}
	return nil
}

// Next advances to the next object, skipping any unread file contents. It
// returns io.EOF after the last object.
func (nr *Reader) Next() (*Header, error) {
	if nr.err != nil {
		return nil, nr.err
	}
	h, err := nr.next()
	if err != nil {
		nr.err = err
	}
	return h, err
}

func (nr *Reader) next() (*Header, error) {
	if nr.inFile {
		if nr.remaining > 0 {
			n, err := io.CopyN(io.Discard, nr.r, nr.remaining)
			nr.off += n
			if err != nil {
				return nil, nr.errorf(nr.off, "unexpected end of archive (truncated)")
			}
			nr.remaining = 0
		}
		if err := nr.readPadding(uint64(nr.fileSize)); err != nil {
			return nil, err
		}
		nr.inFile = false
		if err := nr.endNode(); err != nil {
			return nil, err
		}
	}
	if !nr.started {
		nr.started = true
		return nr.node("")
	}
	for {
		if nr.done {
			// The archive must end here.
			if _, err := nr.r.ReadByte(); err == nil {
				return nil, nr.errorf(nr.off, "trailing data after the end of the archive")
			}
			return nil, io.EOF
		}
		top := &nr.stack[len(nr.stack)-1]
		start := nr.off
		tok, err := nr.readString(maxKeyword)
		if err != nil {
			return nil, err
		}
		switch tok {
		case ")":
			nr.stack = nr.stack[:len(nr.stack)-1]
			if err := nr.endEntry(); err != nil {
				return nil, err
			}
		case "entry":
			if err := nr.expect("("); err != nil {
				return nil, err
			}
			if err := nr.expect("name"); err != nil {
				return nil, err
			}
			nameOff := nr.off
			name, err := nr.readString(maxName)
			if err != nil {
				return nil, err
			}
			if err := checkEntryName(name); err != nil {
				return nil, nr.errorf(nameOff, "%v", err)
			}
			if top.any && name <= top.last {
				if name == top.last {
					return nil, nr.errorf(nameOff, "duplicate directory entry %q", name)
				}
				return nil, nr.errorf(nameOff, "directory entries are not sorted: %q after %q", name, top.last)
			}
			top.last, top.any = name, true
			if err := nr.expect("node"); err != nil {
				return nil, err
			}
			p := name
			if top.path != "" {
				p = top.path + "/" + name
			}
			return nr.node(p)
		default:
			return nil, nr.errorf(start, "expected \"entry\" or \")\" in directory, got %q", tok)
		}
	}
}

func checkEntryName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty directory entry name")
	case name == "." || name == "..":
		return fmt.Errorf("invalid directory entry name %q", name)
	case strings.ContainsAny(name, "/\x00"):
		return fmt.Errorf("directory entry name %q contains '/' or NUL", name)
	}
	return nil
}

// node parses the start of an object at path p.
func (nr *Reader) node(p string) (*Header, error) {
	if err := nr.expect("("); err != nil {
		return nil, err
	}
	if err := nr.expect("type"); err != nil {
		return nil, err
	}
	start := nr.off
	t, err := nr.readString(maxKeyword)
	if err != nil {
		return nil, err
	}
	switch t {
	case "regular":
		h := &Header{Path: p, Type: TypeRegular}
		kwOff := nr.off
		kw, err := nr.readString(maxKeyword)
		if err != nil {
			return nil, err
		}
		if kw == "executable" {
			if err := nr.expect(""); err != nil {
				return nil, err
			}
			h.Executable = true
			kwOff = nr.off
			if kw, err = nr.readString(maxKeyword); err != nil {
				return nil, err
			}
		}
		if kw != "contents" {
			return nil, nr.errorf(kwOff, "expected \"contents\", got %q", kw)
		}
		sizeOff := nr.off
		n, err := nr.readU64()
		if err != nil {
			return nil, err
		}
		if n > 1<<62 {
			return nil, nr.errorf(sizeOff, "file size %d is too large", n)
		}
		h.Size = int64(n)
		nr.inFile, nr.remaining, nr.fileSize = true, h.Size, h.Size
		return h, nil
	case "symlink":
		if err := nr.expect("target"); err != nil {
			return nil, err
		}
		tOff := nr.off
		target, err := nr.readString(maxTarget)
		if err != nil {
			return nil, err
		}
		if target == "" || strings.IndexByte(target, 0) >= 0 {
			return nil, nr.errorf(tOff, "invalid symlink target %q", target)
		}
		if err := nr.endNode(); err != nil {
			return nil, err
		}
		return &Header{Path: p, Type: TypeSymlink, Target: target}, nil
	case "directory":
		nr.stack = append(nr.stack, dirFrame{path: p})
		return &Header{Path: p, Type: TypeDirectory}, nil
	}
	return nil, nr.errorf(start, "unknown file type %q", t)
}

// endNode reads the ")" closing a regular or symlink node and then the one
// closing its directory entry.
func (nr *Reader) endNode() error {
	if err := nr.expect(")"); err != nil {
		return err
	}
	return nr.endEntry()
}

// endEntry reads the ")" closing a directory entry, or marks the archive
// done when the root was closed.
func (nr *Reader) endEntry() error {
	if len(nr.stack) == 0 {
		nr.done = true
		return nil
	}
	return nr.expect(")")
}

// Read reads the contents of the current regular file.
func (nr *Reader) Read(b []byte) (int, error) {
	if !nr.inFile || nr.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > nr.remaining {
		b = b[:nr.remaining]
	}
	n, err := nr.r.Read(b)
	nr.off += int64(n)
	nr.remaining -= int64(n)
	if err != nil {
		if errors.Is(err, io.EOF) && nr.remaining > 0 {
			nr.err = nr.errorf(nr.off, "unexpected end of archive (truncated)")
			return n, nr.err
		}
		if !errors.Is(err, io.EOF) {
			return n, err
		}
	}
	return n, nil
}

// Offset returns the number of bytes consumed so far.
func (nr *Reader) Offset() int64 { return nr.off }
