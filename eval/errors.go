package eval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gonix/gonix/parser"
)

// ErrorKind classifies evaluation errors the way Nix's exception
// hierarchy does; it decides what builtins.tryEval catches.
type ErrorKind uint8

// Error kinds.
const (
	// ErrEval is a generic evaluation error.
	ErrEval ErrorKind = iota
	// ErrAssertion is a failed assert (caught by tryEval).
	ErrAssertion
	// ErrThrown is builtins.throw (caught by tryEval).
	ErrThrown
	// ErrAbort is builtins.abort.
	ErrAbort
	// ErrType is a type mismatch.
	ErrType
	// ErrUndefinedVar is an unbound variable under with.
	ErrUndefinedVar
	// ErrMissingArgument is an auto-call without a value for an argument.
	ErrMissingArgument
	// ErrInfiniteRecursion is a thunk forced while being forced.
	ErrInfiniteRecursion
	// ErrStackOverflow is exceeding max-call-depth.
	ErrStackOverflow
	// ErrParse is a syntax error in an imported file or string.
	ErrParse
	// ErrIO is a failure reading a file or directory.
	ErrIO
	// ErrInternal is a bug in the evaluator (a recovered Go panic).
	ErrInternal
)

// Trace is one line of an error's trace.
type Trace struct {
	Pos Pos
	Msg string
	// Always is set for traces printed even when the trace is truncated.
	Always bool
}

// Error is an evaluation error with its position and trace. Traces are
// stored innermost first; they print outermost first.
type Error struct {
	Kind ErrorKind
	Msg  string
	Pos  Pos
	// Traces are the context lines, innermost first.
	Traces      []Trace
	Suggestions []string
	// NoPosFrame is set when the message must print without the "at"
	// block even though Pos is known (unused by most errors).
	pt *posTable
	// blackhole is the thunk found re-entered (infinite recursion).
	blackhole *Thunk
	// Usage marks errors Nix reports as usage errors: they print a
	// "Try 'nix-instantiate --help'" line after the message.
	Usage bool
}

// Error returns the message and, when known, the position.
func (e *Error) Error() string {
	if e.Pos != NoPos && e.pt != nil {
		if l := e.pt.locate(e.Pos); l.Valid() {
			return e.Msg + " at " + l.String()
		}
	}
	return e.Msg
}

// Location returns the position of the error.
func (e *Error) Location() Location {
	if e.pt == nil {
		return Location{}
	}
	return e.pt.locate(e.Pos)
}

// AddTrace appends a trace line (it prints before the lines added
// earlier).
func (e *Error) AddTrace(pos Pos, msg string) {
	e.Traces = append(e.Traces, Trace{Pos: pos, Msg: msg})
}

// Catchable reports whether builtins.tryEval catches the error.
func (e *Error) Catchable() bool {
	return e.Kind == ErrAssertion || e.Kind == ErrThrown
}

// Format renders the error exactly as Nix prints it on standard error
// (without colours): traces (all of them with showTrace, else the first
// few), the message, its position with a code excerpt, and suggestions.
// The result ends in a newline.
func (e *Error) Format(showTrace bool) string {
	s := formatDiagnostic("error: ", e.Msg, e.Pos, e.Traces, e.Suggestions, showTrace, e.pt)
	if e.Usage {
		s += "Try 'nix-instantiate --help' for more information.\n"
	}
	return s
}

func (pt *posTable) writePos(b *strings.Builder, indent string, p Pos) bool {
	if p == NoPos || pt == nil {
		return false
	}
	l := pt.locate(p)
	if !l.Valid() {
		return false
	}
	b.WriteString(indent)
	b.WriteString("at ")
	b.WriteString(l.String())
	b.WriteString(":")
	if l.Src != "" || l.Line > 0 {
		b.WriteString(l.parserLoc().CodeLines())
		b.WriteString("\n")
	}
	return true
}

type traceKey struct {
	pos Pos
	msg string
}

// formatDiagnostic lays out a message with traces like Nix's
// showErrorInfo.
func formatDiagnostic(prefix, msg string, pos Pos, traces []Trace, suggestions []string, showTrace bool, pt *posTable) string {
	var b strings.Builder
	if len(traces) > 0 {
		seen := map[traceKey]bool{}
		var skipped []Trace
		count := 0
		truncate := false
		printTrace := func(t Trace) {
			b.WriteString("\n… ")
			b.WriteString(t.Msg)
			b.WriteString("\n")
			if pt.writePos(&b, "  ", t.Pos) {
				count++
			}
		}
		flush := func() {
			if len(skipped) > 0 {
				if len(skipped) <= 5 {
					for _, t := range skipped {
						printTrace(t)
					}
				} else {
					fmt.Fprintf(&b, "\n(%d duplicate frames omitted)\n", len(skipped))
					seen = map[traceKey]bool{}
				}
			}
			skipped = skipped[:0]
		}
		for i := len(traces) - 1; i >= 0; i-- {
			t := traces[i]
			if t.Msg == "" {
				continue
			}
			if !showTrace && count > 3 {
				truncate = true
			}
			if !truncate || t.Always {
				k := traceKey{t.Pos, t.Msg}
				if seen[k] {
					skipped = append(skipped, t)
					continue
				}
				seen[k] = true
				flush()
				count++
				printTrace(t)
			}
		}
		flush()
		if truncate {
			b.WriteString("\n(stack trace truncated; use '--show-trace' to show the full, detailed trace)\n")
		}
		b.WriteString("\n")
		b.WriteString(prefix)
	}
	b.WriteString(msg)
	b.WriteString("\n")
	pt.writePos(&b, "", pos)
	if len(suggestions) > 0 {
		b.WriteString("Did you mean ")
		b.WriteString(showSuggestions(suggestions))
		b.WriteString("?\n")
	}
	body := strings.TrimRight(b.String(), " \t\n\r")
	return indentLines(prefix, body)
}

// indentLines prefixes the first line of s with prefix and indents every
// other line to align with it, trimming trailing blanks from each line,
// as Nix's error printer does; the result ends in a newline.
func indentLines(prefix, s string) string {
	pad := strings.Repeat(" ", len([]rune(prefix)))
	lines := strings.Split(s, "\n")
	var b strings.Builder
	for i, ln := range lines {
		if i > 0 {
			b.WriteByte('\n')
			ln = pad + ln
		} else {
			ln = prefix + ln
		}
		b.WriteString(strings.TrimRight(ln, " \t\r\n"))
	}
	b.WriteByte('\n')
	return b.String()
}

func showSuggestions(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	var b strings.Builder
	b.WriteString("one of ")
	for i, x := range s {
		switch {
		case i == 0:
		case i == len(s)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(x)
	}
	return b.String()
}

// levenshtein computes the edit distance between a and b.
func levenshtein(a, b string) int {
	v0 := make([]int, len(b)+1)
	v1 := make([]int, len(b)+1)
	for i := range v0 {
		v0[i] = i
	}
	for i := 0; i < len(a); i++ {
		v1[0] = i + 1
		for j := 0; j < len(b); j++ {
			del := v0[j+1] + 1
			ins := v1[j] + 1
			sub := v0[j]
			if a[i] != b[j] {
				sub++
			}
			v1[j+1] = min(del, ins, sub)
		}
		v0, v1 = v1, v0
	}
	return v0[len(b)]
}

// bestMatches returns up to 5 candidates within edit distance 2 of query,
// closest first, as Nix's Suggestions::bestMatches + trim.
func bestMatches(candidates []string, query string) []string {
	type sug struct {
		d int
		s string
	}
	var all []sug
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		all = append(all, sug{levenshtein(query, c), c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d < all[j].d
		}
		return all[i].s < all[j].s
	})
	var out []string
	for _, x := range all {
		if len(out) >= 5 || x.d > 2 {
			break
		}
		out = append(out, x.s)
	}
	// Nix keeps the trimmed set ordered by (distance, name) too.
	return out
}

// FormatWarning renders a warning ("evaluation warning: …") with traces.
func (st *State) formatWarning(prefix, msg string, pos Pos, traces []Trace) string {
	return formatDiagnostic(prefix, msg, pos, traces, nil, st.opts.ShowTrace, st.pos)
}

// ParseError converts the first syntax error of a tree to an *Error.
func (st *State) parseError(src *Source, t *parser.Tree) *Error {
	e := t.Errors[0]
	off := e.Start
	if strings.HasPrefix(e.Msg, "syntax error, unexpected end of file") {
		off = e.End
	}
	return &Error{Kind: ErrParse, Msg: e.Msg, Pos: src.at(off), pt: st.pos}
}
