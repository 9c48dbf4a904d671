package build

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nixbase32"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// builderEnv is what a builder gets: its environment and the files written
// into the build directory before it starts.
type builderEnv struct {
	vars  map[string]string
	files map[string]string // name relative to the build directory
}

// list returns the environment as KEY=VALUE strings, sorted.
func (e *builderEnv) list() []string {
	out := make([]string, 0, len(e.vars))
	for k, v := range e.vars {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// structuredAttrs returns the parsed __json attribute, or nil.
func structuredAttrs(d *derivation.Derivation) (map[string]any, error) {
	js, ok := d.Env["__json"]
	if !ok {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("cannot process __json attribute: %w", err)
	}
	return m, nil
}

// pathInfoFunc describes a valid path for exportReferencesGraph.
type pathInfoFunc func(path string) (narHash nixhash.Hash, narSize uint64, refs []string, ca string, closureSize uint64, err error)

// envParams are the inputs of makeEnv.
type envParams struct {
	drv        *derivation.Derivation
	drvPath    string
	buildTop   string // the build directory as the builder sees it
	storeDir   string
	cores      int
	getenv     func(string) string
	rewrites   map[string]string // placeholder -> output path
	closure    func(paths []string) ([]string, error)
	pathInfo   pathInfoFunc
	structured map[string]any
}

// makeEnv computes the builder environment exactly as Nix's initEnv does.
func makeEnv(p envParams) (*builderEnv, error) {
	d := p.drv
	e := &builderEnv{vars: map[string]string{}, files: map[string]string{}}
	e.vars["PATH"] = "/path-not-set"
	e.vars["HOME"] = "/homeless-shelter"
	e.vars["NIX_STORE"] = p.storeDir
	e.vars["NIX_BUILD_CORES"] = strconv.Itoa(p.cores)
	rewrite := func(s string) string { return rewriteStrings(s, p.rewrites) }
	atFile := func(envName, file, content string) {
		e.vars[envName] = p.buildTop + "/" + file
		e.files[file] = rewrite(content)
	}
	if p.structured != nil {
		js, err := prepareStructuredAttrs(p)
		if err != nil {
			return nil, err
		}
		atFile("NIX_ATTRS_SH_FILE", ".attrs.sh", writeShell(js))
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(js); err != nil {
			return nil, err
		}
		atFile("NIX_ATTRS_JSON_FILE", ".attrs.json", strings.TrimSuffix(buf.String(), "\n"))
	} else {
		passAsFile := map[string]bool{}
		for _, n := range strings.Fields(d.Env["passAsFile"]) {
			passAsFile[n] = true
		}
		for k, v := range d.Env {
			if !passAsFile[k] {
				e.vars[k] = rewrite(v)
				continue
			}
			h := nixhash.Sum(nixhash.SHA256, []byte(k))
			atFile(k+"Path", ".attr-"+nixbase32.EncodeToString(h.Digest), v)
		}
		if err := exportReferencesGraph(p, e); err != nil {
			return nil, err
		}
	}
	e.vars["NIX_BUILD_TOP"] = p.buildTop
	for _, k := range []string{"TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"} {
		e.vars[k] = p.buildTop
	}
	if d.IsFixedOutput() {
		e.vars["NIX_OUTPUT_CHECKED"] = "1"
		for _, v := range impureEnvVars(d, p.structured) {
			e.vars[v] = p.getenv(v)
		}
	}
	e.vars["NIX_LOG_FD"] = "2"
	e.vars["TERM"] = "xterm-256color"
	return e, nil
}

// impureEnvVars lists the impureEnvVars attribute.
func impureEnvVars(d *derivation.Derivation, structured map[string]any) []string {
	if structured != nil {
		return stringList(structured["impureEnvVars"])
	}
	return strings.Fields(d.Env["impureEnvVars"])
}

// stringList converts a JSON list of strings.
func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// rewriteStrings replaces every occurrence of each key by its value.
func rewriteStrings(s string, rewrites map[string]string) string {
	for from, to := range rewrites {
		if strings.Contains(s, from) {
			s = strings.ReplaceAll(s, from, to)
		}
	}
	return s
}

// prepareStructuredAttrs adds "outputs" (name -> path) and the
// exportReferencesGraph entries to the structured attributes.
func prepareStructuredAttrs(p envParams) (map[string]any, error) {
	js := make(map[string]any, len(p.structured)+1)
	for k, v := range p.structured {
		js[k] = v
	}
	outs := map[string]any{}
	for name := range p.drv.Outputs {
		outs[name] = storepath.Placeholder(name)
	}
	js["outputs"] = outs
	if erg, ok := p.structured["exportReferencesGraph"].(map[string]any); ok {
		for key, v := range erg {
			paths := stringList(v)
			if s, ok := v.(string); ok {
				paths = []string{s}
			}
			closure, err := p.closure(storePathsOf(p.storeDir, paths))
			if err != nil {
				return nil, err
			}
			var list []any
			for _, cp := range closure {
				h, size, refs, ca, csize, err := p.pathInfo(cp)
				if err != nil {
					return nil, err
				}
				entry := map[string]any{
					"narHash":     h.Format(nixhash.Nix32, true),
					"narSize":     size,
					"references":  append([]string{}, refs...),
					"path":        cp,
					"valid":       true,
					"closureSize": csize,
				}
				if ca != "" {
					entry["ca"] = ca
				}
				list = append(list, entry)
			}
			if list == nil {
				list = []any{}
			}
			js[key] = list
		}
	}
	return js, nil
}

// storePathsOf reduces paths inside store objects to the objects.
func storePathsOf(dir string, paths []string) []string {
	var out []string
	for _, p := range paths {
		sp, _, err := storepath.Dir(dir).ParseInside(p)
		if err == nil {
			out = append(out, storepath.Dir(dir).Path(sp))
		}
	}
	return out
}

// exportReferencesGraph writes the closure files of the non-structured
// exportReferencesGraph attribute ("FILE PATH FILE PATH ...").
func exportReferencesGraph(p envParams, e *builderEnv) error {
	toks := strings.Fields(p.drv.Env["exportReferencesGraph"])
	if len(toks)%2 != 0 {
		return fmt.Errorf("odd number of tokens in 'exportReferencesGraph': '%s'", p.drv.Env["exportReferencesGraph"])
	}
	for i := 0; i < len(toks); i += 2 {
		file, path := toks[i], toks[i+1]
		if file == "" || strings.ContainsAny(file, "/") || file == "." || file == ".." {
			return fmt.Errorf("invalid file name '%s' in 'exportReferencesGraph'", file)
		}
		closure, err := p.closure(storePathsOf(p.storeDir, []string{path}))
		if err != nil {
			return err
		}
		var b strings.Builder
		for _, cp := range closure {
			_, _, refs, _, _, err := p.pathInfo(cp)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%s\n\n%d\n", cp, len(refs))
			for _, r := range refs {
				b.WriteString(r + "\n")
			}
		}
		e.files[file] = b.String()
	}
	return nil
}

var shVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// shellQuote quotes like Nix's escapeShellArgAlways.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellSimple renders a scalar for .attrs.sh; ok is false for values that
// have no shell form (floats with a fraction, lists, objects).
func shellSimple(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return shellQuote(x), true
	case json.Number:
		f, err := x.Float64()
		if err != nil || math.Ceil(f) != f {
			return "", false
		}
		if i, err := x.Int64(); err == nil {
			return strconv.FormatInt(i, 10), true
		}
		return strconv.FormatInt(int64(f), 10), true
	case float64:
		if math.Ceil(x) != x {
			return "", false
		}
		return strconv.FormatInt(int64(x), 10), true
	case uint64:
		return strconv.FormatUint(x, 10), true
	case nil:
		return "''", true
	case bool:
		if x {
			return "1", true
		}
		return "", true
	}
	return "", false
}

// writeShell renders structured attributes as .attrs.sh (Nix's
// StructuredAttrs::writeShell).
func writeShell(js map[string]any) string {
	keys := make([]string, 0, len(js))
	for k := range js {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		if !shVarName.MatchString(k) {
			continue
		}
		v := js[k]
		if s, ok := shellSimple(v); ok {
			fmt.Fprintf(&b, "declare %s=%s\n", k, s)
			continue
		}
		switch x := v.(type) {
		case []any:
			var s2 strings.Builder
			good := true
			for _, e := range x {
				s3, ok := shellSimple(e)
				if !ok {
					good = false
					break
				}
				s2.WriteString(s3 + " ")
			}
			if good {
				fmt.Fprintf(&b, "declare -a %s=(%s)\n", k, s2.String())
			}
		case map[string]any:
			keys2 := make([]string, 0, len(x))
			for k2 := range x {
				keys2 = append(keys2, k2)
			}
			sort.Strings(keys2)
			var s2 strings.Builder
			good := true
			for _, k2 := range keys2 {
				s3, ok := shellSimple(x[k2])
				if !ok {
					good = false
					break
				}
				fmt.Fprintf(&s2, "[%s]=%s ", shellQuote(k2), s3)
			}
			if good {
				fmt.Fprintf(&b, "declare -A %s=(%s)\n", k, s2.String())
			}
		}
	}
	return b.String()
}
