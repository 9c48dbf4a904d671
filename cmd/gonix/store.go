package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

// openStore opens the store chosen by GONIX_STORE / the default rule.
func openStore() (*store.Store, error) {
	root, err := store.DefaultRoot(getenv)
	if err != nil {
		return nil, err
	}
	return store.Open(root)
}

// withStore opens the store, runs fn and closes the store.
func withStore(fn func(st *store.Store) error) error {
	st, err := openStore()
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

// resolveStorePath turns a command-line argument into a store path: a
// logical store path (or a path inside one), a physical path inside the
// store root, or a symlink chain (like `result`) ending in the store.
func resolveStorePath(st *store.Store, arg string) (string, error) {
	p := arg
	for i := 0; i < 40; i++ {
		if strings.HasPrefix(p, string(st.Dir())+"/") {
			sp, _, err := st.Dir().ParseInside(p)
			if err != nil {
				return "", err
			}
			return st.Dir().Path(sp), nil
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		if real := st.RealStoreDir() + "/"; strings.HasPrefix(abs, real) {
			return resolveStorePath(st, string(st.Dir())+"/"+strings.TrimPrefix(abs, real))
		}
		fi, err := os.Lstat(abs)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return "", fmt.Errorf("path '%s' is not in the Nix store", arg)
		}
		t, err := os.Readlink(abs)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(t) {
			t = filepath.Join(filepath.Dir(abs), t)
		}
		p = t
	}
	return "", fmt.Errorf("too many symbolic links resolving '%s'", arg)
}

// resolveValid resolves arguments to valid store paths.
func resolveValid(st *store.Store, args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		p, err := resolveStorePath(st, a)
		if err != nil {
			return nil, err
		}
		ok, err := st.IsValid(p)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("path '%s' is not valid", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// renderSize prints a byte count like Nix ("1.5 MiB", "0.1 KiB").
func renderSize(n uint64) string {
	units := "KMGTPEZY"
	u := 0
	v := n
	for v > 1024 && u < len(units)-1 {
		u++
		v /= 1024
	}
	power := u
	if power == 0 {
		power = 1
	}
	f := float64(n)
	for i := 0; i < power; i++ {
		f /= 1024
	}
	return fmt.Sprintf("%.1f %ciB", f, units[max(u, 1)-1])
}

// parseSize parses a byte count with an optional K, M, G or T suffix.
func parseSize(s string) (uint64, error) {
	mult := uint64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			s = s[:len(s)-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("'%s' is not an integer", s)
	}
	if n < 0 {
		n = 0
	}
	return uint64(n) * mult, nil
}

func newStoreCmd(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Manipulate the Nix store (add, query, gc, verify, ...)",
		Long: `Manipulate the store gonix uses: $GONIX_STORE if set (a physical root
directory R holding R/nix/store), else /nix/store when writable (shared with
Nix), else a rootless store under $XDG_DATA_HOME/gonix. Output formats follow
nix-store and nix path-info.`,
	}
	cmd.AddCommand(
		newStoreAddCmd(s), newStoreDumpCmd(s), newStoreQueryCmd(s), newStorePathInfoCmd(s),
		newStoreGCCmd(s), newStoreDeleteCmd(s), newStoreOptimiseCmd(s), newStoreVerifyCmd(s),
		newStoreLogCmd(s), newStoreCopyCmd(s),
	)
	return cmd
}

func newStoreAddCmd(s *streams) *cobra.Command {
	var fixed, name string
	var recursive bool
	cmd := &cobra.Command{
		Use:   "add [--fixed ALGO [--recursive]] [--name NAME] PATH...",
		Short: "Copy files into the store and print their store paths (nix-store --add / --add-fixed)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := store.AddOptions{Method: storepath.NAR, Algo: nixhash.SHA256, Name: name}
			if fixed != "" {
				a, err := nixhash.ParseAlgo(fixed)
				if err != nil {
					return usageError("%v", err)
				}
				opts.Algo = a
				if !recursive {
					opts.Method = storepath.Flat
				}
			} else if recursive {
				return usageError("--recursive needs --fixed ALGO")
			}
			if name != "" && len(args) > 1 {
				return usageError("--name needs exactly one path")
			}
			return withStore(func(st *store.Store) error {
				for _, a := range args {
					p, err := st.AddPath(a, opts)
					if err != nil {
						return err
					}
					fmt.Fprintln(s.out, p)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&fixed, "fixed", "", "add with a fixed-output content address using hash algorithm ALGO (md5, sha1, sha256, sha512)")
	cmd.Flags().BoolVar(&recursive, "recursive", false, "with --fixed: hash the NAR serialisation instead of the file")
	cmd.Flags().StringVar(&name, "name", "", "store path name (default: the file's base name)")
	return cmd
}

func newStoreDumpCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "dump PATH",
		Short: "Write the NAR serialisation of a path to standard output (nix-store --dump)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p := args[0]
			if strings.HasPrefix(p, "/nix/store/") {
				st, err := openStore()
				if err != nil {
					return err
				}
				p = st.RealPath(p)
				st.Close()
			}
			return nar.Dump(s.out, p, nil)
		},
	}
}

func newStoreGCCmd(s *streams) *cobra.Command {
	var printDead, printLive, printRoots bool
	var maxFreed string
	cmd := &cobra.Command{
		Use:   "gc [--max-freed N] [--print-dead | --print-live | --print-roots]",
		Short: "Delete unreachable store paths (nix-store --gc)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := store.GCOptions{Action: store.GCDeleteDead, KeepDerivations: true, Log: s.err}
			if maxFreed != "" {
				if printDead || printLive || printRoots {
					return usageError("option --max-freed cannot be combined with --print-live, --print-dead, or --print-roots")
				}
				n, err := parseSize(maxFreed)
				if err != nil {
					return usageError("--max-freed: %v", err)
				}
				opts.MaxFreed, opts.HasMaxFreed = n, true
			}
			switch {
			case printDead:
				opts.Action = store.GCReturnDead
			case printLive:
				opts.Action = store.GCReturnLive
			}
			return withStore(func(st *store.Store) error {
				if printRoots {
					roots, err := st.FindRoots(false)
					if err != nil {
						return err
					}
					var lines []string
					for p, links := range roots {
						for _, l := range links {
							lines = append(lines, l+" -> "+p)
						}
					}
					sortStrings(lines)
					for _, l := range lines {
						fmt.Fprintln(s.out, l)
					}
					return nil
				}
				res, err := st.CollectGarbage(opts)
				if err != nil {
					return err
				}
				if opts.Action == store.GCDeleteDead {
					fmt.Fprintf(s.out, "%d store paths deleted, %s freed\n", len(res.Paths), renderSize(res.BytesFreed))
					return nil
				}
				for _, p := range res.Paths {
					fmt.Fprintln(s.out, p)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&printDead, "print-dead", false, "only print the paths that would be deleted")
	cmd.Flags().BoolVar(&printLive, "print-live", false, "only print the paths that are reachable from a root")
	cmd.Flags().BoolVar(&printRoots, "print-roots", false, "print the GC roots as LINK -> PATH")
	cmd.Flags().StringVar(&maxFreed, "max-freed", "", "stop after freeing N bytes (suffix K, M, G or T allowed)")
	return cmd
}

func newStoreDeleteCmd(s *streams) *cobra.Command {
	var ignoreLiveness bool
	cmd := &cobra.Command{
		Use:   "delete PATH...",
		Short: "Delete specific store paths unless they are alive (nix-store --delete)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(func(st *store.Store) error {
				var paths []string
				for _, a := range args {
					p, err := resolveStorePath(st, a)
					if err != nil {
						return err
					}
					paths = append(paths, p)
				}
				res, err := st.CollectGarbage(store.GCOptions{Action: store.GCDeleteSpecific, Paths: paths, IgnoreLiveness: ignoreLiveness, Log: s.err})
				if err != nil {
					return err
				}
				fmt.Fprintf(s.out, "%d store paths deleted, %s freed\n", len(res.Paths), renderSize(res.BytesFreed))
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&ignoreLiveness, "ignore-liveness", false, "delete even paths that are reachable from a root")
	return cmd
}

func newStoreOptimiseCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:     "optimise",
		Aliases: []string{"optimize"},
		Short:   "Replace identical files in the store by hard links (nix-store --optimise)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(func(st *store.Store) error {
				_, err := st.Optimise(nil, s.err)
				return err
			})
		},
	}
}

func newStoreVerifyCmd(s *streams) *cobra.Command {
	var checkContents, repair bool
	cmd := &cobra.Command{
		Use:   "verify [--check-contents] [--repair]",
		Short: "Check the consistency of the store database and contents (nix-store --verify)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(func(st *store.Store) error {
				errs, err := st.Verify(store.VerifyOptions{CheckContents: checkContents, Repair: repair, Log: s.err})
				if err != nil {
					return err
				}
				if errs {
					fmt.Fprintln(s.err, "warning: not all store errors were fixed")
					return silentExit(exitError)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&checkContents, "check-contents", false, "also re-hash every path and compare with the database")
	cmd.Flags().BoolVar(&repair, "repair", false, "remove corrupt .links entries (modified paths still need a rebuild)")
	return cmd
}

func newStoreLogCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "log PATH",
		Short: "Print the build log of a derivation or of an output's deriver",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(func(st *store.Store) error {
				p, err := resolveStorePath(st, args[0])
				if err != nil {
					return err
				}
				data, err := st.ReadBuildLog(p)
				if errors.Is(err, store.ErrNoLog) {
					return fmt.Errorf("build log of '%s' is not available", p)
				}
				if err != nil {
					return err
				}
				_, err = s.out.Write(data)
				return err
			})
		},
	}
}
