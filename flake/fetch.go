package flake

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/fetch"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// TraceError is an error with Nix-style context lines ("… while
// fetching the input 'x'"), outermost first when printed.
type TraceError struct {
	Traces []string // innermost first
	Err    error
}

// Error renders the context lines and the message on one line.
func (e *TraceError) Error() string {
	var b strings.Builder
	for i := len(e.Traces) - 1; i >= 0; i-- {
		b.WriteString(e.Traces[i])
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TraceError) Unwrap() error { return e.Err }

// Format renders the error like Nix: "error:" then the trace lines,
// then the message.
func (e *TraceError) Format() string {
	var b strings.Builder
	b.WriteString("error:\n")
	for i := len(e.Traces) - 1; i >= 0; i-- {
		b.WriteString("       … " + e.Traces[i] + "\n\n")
	}
	msg := e.Err.Error()
	b.WriteString("       error: " + strings.ReplaceAll(msg, "\n", "\n       ") + "\n")
	return b.String()
}

// withTrace adds a context line to err.
func withTrace(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	msg := fmt.Sprintf(format, args...)
	var te *TraceError
	if errors.As(err, &te) {
		te.Traces = append(te.Traces, msg)
		return te
	}
	return &TraceError{Traces: []string{msg}, Err: err}
}

// ComputeStorePath returns the store path of a locked input's tree (a
// "source" path content-addressed by its narHash).
func (s *Settings) ComputeStorePath(in *Input) (string, error) {
	nh := in.NarHash()
	if nh == "" {
		return "", fmt.Errorf("cannot compute store path for unlocked input '%s'", in)
	}
	h, err := parseNarHash(nh)
	if err != nil {
		return "", err
	}
	sp, err := s.Store.Dir().MakeFromCA(in.Name(), storepath.ContentAddress{Method: storepath.NAR, Hash: h}, nil, false)
	if err != nil {
		return "", err
	}
	return s.Store.Dir().Path(sp), nil
}

// Fetch fetches an input into the store and returns the store path and
// the locked input (with narHash, rev, lastModified, ... filled in). A
// final input with a narHash whose tree is already in the store is not
// fetched again.
func (s *Settings) Fetch(in *Input) (string, *Input, error) {
	p, res, err := s.fetch(in)
	if err != nil {
		return "", nil, withTrace(err, "while fetching the input '%s'", in)
	}
	return p, res, nil
}

func (s *Settings) fetch(in *Input) (string, *Input, error) {
	if in.scheme == nil {
		return "", nil, fmt.Errorf("cannot fetch unsupported input '%s'", in.Attrs.JSON().Compact())
	}
	if in.IsFinal() && in.NarHash() != "" {
		if p, err := s.ComputeStorePath(in); err == nil {
			if ok, _ := s.Store.IsValid(p); ok {
				s.Store.AddTempRoot(p)
				return p, in.Clone(), nil
			}
		}
	}
	var p string
	var res *Input
	var err error
	switch in.Type() {
	case "path":
		p, res, err = s.fetchPath(in)
	case "git":
		p, res, err = s.fetchGit(in)
	case "github", "gitlab", "sourcehut":
		p, res, err = s.fetchForge(in)
	case "tarball":
		p, res, err = s.fetchTarball(in)
	case "file":
		p, res, err = s.fetchFile(in)
	case "indirect":
		return "", nil, fmt.Errorf("indirect input '%s' cannot be fetched directly", in)
	default:
		return "", nil, fmt.Errorf("fetching '%s' inputs is not supported", in.Type())
	}
	if err != nil {
		return "", nil, err
	}
	info, err := s.Store.QueryPathInfo(p)
	if err != nil {
		return "", nil, err
	}
	res.Attrs["narHash"] = Str(info.NarHash.Format(nixhash.SRI, true))
	res.Attrs["__final"] = Bool(true)
	if err := checkLocks(in, res); err != nil {
		return "", nil, err
	}
	return p, res, nil
}

// checkLocks compares what was asked for with what was fetched.
func checkLocks(specified, result *Input) error {
	if specified.IsFinal() {
		spec := specified.Attrs.Clone()
		if nh := spec.Str("narHash"); nh != "" {
			spec["narHash"] = Str(normalNarHash(nh))
		}
		if nh := result.Attrs.Str("narHash"); nh != "" {
			result.Attrs["narHash"] = Str(normalNarHash(nh))
		}
		for _, k := range spec.Keys() {
			if v, ok := result.Attrs[k]; ok && v != spec[k] {
				return fmt.Errorf("mismatch in field '%s' of input '%s', got '%s'", k, spec.JSON().Compact(), result.Attrs.JSON().Compact())
			}
		}
		result.Attrs = spec
		return nil
	}
	if want := specified.NarHash(); want != "" {
		got := result.NarHash()
		if normalNarHash(got) != normalNarHash(want) {
			if got == "" {
				return fmt.Errorf("NAR hash mismatch in input '%s', expected '%s' but got none", specified, normalNarHash(want))
			}
			return fmt.Errorf("NAR hash mismatch in input '%s', expected '%s' but got '%s'", specified, normalNarHash(want), normalNarHash(got))
		}
	}
	if want := specified.Rev(); want != "" && result.Rev() != want {
		return fmt.Errorf("'rev' attribute mismatch in input '%s', expected %s", result, want)
	}
	return nil
}

// logicalStorePath returns the store path p is (exactly), if any.
func (s *Settings) logicalStorePath(p string) (string, bool) {
	dir := string(s.Store.Dir()) + "/"
	if !strings.HasPrefix(p, dir) || strings.Contains(p[len(dir):], "/") {
		return "", false
	}
	if _, err := s.Store.Dir().Parse(p); err != nil {
		return "", false
	}
	return p, true
}

// PhysicalPath maps a logical store path (or a path inside one) to where
// its files are on disk (they differ for a store with a root other than
// "/"); other paths are returned unchanged.
func (s *Settings) PhysicalPath(p string) string {
	dir := string(s.Store.Dir())
	if p == dir || strings.HasPrefix(p, dir+"/") {
		return s.Store.RealPath(p)
	}
	return p
}

// maxMtime returns the newest modification time in a tree (Nix's
// dumpPathAndGetMtime), in seconds.
func maxMtime(root string, filter func(string, fs.FileMode) bool) (int64, error) {
	var newest int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && filter != nil && !filter(p, d.Type()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if t := fi.ModTime().Unix(); t > newest {
			newest = t
		}
		return nil
	})
	return newest, err
}

func (s *Settings) fetchPath(in *Input) (string, *Input, error) {
	p := in.Attrs.Str("path")
	if !filepath.IsAbs(p) {
		return "", nil, fmt.Errorf("cannot fetch input '%s' because it uses a relative path", in)
	}
	p = filepath.Clean(p)
	res := in.Clone()
	var mtime int64
	sp, isStore := s.logicalStorePath(p)
	valid := false
	if isStore && strings.HasSuffix(sp, "-source") {
		valid, _ = s.Store.IsValid(sp)
	}
	if !valid {
		src := s.PhysicalPath(p)
		if _, err := os.Lstat(src); err != nil {
			return "", nil, fmt.Errorf("getting status of %q: %w", p, errors.Unwrap(err))
		}
		var err error
		if mtime, err = maxMtime(src, nil); err != nil {
			return "", nil, err
		}
		if sp, err = s.Store.AddPath(src, store.AddOptions{Name: "source"}); err != nil {
			return "", nil, err
		}
	} else {
		s.Store.AddTempRoot(sp)
	}
	if _, ok := res.LastModified(); !ok {
		res.Attrs["lastModified"] = Int(uint64(mtime))
	}
	return sp, res, nil
}

// --- archives ---

// archiveReader opens an archive for reading its tar entries (gzip, xz,
// bzip2, zstd or plain tar).
func archiveMaxMtime(path string) (int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	magic, _ := br.Peek(6)
	var r io.Reader = br
	switch {
	case len(magic) >= 4 && string(magic[:4]) == "PK\x03\x04":
		zr, err := zip.OpenReader(path)
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		var newest int64
		for _, f := range zr.File {
			if t := f.Modified.Unix(); t > newest {
				newest = t
			}
		}
		return newest, nil
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return 0, err
		}
		r = gz
	case len(magic) >= 6 && string(magic) == "\xfd7zXZ\x00":
		x, err := xz.NewReader(br)
		if err != nil {
			return 0, err
		}
		r = x
	case len(magic) >= 3 && string(magic[:3]) == "BZh":
		r = bzip2.NewReader(br)
	case len(magic) >= 4 && string(magic[:4]) == "\x28\xb5\x2f\xfd":
		z, err := zstd.NewReader(br)
		if err != nil {
			return 0, err
		}
		defer z.Close()
		r = z
	}
	tr := tar.NewReader(r)
	var newest int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return newest, nil
		}
		if err != nil {
			return 0, fmt.Errorf("reading tar: %w", err)
		}
		if t := h.ModTime.Unix(); t > newest {
			newest = t
		}
	}
}

// downloadArchiveToStore downloads an archive, unpacks it (dropping a
// single top-level directory) and adds it to the store. It returns the
// store path, the newest entry mtime and the response's Link header.
func (s *Settings) downloadArchiveToStore(rawURL, name string, headers map[string]string) (string, int64, string, error) {
	tmp, err := os.MkdirTemp("", "gonix-flake-")
	if err != nil {
		return "", 0, "", err
	}
	defer store.RemoveTree(tmp)
	archive := filepath.Join(tmp, "archive")
	resp, err := s.httpGet(rawURL, headers)
	if err != nil {
		return "", 0, "", err
	}
	link := resp.Header.Get("Link")
	f, err := os.Create(archive)
	if err != nil {
		resp.Body.Close()
		return "", 0, "", err
	}
	_, err = io.Copy(f, resp.Body)
	resp.Body.Close()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, "", fmt.Errorf("unable to download '%s': %w", rawURL, err)
	}
	mtime, err := archiveMaxMtime(archive)
	if err != nil {
		return "", 0, "", fmt.Errorf("unpacking '%s': %w", rawURL, err)
	}
	dest := filepath.Join(tmp, "unpacked")
	if err := fetch.Unpack(archive, dest); err != nil {
		return "", 0, "", fmt.Errorf("unpacking '%s': %w", rawURL, err)
	}
	root := dest
	if es, err := os.ReadDir(dest); err == nil && len(es) == 1 && es[0].IsDir() {
		root = filepath.Join(dest, es[0].Name())
	}
	p, err := s.Store.AddPath(root, store.AddOptions{Name: name})
	if err != nil {
		return "", 0, "", err
	}
	return p, mtime, link, nil
}

// immutableLink extracts the rel="immutable" URL of a Link header.
func immutableLink(link string) string {
	for _, part := range strings.Split(link, ",") {
		part = strings.TrimSpace(part)
		if !strings.HasPrefix(part, "<") {
			continue
		}
		end := strings.IndexByte(part, '>')
		if end < 0 {
			continue
		}
		if strings.Contains(part[end:], `rel="immutable"`) {
			return part[1:end]
		}
	}
	return ""
}

func (s *Settings) fetchTarball(in *Input) (string, *Input, error) {
	u := in.Attrs.Str("url")
	p, mtime, link, err := s.downloadArchiveToStore(u, in.Name(), nil)
	if err != nil {
		return "", nil, err
	}
	res := in.Clone()
	if imm := immutableLink(link); imm != "" {
		if iu, err := ParseURL(imm, false); err == nil {
			if ii, err := InputFromURL(iu, true); err == nil && ii.Type() == "tarball" {
				res = ii
			} else if err == nil {
				return "", nil, fmt.Errorf("tarball 'Link' headers that redirect to non-tarball URLs are not supported")
			}
		}
	}
	if _, ok := res.LastModified(); !ok && mtime > 0 {
		res.Attrs["lastModified"] = Int(uint64(mtime))
	}
	return p, res, nil
}

func (s *Settings) fetchFile(in *Input) (string, *Input, error) {
	u := in.Attrs.Str("url")
	tmp, err := os.MkdirTemp("", "gonix-flake-")
	if err != nil {
		return "", nil, err
	}
	defer store.RemoveTree(tmp)
	data, err := s.download(u)
	if err != nil {
		return "", nil, err
	}
	f := filepath.Join(tmp, "file")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		return "", nil, err
	}
	p, err := s.Store.AddPath(f, store.AddOptions{Name: in.Name()})
	if err != nil {
		return "", nil, err
	}
	return p, in.Clone(), nil
}
