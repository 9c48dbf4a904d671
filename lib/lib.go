package lib

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

//go:embed default.nix flake.nix lib stdenv build-support
var embedded embed.FS

// SearchPathName is the name under which the library is found in the Nix
// search path: `<gonix>` is its default.nix, `<gonix/lib>` the library.
const SearchPathName = "gonix"

// FS returns the embedded library as a read-only file system; its root
// holds default.nix.
func FS() fs.FS { return embedded }

// Executable reports whether a library file is materialised executable:
// exactly the files whose content starts with "#!".
func Executable(content []byte) bool { return bytes.HasPrefix(content, []byte("#!")) }

// fileMode is the permission a library file gets on disk.
func fileMode(content []byte) fs.FileMode {
	if Executable(content) {
		return 0o555
	}
	return 0o444
}

// Hash returns the hex SHA-256 of the library: every directory and file
// name in lexical order, each file's mode and content. It identifies a
// version of the library independently of the gonix build.
func Hash() string {
	h := sha256.New()
	err := fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			fmt.Fprintf(h, "dir\x00%s\x00", p)
			return nil
		}
		data, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "file\x00%s\x00%o\x00%d\x00", p, fileMode(data), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		// The embedded file system is part of the binary; failing to
		// read it is a build defect, reported in the hash itself.
		fmt.Fprintf(h, "error\x00%v", err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Materialize writes the library into dir, which must not exist or be an
// empty directory. Directories are created 0755, files 0444 (0555 for
// scripts, see [Executable]), all with modification time [ModTime].
func Materialize(dir string) error {
	if dir == "" {
		return errors.New("materialise gonix lib: empty directory name")
	}
	entries, err := os.ReadDir(dir)
	switch {
	case err == nil:
		if len(entries) > 0 {
			return fmt.Errorf("materialise gonix lib: %s is not empty", dir)
		}
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("materialise gonix lib: %w", err)
		}
	default:
		return fmt.Errorf("materialise gonix lib: %w", err)
	}
	err = fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			if p == "." {
				return nil
			}
			return os.Mkdir(target, 0o755)
		}
		data, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
		// Explicitly, so the umask cannot change the result.
		if err := os.Chmod(target, fileMode(data)); err != nil {
			return err
		}
		return os.Chtimes(target, ModTime(), ModTime())
	})
	if err == nil {
		// Directories last: writing their entries changed their times.
		err = fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return err
			}
			target := filepath.Join(dir, filepath.FromSlash(p))
			return os.Chtimes(target, ModTime(), ModTime())
		})
	}
	if err != nil {
		return fmt.Errorf("materialise gonix lib into %s: %w", dir, err)
	}
	return nil
}

// ModTime is the modification time of every materialised file and
// directory (the one Nix gives store paths), so that flake lock entries
// for a materialised library (lastModified) are the same everywhere.
func ModTime() time.Time { return time.Unix(1, 0) }

// Verify checks that dir holds exactly the library: the same files with
// the same content and executable bits, and nothing else. It returns an
// error describing the first differences.
func Verify(dir string) error {
	diffs, err := diffTree(dir, false)
	if err != nil {
		return err
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%s differs from the embedded gonix lib: %s", dir, summarise(diffs))
	}
	return nil
}

func summarise(diffs []string) string {
	const max = 5
	s := ""
	for i, d := range diffs {
		if i == max {
			s += "; and " + strconv.Itoa(len(diffs)-max) + " more"
			break
		}
		if i > 0 {
			s += "; "
		}
		s += d
	}
	return s
}

// diffTree compares dir with the embedded library. With subset, files in
// dir that the library does not have are allowed (a source checkout
// holds Go files and test data beside the Nix files).
func diffTree(dir string, subset bool) ([]string, error) {
	var diffs []string
	want := map[string]bool{}
	err := fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		want[p] = true
		target := filepath.Join(dir, filepath.FromSlash(p))
		info, err := os.Lstat(target)
		if err != nil {
			diffs = append(diffs, p+": missing")
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if !info.IsDir() {
				diffs = append(diffs, p+": not a directory")
				return fs.SkipDir
			}
			return nil
		}
		if !info.Mode().IsRegular() {
			diffs = append(diffs, p+": not a regular file")
			return nil
		}
		data, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(target)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, data) {
			diffs = append(diffs, p+": content differs")
		}
		if wantX, gotX := Executable(data), info.Mode()&0o111 != 0; wantX != gotX {
			diffs = append(diffs, fmt.Sprintf("%s: executable is %v, want %v", p, gotX, wantX))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compare %s with the gonix lib: %w", dir, err)
	}
	if subset {
		return diffs, nil
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !want[rel] {
			diffs = append(diffs, rel+": not part of the library")
			if d.IsDir() {
				return fs.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compare %s with the gonix lib: %w", dir, err)
	}
	return diffs, nil
}

// DirName is the name [Ensure] gives the library's directory.
func DirName() string { return "lib-" + Hash()[:20] }

// Ensure returns the path of a complete copy of the library in cacheDir
// (cacheDir/[DirName]), writing it first if it is missing or damaged.
// Concurrent callers are safe: a copy is written to a temporary directory
// and renamed into place.
func Ensure(cacheDir string) (string, error) {
	if cacheDir == "" {
		return "", errors.New("gonix lib: empty cache directory name")
	}
	final := filepath.Join(cacheDir, DirName())
	if _, err := os.Stat(final); err == nil {
		if Verify(final) == nil {
			return final, nil
		}
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", fmt.Errorf("gonix lib: %w", err)
	}
	tmp, err := os.MkdirTemp(cacheDir, ".tmp-"+DirName()+"-")
	if err != nil {
		return "", fmt.Errorf("gonix lib: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	if err := Materialize(tmp); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("gonix lib: %w", err)
	}
	if err := os.Rename(tmp, final); err == nil {
		return final, nil
	}
	// Someone else installed a copy meanwhile, or a damaged copy is in
	// the way: keep a good one, replace a bad one.
	if Verify(final) == nil {
		return final, nil
	}
	stale, err := os.MkdirTemp(cacheDir, ".stale-")
	if err != nil {
		return "", fmt.Errorf("gonix lib: %w", err)
	}
	defer os.RemoveAll(stale)
	if err := os.Rename(final, filepath.Join(stale, "old")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("gonix lib: replace damaged copy %s: %w", final, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		if Verify(final) == nil {
			return final, nil
		}
		return "", fmt.Errorf("gonix lib: install %s: %w", final, err)
	}
	return final, nil
}

// DefaultCacheDir is where gonix keeps materialised copies of the library:
// $XDG_CACHE_HOME/gonix (or the platform's equivalent).
func DefaultCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("gonix lib: no cache directory: %w", err)
	}
	return filepath.Join(base, "gonix"), nil
}

// SearchPathEntry is the Nix search path entry (for NIX_PATH or -I) that
// makes `<gonix>` resolve to the library in dir.
func SearchPathEntry(dir string) string { return SearchPathName + "=" + dir }

// Files lists the library's files (slash-separated, relative to the
// root) in lexical order.
func Files() []string {
	var files []string
	_ = fs.WalkDir(embedded, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}
