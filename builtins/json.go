package builtins

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gonix/gonix/eval"
)

func init() { addFamily("json", 0, registerJSON) }

func registerJSON(r *eval.Registry) {
	prim(r, "toJSON", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := toJSON(st, args[0], true, eval.NoPos, &ctx)
		return eval.NewStringCtx(s, ctx)
	})
	prim(r, "fromJSON", 1, func(st *eval.State, pos eval.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], eval.NoPos, "while evaluating the first argument passed to builtins.fromJSON")
		p := &jsonParser{st: st, s: s}
		v, err := p.parse()
		if err != nil {
			if !strings.Contains(err.Msg, "null bytes") {
				err.Traces = append(err.Traces, eval.Trace{Msg: "while decoding a JSON string"})
			}
			st.Raise(err)
		}
		return v
	})
}

// JSON serialises v as builtins.toJSON does (strict forces deeply), for
// nix-instantiate --json output. It raises errors by panicking.
func JSON(st *eval.State, v eval.Value, strict bool, pos eval.Pos) string {
	return toJSON(st, v, strict, pos, nil)
}

func toJSON(st *eval.State, v eval.Value, strict bool, pos eval.Pos, ctx *eval.Context) string {
	var b strings.Builder
	w := &jsonWriter{st: st, b: &b, strict: strict, ctx: ctx}
	w.value(v, pos, true)
	return b.String()
}

type jsonWriter struct {
	st     *eval.State
	b      *strings.Builder
	strict bool
	ctx    *eval.Context
	depth  int
}

func (w *jsonWriter) value(v eval.Value, pos eval.Pos, copyToStore bool) {
	st := w.st
	st.EnterCall(pos)
	defer st.LeaveCall()
	if w.strict {
		v = st.Force(v, pos)
	}
	if t, ok := v.(*eval.Thunk); ok {
		if val, done := t.Evaluated(); done {
			v = val
		}
	}
	switch x := v.(type) {
	case eval.Int:
		w.b.WriteString(strconv.FormatInt(int64(x), 10))
	case eval.Bool:
		if x {
			w.b.WriteString("true")
		} else {
			w.b.WriteString("false")
		}
	case eval.Null:
		w.b.WriteString("null")
	case eval.Float:
		w.b.WriteString(jsonFloat(float64(x)))
	case *eval.String:
		if w.ctx != nil {
			*w.ctx = w.ctx.Merge(x.Context())
		}
		w.str(x.S)
	case eval.Path:
		if copyToStore {
			sp, c := st.CopyPathToStore(string(x))
			if w.ctx != nil {
				*w.ctx = w.ctx.Merge(c)
			}
			w.str(sp)
		} else {
			w.str(string(x))
		}
	case *eval.Attrs:
		st.PeelToString(pos, x, true, func(peeled eval.Value, viaToString bool) string {
			if as, ok := peeled.(*eval.Attrs); ok {
				w.object(as, copyToStore)
			} else {
				w.value(peeled, pos, copyToStore && !viaToString)
			}
			return ""
		})
	case *eval.List:
		w.b.WriteByte('[')
		for i, e := range x.Elems {
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.withTrace(pos, func() string { return fmt.Sprintf("while evaluating list element at index %d", i) }, func() {
				w.value(e, pos, copyToStore)
			})
		}
		w.b.WriteByte(']')
	default:
		st.Raise(st.Errorf(eval.ErrType, "cannot convert %s to JSON", eval.ShowType(v)).At(st.DeterminePos(v, pos)))
	}
}

func (w *jsonWriter) object(as *eval.Attrs, copyToStore bool) {
	st := w.st
	w.b.WriteByte('{')
	all := as.All()
	for i, j := range sortedByName(st, all) {
		a := all[j]
		if i > 0 {
			w.b.WriteByte(',')
		}
		w.str(st.SymName(a.Name))
		w.b.WriteByte(':')
		w.withTrace(a.Pos, func() string { return "while evaluating attribute '" + st.ShowSymbol(a.Name) + "'" }, func() {
			w.value(a.Value, a.Pos, copyToStore)
		})
	}
	w.b.WriteByte('}')
}

// withTrace runs f adding a trace line to errors passing through.
func (w *jsonWriter) withTrace(pos eval.Pos, msg func() string, f func()) {
	ok := false
	defer func() {
		if !ok {
			w.st.AddTraceOnError(pos, msg())
		}
	}()
	f()
	ok = true
}

func (w *jsonWriter) str(s string) {
	if !utf8.ValidString(s) {
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				w.st.Raise(w.st.Errorf(eval.ErrEval, "JSON serialization error: [json.exception.type_error.316] invalid UTF-8 byte at index %d: 0x%02X", i, s[i]))
			}
			i += size
		}
	}
	b := w.b
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// jsonFloat formats a float like nlohmann::json (shortest round-trip
// digits, ".0" for integral values, exponents with at least two digits).
func jsonFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign = "-"
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	k := len(digits)
	n := exp + 1 // position of the decimal point
	const minExp, maxExp = -4, 15
	var out string
	switch {
	case k <= n && n <= maxExp:
		out = digits + strings.Repeat("0", n-k) + ".0"
	case 0 < n && n <= maxExp:
		out = digits[:n] + "." + digits[n:]
	case minExp < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		if k == 1 {
			out = digits
		} else {
			out = digits[:1] + "." + digits[1:]
		}
		e := n - 1
		es := "+"
		if e < 0 {
			es = "-"
			e = -e
		}
		if e < 10 {
			es += "0"
		}
		out += "e" + es + strconv.Itoa(e)
	}
	return sign + out
}

// jsonParser parses JSON into Nix values as builtins.fromJSON does.
type jsonParser struct {
	st *eval.State
	s  string
	i  int
}

func (p *jsonParser) errf(format string, args ...any) *eval.Error {
	return p.st.Errorf(eval.ErrEval, format, args...)
}

func (p *jsonParser) parse() (v eval.Value, err *eval.Error) {
	p.ws()
	v, err = p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.s) {
		return nil, p.syntax("end of input")
	}
	return v, nil
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) syntax(expected string) *eval.Error {
	line, col := 1, 1
	for _, c := range p.s[:min(p.i, len(p.s))] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return p.errf("[json.exception.parse_error.101] parse error at line %d, column %d: syntax error while parsing value - unexpected input; expected %s", line, col, expected)
}

func (p *jsonParser) value(depth int) (eval.Value, *eval.Error) {
	if depth > 10000 {
		return nil, p.errf("JSON nesting too deep")
	}
	if p.i >= len(p.s) {
		return nil, p.syntax("value")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		if strings.IndexByte(s, 0) >= 0 {
			return nil, nullByteErr(p.st, s)
		}
		return eval.NewString(s), nil
	case c == 't' && strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return eval.Bool(true), nil
	case c == 'f' && strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return eval.Bool(false), nil
	case c == 'n' && strings.HasPrefix(p.s[p.i:], "null"):
		p.i += 4
		return eval.Null{}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.syntax("value")
}

func nullByteErr(st *eval.State, s string) *eval.Error {
	return st.Errorf(eval.ErrEval, "input string '%s' cannot be represented as Nix string because it contains null bytes", strings.ReplaceAll(s, "\x00", "␀"))
}

func (p *jsonParser) number() (eval.Value, *eval.Error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if digits() == 0 {
		return nil, p.syntax("number")
	}
	isFloat := false
	if p.i < len(p.s) && p.s[p.i] == '.' {
		isFloat = true
		p.i++
		if digits() == 0 {
			return nil, p.syntax("number")
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		isFloat = true
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.syntax("number")
		}
	}
	text := p.s[start:p.i]
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return eval.Int(n), nil
		}
		if text[0] != '-' {
			if u, err := strconv.ParseUint(text, 10, 64); err == nil {
				return nil, p.errf("unsigned json number %d outside of Nix integer range", u)
			}
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return nil, p.syntax("number")
	}
	return eval.Float(f), nil
}

func (p *jsonParser) str() (string, *eval.Error) {
	p.i++ // opening quote
	var b strings.Builder
	for {
		if p.i >= len(p.s) {
			return "", p.syntax("string")
		}
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\':
			p.i++
			if p.i >= len(p.s) {
				return "", p.syntax("string")
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.syntax("string")
				}
				if utf16.IsSurrogate(r) {
					if strings.HasPrefix(p.s[p.i:], `\u`) {
						p.i += 2
						r2, ok := p.hex4()
						if !ok {
							return "", p.syntax("string")
						}
						r = utf16.DecodeRune(r, r2)
					} else {
						return "", p.syntax("string")
					}
				}
				b.WriteRune(r)
			default:
				return "", p.syntax("string")
			}
		case c < 0x20:
			return "", p.syntax("string")
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

func (p *jsonParser) object(depth int) (eval.Value, *eval.Error) {
	st := p.st
	p.i++
	vals := map[eval.Symbol]eval.Value{}
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return eval.NewAttrsBuilder(0).Finish(eval.NoPos), nil
	}
	for {
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.syntax("string literal")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if strings.IndexByte(k, 0) >= 0 {
			return nil, nullByteErr(st, k)
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.syntax("':'")
		}
		p.i++
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		vals[st.Sym(k)] = v
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			break
		}
		return nil, p.syntax("'}'")
	}
	b := eval.NewAttrsBuilder(len(vals))
	for k, v := range vals {
		b.Add(k, v, eval.NoPos)
	}
	return b.Finish(eval.NoPos), nil
}

func (p *jsonParser) array(depth int) (eval.Value, *eval.Error) {
	p.i++
	var out []eval.Value
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return eval.NewList(out), nil
	}
	for {
		p.ws()
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			break
		}
		return nil, p.syntax("']'")
	}
	return eval.NewList(out), nil
}
