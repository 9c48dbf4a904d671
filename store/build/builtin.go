package build

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/fetch"
)

// builtinBuilders are the builders Nix implements in-process
// ("builtin:NAME"). They run on the host without the sandbox, as Nix
// runs them, writing the outputs at their physical locations.
var builtinBuilders = map[string]func(ctx context.Context, r *realiser, n *node, log io.Writer) error{
	"builtin:fetchurl": builtinFetchurl,
}

// isBuiltin reports whether a derivation's builder is a builtin one.
func isBuiltin(builder string) bool { return strings.HasPrefix(builder, "builtin:") }

// runBuiltin runs a builtin builder.
func (r *realiser) runBuiltin(ctx context.Context, n *node, log io.Writer) error {
	f, ok := builtinBuilders[n.drv.Builder]
	if !ok {
		return fmt.Errorf("unsupported builtin builder '%s'", n.drv.Builder)
	}
	return f(ctx, r, n, log)
}

// builtinFetchurl downloads env.url (or the first of env.urls) to $out,
// unpacking it when unpack = "1" and making it executable when
// executable = "1", as Nix's builtin:fetchurl (used by <nix/fetchurl.nix>).
// The fixed-output hash is checked afterwards like any other build's.
func builtinFetchurl(ctx context.Context, r *realiser, n *node, log io.Writer) error {
	env := n.drv.Env
	if env["__structuredAttrs"] != "" || env["__json"] != "" {
		return fmt.Errorf("builtin:fetchurl does not support structured attributes")
	}
	out, ok := n.drv.Outputs["out"]
	if !ok || out.Path == "" {
		return fmt.Errorf("builtin:fetchurl needs an output 'out'")
	}
	urls := strings.Fields(env["urls"])
	if u := env["url"]; u != "" {
		urls = []string{u}
	}
	if len(urls) == 0 {
		return fmt.Errorf("attribute 'url' missing")
	}
	dst := r.st.RealPath(out.Path)
	f := fetch.New(r.st)
	var err error
	for _, u := range urls {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		fmt.Fprintf(log, "downloading '%s'...\n", u)
		if err = fetchTo(f, u, dst, env["unpack"] == "1", env["executable"] == "1"); err == nil {
			return nil
		}
		fmt.Fprintf(log, "%v\n", err)
		store.RemoveTree(dst)
	}
	return err
}

// fetchTo downloads url to dst, optionally unpacking an archive there
// (its single top-level directory stripped) or marking the file
// executable.
func fetchTo(f *fetch.Fetcher, url, dst string, unpack, executable bool) error {
	if !unpack {
		return f.Download(url, dst, executable)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), ".tmp-fetchurl-")
	if err != nil {
		return err
	}
	defer store.RemoveTree(tmp)
	archive := filepath.Join(tmp, "archive")
	if err := f.Download(url, archive, false); err != nil {
		return err
	}
	unpacked := filepath.Join(tmp, "unpacked")
	if err := fetch.Unpack(archive, unpacked); err != nil {
		return fmt.Errorf("unpacking '%s': %w", url, err)
	}
	entries, err := os.ReadDir(unpacked)
	if err != nil {
		return err
	}
	src := unpacked
	if len(entries) == 1 && entries[0].IsDir() {
		src = filepath.Join(unpacked, entries[0].Name())
	}
	return os.Rename(src, dst)
}
