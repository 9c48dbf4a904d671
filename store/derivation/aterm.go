package derivation

import (
	"bytes"
	"slices"
	"sort"
)

// ATerm returns the derivation's .drv text, byte-identical to Nix's.
func (d *Derivation) ATerm() []byte {
	return d.aterm(nil, false)
}

// aterm serialises the derivation. When inputs is non-nil it replaces
// InputDrvs (the hash-modulo form keyed by hex hashes); mask blanks output
// paths.
func (d *Derivation) aterm(inputs map[string][]string, mask bool) []byte {
	var b bytes.Buffer
	b.Grow(1024)
	b.WriteString("Derive([")
	for i, name := range d.OutputNames() {
		o := d.Outputs[name]
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		writeString(&b, name)
		b.WriteByte(',')
		if mask {
			writeString(&b, "")
		} else {
			writeString(&b, o.Path)
		}
		b.WriteByte(',')
		writeString(&b, o.HashAlgo)
		b.WriteByte(',')
		writeString(&b, o.Hash)
		b.WriteByte(')')
	}
	b.WriteString("],[")
	if inputs == nil {
		inputs = d.InputDrvs
	}
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		writeString(&b, k)
		b.WriteString(",")
		outs := slices.Clone(inputs[k])
		sort.Strings(outs)
		writeStrings(&b, slices.Compact(outs))
		b.WriteByte(')')
	}
	b.WriteString("],")
	srcs := slices.Clone(d.InputSrcs)
	sort.Strings(srcs)
	writeStrings(&b, slices.Compact(srcs))
	b.WriteByte(',')
	writeString(&b, d.Platform)
	b.WriteByte(',')
	writeString(&b, d.Builder)
	b.WriteByte(',')
	writeStrings(&b, d.Args)
	b.WriteString(",[")
	envKeys := make([]string, 0, len(d.Env))
	for k := range d.Env {
		envKeys = append(envKeys, k)
	}
	sort.Strings(envKeys)
	for i, k := range envKeys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		writeString(&b, k)
		b.WriteByte(',')
		v := d.Env[k]
		if mask {
			if _, isOut := d.Outputs[k]; isOut {
				v = ""
			}
		}
		writeString(&b, v)
		b.WriteByte(')')
	}
	b.WriteString("])")
	return b.Bytes()
}

// writeString writes a quoted ATerm string: '"' and '\' are backslashed,
// LF, CR and TAB become \n, \r, \t; every other byte is written raw.
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		case '\t':
			esc = `\t`
		default:
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(esc)
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

func writeStrings(b *bytes.Buffer, ss []string) {
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}
