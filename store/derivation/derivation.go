package derivation

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// Output is one output of a derivation. For an input-addressed output only
// Path is set (empty before the paths are computed); a fixed output also
// has HashAlgo ("sha256", or "r:sha256" for NAR hashing) and Hash (lower-case
// hex).
type Output struct {
	Path     string
	HashAlgo string
	Hash     string
}

// IsFixed reports whether the output has a fixed content hash.
func (o Output) IsFixed() bool { return o.HashAlgo != "" }

// FixedOutput returns an output with a fixed content hash.
func FixedOutput(method storepath.Method, h nixhash.Hash) Output {
	algo := h.Algo.String()
	if method == storepath.NAR {
		algo = "r:" + algo
	} else if method == storepath.Text {
		algo = "text:" + algo
	}
	return Output{HashAlgo: algo, Hash: h.Hex()}
}

// ContentAddress decodes a fixed output's method and hash.
func (o Output) ContentAddress() (storepath.ContentAddress, error) {
	algo := o.HashAlgo
	m := storepath.Flat
	if a, ok := strings.CutPrefix(algo, "r:"); ok {
		m, algo = storepath.NAR, a
	} else if a, ok := strings.CutPrefix(algo, "text:"); ok {
		m, algo = storepath.Text, a
	}
	a, err := nixhash.ParseAlgo(algo)
	if err != nil {
		return storepath.ContentAddress{}, fmt.Errorf("fixed output: %w", err)
	}
	h, err := nixhash.ParseEncoded(o.Hash, a, nixhash.Base16)
	if err != nil {
		return storepath.ContentAddress{}, fmt.Errorf("fixed output: %w", err)
	}
	return storepath.ContentAddress{Method: m, Hash: h}, nil
}

// Derivation is a store derivation. Maps are serialised in sorted key order,
// so their iteration order does not matter.
type Derivation struct {
	// Name is the derivation's name (the drv path's name without ".drv");
	// it is not part of the ATerm.
	Name string
	// Outputs maps output names to outputs.
	Outputs map[string]Output
	// InputDrvs maps the absolute paths of input .drv files to the names of
	// the outputs used.
	InputDrvs map[string][]string
	// InputSrcs are absolute store paths of the input sources.
	InputSrcs []string
	Platform  string
	Builder   string
	Args      []string
	Env       map[string]string
}

// OutputNames returns the output names in sorted order.
func (d *Derivation) OutputNames() []string {
	names := make([]string, 0, len(d.Outputs))
	for n := range d.Outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsFixedOutput reports whether the derivation is a fixed-output one: a
// single output "out" with a fixed hash.
func (d *Derivation) IsFixedOutput() bool {
	if len(d.Outputs) != 1 {
		return false
	}
	o, ok := d.Outputs["out"]
	return ok && o.IsFixed()
}

// Clone returns a deep copy.
func (d *Derivation) Clone() *Derivation {
	c := *d
	c.Outputs = make(map[string]Output, len(d.Outputs))
	for k, v := range d.Outputs {
		c.Outputs[k] = v
	}
	c.InputDrvs = make(map[string][]string, len(d.InputDrvs))
	for k, v := range d.InputDrvs {
		c.InputDrvs[k] = slices.Clone(v)
	}
	c.InputSrcs = slices.Clone(d.InputSrcs)
	c.Args = slices.Clone(d.Args)
	c.Env = make(map[string]string, len(d.Env))
	for k, v := range d.Env {
		c.Env[k] = v
	}
	return &c
}

// References returns the sorted, de-duplicated union of the input sources
// and input derivation paths: the references of the .drv file.
func (d *Derivation) References() []string {
	refs := slices.Clone(d.InputSrcs)
	for p := range d.InputDrvs {
		refs = append(refs, p)
	}
	sort.Strings(refs)
	return slices.Compact(refs)
}

// Validate checks the invariants every derivation must meet before it is
// written: a valid name, at least one output with valid output names, and
// store paths where store paths belong.
func (d *Derivation) Validate(dir storepath.Dir) error {
	if err := storepath.CheckName(d.Name + storepath.DrvExtension); err != nil {
		return fmt.Errorf("invalid derivation name: %w", err)
	}
	if len(d.Outputs) == 0 {
		return fmt.Errorf("derivation '%s' has no outputs", d.Name)
	}
	for name, o := range d.Outputs {
		if name == "" || name == "drv" || storepath.CheckName(name) != nil {
			return fmt.Errorf("invalid derivation output name '%s'", name)
		}
		if o.Path != "" {
			if _, err := dir.Parse(o.Path); err != nil {
				return fmt.Errorf("output '%s': %w", name, err)
			}
		}
		if o.IsFixed() {
			if _, err := o.ContentAddress(); err != nil {
				return fmt.Errorf("output '%s': %w", name, err)
			}
		}
	}
	for p := range d.InputDrvs {
		sp, err := dir.Parse(p)
		if err != nil {
			return fmt.Errorf("input derivation: %w", err)
		}
		if !sp.IsDerivation() {
			return fmt.Errorf("input derivation '%s' is not a .drv file", p)
		}
	}
	for _, p := range d.InputSrcs {
		if _, err := dir.Parse(p); err != nil {
			return fmt.Errorf("input source: %w", err)
		}
	}
	return nil
}
