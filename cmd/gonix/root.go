package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes shared by every subcommand (CLI.md).
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// exitCodeError carries a specific exit status out of a command. When msg is
// empty the command has already reported the problem itself.
type exitCodeError struct {
	code int
	msg  string
}

func (e *exitCodeError) Error() string { return e.msg }

// usageError reports bad command-line usage (exit status 2).
func usageError(format string, args ...any) error {
	return &exitCodeError{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

// silentExit ends the command with the given status without printing more.
func silentExit(code int) error {
	return &exitCodeError{code: code}
}

// streams are the standard streams a command reads and writes; tests pass
// their own.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// run builds the command tree, executes it with args and returns the exit
// status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{in: stdin, out: stdout, err: stderr}
	root := newRootCmd(s)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var ec *exitCodeError
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintf(stderr, "error: %s\n", ec.msg)
		}
		return ec.code
	}
	if isFlagError(err) {
		fmt.Fprintf(stderr, "error: %s\n", err)
		fmt.Fprintf(stderr, "Try '%s --help' for more information.\n", root.Name())
		return exitUsage
	}
	fmt.Fprintf(stderr, "error: %s\n", err)
	return exitError
}

// flagError marks errors produced while parsing flags and arguments.
type flagError struct{ err error }

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

func isFlagError(err error) bool {
	var fe *flagError
	return errors.As(err, &fe)
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "gonix",
		Short: "A language server and developer toolchain for the Nix language",
		Long: `gonix parses, evaluates, formats, lints and builds Nix code, and serves
editors through the Language Server Protocol. It interoperates with real Nix:
same evaluation results, same .drv and output paths, same store.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &flagError{err: err}
	})
	root.AddCommand(
		newVersionCmd(s),
		newParseCmd(s),
		newEvalCmd(s),
		newReplCmd(s),
		newFmtCmd(s),
		newStoreCmd(s),
		newProfileCmd(s),
		newCheckCmd(s),
		newFlakeCmd(s),
		newBuildCmd(s), newDerivationCmd(s),
		newInstantiateCmd(s),
		newLSPCmd(s),
		newDevelopCmd(s), newShellCmd(s),
	)
	for _, c := range root.Commands() {
		wrapArgsValidation(c)
	}
	return root
}

// wrapArgsValidation turns positional-argument validation failures into
// usage errors (exit status 2), recursively.
func wrapArgsValidation(c *cobra.Command) {
	if c.Args != nil {
		check := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &flagError{err: err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgsValidation(sub)
	}
}

// getenv is the environment lookup commands use; kept as a function so
// tests can run commands in-process.
func getenv(key string) string { return os.Getenv(key) }
