package build

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// registerOutputs checks the outputs a builder produced, moves them into
// place (from the sandbox's store directory when outRoot is set), scans
// them for references and registers them in one transaction.
func (r *realiser) registerOutputs(n *node, valid map[string]bool, outRoot string, inputClosure []string, structured map[string]any) error {
	st := r.st
	names := n.drv.OutputNames()
	var fresh []string // outputs to register
	for _, o := range names {
		if !valid[o] {
			fresh = append(fresh, o)
		}
	}
	// Existence first, then move into place.
	for _, o := range fresh {
		p := n.outPath(o)
		src := st.RealPath(p)
		if outRoot != "" {
			src = filepath.Join(outRoot, p)
		}
		if _, err := os.Lstat(src); err != nil {
			return &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf("builder for '%s' failed to produce output path for output '%s' at '%s'", n.drvPath, o, p)}
		}
		if outRoot != "" {
			if err := st.RemoveStale(p); err != nil {
				return err
			}
			if err := os.Rename(src, st.RealPath(p)); err != nil {
				return fmt.Errorf("moving output '%s' into the store: %w", p, err)
			}
		}
	}
	// Reference candidates: the input closure and the outputs themselves.
	candidates := append([]string(nil), inputClosure...)
	for _, o := range names {
		candidates = append(candidates, n.outPath(o))
	}
	infos := map[string]*store.PathInfo{}
	var list []*store.PathInfo
	for _, o := range fresh {
		p := n.outPath(o)
		refs, err := store.ScanReferences(st.RealPath(p), candidates)
		if err != nil {
			return fmt.Errorf("scanning '%s' for references: %w", p, err)
		}
		info := &store.PathInfo{Path: p, Deriver: n.drvPath, References: refs, Ultimate: true}
		if out := n.drv.Outputs[o]; out.IsFixed() {
			ca, err := r.checkFixed(n, o, refs)
			if err != nil {
				return err
			}
			info.CA = ca
		}
		infos[o] = info
		list = append(list, info)
	}
	if err := r.checkOutputs(n, infos, structured); err != nil {
		return err
	}
	if len(list) == 0 {
		return nil
	}
	if err := st.RegisterPaths(list); err != nil {
		return fmt.Errorf("registering the outputs of '%s': %w", n.drvPath, err)
	}
	r.refMu.Lock()
	for _, info := range list {
		r.refs[info.Path] = info.References
	}
	r.refMu.Unlock()
	return nil
}

// checkFixed verifies a fixed output's content hash and that it has no
// references, in Nix's words.
func (r *realiser) checkFixed(n *node, o string, refs []string) (storepath.ContentAddress, error) {
	out := n.drv.Outputs[o]
	want, err := out.ContentAddress()
	if err != nil {
		return storepath.ContentAddress{}, fmt.Errorf("derivation '%s': %w", n.drvPath, err)
	}
	real := r.st.RealPath(out.Path)
	var got nixhash.Hash
	switch want.Method {
	case storepath.NAR:
		h := want.Hash.Algo.New()
		if err := nar.Dump(h, real, nil); err != nil {
			return storepath.ContentAddress{}, fmt.Errorf("hashing '%s': %w", out.Path, err)
		}
		got = nixhash.Hash{Algo: want.Hash.Algo, Digest: h.Sum(nil)}
	default:
		fi, err := os.Lstat(real)
		if err != nil {
			return storepath.ContentAddress{}, err
		}
		if !fi.Mode().IsRegular() {
			return storepath.ContentAddress{}, &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf(
				"output path '%s' should be a non-executable regular file since recursive hashing is not enabled (one of outputHashMode or outputHashMode is 'flat')", out.Path)}
		}
		f, err := os.Open(real)
		if err != nil {
			return storepath.ContentAddress{}, err
		}
		got, _, err = nixhash.SumReader(want.Hash.Algo, f)
		f.Close()
		if err != nil {
			return storepath.ContentAddress{}, err
		}
	}
	if !got.Equal(want.Hash) {
		return storepath.ContentAddress{}, &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf(
			"hash mismatch in fixed-output derivation '%s':\n  specified: %s\n     got:    %s",
			n.drvPath, want.Hash.Format(nixhash.SRI, true), got.Format(nixhash.SRI, true))}
	}
	if len(refs) > 0 {
		return storepath.ContentAddress{}, &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf(
			"fixed-output derivations must not reference store paths: '%s' references %d distinct paths, e.g. '%s'",
			n.drvPath, len(refs), refs[0])}
	}
	return storepath.ContentAddress{Method: want.Method, Hash: got}, nil
}

// outputChecks are the reference and size constraints of one output.
type outputChecks struct {
	ignoreSelfRefs                             bool
	maxSize, maxClosureSize                    *uint64
	allowedReferences, allowedRequisites       *[]string
	disallowedReferences, disallowedRequisites []string
}

// checksFor returns the checks of each output (nil when none).
func checksFor(n *node, structured map[string]any) (map[string]*outputChecks, error) {
	out := map[string]*outputChecks{}
	if structured == nil {
		c := &outputChecks{ignoreSelfRefs: true}
		get := func(k string) *[]string {
			v, ok := n.drv.Env[k]
			if !ok {
				return nil
			}
			l := strings.Fields(v)
			return &l
		}
		c.allowedReferences = get("allowedReferences")
		c.allowedRequisites = get("allowedRequisites")
		if l := get("disallowedReferences"); l != nil {
			c.disallowedReferences = *l
		}
		if l := get("disallowedRequisites"); l != nil {
			c.disallowedRequisites = *l
		}
		for o := range n.drv.Outputs {
			out[o] = c
		}
		return out, nil
	}
	ocs, ok := structured["outputChecks"].(map[string]any)
	if !ok {
		return out, nil
	}
	for o, v := range ocs {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("derivation '%s': outputChecks.%s is not an attribute set", n.drvPath, o)
		}
		c := &outputChecks{}
		list := func(k string) (*[]string, error) {
			x, ok := m[k]
			if !ok {
				return nil, nil
			}
			l, ok := x.([]any)
			if !ok {
				return nil, fmt.Errorf("derivation '%s': outputChecks.\"%s\".%s is not a list of strings", n.drvPath, o, k)
			}
			s := stringList(l)
			if len(s) != len(l) {
				return nil, fmt.Errorf("derivation '%s': outputChecks.\"%s\".%s is not a list of strings", n.drvPath, o, k)
			}
			return &s, nil
		}
		var err error
		if c.allowedReferences, err = list("allowedReferences"); err != nil {
			return nil, err
		}
		if c.allowedRequisites, err = list("allowedRequisites"); err != nil {
			return nil, err
		}
		if l, err := list("disallowedReferences"); err != nil {
			return nil, err
		} else if l != nil {
			c.disallowedReferences = *l
		}
		if l, err := list("disallowedRequisites"); err != nil {
			return nil, err
		} else if l != nil {
			c.disallowedRequisites = *l
		}
		num := func(k string) (*uint64, error) {
			x, ok := m[k]
			if !ok {
				return nil, nil
			}
			nm, ok := x.(json.Number)
			if !ok {
				return nil, fmt.Errorf("derivation '%s': outputChecks.\"%s\".%s is not a number", n.drvPath, o, k)
			}
			i, err := nm.Int64()
			if err != nil || i < 0 {
				return nil, fmt.Errorf("derivation '%s': outputChecks.\"%s\".%s is not a size", n.drvPath, o, k)
			}
			u := uint64(i)
			return &u, nil
		}
		if c.maxSize, err = num("maxSize"); err != nil {
			return nil, err
		}
		if c.maxClosureSize, err = num("maxClosureSize"); err != nil {
			return nil, err
		}
		out[o] = c
	}
	return out, nil
}

// checkOutputs enforces allowedReferences and friends (Nix's
// checkOutputs) on the freshly built outputs.
func (r *realiser) checkOutputs(n *node, infos map[string]*store.PathInfo, structured map[string]any) error {
	checks, err := checksFor(n, structured)
	if err != nil {
		return err
	}
	byPath := map[string]*store.PathInfo{}
	for _, info := range infos {
		byPath[info.Path] = info
	}
	narSize := func(p string) (uint64, error) {
		if info, ok := byPath[p]; ok {
			if info.NarSize == 0 {
				_, size, err := nar.HashPath(r.st.RealPath(p), nil)
				if err != nil {
					return 0, err
				}
				info.NarSize = uint64(size)
			}
			return info.NarSize, nil
		}
		pi, err := r.st.QueryPathInfo(p)
		if err != nil {
			return 0, err
		}
		return pi.NarSize, nil
	}
	closureOf := func(p string) (map[string]bool, uint64, error) {
		seen := map[string]bool{}
		var size uint64
		todo := []string{p}
		for len(todo) > 0 {
			q := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			if seen[q] {
				continue
			}
			seen[q] = true
			s, err := narSize(q)
			if err != nil {
				return nil, 0, err
			}
			size += s
			var refs []string
			if info, ok := byPath[q]; ok {
				refs = info.References
			} else if refs, err = r.references(q); err != nil {
				return nil, 0, err
			}
			todo = append(todo, refs...)
		}
		return seen, size, nil
	}
	names := make([]string, 0, len(infos))
	for o := range infos {
		names = append(names, o)
	}
	sort.Strings(names)
	for _, o := range names {
		info := infos[o]
		c := checks[o]
		if c == nil {
			continue
		}
		if c.maxSize != nil {
			s, err := narSize(info.Path)
			if err != nil {
				return err
			}
			if s > *c.maxSize {
				return &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf("path '%s' is too large at %d bytes; limit is %d bytes", info.Path, s, *c.maxSize)}
			}
		}
		if c.maxClosureSize != nil {
			_, s, err := closureOf(info.Path)
			if err != nil {
				return err
			}
			if s > *c.maxClosureSize {
				return &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf("closure of path '%s' is too large at %d bytes; limit is %d bytes", info.Path, s, *c.maxClosureSize)}
			}
		}
		checkRefs := func(spec []string, allowed, recursive bool) error {
			set := map[string]bool{}
			for _, s := range spec {
				if sp, _, err := r.st.Dir().ParseInside(s); err == nil && strings.HasPrefix(s, string(r.st.Dir())+"/") {
					set[r.st.Dir().Path(sp)] = true
					continue
				}
				out, ok := n.drv.Outputs[s]
				if !ok {
					return &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf(
						"derivation '%s' output check for '%s' contains an illegal reference specifier '%s', expected store path or output name (one of [%s])",
						n.drvPath, o, s, strings.Join(n.drv.OutputNames(), ", "))}
				}
				set[out.Path] = true
			}
			used := map[string]bool{}
			if recursive {
				cl, _, err := closureOf(info.Path)
				if err != nil {
					return err
				}
				used = cl
				if c.ignoreSelfRefs {
					delete(used, info.Path)
				}
			} else {
				for _, ref := range info.References {
					used[ref] = true
				}
			}
			var bad []string
			for p := range used {
				if set[p] != allowed {
					bad = append(bad, p)
				}
			}
			if len(bad) == 0 {
				return nil
			}
			sort.Strings(bad)
			return &BuildError{DrvPath: n.drvPath, Msg: fmt.Sprintf("output '%s' is not allowed to refer to the following paths:\n  %s",
				info.Path, strings.Join(bad, "\n  "))}
		}
		if c.allowedReferences != nil {
			if err := checkRefs(*c.allowedReferences, true, false); err != nil {
				return err
			}
		}
		if c.allowedRequisites != nil {
			if err := checkRefs(*c.allowedRequisites, true, true); err != nil {
				return err
			}
		}
		if len(c.disallowedReferences) > 0 {
			if err := checkRefs(c.disallowedReferences, false, false); err != nil {
				return err
			}
		}
		if len(c.disallowedRequisites) > 0 {
			if err := checkRefs(c.disallowedRequisites, false, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// references returns the references of a valid path (cached).
func (r *realiser) references(p string) ([]string, error) {
	r.refMu.Lock()
	refs, ok := r.refs[p]
	r.refMu.Unlock()
	if ok {
		return refs, nil
	}
	refs, err := r.st.QueryReferences(p)
	if err != nil {
		return nil, err
	}
	r.refMu.Lock()
	r.refs[p] = refs
	r.refMu.Unlock()
	return refs, nil
}

// closure returns the sorted closure of valid paths under references.
func (r *realiser) closure(paths []string) ([]string, error) {
	seen := map[string]bool{}
	todo := append([]string(nil), paths...)
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[p] {
			continue
		}
		seen[p] = true
		refs, err := r.references(p)
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			if !seen[ref] {
				todo = append(todo, ref)
			}
		}
	}
	return sortedKeys(seen), nil
}

// pathInfo describes a valid path for exportReferencesGraph.
func (r *realiser) pathInfo(p string) (nixhash.Hash, uint64, []string, string, uint64, error) {
	info, err := r.st.QueryPathInfo(p)
	if err != nil {
		return nixhash.Hash{}, 0, nil, "", 0, err
	}
	cl, err := r.closure([]string{p})
	if err != nil {
		return nixhash.Hash{}, 0, nil, "", 0, err
	}
	var csize uint64
	for _, q := range cl {
		qi, err := r.st.QueryPathInfo(q)
		if err != nil {
			return nixhash.Hash{}, 0, nil, "", 0, err
		}
		csize += qi.NarSize
	}
	ca := ""
	if !info.CA.IsZero() {
		ca = info.CA.String()
	}
	return info.NarHash, info.NarSize, info.References, ca, csize, nil
}
