package build

import (
	"fmt"
	"strings"
	"time"
)

// SandboxMode says whether builds run in the namespace sandbox.
type SandboxMode int

const (
	// SandboxAuto uses the sandbox when the machine allows it and warns
	// (through the Reporter) when it falls back.
	SandboxAuto SandboxMode = iota
	// SandboxOn requires the sandbox: builds fail where it is unavailable.
	SandboxOn
	// SandboxOff runs builders directly on the host (Nix's sandbox =
	// false); only possible for a store rooted at "/".
	SandboxOff
)

// ParseSandboxMode parses Nix's sandbox setting: true, false or relaxed
// (treated as true).
func ParseSandboxMode(s string) (SandboxMode, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "relaxed":
		return SandboxOn, nil
	case "false", "0", "no":
		return SandboxOff, nil
	case "auto", "":
		return SandboxAuto, nil
	}
	return 0, fmt.Errorf("invalid sandbox setting '%s' (want true, false or relaxed)", s)
}

// Options configure Realise.
type Options struct {
	// Jobs is the number of builds run in parallel (-j); 0 means 1.
	Jobs int
	// Cores is NIX_BUILD_CORES; 0 means the number of CPUs.
	Cores int
	// KeepGoing builds every derivation that does not depend on a failed
	// one instead of stopping at the first failure.
	KeepGoing bool
	// KeepFailed keeps the build directory of failed builds.
	KeepFailed bool
	// Sandbox selects sandboxing; SandboxPaths are extra host paths
	// visible in it ("PATH", "TARGET=SOURCE", "PATH?" when optional).
	// The default set is /bin/sh (with its shared libraries).
	Sandbox      SandboxMode
	SandboxPaths []string
	// BuildDir is where build directories are created (default $TMPDIR
	// or /tmp).
	BuildDir string
	// Timeout kills a builder running longer (0: no limit).
	Timeout time.Duration
	// Substituters are consulted before building (in order).
	Substituters []Substituter
	// Reporter receives progress events; may be nil.
	Reporter Reporter
	// Getenv supplies impureEnvVars of fixed-output derivations (default
	// os.Getenv).
	Getenv func(string) string
	// LogTail is how many log lines a failure message shows (default 10).
	LogTail int
}

// Request names a derivation and the outputs wanted from it (nil or
// ["*"]: all outputs).
type Request struct {
	DrvPath string
	Outputs []string
}

// ParseRequest parses "DRV", "DRV^out,dev" or "DRV^*" (also the older
// "DRV!out" form).
func ParseRequest(s string) Request {
	for _, sep := range []string{"^", "!"} {
		if i := strings.LastIndex(s, sep); i > 0 && strings.HasSuffix(s[:i], ".drv") {
			outs := strings.Split(s[i+1:], ",")
			if len(outs) == 1 && outs[0] == "*" {
				outs = nil
			}
			return Request{DrvPath: s[:i], Outputs: outs}
		}
	}
	return Request{DrvPath: s}
}

// Status says how a requested derivation was realised.
type Status int

const (
	// AlreadyValid: every wanted output was valid before.
	AlreadyValid Status = iota
	// Built: the builder ran and its outputs were registered.
	Built
	// Substituted: the outputs came from a binary cache.
	Substituted
	// Failed: the build of this derivation failed.
	Failed
	// DependencyFailed: a dependency failed, so this was not built.
	DependencyFailed
	// Cancelled: not built because another build failed (no KeepGoing).
	Cancelled
)

func (s Status) String() string {
	return [...]string{"valid", "built", "substituted", "failed", "dependency failed", "cancelled"}[s]
}

// Result is the outcome for one request.
type Result struct {
	DrvPath string
	// Outputs maps the requested output names to their store paths.
	Outputs map[string]string
	Status  Status
	// Err is the build error (Failed), or the failed dependency's error
	// wrapped (DependencyFailed).
	Err error
}

// Substituter is a binary cache (store/substitute implements it).
type Substituter interface {
	// URL names the cache in messages.
	URL() string
	// Has reports whether the cache has path.
	Has(path string) (bool, error)
	// Fetch copies path (and nothing else) into the store; its references
	// must be valid already.
	Fetch(path string) error
	// References returns the references of a path the cache has.
	References(path string) ([]string, error)
}

// EventKind tells what happened.
type EventKind int

// Events reported during Realise.
const (
	// EvPlanned: the plan is known (Total builds, Substitutions).
	EvPlanned EventKind = iota
	// EvStarted: a build started (Drv, Name).
	EvStarted
	// EvLog: a line of build output (Drv, Line).
	EvLog
	// EvFinished: a build succeeded.
	EvFinished
	// EvFailed: a build failed (Err).
	EvFailed
	// EvSubstituting: copying a path from a binary cache (Path, URL).
	EvSubstituting
	// EvWarning: a warning (Line), e.g. the sandbox fallback.
	EvWarning
)

// Event is one progress report.
type Event struct {
	Kind  EventKind
	Drv   string
	Name  string
	Line  string
	Path  string
	URL   string
	Err   error
	Done  int // builds finished so far (successfully or not)
	Total int // builds planned
	// Substitutions planned (EvPlanned).
	Substitutions int
}

// Reporter receives events. Calls come from several goroutines but are
// serialised by Realise.
type Reporter interface {
	Report(Event)
}

// ReporterFunc adapts a function to Reporter.
type ReporterFunc func(Event)

// Report calls f.
func (f ReporterFunc) Report(e Event) { f(e) }
