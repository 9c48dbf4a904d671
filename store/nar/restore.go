package nar

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Restore reads a NAR from r and creates it at dst, which must not exist.
// Regular files get mode 0644 or 0755, directories 0755. On error the
// partial tree is left for the caller to remove.
func Restore(r io.Reader, dst string) error {
	nr, err := NewReader(r)
	if err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	for {
		h, err := nr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		p := dst
		if h.Path != "" {
			p = filepath.Join(dst, filepath.FromSlash(h.Path))
		}
		switch h.Type {
		case TypeDirectory:
			if err := os.Mkdir(p, 0o755); err != nil {
				return fmt.Errorf("restoring NAR: %w", err)
			}
		case TypeSymlink:
			if err := os.Symlink(h.Target, p); err != nil {
				return fmt.Errorf("restoring NAR: %w", err)
			}
		case TypeRegular:
			mode := os.FileMode(0o644)
			if h.Executable {
				mode = 0o755
			}
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
			if err != nil {
				return fmt.Errorf("restoring NAR: %w", err)
			}
			_, err = io.CopyBuffer(f, nr, buf)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("restoring NAR into %s: %w", p, err)
			}
		}
	}
}

// Copy reads a whole NAR from r, validating it, and writes it unchanged to
// w (if non-nil); it returns the number of bytes.
func Copy(w io.Writer, r io.Reader) (int64, error) {
	cr := &countingReader{r: r, w: w}
	nr, err := NewReader(cr)
	if err != nil {
		return cr.n, err
	}
	for {
		_, err := nr.Next()
		if errors.Is(err, io.EOF) {
			return nr.Offset(), nil
		}
		if err != nil {
			return cr.n, err
		}
		if _, err := io.Copy(io.Discard, nr); err != nil {
			return cr.n, err
		}
	}
}

// countingReader counts bytes read and tees them into w.
type countingReader struct {
	r io.Reader
	w io.Writer
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if n > 0 && c.w != nil {
		if _, werr := c.w.Write(b[:n]); werr != nil {
			return n, werr
		}
	}
	return n, err
}
