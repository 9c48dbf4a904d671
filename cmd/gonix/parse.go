package main

import (
	"errors"

	"github.com/spf13/cobra"
)

func newParseCmd(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "parse [--check] [--dump] [--json] FILE...|-",
		Short: "Parse Nix files and report syntax errors",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("parse: not implemented yet")
		},
	}
}
