package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/nixhash"
)

func sortStrings(ss []string) { sort.Strings(ss) }

type queryFlags struct {
	requisites, references, referrers, referrersClosure bool
	deriver, validDerivers, outputs, tree, hash, size   bool
	roots                                               bool
}

func newStoreQueryCmd(s *streams) *cobra.Command {
	var f queryFlags
	cmd := &cobra.Command{
		Use:   "query (-R|--requisites | --references | --referrers | --referrers-closure | --deriver | --valid-derivers | --outputs | --tree | --hash | --size | --roots) PATH...",
		Short: "Query store path metadata like nix-store --query",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 0
			for _, b := range []bool{f.requisites, f.references, f.referrers, f.referrersClosure, f.deriver, f.validDerivers, f.outputs, f.tree, f.hash, f.size, f.roots} {
				if b {
					n++
				}
			}
			if n != 1 {
				return usageError("exactly one query flag is required (-R, --references, --referrers, --referrers-closure, --deriver, --valid-derivers, --outputs, --tree, --hash, --size, --roots)")
			}
			return withStore(func(st *store.Store) error {
				paths, err := resolveValid(st, args)
				if err != nil {
					return err
				}
				return runQuery(s.out, st, f, paths)
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&f.requisites, "requisites", "R", false, "print the closure, dependencies first")
	fl.BoolVar(&f.references, "references", false, "print the direct references")
	fl.BoolVar(&f.referrers, "referrers", false, "print the valid paths that refer to the paths")
	fl.BoolVar(&f.referrersClosure, "referrers-closure", false, "print the closure under the referrers relation")
	fl.BoolVarP(&f.deriver, "deriver", "d", false, "print the derivation that produced each path")
	fl.BoolVar(&f.validDerivers, "valid-derivers", false, "print every valid derivation with the path as an output")
	fl.BoolVar(&f.outputs, "outputs", false, "print the output paths of derivations")
	fl.BoolVar(&f.tree, "tree", false, "print the references graph as a tree")
	fl.BoolVar(&f.hash, "hash", false, "print the NAR hash of each path")
	fl.BoolVar(&f.size, "size", false, "print the NAR size of each path")
	fl.BoolVar(&f.roots, "roots", false, "print the GC roots that keep the paths alive")
	return cmd
}

// treeConn and friends draw --tree like Nix.
const (
	treeConn = "├───"
	treeLast = "└───"
	treeLine = "│   "
	treeNull = "    "
)

func runQuery(w io.Writer, st *store.Store, f queryFlags, paths []string) error {
	printAll := func(ps []string) {
		for _, p := range ps {
			fmt.Fprintln(w, p)
		}
	}
	set := map[string]bool{}
	addAll := func(ps []string) {
		for _, p := range ps {
			set[p] = true
		}
	}
	sortedSet := func() []string {
		out := make([]string, 0, len(set))
		for p := range set {
			out = append(out, p)
		}
		sort.Strings(out)
		return out
	}
	switch {
	case f.requisites:
		cl, err := st.Closure(paths, store.ClosureOptions{})
		if err != nil {
			return err
		}
		sorted, err := st.TopoSort(cl)
		if err != nil {
			return err
		}
		slices.Reverse(sorted)
		printAll(sorted)
	case f.references:
		for _, p := range paths {
			refs, err := st.QueryReferences(p)
			if err != nil {
				return err
			}
			addAll(refs)
		}
		printAll(sortedSet())
	case f.referrers:
		for _, p := range paths {
			refs, err := st.QueryReferrers(p)
			if err != nil {
				return err
			}
			addAll(refs)
		}
		printAll(sortedSet())
	case f.referrersClosure:
		cl, err := st.Closure(paths, store.ClosureOptions{Reverse: true})
		if err != nil {
			return err
		}
		printAll(cl)
	case f.deriver:
		for _, p := range paths {
			d, err := st.QueryDeriver(p)
			if err != nil {
				return err
			}
			if d == "" {
				d = "unknown-deriver"
			}
			fmt.Fprintln(w, d)
		}
	case f.validDerivers:
		for _, p := range paths {
			ds, err := st.QueryValidDerivers(p)
			if err != nil {
				return err
			}
			printAll(ds)
		}
	case f.outputs:
		for _, p := range paths {
			outs, err := st.QueryDerivationOutputs(p)
			if err != nil {
				return err
			}
			var ps []string
			for _, o := range outs {
				ps = append(ps, o)
			}
			sort.Strings(ps)
			printAll(ps)
		}
	case f.tree:
		done := map[string]bool{}
		for _, p := range paths {
			if err := printTree(w, st, p, "", "", done); err != nil {
				return err
			}
		}
	case f.hash, f.size:
		for _, p := range paths {
			info, err := st.QueryPathInfo(p)
			if err != nil {
				return err
			}
			if f.hash {
				fmt.Fprintln(w, info.NarHash.Format(nixhash.Nix32, true))
			} else {
				fmt.Fprintln(w, info.NarSize)
			}
		}
	case f.roots:
		cl, err := st.Closure(paths, store.ClosureOptions{Reverse: true})
		if err != nil {
			return err
		}
		roots, err := st.FindRoots(true)
		if err != nil {
			return err
		}
		var lines []string
		for _, p := range cl {
			for _, l := range roots[p] {
				if strings.HasPrefix(l, "{temp:") {
					l = "{censored}"
				}
				lines = append(lines, l+" -> "+p)
			}
		}
		sort.Strings(lines)
		printAll(slices.Compact(lines))
	}
	return nil
}

// printTree prints the reference graph below p, flattened by topological
// order, marking repeated paths with [...] like nix-store --query --tree.
func printTree(w io.Writer, st *store.Store, p, firstPad, tailPad string, done map[string]bool) error {
	if done[p] {
		fmt.Fprintf(w, "%s%s [...]\n", firstPad, p)
		return nil
	}
	done[p] = true
	fmt.Fprintf(w, "%s%s\n", firstPad, p)
	refs, err := st.QueryReferences(p)
	if err != nil {
		return err
	}
	sorted, err := st.TopoSort(refs)
	if err != nil {
		return err
	}
	slices.Reverse(sorted)
	for i, r := range sorted {
		last := i == len(sorted)-1
		first, tail := treeConn, treeLine
		if last {
			first, tail = treeLast, treeNull
		}
		if err := printTree(w, st, r, tailPad+first, tailPad+tail, done); err != nil {
			return err
		}
	}
	return nil
}

func newStorePathInfoCmd(s *streams) *cobra.Command {
	var jsonOut, size, closureSize, human, sigs, recursive bool
	var jsonFormat int
	cmd := &cobra.Command{
		Use:   "path-info [--json] [-s|--size] [-S|--closure-size] [-h|--human-readable] [--sigs] [-r|--recursive] PATH...",
		Short: "Query information about store paths like nix path-info",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if jsonFormat != 0 && jsonFormat != 1 {
				return usageError("--json-format %d is not supported (only 1)", jsonFormat)
			}
			return withStore(func(st *store.Store) error {
				paths, err := resolveValid(st, args)
				if err != nil {
					return err
				}
				if recursive {
					if paths, err = st.Closure(paths, store.ClosureOptions{}); err != nil {
						return err
					}
				}
				closureSizeOf := func(p string) (uint64, error) {
					cl, err := st.Closure([]string{p}, store.ClosureOptions{})
					if err != nil {
						return 0, err
					}
					var total uint64
					for _, q := range cl {
						info, err := st.QueryPathInfo(q)
						if err != nil {
							return 0, err
						}
						total += info.NarSize
					}
					return total, nil
				}
				if jsonOut {
					return pathInfoJSON(s.out, st, paths, closureSize, closureSizeOf)
				}
				width := 0
				for _, p := range paths {
					width = max(width, len(p))
				}
				printSize := func(b *strings.Builder, n uint64) {
					if human {
						fmt.Fprintf(b, "\t%s", renderSizeAligned(n))
					} else {
						fmt.Fprintf(b, "\t%11d", n)
					}
				}
				for _, p := range paths {
					info, err := st.QueryPathInfo(p)
					if err != nil {
						return err
					}
					var b strings.Builder
					b.WriteString(p)
					if size || closureSize || sigs {
						b.WriteString(strings.Repeat(" ", width-len(p)))
					}
					if size {
						printSize(&b, info.NarSize)
					}
					if closureSize {
						n, err := closureSizeOf(p)
						if err != nil {
							return err
						}
						printSize(&b, n)
					}
					if sigs {
						var ss []string
						if info.Ultimate {
							ss = append(ss, "ultimate")
						}
						if !info.CA.IsZero() {
							ss = append(ss, "ca:"+info.CA.String())
						}
						ss = append(ss, info.Sigs...)
						b.WriteString("\t" + strings.Join(ss, " "))
					}
					fmt.Fprintln(s.out, b.String())
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&jsonOut, "json", false, "print JSON (format 1 of current Nix: an object keyed by store path)")
	fl.IntVar(&jsonFormat, "json-format", 0, "JSON format version (only 1 is supported)")
	fl.BoolVarP(&size, "size", "s", false, "print the NAR size")
	fl.BoolVarP(&closureSize, "closure-size", "S", false, "print the closure's total NAR size")
	fl.BoolVarP(&human, "human-readable", "h", false, "with -s and -S, print sizes like 5.7 MiB")
	fl.BoolVar(&sigs, "sigs", false, "print signatures (and ultimate / ca)")
	fl.BoolVarP(&recursive, "recursive", "r", false, "apply to the closure of the paths")
	// -h is taken by --human-readable, as in nix path-info.
	cmd.Flags().BoolP("help", "", false, "help for path-info")
	return cmd
}

// renderSizeAligned is renderSize with the number right-aligned in 6
// columns (Nix's align mode).
func renderSizeAligned(n uint64) string {
	r := renderSize(n)
	num, unit, _ := strings.Cut(r, " ")
	return fmt.Sprintf("%6s %s", num, unit)
}

// pathInfoJSON prints `nix path-info --json` (format 1): an object keyed by
// store path with ca, deriver, narHash (SRI), narSize, references,
// registrationTime, signatures, storeDir, ultimate, version and, with -S,
// closureSize; keys sorted, compact.
func pathInfoJSON(w io.Writer, st *store.Store, paths []string, closure bool, closureSizeOf func(string) (uint64, error)) error {
	type entry struct {
		CA               *string  `json:"ca"`
		ClosureSize      *uint64  `json:"closureSize,omitempty"`
		Deriver          *string  `json:"deriver"`
		NarHash          string   `json:"narHash"`
		NarSize          uint64   `json:"narSize"`
		References       []string `json:"references"`
		RegistrationTime *int64   `json:"registrationTime"`
		Signatures       []string `json:"signatures"`
		StoreDir         string   `json:"storeDir"`
		Ultimate         bool     `json:"ultimate"`
		Version          int      `json:"version"`
	}
	all := map[string]*entry{}
	for _, p := range paths {
		info, err := st.QueryPathInfo(p)
		if err != nil {
			all[p] = nil
			continue
		}
		e := &entry{NarHash: info.NarHash.Format(nixhash.SRI, true), NarSize: info.NarSize, References: info.References,
			Signatures: info.Sigs, StoreDir: string(st.Dir()), Ultimate: info.Ultimate, Version: 1}
		if e.References == nil {
			e.References = []string{}
		}
		if e.Signatures == nil {
			e.Signatures = []string{}
		}
		if !info.CA.IsZero() {
			ca := info.CA.String()
			e.CA = &ca
		}
		if info.Deriver != "" {
			e.Deriver = &info.Deriver
		}
		if t := info.RegistrationTime.Unix(); t != 0 {
			e.RegistrationTime = &t
		}
		if closure {
			n, err := closureSizeOf(p)
			if err != nil {
				return err
			}
			e.ClosureSize = &n
		}
		all[p] = e
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
