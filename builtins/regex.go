package builtins

import (
	"regexp"
	"regexp/syntax"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("regex", 0, registerRegex) }

// regexCache compiles each pattern once per State.
type regexCache struct {
	full    map[string]*regexp.Regexp // anchored (match)
	partial map[string]*regexp.Regexp // unanchored (split)
}

type regexCacheKey struct{}

func getRegexCache(st *eval.State) *regexCache {
	return st.Ext(regexCacheKey{}, func() any {
		return &regexCache{full: map[string]*regexp.Regexp{}, partial: map[string]*regexp.Regexp{}}
	}).(*regexCache)
}

// compileERE compiles a POSIX extended regular expression with
// leftmost-longest semantics where '.' matches newlines, as libstdc++'s
// std::regex::extended does.
func compileERE(re string, anchored bool) (*regexp.Regexp, error) {
	parsed, err := syntax.Parse(re, syntax.DotNL|syntax.OneLine)
	if err != nil {
		return nil, err
	}
	s := parsed.String()
	if anchored {
		s = `\A(?:` + s + `)\z`
	}
	r, err := regexp.Compile(s)
	if err != nil {
		return nil, err
	}
	r.Longest()
	return r, nil
}

func (c *regexCache) get(st *eval.State, re string, anchored bool) *regexp.Regexp {
	m := c.partial
	if anchored {
		m = c.full
	}
	if r, ok := m[re]; ok {
		return r
	}
	r, err := compileERE(re, anchored)
	if err != nil {
		st.Raise(st.Errorf(eval.ErrEval, "invalid regular expression '%s'", re))
	}
	m[re] = r
	return r
}

func registerRegex(r *eval.Registry) {
	prim(r, "match", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		re := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.match")
		rx := getRegexCache(st).get(st, re, true)
		s := st.ForceString(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.match").S
		m := rx.FindStringSubmatchIndex(s)
		if m == nil {
			return eval.Null{}
		}
		return eval.NewList(groups(s, m))
	})
	prim(r, "split", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		re := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.split")
		rx := getRegexCache(st).get(st, re, false)
		str := st.ForceString(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.split")
		s := str.S
		ms := rx.FindAllStringSubmatchIndex(s, -1)
		if len(ms) == 0 {
			return eval.NewList([]eval.Value{st.Force(args[1], eval.NoPos)})
		}
		out := make([]eval.Value, 0, 2*len(ms)+1)
		prev := 0
		for _, m := range ms {
			out = append(out, eval.NewString(s[prev:m[0]]))
			out = append(out, eval.NewList(groups(s, m)))
			prev = m[1]
		}
		out = append(out, eval.NewString(s[prev:]))
		return eval.NewList(out)
	})
}

// groups returns the capture groups of a match (null when unmatched).
func groups(s string, m []int) []eval.Value {
	n := len(m)/2 - 1
	out := make([]eval.Value, n)
	for i := 0; i < n; i++ {
		a, b := m[2*i+2], m[2*i+3]
		if a < 0 {
			out[i] = eval.Null{}
		} else {
			out[i] = eval.NewString(s[a:b])
		}
	}
	return out
}
