package builtins

import (
	"fmt"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("toml", 0, registerTOML) }

func registerTOML(r *eval.Registry) {
	prim(r, "fromTOML", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		src := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the argument passed to builtins.fromTOML")
		var doc map[string]any
		if _, err := toml.Decode(src, &doc); err != nil {
			st.Raise(st.Errorf(eval.ErrEval, "while parsing TOML: %s", tomlErr(err)))
		}
		v, err := tomlValue(st, doc)
		if err != nil {
			st.Raise(err)
		}
		return v
	})
}

func tomlErr(err error) string {
	if pe, ok := err.(toml.ParseError); ok {
		return pe.Message
	}
	return err.Error()
}

func tomlValue(st *eval.State, x any) (eval.Value, *eval.Error) {
	switch v := x.(type) {
	case map[string]any:
		b := eval.NewAttrsBuilder(len(v))
		for k, e := range v {
			if strings.IndexByte(k, 0) >= 0 {
				return nil, nullByteErr(st, k)
			}
			ev, err := tomlValue(st, e)
			if err != nil {
				return nil, err
			}
			b.Add(st.Sym(k), ev, eval.NoPos)
		}
		return b.Finish(eval.NoPos), nil
	case []map[string]any:
		out := make([]eval.Value, len(v))
		for i, e := range v {
			ev, err := tomlValue(st, e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return eval.NewList(out), nil
	case []any:
		out := make([]eval.Value, len(v))
		for i, e := range v {
			ev, err := tomlValue(st, e)
			if err != nil {
				return nil, err
			}
			out[i] = ev
		}
		return eval.NewList(out), nil
	case bool:
		return eval.Bool(v), nil
	case int64:
		return eval.Int(v), nil
	case float64:
		return eval.Float(v), nil
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return nil, nullByteErr(st, v)
		}
		return eval.NewString(v), nil
	case time.Time:
		if !st.Feature("parse-toml-timestamps") {
			return nil, st.Errorf(eval.ErrEval, "while parsing TOML: Dates and times are not supported")
		}
		b := eval.NewAttrsBuilder(2)
		b.Add(st.Sym("_type"), eval.NewString("timestamp"), eval.NoPos)
		b.Add(st.Sym("value"), eval.NewString(formatTOMLTime(v)), eval.NoPos)
		return b.Finish(eval.NoPos), nil
	}
	return nil, st.Errorf(eval.ErrEval, "while parsing TOML: unsupported value %T", x)
}

// formatTOMLTime renders a TOML date/time as Nix does: upper-case T,
// seconds always, sub-seconds with 0, 3, 6 or 9 digits.
func formatTOMLTime(t time.Time) string {
	frac := func() string {
		ns := t.Nanosecond()
		switch {
		case ns == 0:
			return ""
		case ns%1000000 == 0:
			return fmt.Sprintf(".%03d", ns/1000000)
		case ns%1000 == 0:
			return fmt.Sprintf(".%06d", ns/1000)
		}
		return fmt.Sprintf(".%09d", ns)
	}
	date := t.Format("2006-01-02")
	clock := t.Format("15:04:05") + frac()
	switch t.Location().String() {
	case "date-local":
		return date
	case "time-local":
		return clock
	case "datetime-local":
		return date + "T" + clock
	}
	_, off := t.Zone()
	if off == 0 {
		return date + "T" + clock + "Z"
	}
	sign := "+"
	if off < 0 {
		sign = "-"
		off = -off
	}
	return fmt.Sprintf("%sT%s%s%02d:%02d", date, clock, sign, off/3600, off/60%60)
}
