package flake

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// InputPath is a path of input names from the root flake
// ("dwarffs/nixpkgs" is ["dwarffs", "nixpkgs"]).
type InputPath []string

// String joins the path with '/'.
func (p InputPath) String() string { return strings.Join(p, "/") }

func (p InputPath) equal(o InputPath) bool {
	if len(p) != len(o) {
		return false
	}
	for i := range p {
		if p[i] != o[i] {
			return false
		}
	}
	return true
}

func (p InputPath) less(o InputPath) bool {
	for i := 0; i < len(p) && i < len(o); i++ {
		if p[i] != o[i] {
			return p[i] < o[i]
		}
	}
	return len(p) < len(o)
}

func (p InputPath) append(s string) InputPath {
	out := make(InputPath, len(p)+1)
	copy(out, p)
	out[len(p)] = s
	return out
}

// ParseInputPath parses "a/b/c", checking each element is a flake id.
func ParseInputPath(s string) (InputPath, error) {
	var p InputPath
	for _, e := range strings.Split(s, "/") {
		if e == "" {
			continue
		}
		if !IsFlakeID(e) {
			return nil, fmt.Errorf("invalid flake input attribute path element '%s'", e)
		}
		p = append(p, e)
	}
	return p, nil
}

// Edge is an input of a lock node: either another node or a "follows"
// path from the root.
type Edge struct {
	Node    *Node
	Follows InputPath // used when Node is nil (may be empty: the root)
}

// Node is a node of the lock graph. The root has only inputs; every
// other node is locked.
type Node struct {
	Inputs map[string]Edge

	Locked, Original Ref
	IsFlake          bool
	// Parent is the input path of the flake a relative "path:" input is
	// relative to (HasParent tells whether it is set).
	Parent    InputPath
	HasParent bool
}

func newNode() *Node { return &Node{Inputs: map[string]Edge{}, IsFlake: true} }

func (n *Node) inputNames() []string {
	names := make([]string, 0, len(n.Inputs))
	for k := range n.Inputs {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// LockFile is a flake.lock graph.
type LockFile struct {
	Root *Node
}

// NewLockFile returns an empty lock file.
func NewLockFile() *LockFile { return &LockFile{Root: newNode()} }

// ParseLockFile reads flake.lock text (versions 5 to 7). warn receives
// warnings about entries checked only by narHash.
func ParseLockFile(data []byte, path string, warn func(string)) (*LockFile, error) {
	j, err := ParseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("Could not parse '%s': %v", path, err)
	}
	if j.Kind != JSONObject {
		return nil, fmt.Errorf("Could not parse '%s': the lock file is not a JSON object", path)
	}
	version := 0
	if v := j.Get("version"); v != nil && v.Kind == JSONNumberKind {
		fmt.Sscan(v.Num, &version)
	}
	if version < 5 || version > 7 {
		return nil, fmt.Errorf("lock file '%s' has unsupported version %d", path, version)
	}
	rootKey := ""
	if r := j.Get("root"); r != nil && r.Kind == JSONStringKind {
		rootKey = r.Str
	} else {
		return nil, fmt.Errorf("lock file '%s' lacks a 'root' node name", path)
	}
	nodes := j.Get("nodes")
	if nodes == nil || nodes.Kind != JSONObject {
		return nil, fmt.Errorf("lock file '%s' lacks 'nodes'", path)
	}
	lf := NewLockFile()
	nodeMap := map[string]*Node{rootKey: lf.Root}
	var getInputs func(n *Node, jn *JSONValue) error
	getInputs = func(n *Node, jn *JSONValue) error {
		ins := jn.Get("inputs")
		if ins == nil {
			return nil
		}
		if ins.Kind != JSONObject {
			return fmt.Errorf("lock file '%s': 'inputs' is not an object", path)
		}
		for _, name := range ins.Keys {
			v := ins.Fields[name]
			switch v.Kind {
			case JSONArray:
				var fp InputPath
				for _, e := range v.Arr {
					if e.Kind != JSONStringKind {
						return fmt.Errorf("lock file '%s': follows path of input '%s' is not a list of strings", path, name)
					}
					fp = append(fp, e.Str)
				}
				n.Inputs[name] = Edge{Follows: fp}
			case JSONStringKind:
				key := v.Str
				child, ok := nodeMap[key]
				if !ok {
					jc := nodes.Get(key)
					if jc == nil {
						return fmt.Errorf("lock file references missing node '%s'", key)
					}
					var err error
					child, err = lockedNodeFromJSON(jc, warn)
					if err != nil {
						return fmt.Errorf("lock file '%s', node '%s': %w", path, key, err)
					}
					nodeMap[key] = child
					if err := getInputs(child, jc); err != nil {
						return err
					}
				}
				if child == lf.Root {
					return fmt.Errorf("lock file contains cycle to root node")
				}
				n.Inputs[name] = Edge{Node: child}
			default:
				return fmt.Errorf("lock file '%s': input '%s' is neither a node name nor a follows path", path, name)
			}
		}
		return nil
	}
	jroot := nodes.Get(rootKey)
	if jroot == nil {
		return nil, fmt.Errorf("lock file references missing node '%s'", rootKey)
	}
	if err := getInputs(lf.Root, jroot); err != nil {
		return nil, err
	}
	return lf, nil
}

func refFromLockJSON(j *JSONValue, attr, info string) (Ref, error) {
	v := j.Get(attr)
	if v == nil {
		return Ref{}, fmt.Errorf("attribute '%s' missing in lock file", attr)
	}
	a, err := AttrsFromJSON(v)
	if err != nil {
		return Ref{}, err
	}
	if info != "" {
		if iv := j.Get(info); iv != nil {
			ia, err := AttrsFromJSON(iv)
			if err != nil {
				return Ref{}, err
			}
			for k, x := range ia {
				a[k] = x
			}
		}
	}
	return RefFromAttrs(a)
}

func lockedNodeFromJSON(j *JSONValue, warn func(string)) (*Node, error) {
	n := newNode()
	var err error
	if n.Locked, err = refFromLockJSON(j, "locked", "info"); err != nil {
		return nil, err
	}
	if n.Original, err = refFromLockJSON(j, "original", ""); err != nil {
		return nil, err
	}
	if f := j.Get("flake"); f != nil {
		if f.Kind != JSONBoolKind {
			return nil, fmt.Errorf("'flake' is not a Boolean")
		}
		n.IsFlake = f.Bool
	}
	if p := j.Get("parent"); p != nil {
		if p.Kind != JSONArray {
			return nil, fmt.Errorf("'parent' is not a list")
		}
		n.HasParent = true
		n.Parent = InputPath{}
		for _, e := range p.Arr {
			n.Parent = append(n.Parent, e.Str)
		}
	}
	_, relative := n.Locked.Input.IsRelative()
	if !n.Locked.Input.IsLocked() && !relative {
		if n.Locked.Input.NarHash() != "" {
			if warn != nil {
				warn(fmt.Sprintf("Lock file entry '%s' is unlocked (e.g. lacks a Git revision) but is checked by NAR hash. This is not reproducible and will break after garbage collection or when shared.", n.Locked))
			}
		} else {
			return nil, fmt.Errorf("Lock file contains unlocked input '%s'. Use '--allow-dirty-locks' to accept this lock file.", n.Locked.Input.Attrs.JSON().Compact())
		}
	}
	n.Locked.Input.Attrs["__final"] = Bool(true)
	return n, nil
}

// JSON renders the lock file, naming nodes as Nix does (each node after
// the first input that reaches it, with _2, _3... for clashes), and
// returns the node names.
func (lf *LockFile) JSON() (*JSONValue, map[*Node]string) {
	nodes := NewObject()
	keys := map[*Node]string{}
	used := map[string]bool{}
	var dump func(key string, n *Node) string
	dump = func(key string, n *Node) string {
		if k, ok := keys[n]; ok {
			return k
		}
		if used[key] {
			for i := 2; ; i++ {
				k := fmt.Sprintf("%s_%d", key, i)
				if !used[k] {
					key = k
					break
				}
			}
		}
		used[key] = true
		keys[n] = key
		o := NewObject()
		if len(n.Inputs) > 0 {
			ins := NewObject()
			for _, name := range n.inputNames() {
				e := n.Inputs[name]
				if e.Node != nil {
					ins.Set(name, JSONString(dump(name, e.Node)))
				} else {
					arr := NewArray()
					for _, x := range e.Follows {
						arr.Arr = append(arr.Arr, JSONString(x))
					}
					ins.Set(name, arr)
				}
			}
			o.Set("inputs", ins)
		}
		if n != lf.Root {
			o.Set("original", n.Original.Attrs().JSON())
			locked := n.Locked.Attrs().JSON()
			locked.Delete("__final")
			o.Set("locked", locked)
			if !n.IsFlake {
				o.Set("flake", JSONBool(false))
			}
			if n.HasParent {
				arr := NewArray()
				for _, x := range n.Parent {
					arr.Arr = append(arr.Arr, JSONString(x))
				}
				o.Set("parent", arr)
			}
		}
		nodes.Set(key, o)
		return key
	}
	j := NewObject()
	j.Set("version", JSONUint(7))
	j.Set("root", JSONString(dump("root", lf.Root)))
	j.Set("nodes", nodes)
	return j, keys
}

// String renders the lock file exactly as Nix writes flake.lock, without
// the final newline.
func (lf *LockFile) String() string {
	j, _ := lf.JSON()
	return j.Pretty()
}

// Equal compares two lock files by their JSON form.
func (lf *LockFile) Equal(o *LockFile) bool { return lf.String() == o.String() }

// FindInput follows an input path from the root (through follows
// edges); nil when it does not exist.
func (lf *LockFile) FindInput(path InputPath) (*Node, error) {
	return lf.find(path, nil)
}

func (lf *LockFile) find(path InputPath, visited []InputPath) (*Node, error) {
	for i, v := range visited {
		if v.equal(path) {
			var cycle []string
			for _, w := range visited[i:] {
				cycle = append(cycle, w.String())
			}
			cycle = append(cycle, path.String())
			return nil, fmt.Errorf("follow cycle detected: [%s]", strings.Join(cycle, " -> "))
		}
	}
	visited = append(visited, path)
	pos := lf.Root
	for _, elem := range path {
		e, ok := pos.Inputs[elem]
		if !ok {
			return nil, nil
		}
		if e.Node != nil {
			pos = e.Node
			continue
		}
		n, err := lf.find(e.Follows, visited)
		if err != nil || n == nil {
			return nil, err
		}
		pos = n
	}
	return pos, nil
}

// AllInputs returns every input path of the graph with its edge, in
// path order.
func (lf *LockFile) AllInputs() []InputEdge {
	var out []InputEdge
	done := map[*Node]bool{}
	var rec func(prefix InputPath, n *Node)
	rec = func(prefix InputPath, n *Node) {
		if done[n] {
			return
		}
		done[n] = true
		for _, name := range n.inputNames() {
			e := n.Inputs[name]
			p := prefix.append(name)
			out = append(out, InputEdge{Path: p, Edge: e})
			if e.Node != nil {
				rec(p, e.Node)
			}
		}
	}
	rec(nil, lf.Root)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path.less(out[j].Path) })
	return out
}

// InputEdge is one input of the graph and where it leads.
type InputEdge struct {
	Path InputPath
	Edge Edge
}

// Check verifies that every follows path leads somewhere.
func (lf *LockFile) Check() error {
	for _, ie := range lf.AllInputs() {
		if ie.Edge.Node == nil && len(ie.Edge.Follows) > 0 {
			n, err := lf.FindInput(ie.Edge.Follows)
			if err != nil {
				return err
			}
			if n == nil {
				return fmt.Errorf("input '%s' follows a non-existent input '%s'", ie.Path, ie.Edge.Follows)
			}
		}
	}
	return nil
}

// Unlocked returns the first node whose locked reference does not pin
// its content (nil when everything is locked).
func (lf *LockFile) Unlocked() *Ref {
	seen := map[*Node]bool{}
	var order []*Node
	var visit func(n *Node)
	visit = func(n *Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		order = append(order, n)
		for _, name := range n.inputNames() {
			if c := n.Inputs[name].Node; c != nil {
				visit(c)
			}
		}
	}
	visit(lf.Root)
	for _, n := range order {
		if n == lf.Root {
			continue
		}
		if _, rel := n.Locked.Input.IsRelative(); rel {
			continue
		}
		if !n.Locked.Input.IsLocked() || !n.Locked.Input.IsFinal() {
			r := n.Locked
			return &r
		}
	}
	return nil
}

func describeEdge(e Edge) string {
	if e.Node != nil {
		s := fmt.Sprintf("'%s'", e.Node.Locked)
		if lm, ok := e.Node.Locked.Input.LastModified(); ok {
			s += fmt.Sprintf(" (%s)", time.Unix(int64(lm), 0).UTC().Format("2006-01-02"))
		}
		return s
	}
	return fmt.Sprintf("follows '%s'", e.Follows)
}

func edgesEqual(a, b Edge) bool {
	if a.Node != nil && b.Node != nil {
		return a.Node.Locked.Equal(b.Node.Locked)
	}
	if a.Node == nil && b.Node == nil {
		return a.Follows.equal(b.Follows)
	}
	return false
}

// Diff describes the changes from old to new the way Nix reports lock
// file updates ("• Added input 'x':" ...). color adds Nix's ANSI colours.
func Diff(old, new *LockFile, color bool) string {
	green, red, bold, normal := "", "", "", ""
	if color {
		green, red, bold, normal = "\x1b[32;1m", "\x1b[31;1m", "\x1b[1m", "\x1b[0m"
	}
	a, b := old.AllInputs(), new.AllInputs()
	var sb strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j < len(b) && (i >= len(a) || b[j].Path.less(a[i].Path)):
			fmt.Fprintf(&sb, "• %sAdded input '%s':%s\n    %s\n", green, b[j].Path, normal, describeEdge(b[j].Edge))
			j++
		case i < len(a) && (j >= len(b) || a[i].Path.less(b[j].Path)):
			fmt.Fprintf(&sb, "• %sRemoved input '%s'%s\n", red, a[i].Path, normal)
			i++
		default:
			if !edgesEqual(a[i].Edge, b[j].Edge) {
				fmt.Fprintf(&sb, "• %sUpdated input '%s':%s\n    %s\n  → %s\n", bold, a[i].Path, normal, describeEdge(a[i].Edge), describeEdge(b[j].Edge))
			}
			i++
			j++
		}
	}
	return sb.String()
}
