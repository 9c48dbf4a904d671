package devenv

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// IgnoredVariables are the build environment's variables a shell does
// not take over, so that the user's own values stay (Nix's list): the
// home directory, terminal, time zone, temporary directories (the shell
// gets fresh ones), the log descriptor and bash's read-only bookkeeping.
func IgnoredVariables() []string {
	return []string{
		"BASHOPTS", "HOME", "NIX_BUILD_TOP", "NIX_ENFORCE_PURITY", "NIX_LOG_FD", "NIX_REMOTE",
		"PPID", "SHELLOPTS", "SSL_CERT_FILE", "TEMP", "TEMPDIR", "TERM", "TMP", "TMPDIR", "TZ", "UID",
	}
}

// SavedVariables are the colon-separated lists whose user value is kept
// after the environment's, so that the shell stays usable.
func SavedVariables() []string { return []string{"PATH", "XDG_DATA_DIRS"} }

// RcOptions say where a shell's writable directories are.
type RcOptions struct {
	// OutputsDir replaces the output paths: output NAME becomes
	// OutputsDir/NAME (Nix uses ./outputs). Required.
	OutputsDir string
	// BuildTop is NIX_BUILD_TOP (and TMP, TMPDIR, TEMP, TEMPDIR); when
	// empty the script makes a new directory with mktemp.
	BuildTop string
	// AttrsDir is where a structured-attributes derivation's .attrs.sh
	// and .attrs.json are written. Required for such derivations.
	AttrsDir string
}

// Rc is a shell's startup script and the files it needs.
type Rc struct {
	Script string
	// Files maps absolute paths to contents to write before the script
	// runs (the structured-attributes files).
	Files map[string]string
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validFunctionName rejects names that would not read back as one
// function definition.
func validFunctionName(name string) bool {
	return name != "" && !strings.ContainsAny(name, " \t\n\r\"'`$\\;&|<>(){}[]*?#=~!") && name[0] != '-'
}

// ShellQuote quotes s for bash, always with single quotes.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// RcScript writes the bash script that restores the environment in a
// shell, as `nix print-dev-env` does: it assigns every variable but the
// ignored ones, defines the functions, keeps the user's PATH and
// XDG_DATA_DIRS after the environment's, sets NIX_BUILD_TOP and the
// temporary directory variables, and runs $shellHook. Every output path
// in it is replaced by a directory under o.OutputsDir.
func (e *Env) RcScript(o RcOptions) (*Rc, error) {
	if o.OutputsDir == "" {
		return nil, fmt.Errorf("no directory for the shell's outputs")
	}
	ignored := map[string]bool{}
	for _, v := range IgnoredVariables() {
		ignored[v] = true
	}
	var b strings.Builder
	b.WriteString("unset shellHook\n")
	for _, v := range SavedVariables() {
		fmt.Fprintf(&b, "%s=${%s:-}\nnix_saved_%s=\"$%s\"\n", v, v, v, v)
	}
	for _, name := range e.VarNames() {
		if ignored[name] {
			continue
		}
		if !identRE.MatchString(name) {
			return nil, fmt.Errorf("the build environment has a variable with an invalid name %q", name)
		}
		v := e.Vars[name]
		switch v.Kind {
		case String:
			fmt.Fprintf(&b, "%s=%s\n", name, ShellQuote(v.Value))
			if v.Exported {
				fmt.Fprintf(&b, "export %s\n", name)
			}
		case Array:
			fmt.Fprintf(&b, "declare -ga %s=(", name)
			for _, s := range v.Elems {
				b.WriteString(ShellQuote(s))
				b.WriteByte(' ')
			}
			b.WriteString(")\n")
		case Associative:
			fmt.Fprintf(&b, "declare -gA %s=(", name)
			for _, k := range sortedKeys(v.Assoc) {
				fmt.Fprintf(&b, "[%s]=%s ", ShellQuote(k), ShellQuote(v.Assoc[k]))
			}
			b.WriteString(")\n")
		}
	}
	for _, name := range e.FunctionNames() {
		if !validFunctionName(name) {
			return nil, fmt.Errorf("the build environment has a function with an invalid name %q", name)
		}
		fmt.Fprintf(&b, "%s ()\n{\n%s}\n", name, e.Functions[name])
	}
	for _, v := range SavedVariables() {
		fmt.Fprintf(&b, "%s=\"$%s${nix_saved_%s:+:$nix_saved_%s}\"\n", v, v, v, v)
	}
	if o.BuildTop == "" {
		b.WriteString("export NIX_BUILD_TOP=\"$(mktemp -d -t gonix-shell.XXXXXX)\"\n")
	} else {
		fmt.Fprintf(&b, "export NIX_BUILD_TOP=%s\n", ShellQuote(o.BuildTop))
	}
	for _, v := range []string{"TMP", "TMPDIR", "TEMP", "TEMPDIR"} {
		fmt.Fprintf(&b, "export %s=\"$NIX_BUILD_TOP\"\n", v)
	}
	b.WriteString("eval \"${shellHook:-}\"\n")

	rewrites, err := e.outputRewrites(o.OutputsDir)
	if err != nil {
		return nil, err
	}
	rc := &Rc{Files: map[string]string{}}
	if e.Structured != nil {
		if o.AttrsDir == "" {
			return nil, fmt.Errorf("no directory for the structured attributes files")
		}
		// The builder's .attrs files become files the shell can read
		// (with the outputs replaced, so that sourcing .attrs.sh again
		// keeps the writable outputs).
		attrsRewrites := map[string]string{}
		for _, f := range []struct{ variable, name, content string }{
			{"NIX_ATTRS_SH_FILE", ".attrs.sh", e.Structured.Shell},
			{"NIX_ATTRS_JSON_FILE", ".attrs.json", e.Structured.JSON},
		} {
			target := filepath.Join(o.AttrsDir, f.name)
			rc.Files[target] = rewriteStrings(f.content, rewrites)
			if old, ok := e.String(f.variable); ok && old != "" {
				attrsRewrites[old] = target
			}
		}
		for k, v := range attrsRewrites {
			rewrites[k] = v
		}
	}
	rc.Script = rewriteStrings(b.String(), rewrites)
	return rc, nil
}

// outputRewrites maps each output path to its directory under dir.
func (e *Env) outputRewrites(dir string) (map[string]string, error) {
	outputs, ok := e.Vars["outputs"]
	if !ok {
		// A derivation without "outputs" has the one output "out" (Nix
		// refuses such environments).
		if _, isString := e.String("out"); !isString {
			return nil, fmt.Errorf("the build environment has no 'outputs' and no 'out' variable (is this the environment of a derivation?)")
		}
		outputs = Var{Kind: String, Value: "out"}
	}
	rewrites := map[string]string{}
	add := func(name, path string) {
		if path != "" {
			rewrites[path] = filepath.Join(dir, name)
		}
	}
	if e.Structured != nil && outputs.Kind == Associative {
		for name, path := range outputs.Assoc {
			add(name, path)
		}
		return rewrites, nil
	}
	var names []string
	switch outputs.Kind {
	case String:
		names = strings.Fields(outputs.Value)
	case Array:
		names = outputs.Elems
	case Associative:
		names = sortedKeys(outputs.Assoc)
	}
	for _, name := range names {
		path, ok := e.String(name)
		if !ok {
			return nil, fmt.Errorf("the build environment has no string variable for its output '%s'", name)
		}
		add(name, path)
	}
	return rewrites, nil
}

// rewriteStrings replaces every occurrence of each key by its value, one
// key after the other in byte order (as Nix's rewriteStrings).
func rewriteStrings(s string, rewrites map[string]string) string {
	keys := make([]string, 0, len(rewrites))
	for k := range rewrites {
		if k != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		s = strings.ReplaceAll(s, k, rewrites[k])
	}
	return s
}
