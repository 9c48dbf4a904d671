package flake

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonix/gonix/eval"
)

// LockFlags control LockFlake (Nix's lock flags).
type LockFlags struct {
	// RecreateLockFile ignores the existing lock file.
	RecreateLockFile bool
	// NoUpdateLockFile fails when the lock file would change.
	NoUpdateLockFile bool
	// NoWriteLockFile keeps a changed lock file in memory only.
	NoWriteLockFile bool
	// NoRegistries disables registry lookups.
	NoRegistries bool
	// Pure refuses to lock unlocked inputs (pure evaluation).
	Pure bool
	// FailOnUnlocked makes an unlocked input an error when writing.
	FailOnUnlocked bool
	// ReferenceLockFile is read instead of the flake's flake.lock.
	ReferenceLockFile string
	// OutputLockFile is written instead of the flake's flake.lock.
	OutputLockFile string
	// CommitLockFile commits a changed flake.lock of a flake in a Git
	// work tree (--commit-lock-file): only flake.lock, with the message
	// "flake.lock: Update" (or "Add"), a blank line and the changes.
	CommitLockFile bool
	// CommitLockFileSummary replaces the message's first line (Nix's
	// commit-lock-file-summary setting) when not empty.
	CommitLockFileSummary string
	// InputOverrides are --override-input PATH REF, in order.
	InputOverrides []InputOverride
	// InputUpdates are --update-input PATH (or `flake update NAME`).
	InputUpdates []InputPath
}

// InputOverride replaces an input (--override-input).
type InputOverride struct {
	Path InputPath
	Ref  Ref
}

// LockedFlake is a flake with its computed lock file.
type LockedFlake struct {
	Flake    *Flake
	LockFile *LockFile
	// NodePaths are the sources fetched while locking, per node (the
	// root included); other nodes are fetched when evaluated.
	NodePaths map[*Node]Source
	// Written is set when the lock file was written to disk.
	Written bool
}

// Session fetches flakes for one evaluation, remembering what it fetched.
type Session struct {
	Settings *Settings
	State    *eval.State
	// Color adds ANSI colours to lock diffs.
	Color bool

	cache map[string]fetched
}

type fetched struct {
	storePath string
	resolved  *Input
	locked    *Input
	extra     Attrs
}

// NewSession starts a session for st.
func NewSession(s *Settings, st *eval.State) *Session {
	return &Session{Settings: s, State: st, cache: map[string]fetched{}}
}

// fetchResolved looks an input up in the registries and fetches it,
// once per session.
func (x *Session) fetchResolved(in *Input, use UseRegistries) (fetched, error) {
	key := fmt.Sprintf("%d\x00%s", use, in.Attrs.JSON().Compact())
	if f, ok := x.cache[key]; ok {
		return f, nil
	}
	resolved, extra, err := x.Settings.Lookup(in, use)
	if err != nil {
		return fetched{}, err
	}
	p, locked, err := x.Settings.Fetch(resolved)
	if err != nil {
		return fetched{}, err
	}
	f := fetched{storePath: p, resolved: resolved, locked: locked, extra: extra}
	x.cache[key] = f
	return f, nil
}

// source returns the on-disk location of a store path plus subdir.
func (x *Session) source(storePath, subdir string) Source {
	return Source{Logical: storePath, Physical: x.Settings.PhysicalPath(storePath), StorePath: storePath}.Join(subdir)
}

// GetFlake fetches a flake and reads its flake.nix.
func (x *Session) GetFlake(original Ref, use UseRegistries) (*Flake, error) {
	return x.getFlake(original, use, nil)
}

func (x *Session) getFlake(original Ref, use UseRegistries, lockRoot InputPath) (*Flake, error) {
	f, err := x.fetchResolved(original.Input, use)
	if err != nil {
		return nil, err
	}
	subdir := original.Subdir
	if d := f.extra.Str("dir"); d != "" {
		subdir = d
	}
	resolved := Ref{Input: f.resolved, Subdir: subdir}
	locked := Ref{Input: f.locked.Clone(), Subdir: subdir}
	fl, err := readFlake(x.State, original, resolved, locked, x.source(f.storePath, subdir), lockRoot)
	if err != nil {
		return nil, err
	}
	for _, k := range fl.SelfAttrs.Keys() {
		if k != "submodules" && k != "lfs" {
			return nil, fmt.Errorf("flake 'self' attribute '%s' is not supported", k)
		}
		if v := fl.SelfAttrs[k]; locked.Input.Attrs[k] != v {
			in2 := locked.Input.Clone()
			in2.Attrs[k] = v
			delete(in2.Attrs, "narHash")
			delete(in2.Attrs, "__final")
			p, l2, err := x.Settings.Fetch(in2)
			if err != nil {
				return nil, err
			}
			locked = Ref{Input: l2, Subdir: subdir}
			return readFlake(x.State, original, resolved, locked, x.source(p, subdir), lockRoot)
		}
	}
	return fl, nil
}

func readLockFileAt(path string, warn func(string)) (*LockFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return NewLockFile(), nil
		}
		return nil, err
	}
	return ParseLockFile(data, path, warn)
}

type overrideTarget struct {
	input     *FlakeInput
	source    Source // directory the overriding flake.nix is in
	parent    InputPath
	hasParent bool
}

// LockFlake computes the lock file of a flake: existing entries are
// kept while their flake references are unchanged, new or updated
// inputs are fetched, follows and --override-input are applied. The
// result is written back unless flags say otherwise.
func (x *Session) LockFlake(top Ref, flags LockFlags) (*LockedFlake, error) {
	useTop, useInputs := UseAllRegistries, UseLimitedRegistries
	if flags.NoRegistries || !x.Settings.UseRegistries {
		useTop, useInputs = UseNoRegistries, UseNoRegistries
	}
	flake, err := x.GetFlake(top, useTop)
	if err != nil {
		return nil, err
	}
	lf, err := x.lockFlake(top, flake, flags, useTop, useInputs)
	if err != nil {
		return nil, withTrace(err, "while updating the lock file of flake '%s'", flake.LockedRef)
	}
	return lf, nil
}

func (x *Session) lockFlake(top Ref, flake *Flake, flags LockFlags, useTop, useInputs UseRegistries) (*LockedFlake, error) {
	s := x.Settings
	oldPath := flake.LockFilePath()
	if flags.ReferenceLockFile != "" {
		oldPath = flags.ReferenceLockFile
	}
	oldLock, err := readLockFileAt(oldPath, s.Warn)
	if err != nil {
		return nil, err
	}
	overrides := map[string]*overrideTarget{}
	cli := map[string]bool{}
	overridesUsed := map[string]bool{}
	updatesUsed := map[string]bool{}
	updates := map[string]bool{}
	var updateList []InputPath
	for _, u := range flags.InputUpdates {
		updates[u.String()] = true
		updateList = append(updateList, u)
	}
	sort.Slice(updateList, func(i, j int) bool { return updateList[i].less(updateList[j]) })
	for _, o := range flags.InputOverrides {
		r := o.Ref
		overrides[o.Path.String()] = &overrideTarget{input: &FlakeInput{Ref: &r, IsFlake: true}, source: flake.Dir}
		cli[o.Path.String()] = true
	}
	newLock := NewLockFile()
	nodePaths := map[*Node]Source{newLock.Root: flake.Dir}
	var parents []Ref

	var computeLocks func(inputs map[string]*FlakeInput, node *Node, prefix InputPath, oldNode *Node, followsPrefix InputPath, src Source, trustLock bool) error
	computeLocks = func(inputs map[string]*FlakeInput, node *Node, prefix InputPath, oldNode *Node, followsPrefix InputPath, src Source, trustLock bool) error {
		names := make([]string, 0, len(inputs))
		for n := range inputs {
			names = append(names, n)
		}
		sort.Strings(names)
		// Overrides written as inputs.a.inputs.b... apply below us; the
		// first (outermost) one wins.
		var addOverrides func(in *FlakeInput, p InputPath)
		addOverrides = func(in *FlakeInput, p InputPath) {
			onames := make([]string, 0, len(in.Overrides))
			for n := range in.Overrides {
				onames = append(onames, n)
			}
			sort.Strings(onames)
			for _, id := range onames {
				o := in.Overrides[id]
				op := p.append(id)
				if o.Ref != nil || o.HasFollow {
					if _, ok := overrides[op.String()]; !ok {
						overrides[op.String()] = &overrideTarget{input: o, source: src, parent: prefix, hasParent: true}
					}
				}
				addOverrides(o, op)
			}
		}
		for _, id := range names {
			addOverrides(inputs[id], prefix.append(id))
		}
		okeys := make([]string, 0, len(overrides))
		for k := range overrides {
			okeys = append(okeys, k)
		}
		sort.Strings(okeys)
		for _, k := range okeys {
			p, _ := ParseInputPath(k)
			if len(p) == 0 {
				continue
			}
			if InputPath(p[:len(p)-1]).equal(prefix) {
				if _, ok := inputs[p[len(p)-1]]; !ok {
					s.warn(fmt.Sprintf("input '%s' has an override for a non-existent input '%s'", prefix, p[len(p)-1]))
				}
			}
		}
		for _, id := range names {
			if err := x.lockInput(id, inputs[id], node, prefix, oldNode, followsPrefix, src, trustLock, flags, useInputs,
				overrides, cli, overridesUsed, updatesUsed, updates, updateList, nodePaths, &parents, computeLocks); err != nil {
				return withTrace(err, "while updating the flake input '%s'", prefix.append(id))
			}
		}
		return nil
	}
	var oldRoot *Node
	if !flags.RecreateLockFile {
		oldRoot = oldLock.Root
	}
	if err := computeLocks(flake.Inputs, newLock.Root, nil, oldRoot, nil, flake.Dir, false); err != nil {
		return nil, err
	}
	for _, o := range flags.InputOverrides {
		if !overridesUsed[o.Path.String()] {
			s.warn(fmt.Sprintf("the flag '--override-input %s %s' does not match any input", o.Path, o.Ref))
		}
	}
	for _, u := range flags.InputUpdates {
		if !updatesUsed[u.String()] {
			s.warn(fmt.Sprintf("'%s' does not match any input of this flake", u))
		}
	}
	if err := newLock.Check(); err != nil {
		return nil, err
	}
	res := &LockedFlake{Flake: flake, LockFile: newLock, NodePaths: nodePaths}
	if newLock.Equal(oldLock) && flags.OutputLockFile == "" {
		return res, nil
	}
	diff := Diff(oldLock, newLock, x.Color)
	if flags.NoWriteLockFile {
		s.warn(fmt.Sprintf("not writing modified lock file of flake '%s':\n%s", top, strings.TrimRight(diff, "\n")))
		flake.ForceDirty = true
		return res, nil
	}
	srcPath := sourcePathOf(top.Input)
	if srcPath == "" && flags.OutputLockFile == "" {
		return nil, fmt.Errorf("cannot write modified lock file of flake '%s' (use '--no-write-lock-file' to ignore)", top)
	}
	if u := newLock.Unlocked(); u != nil {
		if flags.FailOnUnlocked {
			return nil, fmt.Errorf("Not writing lock file of flake '%s' because it has an unlocked input ('%s'). Use '--allow-dirty-locks' to allow this anyway.", top, u)
		}
		if s.WarnDirty {
			s.warn(fmt.Sprintf("not writing lock file of flake '%s' because it has an unlocked input ('%s')", top, u))
		}
		return res, nil
	}
	if flags.NoUpdateLockFile {
		return nil, fmt.Errorf("flake '%s' requires lock file changes but they're not allowed due to '--no-update-lock-file'", top)
	}
	text := newLock.String() + "\n"
	if flags.OutputLockFile != "" {
		if flags.CommitLockFile {
			return nil, errors.New("'--commit-lock-file' and '--output-lock-file' are incompatible")
		}
		if err := os.WriteFile(flags.OutputLockFile, []byte(text), 0o644); err != nil {
			return nil, err
		}
		res.Written = true
		return res, nil
	}
	rel := "flake.lock"
	if top.Subdir != "" {
		rel = top.Subdir + "/flake.lock"
	}
	out := filepath.Join(srcPath, rel)
	_, statErr := os.Stat(out)
	existed := statErr == nil
	if flags.CommitLockFile && top.Input.Type() != "git" {
		return nil, fmt.Errorf("cannot commit '%s' of flake '%s' because it is not in a Git repository (--commit-lock-file needs a git flake; drop the flag to only write the lock file)", rel, top)
	}
	d := strings.TrimRight(diff, "\n")
	switch {
	case existed && d == "":
		s.warn(fmt.Sprintf("updating lock file %q", out))
	case existed:
		s.warn(fmt.Sprintf("updating lock file %q:\n%s", out, d))
	default:
		s.warn(fmt.Sprintf("creating lock file %q: \n%s", out, d))
	}
	if err := writeFileAtomic(out, []byte(text)); err != nil {
		return nil, fmt.Errorf("writing lock file %q: %w", out, err)
	}
	committed := false
	if top.Input.Type() == "git" {
		ignored := gitAddIntent(srcPath, rel)
		if flags.CommitLockFile {
			if ignored {
				s.warn(fmt.Sprintf("not committing '%s' because Git ignores it", rel))
			} else {
				msg := commitMessage(rel, existed, flags.CommitLockFileSummary, Diff(oldLock, newLock, false))
				if err := gitCommitFile(srcPath, rel, msg); err != nil {
					return nil, fmt.Errorf("committing lock file %q: %w", out, err)
				}
				committed = true
			}
		}
	}
	res.Written = true
	// The source changed: read the flake again.
	delete(x.cache, fmt.Sprintf("%d\x00%s", useTop, top.Input.Attrs.JSON().Compact()))
	fl2, err := x.getFlake(top, useTop, nil)
	if err != nil {
		return nil, err
	}
	if committed {
		if rev := fl2.LockedRef.Input.Rev(); rev != "" && rev != flake.LockedRef.Input.Rev() {
			s.warn(fmt.Sprintf("committed new revision '%s'", rev))
		}
	}
	res.Flake = fl2
	res.NodePaths[newLock.Root] = fl2.Dir
	return res, nil
}

// lockInput is the body of computeLocks for one input.
func (x *Session) lockInput(id string, input2 *FlakeInput, node *Node, prefix InputPath, oldNode *Node, followsPrefix InputPath,
	src Source, trustLock bool, flags LockFlags, useInputs UseRegistries, overrides map[string]*overrideTarget,
	cli, overridesUsed, updatesUsed, updates map[string]bool, updateList []InputPath, nodePaths map[*Node]Source, parents *[]Ref,
	computeLocks func(map[string]*FlakeInput, *Node, InputPath, *Node, InputPath, Source, bool) error) error {
	inputPath := prefix.append(id)
	key := inputPath.String()
	ovr, hasOverride := overrides[key]
	hasCli := cli[key]
	if hasOverride {
		overridesUsed[key] = true
	}
	input := input2.clone()
	overriddenSrc := src
	if hasOverride {
		input = ovr.input.clone()
		overriddenSrc = ovr.source
		input.IsFlake = input2.IsFlake
	}
	if input.HasFollow {
		node.Inputs[id] = Edge{Follows: append(InputPath{}, input.Follows...)}
		return nil
	}
	if input.Ref == nil {
		r := Ref{Input: &Input{Attrs: Attrs{"type": Str("indirect"), "id": Str(id)}, scheme: indirectScheme{}}}
		input.Ref = &r
	}
	rel, isRel := input.Ref.Input.IsRelative()
	var parentPath InputPath
	hasParentPath := false
	if isRel {
		hasParentPath = true
		if hasOverride {
			parentPath, hasParentPath = ovr.parent, ovr.hasParent
		} else {
			parentPath = append(InputPath{}, prefix...)
		}
	}
	resolvedRel := func() Source { return overriddenSrc.Join(rel) }
	getInputFlake := func(r Ref, use UseRegistries) (*Flake, error) {
		if isRel {
			d := resolvedRel().Join(r.Subdir)
			return readFlake(x.State, r, r, r, d, inputPath)
		}
		return x.getFlake(r, use, inputPath)
	}
	var oldLock *Node
	updatesUsed[key] = true
	if oldNode != nil && !updates[key] {
		if e, ok := oldNode.Inputs[id]; ok && e.Node != nil {
			oldLock = e.Node
		}
	}
	keep := oldLock != nil && oldLock.Original.Canonicalize().Equal(input.Ref.Canonicalize()) &&
		oldLock.HasParent == hasParentPath && oldLock.Parent.equal(parentPath) && !hasCli
	// Nix 2.8 recorded the input's own reference as "original" of an
	// input overridden by a parent flake (current Nix records the
	// override). Keep such an entry while its locked source still is the
	// override, so that lock files written by Nix 2.8 stay unchanged.
	if !keep && oldLock != nil && hasOverride && !hasCli && input2.Ref != nil && !isRel &&
		oldLock.Original.Canonicalize().Equal(input2.Ref.Canonicalize()) && lockedFrom(oldLock.Locked, *input.Ref) {
		keep = true
	}
	if keep {
		child := &Node{Inputs: map[string]Edge{}, Locked: oldLock.Locked, Original: oldLock.Original, IsFlake: oldLock.IsFlake,
			Parent: oldLock.Parent, HasParent: oldLock.HasParent}
		node.Inputs[id] = Edge{Node: child}
		mustRefetch := false
		i := sort.Search(len(updateList), func(i int) bool { return !updateList[i].less(inputPath) })
		if i < len(updateList) && len(updateList[i]) > len(inputPath) && InputPath(updateList[i][:len(inputPath)]).equal(inputPath) {
			mustRefetch = true
		}
		fake := map[string]*FlakeInput{}
		if !mustRefetch {
			for _, name := range oldLock.inputNames() {
				e := oldLock.Inputs[name]
				if e.Node != nil {
					r := e.Node.Original
					fake[name] = &FlakeInput{Ref: &r, IsFlake: e.Node.IsFlake}
					continue
				}
				if !trustLock {
					if _, ok := overrides[inputPath.append(name).String()]; !ok {
						mustRefetch = true
						break
					}
				}
				fake[name] = &FlakeInput{Follows: append(append(InputPath{}, followsPrefix...), e.Follows...), HasFollow: true, IsFlake: true}
			}
		}
		if mustRefetch {
			fl, err := getInputFlake(oldLock.Locked, useInputs)
			if err != nil {
				return err
			}
			nodePaths[child] = fl.Dir
			return computeLocks(fl.Inputs, child, inputPath, oldLock, followsPrefix, fl.Dir, false)
		}
		return computeLocks(fake, child, inputPath, oldLock, followsPrefix, src, true)
	}
	if flags.Pure && !input.Ref.Input.IsLocked() && !isRel {
		return fmt.Errorf("cannot update unlocked flake input '%s' in pure mode", inputPath)
	}
	original := *input.Ref
	if input2.Ref != nil && hasCli {
		original = *input2.Ref
	}
	use := useInputs
	if hasCli && useInputs != UseNoRegistries {
		use = UseAllRegistries
	}
	if input.IsFlake {
		fl, err := getInputFlake(*input.Ref, use)
		if err != nil {
			return err
		}
		child := &Node{Inputs: map[string]Edge{}, Locked: fl.LockedRef, Original: original, IsFlake: true, Parent: parentPath, HasParent: hasParentPath}
		node.Inputs[id] = Edge{Node: child}
		for _, p := range *parents {
			if p.Equal(*input.Ref) {
				return fmt.Errorf("found circular import of flake '%s'", p)
			}
		}
		*parents = append(*parents, *input.Ref)
		defer func() { *parents = (*parents)[:len(*parents)-1] }()
		nodePaths[child] = fl.Dir
		old, err := readLockFileAt(fl.LockFilePath(), x.Settings.Warn)
		if err != nil {
			return err
		}
		return computeLocks(fl.Inputs, child, inputPath, old.Root, inputPath, fl.Dir, false)
	}
	var path Source
	var locked Ref
	if isRel {
		path, locked = resolvedRel().Join(input.Ref.Subdir), *input.Ref
	} else {
		f, err := x.fetchResolved(input.Ref.Input, use)
		if err != nil {
			return err
		}
		locked = Ref{Input: f.locked.Clone(), Subdir: input.Ref.Subdir}
		path = x.source(f.storePath, input.Ref.Subdir)
	}
	child := &Node{Inputs: map[string]Edge{}, Locked: locked, Original: original, IsFlake: false, Parent: parentPath, HasParent: hasParentPath}
	nodePaths[child] = path
	node.Inputs[id] = Edge{Node: child}
	return nil
}

// lockedFrom reports whether a locked reference can have come from
// fetching ref: same type and subdirectory, and every attribute of ref
// present with the same value.
func lockedFrom(locked, ref Ref) bool {
	if locked.Subdir != ref.Subdir || locked.Input.Type() != ref.Input.Type() {
		return false
	}
	for k, v := range ref.Input.Attrs {
		if w, ok := locked.Input.Attrs[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// sourcePathOf is the local directory of a path input or a local Git
// work tree ("" for anything else).
func sourcePathOf(in *Input) string {
	switch in.Type() {
	case "path":
		if p := in.Attrs.Str("path"); filepath.IsAbs(p) {
			return p
		}
	case "git":
		if repo, _, err := gitRepoLocation(in); err == nil {
			return repo
		}
	}
	return ""
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".flake.lock-")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// gitAddIntent marks a new file as tracked (git add --intent-to-add)
// unless it is ignored, as Nix does after writing flake.lock.
// It reports whether Git ignores the file (then it is not added).
func gitAddIntent(repo, rel string) (ignored bool) {
	if exec.Command("git", "-C", repo, "check-ignore", "--quiet", rel).Run() == nil {
		return true
	}
	exec.Command("git", "-C", repo, "add", "--intent-to-add", "--", rel).Run()
	return false
}
