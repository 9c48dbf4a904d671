package build

import (
	"fmt"
	"sort"
)

// substituteNode copies the wanted outputs of a derivation, with every
// path they refer to that is not valid yet, from the substituters.
func (r *realiser) substituteNode(n *node) error {
	var paths []string
	for o := range n.wanted {
		paths = append(paths, n.outPath(o))
	}
	sort.Strings(paths)
	return r.substitutePaths(paths)
}

// substitutePaths substitutes paths and their missing references,
// references first.
func (r *realiser) substitutePaths(paths []string) error {
	done := map[string]bool{}
	var visit func(p string, depth int) error
	visit = func(p string, depth int) error {
		if done[p] {
			return nil
		}
		done[p] = true
		if depth > 10000 {
			return fmt.Errorf("substituting '%s': reference chain too deep", p)
		}
		ok, err := r.st.IsValid(p)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		// AddNar takes the path's lock itself and skips valid paths.
		var errs []error
		for _, s := range r.opts.Substituters {
			has, err := s.Has(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if !has {
				continue
			}
			refs, err := s.References(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, ref := range refs {
				if ref != p {
					if err := visit(ref, depth+1); err != nil {
						return err
					}
				}
			}
			r.report(Event{Kind: EvSubstituting, Path: p, URL: s.URL()})
			if err := s.Fetch(p); err != nil {
				errs = append(errs, fmt.Errorf("substituting '%s' from '%s': %w", p, s.URL(), err))
				continue
			}
			return nil
		}
		if len(errs) > 0 {
			return errs[0]
		}
		return fmt.Errorf("path '%s' is not available from any substituter", p)
	}
	for _, p := range paths {
		if err := visit(p, 0); err != nil {
			return err
		}
	}
	return nil
}
