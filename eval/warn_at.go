package eval

import "fmt"

// WarnAt prints a warning with a source position and trace lines, as
// Nix logs a warning that carries error information ("warning:", the
// traces, "warning: MSG" and the position's code frame).
func (st *State) WarnAt(msg string, pos Pos, traces []Trace) {
	fmt.Fprint(st.opts.Stderr, st.formatWarning("warning: ", msg, pos, traces))
}
