package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/derivation"
)

// drvJSON is a derivation in the JSON form of `nix derivation show` /
// `nix derivation add` (output paths optional when adding).
type drvJSON struct {
	Name    string `json:"name"`
	Outputs map[string]struct {
		Path     string `json:"path,omitempty"`
		HashAlgo string `json:"hashAlgo,omitempty"`
		Hash     string `json:"hash,omitempty"`
	} `json:"outputs"`
	InputSrcs []string            `json:"inputSrcs"`
	InputDrvs map[string][]string `json:"inputDrvs"`
	System    string              `json:"system"`
	Builder   string              `json:"builder"`
	Args      []string            `json:"args"`
	Env       map[string]string   `json:"env"`
}

func newDerivationCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{Use: "derivation", Short: "Add or show store derivations (like nix derivation)"}
	cmd.AddCommand(&cobra.Command{
		Use:   "add",
		Short: "Add a derivation given as JSON on stdin and print its .drv path",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := io.ReadAll(s.in)
			if err != nil {
				return err
			}
			var j drvJSON
			dec := json.NewDecoder(strings.NewReader(string(data)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&j); err != nil {
				return fmt.Errorf("reading the derivation JSON: %w", err)
			}
			d := &derivation.Derivation{
				Name: j.Name, Outputs: map[string]derivation.Output{}, InputDrvs: j.InputDrvs,
				InputSrcs: j.InputSrcs, Platform: j.System, Builder: j.Builder, Args: j.Args, Env: j.Env,
			}
			if d.InputDrvs == nil {
				d.InputDrvs = map[string][]string{}
			}
			if d.Env == nil {
				d.Env = map[string]string{}
			}
			for name, o := range j.Outputs {
				d.Outputs[name] = derivation.Output{HashAlgo: o.HashAlgo, Hash: o.Hash}
				if _, ok := d.Env[name]; !ok {
					d.Env[name] = ""
				}
			}
			return withStore(func(st *store.Store) error {
				p, _, err := st.Instantiate(st.NewResolver(), d)
				if err != nil {
					return err
				}
				fmt.Fprintln(s.out, p)
				return nil
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "show DRV...",
		Short: "Print derivations as JSON",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(func(st *store.Store) error {
				out := map[string]drvJSON{}
				for _, a := range args {
					p, err := resolveStorePath(st, a)
					if err != nil {
						return err
					}
					d, err := st.ReadDerivation(p)
					if err != nil {
						return err
					}
					j := drvJSON{Name: d.Name, InputSrcs: d.InputSrcs, InputDrvs: d.InputDrvs, System: d.Platform,
						Builder: d.Builder, Args: d.Args, Env: d.Env}
					j.Outputs = map[string]struct {
						Path     string `json:"path,omitempty"`
						HashAlgo string `json:"hashAlgo,omitempty"`
						Hash     string `json:"hash,omitempty"`
					}{}
					for n, o := range d.Outputs {
						j.Outputs[n] = struct {
							Path     string `json:"path,omitempty"`
							HashAlgo string `json:"hashAlgo,omitempty"`
							Hash     string `json:"hash,omitempty"`
						}{o.Path, o.HashAlgo, o.Hash}
					}
					out[p] = j
				}
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			})
		},
	})
	return cmd
}
