package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gonix/gonix/flake"
	"github.com/gonix/gonix/store/build"
)

// buildFlakeChecks realises the derivations of checks.<system> (written
// to the store while they were evaluated) with all their outputs, and
// reports failures by attribute, as nix flake check does.
func buildFlakeChecks(e *flakeEnv, checks []flake.CheckDrv) error {
	opts, err := buildOptions(e.store, &buildFlags{options: e.fa.options})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	prog := newProgress(e.s.err, false)
	opts.Reporter = prog
	opts.KeepGoing = true
	reqs := make([]build.Request, len(checks))
	for i, c := range checks {
		reqs[i] = build.Request{DrvPath: c.DrvPath}
	}
	results, rerr := build.Realise(ctx, e.store, reqs, opts)
	prog.finish()
	if results == nil {
		return rerr
	}
	var failures []string
	for i, r := range results {
		if r.Err != nil {
			failures = append(failures, fmt.Sprintf("failed to build attribute '%s', build of '%s^*' failed: %v", checks[i].AttrPath, r.DrvPath, r.Err))
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%s", strings.Join(failures, "\nerror: "))
	}
	return nil
}
