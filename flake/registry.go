package flake

import (
	"fmt"
	"os"
	"path/filepath"
)

// RegistryKind says where a registry comes from; input lookups during
// locking only consult flag and global registries (Nix's "limited" use).
type RegistryKind int

// Registry kinds, in lookup order.
const (
	RegistryFlag RegistryKind = iota
	RegistryUser
	RegistrySystem
	RegistryGlobal
)

// RegistryEntry maps an indirect reference to another reference.
type RegistryEntry struct {
	From  *Input
	To    *Input
	Extra Attrs // "dir" of the target
	Exact bool
	// lazyTo computes To on first use (the built-in gonix entry).
	lazyTo func() (*Input, error)
}

func (e *RegistryEntry) target() (*Input, error) {
	if e.To == nil && e.lazyTo != nil {
		to, err := e.lazyTo()
		if err != nil {
			return nil, err
		}
		e.To = to
	}
	return e.To, nil
}

// Registry is a list of entries.
type Registry struct {
	Kind    RegistryKind
	Entries []*RegistryEntry
}

// ParseRegistry reads a registry file (version 2 of Nix's format).
func ParseRegistry(data []byte, path string, kind RegistryKind) (*Registry, error) {
	j, err := ParseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("cannot parse flake registry '%s': %v", path, err)
	}
	r := &Registry{Kind: kind}
	v := j.Get("version")
	if v == nil || v.Kind != JSONNumberKind || v.Num != "2" {
		n := "0"
		if v != nil && v.Kind == JSONNumberKind {
			n = v.Num
		}
		return nil, fmt.Errorf("cannot read flake registry '%s': flake registry '%s' has unsupported version %s", path, path, n)
	}
	fl := j.Get("flakes")
	if fl == nil {
		return r, nil
	}
	if fl.Kind != JSONArray {
		return nil, fmt.Errorf("cannot read flake registry '%s': 'flakes' is not a list", path)
	}
	for _, e := range fl.Arr {
		fromA, err := AttrsFromJSON(e.Get("from"))
		if err != nil {
			return nil, fmt.Errorf("cannot read flake registry '%s': %v", path, err)
		}
		toA, err := AttrsFromJSON(e.Get("to"))
		if err != nil {
			return nil, fmt.Errorf("cannot read flake registry '%s': %v", path, err)
		}
		extra := Attrs{}
		if d, ok := toA["dir"]; ok {
			extra["dir"] = d
			delete(toA, "dir")
		}
		from, err := InputFromAttrs(fromA)
		if err != nil {
			return nil, fmt.Errorf("cannot read flake registry '%s': %v", path, err)
		}
		to, err := InputFromAttrs(toA)
		if err != nil {
			return nil, fmt.Errorf("cannot read flake registry '%s': %v", path, err)
		}
		exact := false
		if x := e.Get("exact"); x != nil && x.Kind == JSONBoolKind {
			exact = x.Bool
		}
		r.Entries = append(r.Entries, &RegistryEntry{From: from, To: to, Extra: extra, Exact: exact})
	}
	return r, nil
}

// JSON renders the registry in Nix's file format.
func (r *Registry) JSON() *JSONValue {
	arr := NewArray()
	for _, e := range r.Entries {
		o := NewObject()
		o.Set("from", e.From.Attrs.JSON())
		to := e.To.Attrs.JSON()
		to.Update(e.Extra.JSON())
		o.Set("to", to)
		if e.Exact {
			o.Set("exact", JSONBool(true))
		}
		arr.Arr = append(arr.Arr, o)
	}
	j := NewObject()
	j.Set("version", JSONUint(2))
	j.Set("flakes", arr)
	return j
}

// readRegistryFile reads a registry, returning an empty one when the
// file does not exist and warning (like Nix) when it cannot be read.
func (s *Settings) readRegistryFile(path string, kind RegistryKind) *Registry {
	data, err := os.ReadFile(path)
	if err != nil {
		if !os.IsNotExist(err) {
			s.warn(fmt.Sprintf("cannot read flake registry '%s': %v", path, err))
		}
		return &Registry{Kind: kind}
	}
	r, err := ParseRegistry(data, path, kind)
	if err != nil {
		s.warn(err.Error())
		return &Registry{Kind: kind}
	}
	return r
}

// UseRegistries selects which registries a lookup consults.
type UseRegistries int

// Registry use modes: none, all, or flag and global only (flake inputs).
const (
	UseNoRegistries UseRegistries = iota
	UseAllRegistries
	UseLimitedRegistries
)

// registries returns the registries in lookup order: flag, user,
// system, then the global one (gonix's built-in entries first, then the
// configured global registry, which is read only if nothing before it
// matched).
func (s *Settings) registries() []*Registry {
	s.regOnce.Do(func() {
		s.regs = []*Registry{
			{Kind: RegistryFlag, Entries: s.FlagRegistry},
			s.readRegistryFile(s.UserRegistryPath, RegistryUser),
			s.readRegistryFile(s.SystemRegistryPath, RegistrySystem),
			{Kind: RegistryGlobal, Entries: s.builtinEntries()},
		}
	})
	return s.regs
}

func (s *Settings) globalRegistry() *Registry {
	s.globalOnce.Do(func() {
		s.global = &Registry{Kind: RegistryGlobal}
		src := s.GlobalRegistry
		if src == "" {
			return
		}
		if filepath.IsAbs(src) {
			s.global = s.readRegistryFile(src, RegistryGlobal)
			return
		}
		data, err := s.download(src)
		if err != nil {
			s.warn(fmt.Sprintf("cannot read flake registry '%s': %v", src, err))
			return
		}
		r, err := ParseRegistry(data, src, RegistryGlobal)
		if err != nil {
			s.warn(err.Error())
			return
		}
		s.global = r
	})
	return s.global
}

// Lookup resolves an indirect input through the registries, returning
// the direct input and extra attributes (dir).
func (s *Settings) Lookup(in *Input, use UseRegistries) (*Input, Attrs, error) {
	extra := Attrs{}
	if use == UseNoRegistries {
		return in, extra, nil
	}
	for n := 0; ; n++ {
		if n > 100 {
			return nil, nil, fmt.Errorf("cycle detected in flake registry for '%s'", in)
		}
		next, ex, matched, err := s.lookupOnce(in, use)
		if err != nil {
			return nil, nil, err
		}
		if !matched {
			break
		}
		in, extra = next, ex
	}
	if !in.IsDirect() {
		return nil, nil, fmt.Errorf("cannot find flake '%s' in the flake registries", in)
	}
	return in, extra, nil
}

func (s *Settings) lookupOnce(in *Input, use UseRegistries) (*Input, Attrs, bool, error) {
	regs := s.registries()
	try := func(r *Registry) (*Input, Attrs, bool, error) {
		if use == UseLimitedRegistries && r.Kind != RegistryFlag && r.Kind != RegistryGlobal {
			return nil, nil, false, nil
		}
		for _, e := range r.Entries {
			if e.Exact {
				if !e.From.Equal(in) {
					continue
				}
				to, err := e.target()
				if err != nil {
					return nil, nil, false, err
				}
				return to, e.Extra.Clone(), true, nil
			}
			if !e.From.Contains(in) {
				continue
			}
			to, err := e.target()
			if err != nil {
				return nil, nil, false, err
			}
			ref, rev := "", ""
			if e.From.Ref() == "" {
				ref = in.Ref()
			}
			if e.From.Rev() == "" {
				rev = in.Rev()
			}
			out, err := to.ApplyOverrides(ref, rev)
			if err != nil {
				return nil, nil, false, err
			}
			return out, e.Extra.Clone(), true, nil
		}
		return nil, nil, false, nil
	}
	for _, r := range regs {
		if out, ex, ok, err := try(r); ok || err != nil {
			return out, ex, ok, err
		}
	}
	if in.IsDirect() {
		// A direct input that nothing redirects: no need to read the
		// global registry.
		return nil, nil, false, nil
	}
	return try(s.globalRegistry())
}
