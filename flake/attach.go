package flake

import (
	"errors"

	"github.com/gonix/gonix/eval"
)

type settingsKey struct{}

// Attach makes s the settings builtins.getFlake (and fetchTree for
// flake input types) use in evaluations by st.
func Attach(st *eval.State, s *Settings) {
	st.Ext(settingsKey{}, func() any { return s })
}

// SettingsOf returns the settings attached to st, or nil.
func SettingsOf(st *eval.State) *Settings {
	v := st.Ext(settingsKey{}, func() any { return (*Settings)(nil) })
	s, _ := v.(*Settings)
	return s
}

// AsEvalError turns an error from this package into an evaluation error
// with the trace lines of its context (for reporting by the evaluator,
// or raising from a builtin).
func AsEvalError(st *eval.State, err error) *eval.Error {
	var te *TraceError
	if errors.As(err, &te) {
		var ee *eval.Error
		if !errors.As(te.Err, &ee) {
			ee = st.Errorf(eval.ErrEval, "%s", te.Err.Error())
		}
		for _, t := range te.Traces {
			ee.Traces = append(ee.Traces, eval.Trace{Msg: t, Always: true})
		}
		te.Traces = nil
		return ee
	}
	var ee *eval.Error
	if errors.As(err, &ee) {
		return ee
	}
	return st.Errorf(eval.ErrEval, "%s", err.Error())
}

// FormatError renders an error as Nix prints it ("error:" with the
// trace lines, then the message).
func FormatError(st *eval.State, err error) string {
	return st.FormatError(AsEvalError(st, err))
}
