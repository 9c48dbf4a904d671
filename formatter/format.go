package formatter

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/gonix/gonix/parser"
)

// Default layout settings (nixfmt's).
const (
	DefaultWidth  = 100
	DefaultIndent = 2
)

// Options controls formatting.
type Options struct {
	// Width is the line width to aim for (default 100).
	Width int
	// Indent is the number of spaces per indentation level (default 2).
	Indent int
	// Strict ignores where the input breaks lines (nixfmt --strict): the
	// layout depends only on the syntax.
	Strict bool
	// Verify re-parses the output and checks that it has the same syntax
	// tree (comments and layout aside) and that formatting it again
	// changes nothing (nixfmt --verify).
	Verify bool
	// Filename names the source in error messages (default "<stdin>").
	Filename string
}

func (o Options) normalized() Options {
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	if o.Indent < 0 {
		o.Indent = 0
	} else if o.Indent == 0 {
		o.Indent = DefaultIndent
	}
	if o.Filename == "" {
		o.Filename = "<stdin>"
	}
	return o
}

// ParseError reports source that does not parse; nothing is formatted.
type ParseError struct {
	Filename  string
	Line, Col int // 1-based; Col counts bytes, as Nix does
	Msg       string
	// Report is the full Nix-style report with the code excerpt.
	Report string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Filename, e.Line, e.Col, e.Msg)
}

// VerifyError reports that a verified formatting changed the meaning of
// the code or is not stable. It is a bug in the formatter.
type VerifyError struct {
	Filename string
	Msg      string
}

func (e *VerifyError) Error() string { return e.Filename + ": " + e.Msg }

// ErrInternal wraps unexpected failures inside the formatter.
var ErrInternal = errors.New("internal formatter error")

// Format formats a whole Nix file.
func Format(src []byte, opts Options) ([]byte, error) {
	ws := getWorkspace()
	out, err := ws.format(src, opts.normalized())
	putWorkspace(ws)
	return out, err
}

// FormatTree formats an already parsed file (the tree's source is used).
func FormatTree(t *parser.Tree, opts Options) ([]byte, error) {
	opts = opts.normalized()
	if err := checkParsed(t, opts.Filename); err != nil {
		return nil, err
	}
	out, err := formatParsed(t, opts)
	if err != nil || !opts.Verify {
		return out, err
	}
	if err := verify(t, out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

// format parses and formats src with the memory of ws, whose syntax tree
// arrays the parse reuses.
//
// The source is parsed in place, not copied: src does not change during
// the call, and nothing returned refers to it (error texts are copies).
// The tree kept for its arrays lets go of it.
func (ws *workspace) format(src []byte, opts Options) ([]byte, error) {
	t := parser.ParseSyntaxReusing(unsafe.String(unsafe.SliceData(src), len(src)), opts.Filename, ws.tree)
	ws.tree = nil
	defer func() {
		t.Src = ""
		ws.tree = t
	}()
	if err := checkParsed(t, opts.Filename); err != nil {
		return nil, err
	}
	out, err := formatWith(t, opts, ws)
	if err != nil || !opts.Verify {
		return out, err
	}
	if err := verify(t, out, opts); err != nil {
		return nil, err
	}
	return out, nil
}

func checkParsed(t *parser.Tree, name string) error {
	if !utf8.ValidString(t.Src) {
		// nixfmt reads its input as UTF-8 text.
		off := 0
		for off < len(t.Src) {
			r, n := utf8.DecodeRuneInString(t.Src[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		e := parser.Error{Start: off, End: off + 1, Detect: off, Msg: "invalid UTF-8 byte sequence"}
		p := t.Position(off)
		return &ParseError{Filename: name, Line: p.Line, Col: p.Col, Msg: e.Msg, Report: strings.Clone(t.FormatError(e))}
	}
	errs := t.SyntaxErrors()
	if len(errs) == 0 {
		return nil
	}
	e := errs[0]
	off := e.Start
	p := t.Position(off)
	return &ParseError{Filename: name, Line: p.Line, Col: p.Col, Msg: strings.Clone(e.Msg), Report: strings.Clone(t.FormatError(e))}
}

// Formatter formats many files with the same options, reusing its memory
// from one file to the next. It is not safe for concurrent use; use one
// per goroutine (Format pools memory itself and is safe anywhere).
type Formatter struct {
	opts Options
	ws   *workspace
}

// New returns a Formatter with the given options.
func New(opts Options) *Formatter {
	return &Formatter{opts: opts.normalized(), ws: new(workspace)}
}

// Format formats a whole file; name is used in messages ("" keeps the
// Options' Filename).
func (f *Formatter) Format(src []byte, name string) ([]byte, error) {
	opts := f.opts
	if name != "" {
		opts.Filename = name
	}
	out, err := f.ws.format(src, opts)
	if f.ws.tooBig() {
		f.ws = new(workspace) // do not keep the memory of a huge file
	}
	return out, err
}

// formatParsed runs the pipeline on a tree without syntax errors.
func formatParsed(t *parser.Tree, opts Options) (out []byte, err error) {
	ws := getWorkspace()
	out, err = formatWith(t, opts, ws)
	putWorkspace(ws)
	return out, err
}

// formatWith runs the pipeline using the memory of ws.
func formatWith(t *parser.Tree, opts Options, ws *workspace) (out []byte, err error) {
	ws.dm.reset()
	defer func() {
		if r := recover(); r != nil {
			if se, ok := r.(syntaxError); ok {
				pos := t.Position(se.off)
				err = &ParseError{Filename: opts.Filename, Line: pos.Line, Col: pos.Col, Msg: se.msg,
					Report: t.FormatError(parser.Error{Start: se.off, End: se.off + 1, Detect: se.off, Msg: se.msg})}
				return
			}
			if ce, ok := r.(convError); ok {
				err = fmt.Errorf("%w: %s: %s", ErrInternal, opts.Filename, ce.msg)
				return
			}
			err = fmt.Errorf("%w: %s: %v\n%s", ErrInternal, opts.Filename, r, debug.Stack())
		}
	}()
	c := newConverter(t, opts.Strict, &ws.conv)
	w := c.file()
	c.t, c.src = nil, ""
	// Every text of the document comes from the source or from the
	// layout rules (ASCII).
	ws.ascii = isASCII(t.Src)
	defer func() { ws.ascii = false }()
	out = render(w, opts, len(t.Src), ws)
	ws.buf = ws.buf[:0]
	ws.rests.n = 0
	return out, nil
}

// render lays out a converted file.
func render(w *whole, opts Options, sizeHint int, ws *workspace) []byte {
	// Blank lines at the start of the file are dropped before the layout
	// so they cannot influence it.
	if ws.conv.a == nil {
		ws.conv.a = new(modelAlloc)
	}
	e := ws.conv.a.mapFirst(w.e, func(a *ann) {
		i := 0
		for i < len(a.pre) && a.pre[i].kind == tvEmptyLine {
			i++
		}
		a.pre = a.pre[i:]
	})
	d := buildDoc(&whole{e: e, trivia: w.trivia}, ws, !w.hasDirectives)
	return layoutDoc(&ws.dm, d, opts.Width, opts.Indent, sizeHint, ws)
}

// buildDoc prints w into a normalised document. Without stream it builds
// the document raw and normalises it afterwards (the way directives need:
// removeDisabled looks at the whole raw document).
func buildDoc(w *whole, ws *workspace, stream bool) span {
	ws.fx.m = &ws.dm
	if ws.conv.a == nil {
		ws.conv.a = new(modelAlloc)
	}
	p := &printer{a: ws.conv.a, operands: ws.operands[:0]}
	p.b = builder{m: &ws.dm, fx: &ws.fx, buf: ws.buf[:0], lv: ws.lv[:0], tmp: ws.tmp[:0], ascii: ws.ascii}
	var d span
	if stream {
		p.b.start()
		p.whole(w)
		d = p.b.finish()
	} else {
		p.b.rawDepth = 1
		p.whole(w)
		d = ws.dm.store(p.b.buf)
		if w.hasDirectives {
			d = ws.dm.removeDisabled(d)
		}
		d = ws.fx.fixup(d)
	}
	ws.buf, ws.lv, ws.tmp, ws.operands = p.b.buf[:0], p.b.lv[:0], p.b.tmp[:0], p.operands[:0]
	return d
}

// verify checks that out parses to the same syntax as the tree it was
// formatted from, and that formatting it again gives it back.
func verify(t *parser.Tree, out []byte, opts Options) error {
	t2 := parser.ParseSyntax(string(out), opts.Filename)
	if err := checkParsed(t2, opts.Filename); err != nil {
		return &VerifyError{Filename: opts.Filename, Msg: "Fails to parse after formatting.\n" + err.Error() +
			"\n\nAfter Formatting:\n" + string(out)}
	}
	a, err := convertOnly(t, opts)
	if err != nil {
		return err
	}
	b, err := convertOnly(t2, opts)
	if err != nil {
		return err
	}
	if !eqWhole(a, b) {
		return &VerifyError{Filename: opts.Filename, Msg: "Parses differently after formatting."}
	}
	again, err := formatParsed(t2, opts)
	if err != nil {
		return err
	}
	if string(again) != string(out) {
		return &VerifyError{Filename: opts.Filename, Msg: "Formatting is not idempotent.\n\nAfter one formatting:\n" +
			string(out) + "\n\nAfter two:\n" + string(again)}
	}
	return nil
}

func convertOnly(t *parser.Tree, opts Options) (w *whole, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s: %v", ErrInternal, opts.Filename, r)
		}
	}()
	return newConverter(t, opts.Strict, new(converter)).file(), nil
}

// SameSyntax reports whether two sources parse to the same syntax tree
// when comments, blank lines and layout are ignored (the property
// formatting preserves). Sources that do not parse are never the same.
func SameSyntax(a, b []byte) bool {
	ta := parser.ParseSyntax(string(a), "")
	tb := parser.ParseSyntax(string(b), "")
	if len(ta.SyntaxErrors()) > 0 || len(tb.SyntaxErrors()) > 0 {
		return false
	}
	wa, err := convertOnly(ta, Options{})
	if err != nil {
		return false
	}
	wb, err := convertOnly(tb, Options{})
	if err != nil {
		return false
	}
	return eqWhole(wa, wb)
}
