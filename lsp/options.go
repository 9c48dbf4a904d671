package lsp

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/gonix/gonix/parser"
)

// optionInfo describes one module-system option declaration.
type optionInfo struct {
	path        string // dotted name
	typ         string
	description string
	defaultText string
	file        string
	offset      int
}

// optionIndex is the set of options declared by the configured option
// sources (for example home-manager's or NixOS's modules) and by the
// workspace's own modules, found statically: `options.a.b = mkOption {…}`
// and its mkEnableOption / mkPackageOption variants.
type optionIndex struct {
	opts     map[string]*optionInfo
	children map[string][]string // prefix ("" for the root) → next names, sorted
}

// optionsCache builds the index once per list of sources.
type optionsCache struct {
	mu  sync.Mutex
	key string
	idx *optionIndex
}

// options returns the options of the configured sources and workspace
// folders, found statically (built on first use), and of the configured
// options expressions once they have been evaluated.
func (s *Server) options(st *state) *optionIndex {
	return s.mergeOptions(s.staticOptions(st), s.evalOptionIndex(st))
}

// staticOptions returns the index of the configured sources and
// workspace folders (built on first use).
func (s *Server) staticOptions(st *state) *optionIndex {
	sources := append(append([]string(nil), st.cfg.Options...), st.folders...)
	key := strings.Join(sources, "\x00")
	c := &s.optCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.idx != nil && c.key == key {
		return c.idx
	}
	idx := &optionIndex{opts: map[string]*optionInfo{}, children: map[string][]string{}}
	count := 0
	for _, src := range sources {
		_ = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if p != src && skipDir(d.Name()) {
					return fs.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(p, ".nix") || count >= st.cfg.Workspace.MaxFiles {
				return nil
			}
			count++
			if src, err := os.ReadFile(p); err == nil && len(src) <= maxIndexedFileSize {
				idx.addFile(analyzeText(p, string(src), false))
			}
			return nil
		})
	}
	idx.finish()
	c.key, c.idx = key, idx
	return idx
}

// addFile collects the option declarations of one module file.
func (idx *optionIndex) addFile(a *Analysis) {
	root := moduleRoot(a.Tree.Expr())
	if !root.Valid() {
		return
	}
	attrs, _ := parser.MergeBindings(root)
	if at := attrs.Lookup("options"); at != nil {
		idx.walk(a, at, "")
	}
}

func (idx *optionIndex) walk(a *Analysis, at *parser.Attr, prefix string) {
	if at.Nested != nil {
		for _, child := range at.Nested.Attrs {
			idx.walk(a, child, joinPath(prefix, child.Name))
		}
		return
	}
	if at.Kind != parser.AttrPlain || prefix == "" {
		return
	}
	if info := optionDecl(a, parser.Unparen(at.Value)); info != nil {
		info.path, info.file, info.offset = prefix, a.Doc.Path, at.Pos
		if _, dup := idx.opts[prefix]; !dup {
			idx.opts[prefix] = info
		}
	}
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// optionDecl recognises mkOption { … }, mkEnableOption "…" and
// mkPackageOption pkgs "name" { … }.
func optionDecl(a *Analysis, v parser.Node) *optionInfo {
	if v.Kind() != parser.NodeApply {
		return nil
	}
	var args []parser.Node
	head := v
	for head.Kind() == parser.NodeApply {
		args = append([]parser.Node{parser.Unparen(head.Arg())}, args...)
		head = parser.Unparen(head.Func())
	}
	name := ""
	switch head.Kind() {
	case parser.NodeIdent:
		name = head.Name()
	case parser.NodeSelect:
		if as := head.AttrPath().Attrs(); len(as) > 0 {
			name = as[len(as)-1].Name()
		}
	}
	switch name {
	case "mkOption":
		info := &optionInfo{}
		if len(args) > 0 && args[0].Kind() == parser.NodeAttrSet {
			attrs, _ := parser.MergeBindings(args[0])
			if at := attrs.Lookup("type"); at != nil && at.Value.Valid() {
				info.typ = oneLine(at.Value.Text(), 80)
			}
			if at := attrs.Lookup("description"); at != nil && at.Value.Valid() {
				info.description = literalText(at.Value)
			}
			if at := attrs.Lookup("default"); at != nil && at.Value.Valid() {
				info.defaultText = oneLine(at.Value.Text(), 80)
			}
		}
		return info
	case "mkEnableOption":
		desc := ""
		if len(args) > 0 {
			desc = literalText(args[0])
		}
		return &optionInfo{typ: "boolean", description: "Whether to enable " + desc + ".", defaultText: "false"}
	case "mkPackageOption":
		pkg := ""
		if len(args) > 1 {
			pkg = literalText(args[1])
		}
		return &optionInfo{typ: "package", description: "The " + pkg + " package to use."}
	}
	return nil
}

// literalText is the text of a string literal (strings with
// interpolations keep their source text), or the expression's text.
func literalText(n parser.Node) string {
	n = parser.Unparen(n)
	if n.Kind() == parser.NodeApply {
		// lib.mdDoc "…" and friends
		n = parser.Unparen(n.Arg())
	}
	switch n.Kind() {
	case parser.NodeString, parser.NodeIndString:
		var b strings.Builder
		for _, p := range n.Parts() {
			if p.IsInterp {
				b.WriteString("${" + oneLine(p.Interp.Text(), 40) + "}")
			} else {
				b.WriteString(p.Lit)
			}
		}
		return strings.TrimSpace(b.String())
	}
	return oneLine(n.Text(), 80)
}

func (idx *optionIndex) finish() {
	seen := map[string]map[string]bool{}
	for p := range idx.opts {
		parts := strings.Split(p, ".")
		for i := range parts {
			prefix := strings.Join(parts[:i], ".")
			if seen[prefix] == nil {
				seen[prefix] = map[string]bool{}
			}
			seen[prefix][parts[i]] = true
		}
	}
	for prefix, names := range seen {
		idx.children[prefix] = sortedKeys(names)
	}
}

// moduleRoot returns the attribute set a module file evaluates to (past
// its function header and lets), or the zero Node.
func moduleRoot(n parser.Node) parser.Node {
	for i := 0; i < 16 && n.Valid(); i++ {
		switch n.Kind() {
		case parser.NodeParen:
			n = parser.Unparen(n)
		case parser.NodeLambda, parser.NodeLetIn, parser.NodeWith, parser.NodeAssert:
			n = n.Body()
		case parser.NodeAttrSet:
			return n
		default:
			return parser.Node{}
		}
	}
	return parser.Node{}
}

// isModule reports whether a file looks like a module: a function of a
// set pattern that takes config, lib, pkgs or options (or `...`) and
// returns a set.
func isModule(a *Analysis) bool {
	e := parser.Unparen(a.Tree.Expr())
	if e.Kind() != parser.NodeLambda || !moduleRoot(e).Valid() {
		return false
	}
	pat := e.Pattern()
	if !pat.Valid() {
		return false
	}
	for _, f := range pat.Formals() {
		switch f.Param().Name() {
		case "config", "lib", "pkgs", "options", "modulesPath":
			return true
		}
	}
	return false
}

// optionPathAt returns the option path a binding at offset off in a
// module's config section would set, with ok false outside config.
// prefix are the names written before the cursor in the binding's own
// attribute path.
func optionPathAt(a *Analysis, set parser.Node, prefix []string) (string, bool) {
	root := moduleRoot(a.Tree.Expr())
	if !root.Valid() {
		return "", false
	}
	var segs []string
	n := set
	for n.Valid() && n.ID() != root.ID() {
		p := n.Parent()
		switch p.Kind() {
		case parser.NodeBinding:
			names := attrPathNames(p.AttrPath())
			if names == nil || p.Parent().Kind() != parser.NodeAttrSet {
				return "", false
			}
			segs = append(names, segs...)
			n = p.Parent()
			continue
		case parser.NodeParen, parser.NodeList, parser.NodeApply, parser.NodeIf, parser.NodeLetIn, parser.NodeBinary:
			// mkIf c { … }, mkMerge [ … ], lib.mkDefault { … }, a // b
		default:
			return "", false
		}
		n = p
	}
	if !n.Valid() {
		return "", false
	}
	// An explicit `config = { … };` section, or options declared here.
	if len(segs) > 0 {
		switch segs[0] {
		case "options", "imports", "meta", "_file", "key", "disabledModules":
			return "", false
		case "config":
			segs = segs[1:]
		}
	}
	segs = append(segs, prefix...)
	return strings.Join(segs, "."), true
}

func attrPathNames(path parser.Node) []string {
	var out []string
	for _, at := range path.Attrs() {
		name, ok := parser.StaticAttrName(at)
		if !ok {
			return nil
		}
		out = append(out, name)
	}
	return out
}

// optionHover describes a NixOS-style option named by an attribute in a
// module's config section.
func (s *Server) optionHover(st *state, a *Analysis, t target) string {
	if t.kind != targetAttrDef && t.kind != targetDef || t.path.Kind() != parser.NodeAttrPath || !isModule(a) {
		return ""
	}
	binding := t.path.Parent()
	set := binding.Parent()
	names := attrPathNames(t.path)
	if names == nil || t.index >= len(names) {
		return ""
	}
	path, ok := optionPathAt(a, set, names[:t.index+1])
	if !ok {
		return ""
	}
	idx := s.options(st)
	info := idx.opts[path]
	if info == nil {
		if kids := idx.children[path]; len(kids) > 0 {
			return "```\n" + path + "\n```\noption set with " + itoa(len(kids)) + " entries"
		}
		return ""
	}
	return info.markdown()
}

func (info *optionInfo) markdown() string {
	var b strings.Builder
	b.WriteString("```\n" + info.path + "\n```\n")
	if info.typ != "" {
		b.WriteString("*Type:* `" + info.typ + "`\n\n")
	}
	if info.defaultText != "" {
		b.WriteString("*Default:* `" + info.defaultText + "`\n\n")
	}
	if info.description != "" {
		b.WriteString(info.description + "\n\n")
	}
	if info.file != "" {
		b.WriteString("*Declared in* `" + filepath.Base(info.file) + "`")
	}
	return strings.TrimSpace(b.String())
}

// optionNames lists the names under prefix.
func (idx *optionIndex) names(prefix string) []string {
	kids := idx.children[prefix]
	out := append([]string(nil), kids...)
	sort.Strings(out)
	return out
}
