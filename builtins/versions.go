package builtins

import (
	"strconv"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("versions", 0, registerVersions) }

func registerVersions(r *eval.Registry) {
	prim(r, "parseDrvName", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.parseDrvName")
		name, version := ParseDrvName(s)
		b := eval.NewAttrsBuilder(2)
		b.Add(st.Sym("name"), eval.NewString(name), eval.NoPos)
		b.Add(st.Sym("version"), eval.NewString(version), eval.NoPos)
		return b.Finish(eval.NoPos)
	})
	prim(r, "compareVersions", 2, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		a := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.compareVersions")
		b := st.ForceStringNoCtx(args[1], eval.NoPos, "while evaluating the second argument passed to builtins.compareVersions")
		return eval.Int(CompareVersions(a, b))
	})
	prim(r, "splitVersion", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.splitVersion")
		var out []eval.Value
		for p := 0; p < len(s); {
			var c string
			c, p = nextComponent(s, p)
			if c == "" {
				break
			}
			out = append(out, eval.NewString(c))
		}
		return eval.NewList(out)
	})
}

// ParseDrvName splits "name-version" at the first dash not followed by
// a letter.
func ParseDrvName(s string) (name, version string) {
	for i := 0; i < len(s); i++ {
		if s[i] == '-' && i+1 < len(s) && !isAlpha(s[i+1]) {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// nextComponent returns the version component starting at or after p.
func nextComponent(s string, p int) (string, int) {
	for p < len(s) && (s[p] == '.' || s[p] == '-') {
		p++
	}
	if p >= len(s) {
		return "", p
	}
	start := p
	if isDigit(s[p]) {
		for p < len(s) && isDigit(s[p]) {
			p++
		}
	} else {
		for p < len(s) && !isDigit(s[p]) && s[p] != '.' && s[p] != '-' {
			p++
		}
	}
	return s[start:p], p
}

func toInt32(s string) (int, bool) {
	n, err := strconv.ParseInt(s, 10, 32)
	return int(n), err == nil
}

func componentsLT(c1, c2 string) bool {
	n1, ok1 := toInt32(c1)
	n2, ok2 := toInt32(c2)
	switch {
	case ok1 && ok2:
		return n1 < n2
	case c1 == "" && ok2:
		return true
	case c1 == "pre" && c2 != "pre":
		return true
	case c2 == "pre":
		return false
	case ok2:
		return true
	case ok1:
		return false
	}
	return c1 < c2
}

// CompareVersions compares two version strings like Nix (-1, 0 or 1).
func CompareVersions(v1, v2 string) int {
	p1, p2 := 0, 0
	for p1 < len(v1) || p2 < len(v2) {
		var c1, c2 string
		c1, p1 = nextComponent(v1, p1)
		c2, p2 = nextComponent(v2, p2)
		if componentsLT(c1, c2) {
			return -1
		}
		if componentsLT(c2, c1) {
			return 1
		}
	}
	return 0
}
