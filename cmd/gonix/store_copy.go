package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/substitute"
)

func newStoreCopyCmd(s *streams) *cobra.Command {
	var to, sign, compression string
	cmd := &cobra.Command{
		Use:   "copy --to file://DIR [--sign KEYFILE] [--compression xz|zstd|none] PATH...",
		Short: "Copy store paths with their closure into a binary cache directory",
		Long: `Write the closure of the given store paths (or result links) into a
file:// binary cache like 'nix copy --to file://DIR': .narinfo files and
compressed NARs under nar/, signed with --sign KEYFILE (a key made by
'nix-store --generate-binary-cache-key').`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			u, err := url.Parse(to)
			if to == "" || err != nil || u.Scheme != "file" || u.Path == "" {
				return usageError("--to must be a file:// URL with a directory (got '%s')", to)
			}
			opts := substitute.CopyOptions{Compression: strings.ToLower(compression), Log: s.err}
			if sign != "" {
				k, err := substitute.ReadSecretKeyFile(sign)
				if err != nil {
					return err
				}
				opts.Key = &k
			}
			return withStore(func(st *store.Store) error {
				paths, err := resolveValid(st, args)
				if err != nil {
					return err
				}
				copied, err := substitute.Copy(st, paths, u.Path, opts)
				if err != nil {
					return err
				}
				if len(copied) == 0 {
					fmt.Fprintln(s.err, "nothing to copy: the cache has every path already")
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "destination binary cache (file://DIR)")
	cmd.Flags().StringVar(&sign, "sign", "", "sign the paths with this secret key file")
	cmd.Flags().StringVar(&compression, "compression", "xz", "NAR compression: xz, zstd or none")
	return cmd
}
