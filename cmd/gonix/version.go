package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is the gonix release this binary reports.
const version = "0.1.0"

func newVersionCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the gonix version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rev := ""
			if info, ok := debug.ReadBuildInfo(); ok {
				for _, kv := range info.Settings {
					if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
						rev = " (" + kv.Value[:12] + ")"
					}
				}
			}
			fmt.Fprintf(s.out, "gonix %s%s\n", version, rev)
			return nil
		},
	}
}
