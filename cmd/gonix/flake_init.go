package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/internal/evalstore"
)

func newFlakeInitCmd(s *streams) *cobra.Command {
	fa := &flakeArgs{}
	var template string
	cmd := flakeCommand(s, "init [-t TEMPLATE]",
		"Create a flake in the current directory from a template",
		`Copy a template into the current directory, never overwriting a file
that differs (those are reported as conflicts). -t names a flake and
template (FLAKEREF#NAME: templates.NAME, or templates.default /
defaultTemplate without NAME). Without -t, gonix's own template is used: a
flake with the embedded library as its "gonix" input, a package and a
development shell.`, fa, func(args []string) error {
			if len(args) > 0 {
				return usageError("unexpected argument '%s'", args[0])
			}
			return runFlakeInit(s, fa, template)
		})
	cmd.Flags().StringVarP(&template, "template", "t", "", "the template to use (FLAKEREF#NAME)")
	return cmd
}

func runFlakeInit(s *streams, fa *flakeArgs, template string) error {
	dest, err := os.Getwd()
	if err != nil {
		return err
	}
	var files []flake.TemplateFile
	var welcome string
	if template == "" {
		files = flake.DefaultTemplate()
	} else {
		e, err := newFlakeEnv(s, fa, evalstore.ReadOnly)
		if err != nil {
			return err
		}
		defer e.close()
		ref, frag, err := e.parseRef(template)
		if err != nil {
			return e.report(err)
		}
		lf, err := e.session.LockFlake(ref, flake.LockFlags{NoWriteLockFile: true})
		if err != nil {
			return e.report(err)
		}
		dir, w, err := e.session.Template(lf, frag)
		if err != nil {
			return e.report(err)
		}
		welcome = w
		if files, err = flake.ReadTemplateDir(e.settings.PhysicalPath(dir)); err != nil {
			return e.report(err)
		}
	}
	var changed []string
	conflicts := 0
	for _, f := range files {
		to := filepath.Join(dest, f.Path)
		switch {
		case f.Mode.IsDir():
			if err := os.MkdirAll(to, 0o755); err != nil {
				return err
			}
			continue
		case f.Mode&fs.ModeSymlink != 0:
			if old, err := os.Readlink(to); err == nil {
				if old != f.Target {
					fmt.Fprintf(s.err, "error: refusing to overwrite existing file %q\n please merge it manually with '%s'\n", to, f.Path)
					conflicts++
				} else {
					fmt.Fprintf(s.err, "skipping identical file: %s\n", f.Path)
				}
				continue
			}
			if err := os.Symlink(f.Target, to); err != nil {
				return err
			}
		default:
			if old, err := os.ReadFile(to); err == nil {
				if !bytes.Equal(old, f.Data) {
					fmt.Fprintf(s.err, "error: refusing to overwrite existing file %q\n please merge it manually with '%s'\n", to, f.Path)
					conflicts++
				} else {
					fmt.Fprintf(s.err, "skipping identical file: %s\n", f.Path)
				}
				continue
			}
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				return err
			}
			perm := os.FileMode(0o644)
			if f.Mode&0o111 != 0 {
				perm = 0o755
			}
			if err := os.WriteFile(to, f.Data, perm); err != nil {
				return err
			}
		}
		changed = append(changed, to)
		fmt.Fprintf(s.err, "wrote: %q\n", to)
	}
	if len(changed) > 0 {
		if _, err := os.Stat(filepath.Join(dest, ".git")); err == nil {
			args := append([]string{"-C", dest, "add", "--intent-to-add", "--force", "--"}, changed...)
			if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
				return fmt.Errorf("git add: %v: %s", err, out)
			}
		}
	}
	if welcome != "" {
		fmt.Fprintf(s.err, "\n%s\n", welcome)
	}
	if conflicts > 0 {
		return fmt.Errorf("encountered %d conflicts - see above", conflicts)
	}
	return nil
}
