package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ManifestVersion is the manifest.json version current Nix writes.
const ManifestVersion = 3

// DefaultPriority is the priority of a newly installed element.
const DefaultPriority = 5

// Element is one installed package of a profile. Fields are declared in
// JSON key order so the encoding matches Nix's (sorted keys).
type Element struct {
	Active      bool     `json:"active"`
	AttrPath    string   `json:"attrPath,omitempty"`
	OriginalURL string   `json:"originalUrl,omitempty"`
	Outputs     any      `json:"outputs,omitempty"`
	Priority    int      `json:"priority"`
	StorePaths  []string `json:"storePaths"`
	URL         string   `json:"url,omitempty"`
}

// Manifest is a profile's manifest.json: elements by name.
type Manifest struct {
	Elements map[string]*Element
}

// manifestJSON is the file layout.
type manifestJSON struct {
	Elements json.RawMessage `json:"elements"`
	Version  int             `json:"version"`
}

// ParseManifest parses manifest.json (versions 1-3; version 1 and 2 used
// a list of elements, named here by their package name).
func ParseManifest(data []byte) (*Manifest, error) {
	var mj manifestJSON
	if err := json.Unmarshal(data, &mj); err != nil {
		return nil, fmt.Errorf("invalid profile manifest: %w", err)
	}
	m := &Manifest{Elements: map[string]*Element{}}
	switch mj.Version {
	case 1, 2, 3:
	default:
		return nil, fmt.Errorf("profile manifest has unsupported version %d", mj.Version)
	}
	if len(mj.Elements) > 0 && mj.Elements[0] == '[' {
		var list []*Element
		if err := json.Unmarshal(mj.Elements, &list); err != nil {
			return nil, fmt.Errorf("invalid profile manifest: %w", err)
		}
		for _, e := range list {
			m.Add(elementName(e), e)
		}
		return m, nil
	}
	if len(mj.Elements) > 0 {
		if err := json.Unmarshal(mj.Elements, &m.Elements); err != nil {
			return nil, fmt.Errorf("invalid profile manifest: %w", err)
		}
	}
	for name, e := range m.Elements {
		if e == nil {
			return nil, fmt.Errorf("invalid profile manifest: element '%s' is null", name)
		}
	}
	return m, nil
}

// JSON encodes the manifest exactly as Nix does: compact, keys sorted,
// version 3.
func (m *Manifest) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	elems := m.Elements
	if elems == nil {
		elems = map[string]*Element{}
	}
	for _, e := range elems {
		if e.StorePaths == nil {
			e.StorePaths = []string{}
		}
		sort.Strings(e.StorePaths)
	}
	enc.Encode(struct {
		Elements map[string]*Element `json:"elements"`
		Version  int                 `json:"version"`
	}{elems, ManifestVersion})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Add inserts e under name, or name-1, name-2, ... when taken; it returns
// the name used.
func (m *Manifest) Add(name string, e *Element) string {
	if m.Elements == nil {
		m.Elements = map[string]*Element{}
	}
	final := name
	for i := 1; m.Elements[final] != nil; i++ {
		final = name + "-" + strconv.Itoa(i)
	}
	m.Elements[final] = e
	return final
}

// Names returns the element names, sorted.
func (m *Manifest) Names() []string {
	names := make([]string, 0, len(m.Elements))
	for n := range m.Elements {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewElement returns an active element for store paths with the default
// priority.
func NewElement(paths ...string) *Element {
	ps := append([]string(nil), paths...)
	sort.Strings(ps)
	return &Element{Active: true, Priority: DefaultPriority, StorePaths: ps}
}

// elementName names an element by the package names of its store paths
// (Nix's identifier for elements without a flake source).
func elementName(e *Element) string {
	set := map[string]bool{}
	for _, p := range e.StorePaths {
		set[ParseDrvName(storeName(p)).Name] = true
	}
	var names []string
	for n := range set {
		if n != "" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// ElementName is the name Install gives a new element of store paths.
func ElementName(paths ...string) string { return elementName(NewElement(paths...)) }

// Versions renders the versions of an element's store paths like Nix's
// showVersions: sorted, comma-separated, "ε" for an empty version and "∅"
// when there are no store paths.
func (e *Element) Versions() string {
	set := map[string]bool{}
	for _, p := range e.StorePaths {
		v := ParseDrvName(storeName(p)).Version
		if v == "" {
			v = "ε"
		}
		set[v] = true
	}
	if len(set) == 0 {
		return "∅"
	}
	vs := make([]string, 0, len(set))
	for v := range set {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	return strings.Join(vs, ", ")
}

// storeName returns the name part of a store path.
func storeName(p string) string {
	base := filepath.Base(p)
	if len(base) > 33 && base[32] == '-' {
		return base[33:]
	}
	return base
}

// DrvName is a package name split into name and version.
type DrvName struct {
	Name, Version string
}

// ParseDrvName splits "hello-2.12" into "hello" and "2.12": the version
// starts after the first dash that is followed by a non-letter.
func ParseDrvName(s string) DrvName {
	for i := 0; i+1 < len(s); i++ {
		c := s[i+1]
		if s[i] == '-' && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return DrvName{Name: s[:i], Version: s[i+1:]}
		}
	}
	return DrvName{Name: s}
}

// ReadManifest reads the manifest of the user environment a profile (or a
// generation link) points to; a missing profile gives an empty manifest.
// realPath maps a logical store path to its physical location.
func ReadManifest(profile string, realPath func(string) string) (*Manifest, error) {
	target, err := resolveToStore(profile)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return &Manifest{Elements: map[string]*Element{}}, nil
		}
		return nil, err
	}
	data, err := os.ReadFile(filepath.Join(realPath(target), "manifest.json"))
	if errors.Is(err, os.ErrNotExist) {
		return &Manifest{Elements: map[string]*Element{}}, nil
	}
	if err != nil {
		return nil, err
	}
	return ParseManifest(data)
}

// resolveToStore follows profile -> generation link -> store path.
func resolveToStore(link string) (string, error) {
	for i := 0; i < 10; i++ {
		t, err := os.Readlink(link)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(link), t)
		}
		if strings.HasPrefix(t, "/nix/store/") {
			return t, nil
		}
		link = t
	}
	return "", fmt.Errorf("too many levels of symbolic links at %s", link)
}

// Resolve returns the store path a profile currently points to.
func Resolve(profile string) (string, error) { return resolveToStore(profile) }
