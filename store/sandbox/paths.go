package sandbox

import (
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// libDirs are searched for the shared libraries of host programs exposed
// in the sandbox (Debian multiarch first).
var libDirs = []string{
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
	"/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
}

// HostPaths turns sandbox-paths entries ("PATH" or "TARGET=SOURCE", a
// trailing "?" marks an optional one) into mounts. Symbolic links are
// recreated as links and their targets exposed too; for ELF programs and
// libraries the dynamic loader and the needed shared libraries are added,
// so a dynamically linked /bin/sh works inside the sandbox.
func HostPaths(entries []string) ([]Mount, error) {
	byTarget := map[string]Mount{}
	var add func(target, source string, optional bool, depth int) error
	add = func(target, source string, optional bool, depth int) error {
		if depth > 40 {
			return fmt.Errorf("sandbox path '%s': too many levels of links", source)
		}
		if _, ok := byTarget[target]; ok {
			return nil
		}
		fi, err := os.Lstat(source)
		if err != nil {
			if optional && os.IsNotExist(err) {
				return nil
			}
			return fmt.Errorf("sandbox path '%s': %w", source, err)
		}
		if fi.Mode()&os.ModeSymlink != 0 && target == source {
			link, err := os.Readlink(source)
			if err != nil {
				return err
			}
			byTarget[target] = Mount{Target: target, Symlink: link}
			abs := link
			if !filepath.IsAbs(abs) {
				abs = filepath.Join(filepath.Dir(source), link)
			}
			return add(abs, abs, optional, depth+1)
		}
		byTarget[target] = Mount{Target: target, Source: source, Optional: optional}
		if fi.Mode().IsRegular() {
			for _, dep := range elfDeps(source) {
				if err := add(dep, dep, true, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, e := range entries {
		optional := strings.HasSuffix(e, "?")
		e = strings.TrimSuffix(e, "?")
		target, source, ok := strings.Cut(e, "=")
		if !ok {
			source = target
		}
		if !filepath.IsAbs(target) || !filepath.IsAbs(source) {
			return nil, fmt.Errorf("sandbox path '%s' is not absolute", e)
		}
		if err := add(filepath.Clean(target), filepath.Clean(source), optional, 0); err != nil {
			return nil, err
		}
	}
	out := make([]Mount, 0, len(byTarget))
	for _, m := range byTarget {
		if belowSymlink(byTarget, m.Target) {
			// Reached through the link, whose target is exposed too
			// (/bin/sh when /bin -> usr/bin is itself a sandbox path).
			continue
		}
		out = append(out, m)
	}
	// Parents before children so nested targets mount on top.
	sort.Slice(out, func(i, j int) bool { return out[i].Target < out[j].Target })
	return out, nil
}

// belowSymlink reports whether a strict ancestor of target is a symlink
// mount.
func belowSymlink(byTarget map[string]Mount, target string) bool {
	for d := filepath.Dir(target); d != "/" && d != "."; d = filepath.Dir(d) {
		if m, ok := byTarget[d]; ok && m.Symlink != "" {
			return true
		}
	}
	return false
}

// elfDeps returns the interpreter and needed libraries of an ELF file
// (none when it is not ELF or statically linked).
func elfDeps(path string) []string {
	f, err := elf.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var deps []string
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			b := make([]byte, p.Filesz)
			if _, err := p.ReadAt(b, 0); err == nil {
				deps = append(deps, strings.TrimRight(string(b), "\x00"))
			}
		}
	}
	libs, err := f.ImportedLibraries()
	if err != nil {
		return deps
	}
	for _, lib := range libs {
		if strings.Contains(lib, "/") {
			deps = append(deps, lib)
			continue
		}
		for _, d := range libDirs {
			p := filepath.Join(d, lib)
			if _, err := os.Stat(p); err == nil {
				deps = append(deps, p)
				break
			}
		}
	}
	return deps
}
