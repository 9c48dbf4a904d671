package substitute

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixbase32"
	"github.com/gonix/gonix/store/nixhash"
)

// CopyOptions configure Copy.
type CopyOptions struct {
	// Compression is xz (default, like Nix), zstd or none.
	Compression string
	// Key signs the narinfo files when set.
	Key *SecretKey
	// Log receives "copying path ..." lines; may be nil.
	Log io.Writer
}

// Copy writes the closure of paths into a file:// binary cache directory
// (creating nix-cache-info), skipping paths the cache already has. It
// returns the paths it copied.
func Copy(st *store.Store, paths []string, dir string, opts CopyOptions) ([]string, error) {
	if opts.Compression == "" {
		opts.Compression = "xz"
	}
	ext := map[string]string{"xz": ".xz", "zstd": ".zst", "none": ""}
	suffix, ok := ext[opts.Compression]
	if !ok {
		return nil, fmt.Errorf("unsupported compression '%s' (want xz, zstd or none)", opts.Compression)
	}
	if err := os.MkdirAll(filepath.Join(dir, "nar"), 0o755); err != nil {
		return nil, fmt.Errorf("creating binary cache: %w", err)
	}
	infoFile := filepath.Join(dir, "nix-cache-info")
	if _, err := os.Stat(infoFile); os.IsNotExist(err) {
		if err := os.WriteFile(infoFile, []byte("StoreDir: "+string(st.Dir())+"\nWantMassQuery: 1\nPriority: 30\n"), 0o644); err != nil {
			return nil, err
		}
	}
	closure, err := st.Closure(paths, store.ClosureOptions{})
	if err != nil {
		return nil, err
	}
	var copied []string
	for _, p := range closure {
		sp, err := st.Dir().Parse(p)
		if err != nil {
			return nil, err
		}
		niPath := filepath.Join(dir, sp.HashPart()+".narinfo")
		if _, err := os.Stat(niPath); err == nil {
			continue
		}
		info, err := st.QueryPathInfo(p)
		if err != nil {
			return nil, err
		}
		if opts.Log != nil {
			fmt.Fprintf(opts.Log, "copying path '%s' to 'file://%s'...\n", p, dir)
		}
		ni, err := writeNar(st, info, dir, opts.Compression, suffix)
		if err != nil {
			return nil, fmt.Errorf("copying '%s': %w", p, err)
		}
		ni.Sigs = append([]string(nil), info.Sigs...)
		if opts.Key != nil {
			ni.Sigs = append(ni.Sigs, opts.Key.Sign(Fingerprint(p, ni.NarHash, ni.NarSize, ni.References)))
		}
		if err := writeAtomic(niPath, []byte(ni.String())); err != nil {
			return nil, err
		}
		copied = append(copied, p)
	}
	return copied, nil
}

// writeNar writes the compressed NAR of a path and returns its narinfo.
func writeNar(st *store.Store, info *store.PathInfo, dir, method, suffix string) (*NarInfo, error) {
	tmp, err := os.CreateTemp(filepath.Join(dir, "nar"), ".tmp-nar-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	fh := sha256.New()
	fc := &countW{}
	sink := io.MultiWriter(tmp, fh, fc)
	var cw io.WriteCloser
	switch method {
	case "xz":
		w, err := xz.NewWriter(sink)
		if err != nil {
			return nil, err
		}
		cw = w
	case "zstd":
		w, err := zstd.NewWriter(sink)
		if err != nil {
			return nil, err
		}
		cw = w
	default:
		cw = nopCloser{sink}
	}
	nh := sha256.New()
	nc := &countW{}
	if err := nar.Dump(io.MultiWriter(cw, nh, nc), st.RealPath(info.Path), nil); err != nil {
		return nil, err
	}
	if err := cw.Close(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	narHash := nixhash.Hash{Algo: nixhash.SHA256, Digest: nh.Sum(nil)}
	if !narHash.Equal(info.NarHash) {
		return nil, fmt.Errorf("path '%s' is corrupt: its NAR hash is %s, the database says %s",
			info.Path, narHash.Format(nixhash.SRI, true), info.NarHash.Format(nixhash.SRI, true))
	}
	fileHash := nixhash.Hash{Algo: nixhash.SHA256, Digest: fh.Sum(nil)}
	rel := "nar/" + nixbase32.EncodeToString(fileHash.Digest) + ".nar" + suffix
	if err := os.Rename(tmp.Name(), filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
		return nil, err
	}
	ni := &NarInfo{
		StorePath: info.Path, URL: rel, Compression: method, FileHash: fileHash, FileSize: uint64(fc.n),
		NarHash: narHash, NarSize: uint64(nc.n), References: info.References, Deriver: info.Deriver,
	}
	if !info.CA.IsZero() {
		ni.CA = info.CA.String()
	}
	return ni, nil
}

type countW struct{ n int64 }

func (c *countW) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
