package flake

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// lockedAttrsJSON renders a reference's attributes without the internal
// __final marker.
func lockedAttrsJSON(r Ref) *JSONValue {
	j := r.Attrs().JSON()
	j.Delete("__final")
	return j
}

// MetadataJSON is `nix flake metadata --json`: description, original,
// resolved and locked references (as attributes and URLs), revision,
// revCount, lastModified, the store path and the lock file. (Current
// Nix also prints an evaluation-cache fingerprint, which gonix does not
// compute.)
func (lf *LockedFlake) MetadataJSON() *JSONValue {
	f := lf.Flake
	j := NewObject()
	if f.HasDescription {
		j.Set("description", JSONString(f.Description))
	}
	j.Set("originalUrl", JSONString(f.OriginalRef.String()))
	j.Set("original", lockedAttrsJSON(f.OriginalRef))
	j.Set("resolvedUrl", JSONString(f.ResolvedRef.String()))
	j.Set("resolved", lockedAttrsJSON(f.ResolvedRef))
	j.Set("url", JSONString(f.LockedRef.String()))
	j.Set("locked", lockedAttrsJSON(f.LockedRef))
	if rev := f.LockedRef.Input.Rev(); rev != "" {
		j.Set("revision", JSONString(rev))
	}
	if d := f.LockedRef.Input.Attrs.Str("dirtyRev"); d != "" {
		j.Set("dirtyRevision", JSONString(d))
	}
	if n, ok := f.LockedRef.Input.RevCount(); ok {
		j.Set("revCount", JSONUint(n))
	}
	if n, ok := f.LockedRef.Input.LastModified(); ok {
		j.Set("lastModified", JSONUint(n))
	}
	j.Set("path", JSONString(f.Dir.StorePath))
	locks, _ := lf.LockFile.JSON()
	j.Set("locks", locks)
	return j
}

// Tree drawing characters of Nix's flake metadata and show output.
const (
	treeConn = "├───"
	treeLast = "└───"
	treeLine = "│   "
	treeNull = "    "
)

// WriteMetadata prints `nix flake metadata` in its human-readable form.
// color adds Nix's ANSI bold for the labels.
func (lf *LockedFlake) WriteMetadata(w io.Writer, color bool) {
	bold, normal := "", ""
	if color {
		bold, normal = "\x1b[1m", "\x1b[0m"
	}
	f := lf.Flake
	fmt.Fprintf(w, "%sResolved URL:%s  %s\n", bold, normal, f.ResolvedRef)
	if f.LockedRef.Input.IsLocked() {
		fmt.Fprintf(w, "%sLocked URL:%s    %s\n", bold, normal, f.LockedRef)
	}
	if f.HasDescription {
		fmt.Fprintf(w, "%sDescription:%s   %s\n", bold, normal, f.Description)
	}
	fmt.Fprintf(w, "%sPath:%s          %s\n", bold, normal, f.Dir.StorePath)
	if rev := f.LockedRef.Input.Rev(); rev != "" {
		fmt.Fprintf(w, "%sRevision:%s      %s\n", bold, normal, rev)
	}
	if d := f.LockedRef.Input.Attrs.Str("dirtyRev"); d != "" {
		fmt.Fprintf(w, "%sRevision:%s      %s\n", bold, normal, d)
	}
	if n, ok := f.LockedRef.Input.RevCount(); ok {
		fmt.Fprintf(w, "%sRevisions:%s     %d\n", bold, normal, n)
	}
	if n, ok := f.LockedRef.Input.LastModified(); ok {
		fmt.Fprintf(w, "%sLast modified:%s %s\n", bold, normal, time.Unix(int64(n), 0).Local().Format("2006-01-02 15:04:05"))
	}
	root := lf.LockFile.Root
	if len(root.Inputs) == 0 {
		return
	}
	fmt.Fprintf(w, "%sInputs:%s\n", bold, normal)
	visited := map[*Node]bool{root: true}
	var rec func(n *Node, prefix string)
	rec = func(n *Node, prefix string) {
		names := n.inputNames()
		for i, name := range names {
			last := i == len(names)-1
			conn, next := treeConn, treeLine
			if last {
				conn, next = treeLast, treeNull
			}
			e := n.Inputs[name]
			if e.Node != nil {
				lm := ""
				if t, ok := e.Node.Locked.Input.LastModified(); ok {
					lm = " (" + time.Unix(int64(t), 0).UTC().Format("2006-01-02 15:04:05") + ")"
				}
				fmt.Fprintf(w, "%s%s%s%s: %s%s\n", prefix+conn, bold, name, normal, e.Node.Locked, lm)
				if !visited[e.Node] {
					visited[e.Node] = true
					rec(e.Node, prefix+next)
				}
			} else {
				fmt.Fprintf(w, "%s%s%s%s follows input '%s'\n", prefix+conn, bold, name, normal, strings.Join(e.Follows, "/"))
			}
		}
	}
	rec(root, "")
}
