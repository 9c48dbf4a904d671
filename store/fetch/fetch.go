package fetch

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// Fetcher downloads into a store.
type Fetcher struct {
	Store *store.Store
	// Client is used for http(s) (default: 5 minute timeout).
	Client *http.Client
	// TTL is how long cached unlocked downloads (no hash given) stay
	// fresh (Nix's tarball-ttl, default 1 hour).
	TTL time.Duration

	mu sync.Mutex
}

// New returns a Fetcher for st.
func New(st *store.Store) *Fetcher {
	return &Fetcher{Store: st, Client: &http.Client{Timeout: 5 * time.Minute}, TTL: time.Hour}
}

// Options select what a fetch produces.
type Options struct {
	// Name is the store path name (default: the URL's base name, or
	// "source" for unpacked trees).
	Name string
	// Hash, when set, is the expected hash (flat for FetchURL without
	// Unpack/Executable, NAR otherwise); a mismatch is an error.
	Hash nixhash.Hash
	// Executable marks a downloaded file executable (NAR hashing).
	Executable bool
}

// cacheEntry is one remembered fetch.
type cacheEntry struct {
	Path string    `json:"path"`
	Time time.Time `json:"time"`
	Rev  string    `json:"rev,omitempty"`
}

func (f *Fetcher) cacheFile() string {
	return filepath.Join(f.Store.StateDir(), "gonix-fetcher-cache.json")
}

func (f *Fetcher) lookup(key string) (cacheEntry, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]cacheEntry{}
	if b, err := os.ReadFile(f.cacheFile()); err == nil {
		json.Unmarshal(b, &m)
	}
	e, ok := m[key]
	if !ok {
		return e, false
	}
	if valid, err := f.Store.IsValid(e.Path); err != nil || !valid {
		return e, false
	}
	return e, true
}

func (f *Fetcher) remember(key string, e cacheEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]cacheEntry{}
	if b, err := os.ReadFile(f.cacheFile()); err == nil {
		json.Unmarshal(b, &m)
	}
	m[key] = e
	b, _ := json.MarshalIndent(m, "", " ")
	tmp := f.cacheFile() + ".tmp"
	if os.WriteFile(tmp, b, 0o644) == nil {
		os.Rename(tmp, f.cacheFile())
	}
}

// open opens a URL (http, https, file or a plain local path).
func (f *Fetcher) open(rawURL string) (io.ReadCloser, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL '%s': %w", rawURL, err)
	}
	switch u.Scheme {
	case "file", "":
		p := u.Path
		if u.Scheme == "" {
			p = rawURL
		}
		fh, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("unable to download '%s': %w", rawURL, err)
		}
		return fh, nil
	case "http", "https":
		resp, err := f.Client.Get(rawURL)
		if err != nil {
			return nil, fmt.Errorf("unable to download '%s': %w", rawURL, err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			return nil, fmt.Errorf("unable to download '%s': HTTP error %d", rawURL, resp.StatusCode)
		}
		return resp.Body, nil
	}
	return nil, fmt.Errorf("unable to download '%s': unsupported URL scheme '%s'", rawURL, u.Scheme)
}

func baseName(rawURL string) string {
	u, err := url.Parse(rawURL)
	p := rawURL
	if err == nil && u.Path != "" {
		p = u.Path
	}
	b := filepath.Base(strings.TrimSuffix(p, "/"))
	if b == "." || b == "/" || storepath.CheckName(b) != nil {
		return "source"
	}
	return b
}

// hashMismatch is Nix's message for a download with the wrong hash.
func hashMismatch(what string, want, got nixhash.Hash) error {
	return fmt.Errorf("hash mismatch in file downloaded from '%s':\n  specified: %s\n     got:    %s",
		what, want.Format(nixhash.SRI, true), got.Format(nixhash.SRI, true))
}

// FetchURL downloads a file into the store (builtins.fetchurl): flat
// content-addressed by opts.Hash (sha256 when unset), or NAR-hashed when
// Executable. It returns the store path.
func (f *Fetcher) FetchURL(rawURL string, opts Options) (string, error) {
	name := opts.Name
	if name == "" {
		name = baseName(rawURL)
	}
	key := "file\x00" + rawURL + "\x00" + name + fmt.Sprint(opts.Executable)
	if e, ok := f.lookup(key); ok && (!opts.Hash.IsZero() || time.Since(e.Time) < f.TTL) {
		if opts.Hash.IsZero() {
			return e.Path, nil
		}
		if p, err := f.expectedFilePath(name, opts); err == nil && p == e.Path {
			return p, nil
		}
	}
	if !opts.Hash.IsZero() {
		if p, err := f.expectedFilePath(name, opts); err == nil {
			if ok, _ := f.Store.IsValid(p); ok {
				return p, nil
			}
		}
	}
	tmpDir, err := os.MkdirTemp("", "gonix-fetch-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmpDir)
	tmp := filepath.Join(tmpDir, name)
	if err := f.download(rawURL, tmp, opts.Executable); err != nil {
		return "", err
	}
	method := storepath.Flat
	if opts.Executable {
		method = storepath.NAR
	}
	algo := nixhash.SHA256
	if !opts.Hash.IsZero() {
		algo = opts.Hash.Algo
	}
	p, _, _, err := f.Store.ComputePath(tmp, store.AddOptions{Name: name, Method: method, Algo: algo})
	if err != nil {
		return "", err
	}
	if !opts.Hash.IsZero() {
		want, _ := f.expectedFilePath(name, opts)
		if p != want {
			got, err := hashOf(tmp, method, algo)
			if err != nil {
				return "", err
			}
			return "", hashMismatch(rawURL, opts.Hash, got)
		}
	}
	p, err = f.Store.AddPath(tmp, store.AddOptions{Name: name, Method: method, Algo: algo})
	if err != nil {
		return "", err
	}
	f.remember(key, cacheEntry{Path: p, Time: time.Now()})
	return p, nil
}

// expectedFilePath is the store path a download with opts.Hash gets.
func (f *Fetcher) expectedFilePath(name string, opts Options) (string, error) {
	method := storepath.Flat
	if opts.Executable {
		method = storepath.NAR
	}
	sp, err := f.Store.Dir().MakeFromCA(name, storepath.ContentAddress{Method: method, Hash: opts.Hash}, nil, false)
	if err != nil {
		return "", err
	}
	return f.Store.Dir().Path(sp), nil
}

// hashOf hashes a file flat or as a NAR.
func hashOf(p string, method storepath.Method, algo nixhash.Algo) (nixhash.Hash, error) {
	if method == storepath.Flat {
		fh, err := os.Open(p)
		if err != nil {
			return nixhash.Hash{}, err
		}
		defer fh.Close()
		h, _, err := nixhash.SumReader(algo, fh)
		return h, err
	}
	st := &store.Store{}
	_, narHash, _, err := st.ComputePath(p, store.AddOptions{Name: "x", Algo: algo})
	if algo == nixhash.SHA256 {
		return narHash, err
	}
	return nixhash.Hash{}, fmt.Errorf("cannot compute a %v NAR hash here", algo)
}

// Download writes the content of a URL (http, https, file or a local
// path) to the file dst, executable when asked (builtin:fetchurl).
func (f *Fetcher) Download(rawURL, dst string, executable bool) error {
	return f.download(rawURL, dst, executable)
}

// download writes a URL's content to dst.
func (f *Fetcher) download(rawURL, dst string, executable bool) error {
	rc, err := f.open(rawURL)
	if err != nil {
		return err
	}
	defer rc.Close()
	mode := os.FileMode(0o644)
	if executable {
		mode = 0o755
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, rc)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("unable to download '%s': %w", rawURL, err)
	}
	return nil
}

// FetchTarball downloads and unpacks an archive (builtins.fetchTarball):
// a single top-level directory is stripped like Nix does; the tree is
// added NAR-hashed (checked against opts.Hash when set) under opts.Name
// (default "source").
func (f *Fetcher) FetchTarball(rawURL string, opts Options) (string, error) {
	name := opts.Name
	if name == "" {
		name = "source"
	}
	key := "tarball\x00" + rawURL + "\x00" + name
	if e, ok := f.lookup(key); ok {
		if opts.Hash.IsZero() && time.Since(e.Time) < f.TTL {
			return e.Path, nil
		}
		if !opts.Hash.IsZero() {
			if info, err := f.Store.QueryPathInfo(e.Path); err == nil && opts.Hash.Algo == nixhash.SHA256 && info.NarHash.Equal(opts.Hash) {
				return e.Path, nil
			}
		}
	}
	tmpDir, err := os.MkdirTemp("", "gonix-unpack-")
	if err != nil {
		return "", err
	}
	defer store.RemoveTree(tmpDir)
	archive := filepath.Join(tmpDir, "archive")
	if err := f.download(rawURL, archive, false); err != nil {
		return "", err
	}
	dest := filepath.Join(tmpDir, "unpacked")
	if err := Unpack(archive, dest); err != nil {
		return "", fmt.Errorf("unpacking '%s': %w", rawURL, err)
	}
	root, err := singleTopDir(dest)
	if err != nil {
		return "", err
	}
	p, err := f.addTree(root, name, opts.Hash, rawURL)
	if err != nil {
		return "", err
	}
	f.remember(key, cacheEntry{Path: p, Time: time.Now()})
	return p, nil
}

// addTree adds a directory NAR-hashed, checking a wanted sha256.
func (f *Fetcher) addTree(root, name string, want nixhash.Hash, what string) (string, error) {
	algo := nixhash.SHA256
	if !want.IsZero() {
		algo = want.Algo
	}
	p, narHash, _, err := f.Store.ComputePath(root, store.AddOptions{Name: name, Algo: algo})
	if err != nil {
		return "", err
	}
	if !want.IsZero() {
		sp, err := f.Store.Dir().MakeFromCA(name, storepath.ContentAddress{Method: storepath.NAR, Hash: want}, nil, false)
		if err != nil {
			return "", err
		}
		if f.Store.Dir().Path(sp) != p {
			got := narHash
			if algo != nixhash.SHA256 {
				got = nixhash.Hash{Algo: algo}
			}
			return "", hashMismatch(what, want, got)
		}
	}
	return f.Store.AddPath(root, store.AddOptions{Name: name, Algo: algo})
}

// singleTopDir returns the only entry of dir when it is a directory (the
// usual "project-1.0/" of a tarball), else dir itself.
func singleTopDir(dir string) (string, error) {
	es, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	if len(es) == 1 && es[0].IsDir() {
		return filepath.Join(dir, es[0].Name()), nil
	}
	return dir, nil
}

// Unpack extracts a tar (plain, gzip, xz, bzip2 or zstd compressed,
// detected from the content) or zip archive into dest, refusing entries
// that escape it.
func Unpack(archive, dest string) error {
	fh, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer fh.Close()
	br := bufio.NewReader(fh)
	magic, _ := br.Peek(6)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	var r io.Reader = br
	switch {
	case len(magic) >= 4 && string(magic[:4]) == "PK\x03\x04":
		return unzip(archive, dest)
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		gz, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		r = gz
	case len(magic) >= 6 && string(magic) == "\xfd7zXZ\x00":
		x, err := xz.NewReader(br)
		if err != nil {
			return err
		}
		r = x
	case len(magic) >= 3 && string(magic[:3]) == "BZh":
		r = bzip2.NewReader(br)
	case len(magic) >= 4 && string(magic[:4]) == "\x28\xb5\x2f\xfd":
		z, err := zstd.NewReader(br)
		if err != nil {
			return err
		}
		defer z.Close()
		r = z
	}
	return untar(r, dest)
}

// safeJoin joins an archive entry name to dest, rejecting escapes.
func safeJoin(dest, name string) (string, error) {
	p := filepath.Join(dest, name)
	if p != dest && !strings.HasPrefix(p, dest+string(filepath.Separator)) {
		return "", fmt.Errorf("archive entry '%s' points outside the destination", name)
	}
	return p, nil
}

func untar(r io.Reader, dest string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading tar: %w", err)
		}
		p, err := safeJoin(dest, h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			mode := os.FileMode(0o644)
			if h.Mode&0o111 != 0 {
				mode = 0o755
			}
			out, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			out.Close()
			if err != nil {
				return err
			}
		case tar.TypeSymlink:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		case tar.TypeLink:
			target, err := safeJoin(dest, h.Linkname)
			if err != nil {
				return err
			}
			if err := os.Link(target, p); err != nil {
				return err
			}
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
		default:
			// Devices and fifos cannot be store objects; skip them.
		}
	}
}

func unzip(archive, dest string) error {
	zr, err := zip.OpenReader(archive)
	if err != nil {
		return err
	}
	defer zr.Close()
	for _, zf := range zr.File {
		p, err := safeJoin(dest, zf.Name)
		if err != nil {
			return err
		}
		if zf.FileInfo().IsDir() {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		if zf.Mode()&os.ModeSymlink != 0 {
			b, err := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err != nil {
				return err
			}
			if err := os.Symlink(string(b), p); err != nil {
				return err
			}
			continue
		}
		mode := os.FileMode(0o644)
		if zf.Mode()&0o111 != 0 {
			mode = 0o755
		}
		out, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
		if err != nil {
			rc.Close()
			return err
		}
		_, err = io.Copy(out, rc)
		rc.Close()
		out.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// GitOptions select a revision of a git repository (builtins.fetchGit).
type GitOptions struct {
	// Ref is a branch or tag (default: the remote HEAD).
	Ref string
	// Rev is a commit hash; when set it wins over Ref.
	Rev string
	// Name of the store path (default "source").
	Name string
	// Hash, when set, is the expected NAR hash of the tree.
	Hash nixhash.Hash
}

// GitResult is what fetchGit returns besides the store path.
type GitResult struct {
	Path         string
	Rev          string
	ShortRev     string
	RevCount     int
	LastModified int64
}

// FetchGit exports a revision of a git repository (local path, file://
// or any URL git understands) into the store with the git CLI, without
// the .git directory, like builtins.fetchGit.
func (f *Fetcher) FetchGit(repo string, opts GitOptions) (*GitResult, error) {
	name := opts.Name
	if name == "" {
		name = "source"
	}
	tmp, err := os.MkdirTemp("", "gonix-git-")
	if err != nil {
		return nil, err
	}
	defer store.RemoveTree(tmp)
	git := func(args ...string) (string, error) {
		cmd := exec.Command("git", append([]string{"-C", tmp}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return strings.TrimSpace(string(out)), nil
	}
	if _, err := git("init", "-q", "--bare"); err != nil {
		return nil, err
	}
	ref := opts.Ref
	if ref == "" {
		ref = "HEAD"
	}
	fetchArg := ref
	if opts.Rev != "" {
		fetchArg = opts.Rev
	}
	if _, err := git("fetch", "-q", "--tags", repo, fetchArg); err != nil {
		// Some servers refuse fetching a bare commit: fetch everything.
		if _, err2 := git("fetch", "-q", repo, "+refs/heads/*:refs/remotes/origin/*"); err2 != nil {
			return nil, fmt.Errorf("fetching git repository '%s': %w", repo, err)
		}
	}
	rev := opts.Rev
	if rev == "" {
		if rev, err = git("rev-parse", "FETCH_HEAD"); err != nil {
			return nil, err
		}
	}
	if _, err := git("cat-file", "-e", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("cannot find git revision '%s' in '%s'", rev, repo)
	}
	countS, err := git("rev-list", "--count", rev)
	if err != nil {
		return nil, err
	}
	tsS, err := git("log", "-1", "--format=%ct", rev)
	if err != nil {
		return nil, err
	}
	res := &GitResult{Rev: rev, ShortRev: rev[:min(7, len(rev))]}
	fmt.Sscan(countS, &res.RevCount)
	fmt.Sscan(tsS, &res.LastModified)
	key := "git\x00" + repo + "\x00" + rev + "\x00" + name
	if e, ok := f.lookup(key); ok {
		res.Path = e.Path
		return res, nil
	}
	archive := filepath.Join(tmp, "export.tar")
	if _, err := git("archive", "--format=tar", "-o", archive, rev); err != nil {
		return nil, err
	}
	dest := filepath.Join(tmp, "export")
	if err := Unpack(archive, dest); err != nil {
		return nil, err
	}
	p, err := f.addTree(dest, name, opts.Hash, repo)
	if err != nil {
		return nil, err
	}
	res.Path = p
	f.remember(key, cacheEntry{Path: p, Time: time.Now(), Rev: rev})
	return res, nil
}
