package substitute

import (
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/storepath"
)

// Options configure a Cache.
type Options struct {
	// TrustedKeys verify narinfo signatures.
	TrustedKeys []PublicKey
	// RequireSigs rejects paths without a valid signature by a trusted
	// key (Nix's require-sigs, default true).
	RequireSigs bool
	// Client is used for http(s) caches (default: 60s timeout).
	Client *http.Client
}

// Cache is a binary cache at a file://, http:// or https:// URL.
type Cache struct {
	url  string
	base *url.URL
	st   *store.Store
	opts Options

	mu    sync.Mutex
	infos map[string]*NarInfo // hash part -> narinfo (nil: absent)
}

// Open returns a cache reader for url that substitutes into st.
func Open(rawURL string, st *store.Store, opts Options) (*Cache, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("substituter '%s': %w", rawURL, err)
	}
	switch u.Scheme {
	case "file", "http", "https":
	default:
		return nil, fmt.Errorf("substituter '%s': unsupported URL scheme '%s' (want file, http or https)", rawURL, u.Scheme)
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 60 * time.Second}
	}
	return &Cache{url: rawURL, base: u, st: st, opts: opts, infos: map[string]*NarInfo{}}, nil
}

// URL returns the cache's URL.
func (c *Cache) URL() string { return c.url }

// errNotFound marks a missing file in the cache.
var errNotFound = errors.New("not found in binary cache")

// get opens a file of the cache.
func (c *Cache) get(rel string) (io.ReadCloser, error) {
	if c.base.Scheme == "file" {
		f, err := os.Open(filepath.Join(c.base.Path, filepath.FromSlash(rel)))
		if errors.Is(err, os.ErrNotExist) {
			return nil, errNotFound
		}
		return f, err
	}
	u := strings.TrimSuffix(c.base.String(), "/") + "/" + rel
	resp, err := c.opts.Client.Get(u)
	if err != nil {
		return nil, fmt.Errorf("fetching '%s': %w", u, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden:
		resp.Body.Close()
		return nil, errNotFound
	case resp.StatusCode != http.StatusOK:
		resp.Body.Close()
		return nil, fmt.Errorf("fetching '%s': HTTP status %s", u, resp.Status)
	}
	return resp.Body, nil
}

// NarInfo returns the narinfo of a store path, or nil when the cache does
// not have it.
func (c *Cache) NarInfo(path string) (*NarInfo, error) {
	p, err := c.st.Dir().Parse(path)
	if err != nil {
		return nil, err
	}
	h := p.HashPart()
	c.mu.Lock()
	ni, ok := c.infos[h]
	c.mu.Unlock()
	if ok {
		return ni, nil
	}
	rc, err := c.get(h + ".narinfo")
	if errors.Is(err, errNotFound) {
		c.remember(h, nil)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("reading %s.narinfo from '%s': %w", h, c.url, err)
	}
	ni, err = ParseNarInfo(data, c.st.Dir(), c.url+"/"+h+".narinfo")
	if err != nil {
		return nil, err
	}
	if ni.StorePath != path {
		return nil, fmt.Errorf("%s/%s.narinfo describes '%s', not '%s'", c.url, h, ni.StorePath, path)
	}
	c.remember(h, ni)
	return ni, nil
}

func (c *Cache) remember(h string, ni *NarInfo) {
	c.mu.Lock()
	c.infos[h] = ni
	c.mu.Unlock()
}

// Has reports whether the cache has path (with an acceptable signature).
func (c *Cache) Has(path string) (bool, error) {
	ni, err := c.NarInfo(path)
	if err != nil || ni == nil {
		return false, err
	}
	return c.trusted(ni) == nil, nil
}

// References returns the references of a path in the cache.
func (c *Cache) References(path string) ([]string, error) {
	ni, err := c.NarInfo(path)
	if err != nil {
		return nil, err
	}
	if ni == nil {
		return nil, fmt.Errorf("'%s' is not in binary cache '%s'", path, c.url)
	}
	return ni.References, nil
}

// trusted checks the signatures as Nix's require-sigs does.
func (c *Cache) trusted(ni *NarInfo) error {
	if !c.opts.RequireSigs {
		return nil
	}
	fp := Fingerprint(ni.StorePath, ni.NarHash, ni.NarSize, ni.References)
	if Verify(fp, ni.Sigs, c.opts.TrustedKeys) {
		return nil
	}
	return fmt.Errorf("cannot add path '%s' because it lacks a signature by a trusted key", ni.StorePath)
}

// Fetch downloads, decompresses, verifies and adds path to the store.
func (c *Cache) Fetch(path string) error {
	ni, err := c.NarInfo(path)
	if err != nil {
		return err
	}
	if ni == nil {
		return fmt.Errorf("'%s' is not in binary cache '%s'", path, c.url)
	}
	if err := c.trusted(ni); err != nil {
		return err
	}
	rc, err := c.get(ni.URL)
	if errors.Is(err, errNotFound) {
		return fmt.Errorf("NAR '%s' of '%s' is missing from binary cache '%s'", ni.URL, path, c.url)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	r, err := Decompress(ni.Compression, rc)
	if err != nil {
		return fmt.Errorf("'%s' from '%s': %w", path, c.url, err)
	}
	info := store.PathInfo{
		Path: ni.StorePath, Deriver: ni.Deriver, NarHash: ni.NarHash, NarSize: ni.NarSize,
		References: ni.References, Sigs: ni.Sigs,
	}
	if ni.CA != "" {
		ca, err := storepath.ParseContentAddress(ni.CA)
		if err != nil {
			return fmt.Errorf("'%s' from '%s': bad CA: %w", path, c.url, err)
		}
		info.CA = ca
	}
	return c.st.AddNar(r, info)
}

// Decompress wraps r for a narinfo Compression method.
func Decompress(method string, r io.Reader) (io.Reader, error) {
	switch method {
	case "none", "":
		return r, nil
	case "xz":
		return xz.NewReader(r)
	case "zstd":
		d, err := zstd.NewReader(r)
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	case "bzip2":
		return bzip2.NewReader(r), nil
	}
	return nil, fmt.Errorf("unsupported compression method '%s'", method)
}

// FetchClosure fetches path and every path it refers to that the store
// lacks, references first.
func (c *Cache) FetchClosure(path string) error {
	seen := map[string]bool{}
	var visit func(p string) error
	visit = func(p string) error {
		if seen[p] {
			return nil
		}
		seen[p] = true
		if ok, err := c.st.IsValid(p); err != nil || ok {
			return err
		}
		refs, err := c.References(p)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r != p {
				if err := visit(r); err != nil {
					return err
				}
			}
		}
		return c.Fetch(p)
	}
	return visit(path)
}
