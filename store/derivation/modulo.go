package derivation

import (
	"fmt"
	"strings"
	"sync"

	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// Loader returns the derivation stored at an absolute .drv path.
type Loader func(drvPath string) (*Derivation, error)

// Resolver computes derivation hashes modulo and output paths. It memoises
// the hash of every input derivation it has seen, loading unknown ones
// through Load. It is safe for concurrent use.
type Resolver struct {
	Dir  storepath.Dir
	Load Loader

	mu   sync.Mutex
	memo map[string]inputHash
}

// inputHash is how a derivation appears when it is an input of another:
// one hash for a regular derivation, or one per output of a fixed-output
// one (each standing for an input with the single output "out").
type inputHash struct {
	drv   nixhash.Hash
	fixed map[string]nixhash.Hash
}

// NewResolver returns a Resolver for the store directory and loader.
func NewResolver(dir storepath.Dir, load Loader) *Resolver {
	return &Resolver{Dir: dir, Load: load}
}

func (r *Resolver) lookup(p string) (inputHash, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.memo[p]
	return h, ok
}

func (r *Resolver) remember(p string, h inputHash) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.memo == nil {
		r.memo = make(map[string]inputHash)
	}
	r.memo[p] = h
}

// Remember records an already parsed or freshly written derivation so that
// derivations depending on it need not load it.
func (r *Resolver) Remember(drvPath string, d *Derivation) error {
	h, err := r.hashInput(d, map[string]bool{drvPath: true})
	if err != nil {
		return err
	}
	r.remember(drvPath, h)
	return nil
}

// inputHashOf returns the memoised input hash of the .drv at p.
func (r *Resolver) inputHashOf(p string, visiting map[string]bool) (inputHash, error) {
	if h, ok := r.lookup(p); ok {
		return h, nil
	}
	if visiting[p] {
		return inputHash{}, fmt.Errorf("derivation '%s' depends on itself", p)
	}
	if r.Load == nil {
		return inputHash{}, fmt.Errorf("cannot read input derivation '%s': no loader", p)
	}
	d, err := r.Load(p)
	if err != nil {
		return inputHash{}, fmt.Errorf("reading input derivation '%s': %w", p, err)
	}
	if d.Name == "" {
		if sp, err := r.Dir.Parse(p); err == nil {
			d.Name = strings.TrimSuffix(sp.Name(), storepath.DrvExtension)
		}
	}
	visiting[p] = true
	h, err := r.hashInput(d, visiting)
	delete(visiting, p)
	if err != nil {
		return inputHash{}, err
	}
	r.remember(p, h)
	return h, nil
}

// hashInput computes how d appears as an input of another derivation.
func (r *Resolver) hashInput(d *Derivation, visiting map[string]bool) (inputHash, error) {
	if d.IsFixedOutput() {
		fixed := make(map[string]nixhash.Hash, len(d.Outputs))
		for name, o := range d.Outputs {
			path := o.Path
			if path == "" {
				p, err := r.fixedOutputPath(d, name, o)
				if err != nil {
					return inputHash{}, err
				}
				path = r.Dir.Path(p)
			}
			fixed[name] = nixhash.Sum(nixhash.SHA256, []byte("fixed:out:"+o.HashAlgo+":"+o.Hash+":"+path))
		}
		return inputHash{fixed: fixed}, nil
	}
	h, err := r.hashModulo(d, false, visiting)
	if err != nil {
		return inputHash{}, err
	}
	return inputHash{drv: h}, nil
}

// hashModulo hashes the ATerm of d with each input derivation replaced by
// the hex of its hash modulo; with mask, output paths and the env vars
// named after outputs are blanked.
func (r *Resolver) hashModulo(d *Derivation, mask bool, visiting map[string]bool) (nixhash.Hash, error) {
	inputs := make(map[string][]string, len(d.InputDrvs))
	for p, outs := range d.InputDrvs {
		h, err := r.inputHashOf(p, visiting)
		if err != nil {
			return nixhash.Hash{}, err
		}
		if h.fixed == nil {
			k := h.drv.Hex()
			inputs[k] = append(inputs[k], outs...)
			continue
		}
		for _, o := range outs {
			fh, ok := h.fixed[o]
			if !ok {
				return nixhash.Hash{}, fmt.Errorf("no hash for output '%s' of derivation '%s'", o, p)
			}
			k := fh.Hex()
			inputs[k] = append(inputs[k], "out")
		}
	}
	return nixhash.Sum(nixhash.SHA256, d.aterm(inputs, mask)), nil
}

// HashModulo returns the derivation's hash modulo as used for computing
// its own output paths (outputs masked).
func (r *Resolver) HashModulo(d *Derivation) (nixhash.Hash, error) {
	return r.hashModulo(d, true, map[string]bool{})
}

func (r *Resolver) fixedOutputPath(d *Derivation, name string, o Output) (storepath.Path, error) {
	ca, err := o.ContentAddress()
	if err != nil {
		return storepath.Path{}, err
	}
	return r.Dir.MakeFromCA(storepath.OutputPathName(d.Name, name), ca, nil, false)
}

// OutputPaths computes the path of every output of d (whatever paths it
// already has are ignored).
func (r *Resolver) OutputPaths(d *Derivation) (map[string]string, error) {
	if d.Name == "" {
		return nil, fmt.Errorf("derivation has no name")
	}
	res := make(map[string]string, len(d.Outputs))
	if d.IsFixedOutput() {
		p, err := r.fixedOutputPath(d, "out", d.Outputs["out"])
		if err != nil {
			return nil, err
		}
		res["out"] = r.Dir.Path(p)
		return res, nil
	}
	for name, o := range d.Outputs {
		if o.IsFixed() {
			return nil, fmt.Errorf("derivation '%s': fixed output '%s' must be the only output, named 'out'", d.Name, name)
		}
	}
	h, err := r.HashModulo(d)
	if err != nil {
		return nil, err
	}
	for name := range d.Outputs {
		p, err := r.Dir.MakeOutput(name, h, d.Name)
		if err != nil {
			return nil, fmt.Errorf("derivation '%s' output '%s': %w", d.Name, name, err)
		}
		res[name] = r.Dir.Path(p)
	}
	return res, nil
}

// DrvPath computes the store path of the .drv file holding d (with its
// output paths filled in).
func (r *Resolver) DrvPath(d *Derivation) (string, error) {
	return DrvPath(r.Dir, d)
}

// DrvPath computes the store path of the .drv file holding d: a text path
// named NAME.drv whose references are the input sources and derivations.
func DrvPath(dir storepath.Dir, d *Derivation) (string, error) {
	refs, err := parsePaths(dir, d.References())
	if err != nil {
		return "", err
	}
	p, err := dir.MakeTextFromContents(d.Name+storepath.DrvExtension, d.ATerm(), refs)
	if err != nil {
		return "", err
	}
	return dir.Path(p), nil
}

func parsePaths(dir storepath.Dir, ss []string) ([]storepath.Path, error) {
	ps := make([]storepath.Path, len(ss))
	for i, s := range ss {
		p, err := dir.Parse(s)
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

// Instantiate completes a derivation the evaluator built: it validates it,
// computes and fills in every output path (and the env var named after
// each output), remembers it for later dependants, and returns the .drv
// path and text. Outputs must not have paths yet; a fixed-output derivation
// has exactly one output, "out".
func (r *Resolver) Instantiate(d *Derivation) (drvPath string, text []byte, err error) {
	if d.Env == nil {
		d.Env = map[string]string{}
	}
	for name, o := range d.Outputs {
		if o.IsFixed() && (name != "out" || len(d.Outputs) != 1) {
			return "", nil, fmt.Errorf("multiple outputs are not supported in fixed-output derivations")
		}
		o.Path = ""
		d.Outputs[name] = o
		d.Env[name] = ""
	}
	if err := d.Validate(r.Dir); err != nil {
		return "", nil, err
	}
	paths, err := r.OutputPaths(d)
	if err != nil {
		return "", nil, err
	}
	for name, p := range paths {
		o := d.Outputs[name]
		o.Path = p
		d.Outputs[name] = o
		d.Env[name] = p
	}
	text = d.ATerm()
	drvPath, err = DrvPath(r.Dir, d)
	if err != nil {
		return "", nil, err
	}
	if err := r.Remember(drvPath, d); err != nil {
		return "", nil, err
	}
	return drvPath, text, nil
}
