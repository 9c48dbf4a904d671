package derivation

import (
	"fmt"
	"sort"
	"strings"
)

// ParseError is a malformed .drv file, with the byte offset of the problem.
type ParseError struct {
	Offset int
	Msg    string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid derivation at byte %d: %s", e.Offset, e.Msg)
}

type parser struct {
	s   []byte
	pos int
}

func (p *parser) fail(format string, args ...any) error {
	return &ParseError{Offset: p.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) expect(lit string) error {
	if p.pos+len(lit) <= len(p.s) && string(p.s[p.pos:p.pos+len(lit)]) == lit {
		p.pos += len(lit)
		return nil
	}
	if p.pos >= len(p.s) {
		return p.fail("unexpected end of input, expected %q (truncated?)", lit)
	}
	return p.fail("expected %q", lit)
}

// peek reports whether the next byte is c.
func (p *parser) peek(c byte) bool { return p.pos < len(p.s) && p.s[p.pos] == c }

func (p *parser) str() (string, error) {
	if err := p.expect(`"`); err != nil {
		return "", err
	}
	var b strings.Builder
	for {
		if p.pos >= len(p.s) {
			return "", p.fail("unexpected end of input inside a string (truncated?)")
		}
		c := p.s[p.pos]
		switch c {
		case '"':
			p.pos++
			return b.String(), nil
		case '\\':
			if p.pos+1 >= len(p.s) {
				p.pos++
				return "", p.fail("unexpected end of input after '\\' (truncated?)")
			}
			e := p.s[p.pos+1]
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(e)
			}
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
}

// list parses "[" item ("," item)* "]" calling item for each element.
func (p *parser) list(item func() error) error {
	if err := p.expect("["); err != nil {
		return err
	}
	if p.peek(']') {
		p.pos++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.peek(',') {
			p.pos++
			continue
		}
		return p.expect("]")
	}
}

func (p *parser) strList() ([]string, error) {
	var out []string
	err := p.list(func() error {
		s, err := p.str()
		out = append(out, s)
		return err
	})
	return out, err
}

// path parses a string that must be an absolute path.
func (p *parser) path() (string, error) {
	start := p.pos
	s, err := p.str()
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(s, "/") {
		return "", &ParseError{Offset: start, Msg: fmt.Sprintf("bad path '%s' in derivation", s)}
	}
	return s, nil
}

// Parse parses .drv text (the ATerm "Derive(...)"). name is the
// derivation's name (the drv path's name without ".drv"); it may be empty.
// Truncated or malformed input gives a *ParseError with the offset.
func Parse(text []byte, name string) (*Derivation, error) {
	p := &parser{s: text}
	d := &Derivation{
		Name:      name,
		Outputs:   map[string]Output{},
		InputDrvs: map[string][]string{},
		Env:       map[string]string{},
	}
	if strings.HasPrefix(string(text), "DrvWithVersion(") {
		return nil, p.fail("derivations with a version (dynamic derivations) are not supported")
	}
	if err := p.expect("Derive("); err != nil {
		return nil, err
	}
	err := p.list(func() error {
		if err := p.expect("("); err != nil {
			return err
		}
		start := p.pos
		var o Output
		var oname string
		var err error
		if oname, err = p.str(); err != nil {
			return err
		}
		if err = p.expect(","); err != nil {
			return err
		}
		if o.Path, err = p.str(); err != nil {
			return err
		}
		if err = p.expect(","); err != nil {
			return err
		}
		if o.HashAlgo, err = p.str(); err != nil {
			return err
		}
		if err = p.expect(","); err != nil {
			return err
		}
		if o.Hash, err = p.str(); err != nil {
			return err
		}
		if _, dup := d.Outputs[oname]; dup {
			return &ParseError{Offset: start, Msg: fmt.Sprintf("duplicate output '%s'", oname)}
		}
		d.Outputs[oname] = o
		return p.expect(")")
	})
	if err != nil {
		return nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	err = p.list(func() error {
		if err := p.expect("("); err != nil {
			return err
		}
		start := p.pos
		drv, err := p.path()
		if err != nil {
			return err
		}
		if err := p.expect(","); err != nil {
			return err
		}
		outs, err := p.strList()
		if err != nil {
			return err
		}
		if _, dup := d.InputDrvs[drv]; dup {
			return &ParseError{Offset: start, Msg: fmt.Sprintf("duplicate input derivation '%s'", drv)}
		}
		sort.Strings(outs)
		d.InputDrvs[drv] = outs
		return p.expect(")")
	})
	if err != nil {
		return nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	err = p.list(func() error {
		s, err := p.path()
		d.InputSrcs = append(d.InputSrcs, s)
		return err
	})
	if err != nil {
		return nil, err
	}
	fields := []*string{&d.Platform, &d.Builder}
	for _, f := range fields {
		if err := p.expect(","); err != nil {
			return nil, err
		}
		if *f, err = p.str(); err != nil {
			return nil, err
		}
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	if d.Args, err = p.strList(); err != nil {
		return nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	err = p.list(func() error {
		if err := p.expect("("); err != nil {
			return err
		}
		start := p.pos
		k, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(","); err != nil {
			return err
		}
		v, err := p.str()
		if err != nil {
			return err
		}
		if _, dup := d.Env[k]; dup {
			return &ParseError{Offset: start, Msg: fmt.Sprintf("duplicate environment variable '%s'", k)}
		}
		d.Env[k] = v
		return p.expect(")")
	})
	if err != nil {
		return nil, err
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	if p.pos != len(p.s) {
		return nil, p.fail("trailing data after the derivation")
	}
	if len(d.Outputs) == 0 {
		return nil, &ParseError{Offset: len("Derive("), Msg: "derivation has no outputs"}
	}
	return d, nil
}
