package builtins

import (
	"strings"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("strings", 0, registerStrings) }

func registerStrings(r *eval.Registry) {
	prim(r, "toString", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		v := st.Force(args[0], eval.NoPos)
		if i, ok := v.(eval.Int); ok {
			return eval.IntString(int64(i))
		}
		var ctx eval.Context
		s := st.CoerceToString(eval.NoPos, v, &ctx, "while evaluating the first argument passed to builtins.toString", eval.CoerceOptions{CoerceMore: true})
		return eval.NewStringCtx(s, ctx)
	})
	prim(r, "substring", 3, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		start := st.ForceInt(args[0], eval.NoPos, "while evaluating the first argument (the start offset) passed to builtins.substring")
		if start < 0 {
			st.Raise(st.Errorf(eval.ErrEval, "negative start position in 'substring'"))
		}
		n := st.ForceInt(args[1], eval.NoPos, "while evaluating the second argument (the substring length) passed to builtins.substring")
		if n == 0 {
			if s, ok := st.Force(args[2], eval.NoPos).(*eval.String); ok {
				return eval.NewStringCtx("", s.Context())
			}
		}
		var ctx eval.Context
		s := st.CoerceToString(eval.NoPos, args[2], &ctx, "while evaluating the third argument (the string) passed to builtins.substring", eval.CoerceOptions{})
		if start >= int64(len(s)) {
			return eval.NewStringCtx("", ctx)
		}
		end := int64(len(s))
		if n >= 0 && start+n < end {
			end = start + n
		}
		return eval.NewStringCtx(s[start:end], ctx)
	})
	prim(r, "stringLength", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.CoerceToString(eval.NoPos, args[0], nil, "while evaluating the argument passed to builtins.stringLength", eval.CoerceOptions{})
		return eval.Int(len(s))
	})
	prim(r, "concatStringsSep", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		sep := st.ForceString(args[0], eval.NoPos, "while evaluating the first argument (the separator string) passed to builtins.concatStringsSep")
		ctx := sep.Context()
		list := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument (the list of strings to concat) passed to builtins.concatStringsSep")
		// Strings (the common case) are joined in two passes without
		// copying the list; other elements are coerced once each.
		n, simple := 0, true
		for i, e := range list {
			s, ok := st.Force(e, eval.NoPos).(*eval.String)
			if !ok {
				simple = false
				break
			}
			if i > 0 {
				n += len(sep.S)
			}
			n += len(s.S)
			if s.HasContext() {
				ctx = ctx.Merge(s.Context())
			}
		}
		if simple {
			var b strings.Builder
			b.Grow(n)
			for i, e := range list {
				if i > 0 {
					b.WriteString(sep.S)
				}
				b.WriteString(st.Force(e, eval.NoPos).(*eval.String).S)
			}
			return eval.NewStringCtx(b.String(), ctx)
		}
		ctx = sep.Context()
		parts := make([]string, len(list))
		for i, e := range list {
			if s, ok := st.Force(e, eval.NoPos).(*eval.String); ok {
				parts[i] = s.S
				if s.HasContext() {
					ctx = ctx.Merge(s.Context())
				}
				continue
			}
			parts[i] = st.CoerceToString(eval.NoPos, e, &ctx, "while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep", eval.CoerceOptions{})
		}
		return eval.NewStringCtx(strings.Join(parts, sep.S), ctx)
	})
	prim(r, "replaceStrings", 3, primReplaceStrings)
}

func primReplaceStrings(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
	fromL := st.ForceList(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.replaceStrings")
	toL := st.ForceList(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.replaceStrings")
	if len(fromL) != len(toL) {
		st.Raise(st.Errorf(eval.ErrEval, "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths"))
	}
	from := make([]string, len(fromL))
	for i, e := range fromL {
		from[i] = st.ForceString(e, eval.NoPos, "while evaluating one of the strings to replace passed to builtins.replaceStrings").S
	}
	to := make([]*string, len(toL))
	str := st.ForceString(args[2], eval.NoPos, "while evaluating the third argument passed to builtins.replaceStrings")
	ctx := str.Context()
	s := str.S
	var b strings.Builder
	for p := 0; p <= len(s); {
		found := false
		for i, f := range from {
			if !strings.HasPrefix(s[p:], f) {
				continue
			}
			found = true
			if to[i] == nil {
				ts := st.ForceString(toL[i], eval.NoPos, "while evaluating one of the replacement strings passed to builtins.replaceStrings")
				ctx = ctx.Merge(ts.Context())
				to[i] = &ts.S
			}
			b.WriteString(*to[i])
			if f == "" {
				if p < len(s) {
					b.WriteByte(s[p])
				}
				p++
			} else {
				p += len(f)
			}
			break
		}
		if !found {
			if p < len(s) {
				b.WriteByte(s[p])
			}
			p++
		}
	}
	return eval.NewStringCtx(b.String(), ctx)
}
