package nar

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Filter decides whether a file system object below the root is included
// in a dump; path is the object's path as given to Dump joined with its
// relative name, mode its type bits (from Lstat). The root is never
// filtered.
type Filter func(path string, mode fs.FileMode) (bool, error)

// Dump writes the NAR serialisation of the file system object at path to w,
// streaming file contents. filter may be nil.
func Dump(w io.Writer, path string, filter Filter) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	nw := &writer{w: bw}
	nw.str(Magic)
	if nw.err != nil {
		return nw.err
	}
	if err := dumpNode(nw, path, filter); err != nil {
		return err
	}
	if nw.err != nil {
		return nw.err
	}
	return bw.Flush()
}

func dumpNode(nw *writer, path string, filter Filter) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return fmt.Errorf("dumping %s: %w", path, err)
	}
	nw.strs("(", "type")
	switch m := fi.Mode(); {
	case m.IsRegular():
		nw.str("regular")
		if m&0o100 != 0 {
			nw.strs("executable", "")
		}
		nw.str("contents")
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("dumping %s: %w", path, err)
		}
		err = writeContents(nw, f, fi.Size())
		f.Close()
		if err != nil {
			return fmt.Errorf("dumping %s: %w", path, err)
		}
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return fmt.Errorf("dumping %s: %w", path, err)
		}
		nw.strs("symlink", "target", target)
	case m.IsDir():
		nw.str("directory")
		entries, err := os.ReadDir(path) // sorted by name in byte order
		if err != nil {
			return fmt.Errorf("dumping %s: %w", path, err)
		}
		for _, e := range entries {
			child := filepath.Join(path, e.Name())
			if filter != nil {
				keep, err := filter(child, e.Type())
				if err != nil {
					return err
				}
				if !keep {
					continue
				}
			}
			nw.strs("entry", "(", "name", e.Name(), "node")
			if err := dumpNode(nw, child, filter); err != nil {
				return err
			}
			nw.str(")")
		}
	default:
		return fmt.Errorf("dumping %s: file has an unsupported type (%v)", path, m.Type())
	}
	nw.str(")")
	return nw.err
}

// writeContents writes a length-prefixed, padded contents string copied
// from r, which must yield exactly size bytes.
func writeContents(nw *writer, r io.Reader, size int64) error {
	nw.u64(uint64(size))
	if nw.err != nil {
		return nw.err
	}
	n, err := io.Copy(nw.w, io.LimitReader(r, size))
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("file changed while reading: expected %d bytes, got %d", size, n)
	}
	nw.write(zeroPad[:padLen(uint64(size))])
	return nw.err
}

// DumpRegular writes the NAR of a single regular file whose size bytes of
// contents come from r.
func DumpRegular(w io.Writer, r io.Reader, size int64, executable bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	nw := &writer{w: bw}
	nw.strs(Magic, "(", "type", "regular")
	if executable {
		nw.strs("executable", "")
	}
	nw.str("contents")
	if err := writeContents(nw, r, size); err != nil {
		return err
	}
	nw.str(")")
	if nw.err != nil {
		return nw.err
	}
	return bw.Flush()
}

// DumpSymlink writes the NAR of a symlink with the given target.
func DumpSymlink(w io.Writer, target string) error {
	nw := &writer{w: w}
	nw.strs(Magic, "(", "type", "symlink", "target", target, ")")
	return nw.err
}
