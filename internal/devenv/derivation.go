package devenv

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/build"
	"github.com/gonix/gonix/store/derivation"
)

//go:embed get-env.sh
var getEnvScript string

// GetEnvScript is the builder script of environment derivations (our
// counterpart of Nix's get-env.sh); it is added to the store as
// "get-env.sh".
func GetEnvScript() string { return getEnvScript }

// EnvSuffix ends the names of environment derivations.
const EnvSuffix = "-env"

// EnvDerivation derives the environment derivation of d: the same
// builder (which must be bash), inputs and environment, with the get-env
// script at getEnvPath as its only argument, NAME-env as its name, no
// reference checks, and input-addressed outputs computed afresh (also
// for a fixed-output d). The result's output paths are filled in by
// resolver, which must be able to load d's input derivations.
func EnvDerivation(resolver *derivation.Resolver, d *derivation.Derivation, getEnvPath string) (*derivation.Derivation, error) {
	if path.Base(d.Builder) != "bash" {
		return nil, fmt.Errorf("'%s' has builder '%s': development shells need derivations whose builder is bash", d.Name, d.Builder)
	}
	e := d.Clone()
	e.Args = []string{getEnvPath}
	if js, ok := e.Env["__json"]; ok {
		// Structured attributes: the checks live in the JSON.
		var attrs map[string]any
		dec := json.NewDecoder(bytes.NewReader([]byte(js)))
		dec.UseNumber()
		if err := dec.Decode(&attrs); err != nil {
			return nil, fmt.Errorf("'%s': reading its structured attributes: %w", d.Name, err)
		}
		delete(attrs, "outputChecks")
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(attrs); err != nil {
			return nil, err
		}
		e.Env["__json"] = string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	} else {
		for _, k := range []string{"allowedReferences", "allowedRequisites", "disallowedReferences", "disallowedRequisites"} {
			delete(e.Env, k)
		}
	}
	e.Name = d.Name + EnvSuffix
	e.Env["name"] = e.Name
	if !slices.Contains(e.InputSrcs, getEnvPath) {
		e.InputSrcs = append(e.InputSrcs, getEnvPath)
		slices.Sort(e.InputSrcs)
	}
	for name := range e.Outputs {
		e.Outputs[name] = derivation.Output{}
		e.Env[name] = ""
	}
	if _, _, err := resolver.Instantiate(e); err != nil {
		return nil, fmt.Errorf("'%s': %w", e.Name, err)
	}
	return e, nil
}

// Build realises the environment of the derivation at drvPath: it adds
// the get-env script to the store, writes the environment derivation,
// realises it with opts (building or substituting the inputs, not
// drvPath's own outputs; an environment built before is reused) and
// reads the environment. It returns the environment and the store path
// of the output holding it.
func Build(ctx context.Context, st *store.Store, drvPath string, opts build.Options) (*Env, string, error) {
	d, err := st.ReadDerivation(drvPath)
	if err != nil {
		return nil, "", err
	}
	script, err := st.AddText("get-env.sh", []byte(getEnvScript), nil)
	if err != nil {
		return nil, "", fmt.Errorf("adding the get-env script: %w", err)
	}
	ed, err := EnvDerivation(st.NewResolver(), d, script)
	if err != nil {
		return nil, "", err
	}
	envDrv, err := st.WriteDerivation(ed)
	if err != nil {
		return nil, "", fmt.Errorf("writing the environment derivation: %w", err)
	}
	results, err := build.Realise(ctx, st, []build.Request{{DrvPath: envDrv}}, opts)
	if err == nil && len(results) == 1 && results[0].Err != nil {
		err = results[0].Err
	}
	if err != nil {
		return nil, "", fmt.Errorf("building the environment of '%s': %w", drvPath, err)
	}
	if len(results) != 1 {
		return nil, "", fmt.Errorf("building the environment of '%s': no result", drvPath)
	}
	for _, name := range ed.OutputNames() {
		p, ok := results[0].Outputs[name]
		if !ok {
			continue
		}
		data, err := os.ReadFile(st.RealPath(p))
		if err != nil {
			return nil, "", fmt.Errorf("reading the environment %s: %w", p, err)
		}
		if len(data) == 0 {
			continue
		}
		env, err := ParseJSON(data)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", p, err)
		}
		return env, p, nil
	}
	return nil, "", errors.New("the get-env script did not write an environment to any output of " + envDrv)
}

// ReadEnvPath reads an environment written before (a NAME-env store
// path, as `nix develop` accepts).
func ReadEnvPath(st *store.Store, p string) (*Env, error) {
	data, err := os.ReadFile(st.RealPath(p))
	if err != nil {
		return nil, fmt.Errorf("reading the environment %s: %w", p, err)
	}
	env, err := ParseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return env, nil
}
