package build

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/gonix/gonix/store/derivation"
)

// action is what the scheduler does with a node.
type action int

const (
	actNone       action = iota // wanted outputs valid (or not wanted)
	actBuild                    // run the builder
	actSubstitute               // copy the outputs from a binary cache
)

// node is one derivation of the graph.
type node struct {
	drvPath string
	drv     *derivation.Derivation
	// inputs are the input derivations (loaded), in path order.
	inputs []*node
	// wanted are the output names some referrer or request needs.
	wanted map[string]bool
	action action

	// Scheduling state (owned by the scheduler goroutine).
	pending   int     // unfinished dependencies (Kahn in-degree)
	referrers []*node // nodes with this one among their inputs that act
	done      bool
	status    Status
	err       error
}

// name is the derivation's name for messages.
func (n *node) name() string { return n.drv.Name }

// outPath returns the path of output o ("" when unknown).
func (n *node) outPath(o string) string { return n.drv.Outputs[o].Path }

// CycleError reports a dependency cycle among derivations.
type CycleError struct {
	// Cycle lists the .drv paths around the cycle; the first is repeated
	// at the end.
	Cycle []string
}

func (e *CycleError) Error() string {
	return "dependency cycle among derivations: " + strings.Join(e.Cycle, " -> ")
}

// graph is the loaded derivation graph.
type graph struct {
	nodes map[string]*node
	// order lists the nodes with every input before its referrers.
	order []*node
}

// loadGraph reads every derivation reachable from the requests by a
// depth-first search that detects cycles and reports the cycle's path.
func (r *realiser) loadGraph(reqs []Request) (*graph, error) {
	g := &graph{nodes: map[string]*node{}}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(p string) (*node, error)
	visit = func(p string) (*node, error) {
		switch color[p] {
		case black:
			return g.nodes[p], nil
		case grey:
			i := len(stack) - 1
			for i >= 0 && stack[i] != p {
				i--
			}
			cyc := append(append([]string(nil), stack[i:]...), p)
			return nil, &CycleError{Cycle: cyc}
		}
		color[p] = grey
		stack = append(stack, p)
		d, err := r.readDerivation(p)
		if err != nil {
			return nil, err
		}
		for name, o := range d.Outputs {
			if o.Path == "" {
				return nil, fmt.Errorf("derivation '%s': output '%s' has no store path (content-addressed derivations are not supported)", p, name)
			}
		}
		n := &node{drvPath: p, drv: d, wanted: map[string]bool{}}
		inputs := make([]string, 0, len(d.InputDrvs))
		for in := range d.InputDrvs {
			inputs = append(inputs, in)
		}
		sort.Strings(inputs)
		for _, in := range inputs {
			c, err := visit(in)
			if err != nil {
				return nil, err
			}
			n.inputs = append(n.inputs, c)
		}
		stack = stack[:len(stack)-1]
		color[p] = black
		g.nodes[p] = n
		g.order = append(g.order, n)
		return n, nil
	}
	for _, rq := range reqs {
		if _, err := visit(rq.DrvPath); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// readDerivation reads a .drv file with an error that says what is wrong.
func (r *realiser) readDerivation(p string) (*derivation.Derivation, error) {
	if _, err := r.st.Dir().Parse(p); err != nil {
		return nil, err
	}
	if !strings.HasSuffix(p, ".drv") {
		return nil, fmt.Errorf("'%s' is not a derivation (.drv) path", p)
	}
	if _, err := os.Stat(r.st.RealPath(p)); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("cannot build '%s': the derivation does not exist in the store", p)
	}
	return r.st.ReadDerivation(p)
}

// plan decides, from the requests down, which derivations must be built
// or substituted: a derivation acts when one of its wanted outputs is
// invalid, and only then are its inputs' outputs wanted.
func (r *realiser) plan(g *graph, reqs []Request) error {
	for _, rq := range reqs {
		n := g.nodes[rq.DrvPath]
		outs := rq.Outputs
		if len(outs) == 0 {
			outs = n.drv.OutputNames()
		}
		for _, o := range outs {
			if _, ok := n.drv.Outputs[o]; !ok {
				return fmt.Errorf("derivation '%s' does not have an output named '%s'", n.drvPath, o)
			}
			n.wanted[o] = true
		}
	}
	for i := len(g.order) - 1; i >= 0; i-- {
		n := g.order[i]
		if len(n.wanted) == 0 {
			continue
		}
		var missing []string
		for o := range n.wanted {
			ok, err := r.st.IsValid(n.outPath(o))
			if err != nil {
				return err
			}
			if !ok {
				missing = append(missing, n.outPath(o))
			}
		}
		if len(missing) == 0 {
			continue
		}
		if r.substitutable(missing) {
			n.action = actSubstitute
			continue
		}
		n.action = actBuild
		for _, in := range n.inputs {
			for _, o := range n.drv.InputDrvs[in.drvPath] {
				if _, ok := in.drv.Outputs[o]; !ok {
					return fmt.Errorf("derivation '%s' uses output '%s' of '%s', which has no such output", n.drvPath, o, in.drvPath)
				}
				in.wanted[o] = true
			}
		}
	}
	return nil
}

// substitutable reports whether some substituter has every path.
func (r *realiser) substitutable(paths []string) bool {
	if len(r.opts.Substituters) == 0 {
		return false
	}
	for _, p := range paths {
		found := false
		for _, s := range r.opts.Substituters {
			if ok, err := s.Has(p); err == nil && ok {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
