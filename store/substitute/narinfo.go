package substitute

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// NarInfo is the content of a .narinfo file.
type NarInfo struct {
	StorePath   string
	URL         string
	Compression string
	FileHash    nixhash.Hash
	FileSize    uint64
	NarHash     nixhash.Hash
	NarSize     uint64
	References  []string // full store paths, sorted
	Deriver     string   // full store path or ""
	Sigs        []string
	CA          string
}

// ParseNarInfo parses a .narinfo; where names the file in errors.
func ParseNarInfo(data []byte, dir storepath.Dir, where string) (*NarInfo, error) {
	ni := &NarInfo{}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if l == "" {
			continue
		}
		k, v, ok := strings.Cut(l, ": ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: malformed narinfo line '%s'", where, line, l)
		}
		var err error
		switch k {
		case "StorePath":
			if _, err = dir.Parse(v); err == nil {
				ni.StorePath = v
			}
		case "URL":
			ni.URL = v
		case "Compression":
			ni.Compression = v
		case "FileHash":
			ni.FileHash, err = nixhash.ParsePrefixed(v)
		case "FileSize":
			ni.FileSize, err = strconv.ParseUint(v, 10, 64)
		case "NarHash":
			ni.NarHash, err = nixhash.ParsePrefixed(v)
		case "NarSize":
			ni.NarSize, err = strconv.ParseUint(v, 10, 64)
		case "References":
			for _, r := range strings.Fields(v) {
				p, perr := storepath.ParseBase(r)
				if perr != nil {
					err = perr
					break
				}
				ni.References = append(ni.References, dir.Path(p))
			}
		case "Deriver":
			if v != "unknown-deriver" {
				p, perr := storepath.ParseBase(v)
				if perr != nil {
					err = perr
				} else {
					ni.Deriver = dir.Path(p)
				}
			}
		case "Sig":
			ni.Sigs = append(ni.Sigs, v)
		case "CA":
			ni.CA = v
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: bad %s: %w", where, line, k, err)
		}
	}
	if ni.StorePath == "" || ni.URL == "" || ni.NarHash.IsZero() || ni.NarSize == 0 {
		return nil, fmt.Errorf("%s: narinfo lacks StorePath, URL, NarHash or NarSize", where)
	}
	if ni.Compression == "" {
		ni.Compression = "bzip2"
	}
	return ni, nil
}

// String renders the .narinfo like Nix.
func (ni *NarInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "StorePath: %s\nURL: %s\nCompression: %s\n", ni.StorePath, ni.URL, ni.Compression)
	if !ni.FileHash.IsZero() {
		fmt.Fprintf(&b, "FileHash: %s\nFileSize: %d\n", ni.FileHash.Format(nixhash.Nix32, true), ni.FileSize)
	}
	fmt.Fprintf(&b, "NarHash: %s\nNarSize: %d\n", ni.NarHash.Format(nixhash.Nix32, true), ni.NarSize)
	refs := make([]string, len(ni.References))
	for i, r := range ni.References {
		refs[i] = baseName(r)
	}
	fmt.Fprintf(&b, "References: %s\n", strings.Join(refs, " "))
	if ni.Deriver != "" {
		fmt.Fprintf(&b, "Deriver: %s\n", baseName(ni.Deriver))
	}
	for _, s := range ni.Sigs {
		fmt.Fprintf(&b, "Sig: %s\n", s)
	}
	if ni.CA != "" {
		fmt.Fprintf(&b, "CA: %s\n", ni.CA)
	}
	return b.String()
}

func baseName(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// Fingerprint is what a signature signs: "1;PATH;NARHASH;NARSIZE;REFS".
func Fingerprint(path string, narHash nixhash.Hash, narSize uint64, refs []string) string {
	return "1;" + path + ";" + narHash.Format(nixhash.Nix32, true) + ";" + strconv.FormatUint(narSize, 10) + ";" + strings.Join(refs, ",")
}
