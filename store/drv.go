package store

import (
	"fmt"
	"os"
	"strings"

	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/storepath"
)

// ReadDerivation parses the .drv file at the logical path drvPath. The
// file need not be registered (Nix's readInvalidDerivation).
func (s *Store) ReadDerivation(drvPath string) (*derivation.Derivation, error) {
	p, err := s.Dir().Parse(drvPath)
	if err != nil {
		return nil, err
	}
	if !p.IsDerivation() {
		return nil, fmt.Errorf("store path '%s' is not a valid derivation path", drvPath)
	}
	text, err := os.ReadFile(s.RealPath(drvPath))
	if err != nil {
		return nil, fmt.Errorf("reading derivation '%s': %w", drvPath, err)
	}
	d, err := derivation.Parse(text, strings.TrimSuffix(p.Name(), storepath.DrvExtension))
	if err != nil {
		return nil, fmt.Errorf("reading derivation '%s': %w", drvPath, err)
	}
	return d, nil
}

// NewResolver returns a derivation Resolver that loads input derivations
// from this store. One Resolver should live as long as an evaluation so
// hashes modulo are computed once.
func (s *Store) NewResolver() *derivation.Resolver {
	return derivation.NewResolver(s.Dir(), s.ReadDerivation)
}

// WriteDerivation writes a complete derivation (output paths filled in, as
// Resolver.Instantiate leaves it) to the store as NAME.drv with its input
// sources and derivations as references, and records its outputs in
// DerivationOutputs. It returns the .drv path.
func (s *Store) WriteDerivation(d *derivation.Derivation) (string, error) {
	for name, o := range d.Outputs {
		if o.Path == "" {
			return "", fmt.Errorf("derivation '%s': output '%s' has no path", d.Name, name)
		}
	}
	text := d.ATerm()
	outs := map[string]string{}
	for name, o := range d.Outputs {
		outs[name] = o.Path
	}
	return s.addText(d.Name+storepath.DrvExtension, text, d.References(), outs)
}

// Instantiate completes d with the resolver (output paths, env) and writes
// it to the store: what derivationStrict does. It returns the .drv path
// and the output paths.
func (s *Store) Instantiate(r *derivation.Resolver, d *derivation.Derivation) (string, map[string]string, error) {
	drvPath, _, err := r.Instantiate(d)
	if err != nil {
		return "", nil, err
	}
	written, err := s.WriteDerivation(d)
	if err != nil {
		return "", nil, err
	}
	if written != drvPath {
		return "", nil, fmt.Errorf("internal error: derivation written to '%s', computed '%s'", written, drvPath)
	}
	outs := map[string]string{}
	for name, o := range d.Outputs {
		outs[name] = o.Path
	}
	return drvPath, outs, nil
}
