package store

import (
	"fmt"
	"sort"
)

// ClosureOptions selects the edges Closure follows.
type ClosureOptions struct {
	// Reverse follows referrers instead of references.
	Reverse bool
	// IncludeOutputs adds the valid outputs of every .drv reached.
	IncludeOutputs bool
	// IncludeDerivers adds the valid deriver of every path reached.
	IncludeDerivers bool
}

// Closure returns the set of valid paths reachable from paths (which must
// be valid), sorted.
func (s *Store) Closure(paths []string, opts ClosureOptions) ([]string, error) {
	seen := map[string]bool{}
	todo := append([]string(nil), paths...)
	for len(todo) > 0 {
		p := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if seen[p] {
			continue
		}
		info, err := s.QueryPathInfo(p)
		if err != nil {
			return nil, err
		}
		seen[p] = true
		var next []string
		if opts.Reverse {
			if next, err = s.QueryReferrers(p); err != nil {
				return nil, err
			}
			if opts.IncludeOutputs {
				ds, err := s.QueryValidDerivers(p)
				if err != nil {
					return nil, err
				}
				next = append(next, ds...)
			}
		} else {
			next = append(next, info.References...)
			if opts.IncludeOutputs && isDrv(p) {
				outs, err := s.QueryDerivationOutputs(p)
				if err != nil {
					return nil, err
				}
				for _, o := range outs {
					if ok, _ := s.IsValid(o); ok {
						next = append(next, o)
					}
				}
			}
			if opts.IncludeDerivers && info.Deriver != "" {
				if ok, _ := s.IsValid(info.Deriver); ok {
					next = append(next, info.Deriver)
				}
			}
		}
		for _, n := range next {
			if !seen[n] {
				todo = append(todo, n)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func isDrv(p string) bool { return len(p) > 4 && p[len(p)-4:] == ".drv" }

// TopoSort orders valid paths so that every path comes before the paths it
// references (referrers first), as Nix's topoSortPaths does; references
// outside the set are ignored. Ties are broken by path order.
func (s *Store) TopoSort(paths []string) ([]string, error) {
	in := map[string]bool{}
	for _, p := range paths {
		in[p] = true
	}
	sorted := append([]string(nil), paths...)
	sort.Strings(sorted)
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(p string, parent string) error
	visit = func(p string, parent string) error {
		switch state[p] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("cycle detected in the references of '%s' from '%s'", p, parent)
		}
		state[p] = 1
		refs, err := s.QueryReferences(p)
		if err != nil {
			return err
		}
		for _, r := range refs {
			if r != p && in[r] {
				if err := visit(r, p); err != nil {
					return err
				}
			}
		}
		state[p] = 2
		out = append(out, p)
		return nil
	}
	for _, p := range sorted {
		if err := visit(p, ""); err != nil {
			return nil, err
		}
	}
	// out has references before referrers; reverse it.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
