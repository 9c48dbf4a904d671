package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/profile"
)

// defaultProfile is R/nix/var/nix/profiles/per-user/USER/profile of the
// store in use (found by the garbage collector through the profiles dir).
func defaultProfile(st *store.Store) string {
	name := getenv("USER")
	if name == "" {
		if u, err := user.Current(); err == nil {
			name = u.Username
		} else {
			name = strconv.Itoa(os.Getuid())
		}
	}
	return filepath.Join(st.ProfilesDir(), "per-user", name, "profile")
}

func newProfileCmd(s *streams) *cobra.Command {
	var profilePath string
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Manage profiles: installed packages with generations (nix profile / nix-env)",
		Long: `Manage a profile: a symlink NAME -> NAME-N-link -> /nix/store/...-profile,
one NAME-N-link per generation, like nix-env and nix profile. The default
profile lives in the store's profiles directory
(.../nix/var/nix/profiles/per-user/USER/profile); --profile selects another.`,
	}
	cmd.PersistentFlags().StringVar(&profilePath, "profile", "", "the profile to operate on")
	withProfile := func(fn func(st *store.Store, prof string) error) error {
		return withStore(func(st *store.Store) error {
			prof := profilePath
			if prof == "" {
				prof = defaultProfile(st)
			} else if abs, err := filepath.Abs(prof); err == nil {
				prof = abs
			}
			return fn(st, prof)
		})
	}
	install := &cobra.Command{
		Use:   "install STORE-PATH...",
		Short: "Add store paths (or links to them, like result) to the profile",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withProfile(func(st *store.Store, prof string) error {
				paths, err := resolveValid(st, args)
				if err != nil {
					return err
				}
				m, err := profile.ReadManifest(prof, st.RealPath)
				if err != nil {
					return err
				}
				for _, p := range paths {
					already := false
					for _, name := range m.Names() {
						for _, q := range m.Elements[name].StorePaths {
							if q == p {
								already = true
								fmt.Fprintf(s.err, "warning: '%s' is already installed\n", p)
							}
						}
					}
					if !already {
						m.Add(profile.ElementName(p), profile.NewElement(p))
					}
				}
				env, err := profile.BuildUserEnv(st, m, s.err)
				if err != nil {
					return err
				}
				_, err = profile.Install(st, prof, env)
				return err
			})
		},
	}
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the installed packages",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			asJSON, _ := cmd.Flags().GetBool("json")
			return withProfile(func(st *store.Store, prof string) error {
				m, err := profile.ReadManifest(prof, st.RealPath)
				if err != nil {
					return err
				}
				if asJSON {
					fmt.Fprintln(s.out, string(m.JSON()))
					return nil
				}
				for i, name := range m.Names() {
					e := m.Elements[name]
					if i > 0 {
						fmt.Fprintln(s.out)
					}
					inactive := ""
					if !e.Active {
						inactive = " (inactive)"
					}
					fmt.Fprintf(s.out, "Name:               %s%s\n", name, inactive)
					if e.URL != "" {
						fmt.Fprintf(s.out, "Flake attribute:    %s\n", e.AttrPath)
						fmt.Fprintf(s.out, "Original flake URL: %s\n", e.OriginalURL)
						fmt.Fprintf(s.out, "Locked flake URL:   %s\n", e.URL)
					}
					fmt.Fprintf(s.out, "Store paths:        %s\n", strings.Join(e.StorePaths, " "))
				}
				return nil
			})
		},
	}
	list.Flags().Bool("json", false, "print manifest.json")
	var to int
	rollback := &cobra.Command{
		Use:   "rollback [--to N]",
		Short: "Switch to the previous generation (or generation N)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withProfile(func(st *store.Store, prof string) error {
				_, _, err := profile.Switch(prof, to, s.err)
				return err
			})
		},
	}
	rollback.Flags().IntVar(&to, "to", 0, "the generation to switch to")
	history := &cobra.Command{
		Use:   "history",
		Short: "Show the generations and what changed in each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withProfile(func(st *store.Store, prof string) error {
				gens, _, err := profile.Generations(prof)
				if err != nil {
					return err
				}
				var prev *profile.Manifest
				prevNum := 0
				for i, g := range gens {
					m, err := profile.ReadManifest(g.Link, st.RealPath)
					if err != nil {
						return err
					}
					if i > 0 {
						fmt.Fprintln(s.out)
					}
					from := ""
					if prev != nil {
						from = fmt.Sprintf(" <- %d", prevNum)
					}
					// Nix marks the current version only by colour.
					fmt.Fprintf(s.out, "Version %d (%s)%s:\n", g.Number, g.Created.UTC().Format("2006-01-02"), from)
					printDiff(s, prev, m)
					prev, prevNum = m, g.Number
				}
				return nil
			})
		},
	}
	var olderThan string
	wipe := &cobra.Command{
		Use:   "wipe-history [--older-than Nd]",
		Short: "Delete all non-current generations (or those older than N days)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var d time.Duration
			if olderThan != "" {
				days, err := strconv.Atoi(strings.TrimSuffix(olderThan, "d"))
				if !strings.HasSuffix(olderThan, "d") || err != nil || days < 1 {
					return usageError("invalid number of days specifier '%s', expected something like '14d'", olderThan)
				}
				d = time.Duration(days) * 24 * time.Hour
			}
			return withProfile(func(st *store.Store, prof string) error {
				return profile.WipeHistory(prof, d, s.err)
			})
		},
	}
	wipe.Flags().StringVar(&olderThan, "older-than", "", "only delete generations older than this many days (e.g. 14d)")
	remove := &cobra.Command{
		Use:   "remove NAME...",
		Short: "Remove installed packages by element name",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withProfile(func(st *store.Store, prof string) error {
				m, err := profile.ReadManifest(prof, st.RealPath)
				if err != nil {
					return err
				}
				for _, name := range args {
					if m.Elements[name] == nil {
						fmt.Fprintf(s.err, "warning: '%s' does not match any packages\n", name)
						continue
					}
					delete(m.Elements, name)
				}
				env, err := profile.BuildUserEnv(st, m, s.err)
				if err != nil {
					return err
				}
				_, err = profile.Install(st, prof, env)
				return err
			})
		},
	}
	cmd.AddCommand(install, remove, list, rollback, history, wipe)
	return cmd
}

// printDiff prints what changed between two manifests like nix profile
// history ("  name: 1.0 -> 2.0", "∅" for absent).
func printDiff(s *streams, prev, cur *profile.Manifest) {
	if prev == nil {
		prev = &profile.Manifest{}
	}
	names := map[string]bool{}
	for _, n := range prev.Names() {
		names[n] = true
	}
	for _, n := range cur.Names() {
		names[n] = true
	}
	var all []string
	for n := range names {
		all = append(all, n)
	}
	sortStrings(all)
	changes := false
	for _, n := range all {
		a, b := prev.Elements[n], cur.Elements[n]
		switch {
		case a == nil:
			fmt.Fprintf(s.out, "  %s: ∅ -> %s\n", n, b.Versions())
			changes = true
		case b == nil:
			fmt.Fprintf(s.out, "  %s: %s -> ∅\n", n, a.Versions())
			changes = true
		case a.Versions() != b.Versions():
			fmt.Fprintf(s.out, "  %s: %s -> %s\n", n, a.Versions(), b.Versions())
			changes = true
		}
	}
	if !changes {
		fmt.Fprintln(s.out, "  No changes.")
	}
}
