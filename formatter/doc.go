// Package formatter formats Nix source code exactly like nixfmt, the
// official Nix formatter (RFC 166 style), in its default and strict modes,
// for any width and indentation.
//
// It owns the whole pipeline after parsing: a small syntax model built from
// the parser's lossless tree in which every token carries the comments
// around it the way nixfmt attaches them (convert.go, trivia.go); the
// layout rules that turn it into a document of texts, spacings and groups
// (pretty*.go); the document normalisation (predoc.go); and the greedy
// layout with priority groups (layout.go). Format directives
// (/*nixfmt:disable*/ ... /*nixfmt:enable*/) are honoured.
//
// Entry points:
//
//	out, err := formatter.Format(src, formatter.Options{Width: 100})
//	out, err := formatter.FormatTree(tree, opts)          // tree from parser.ParseSyntax
//	edits, err := formatter.FormatRange(src, start, end, opts) // for editors
//	edits := formatter.Diff(old, new)                      // minimal line edits
//
// Source that does not parse gives a *ParseError with the position and a
// Nix-style report; nothing is formatted. With Options.Verify the output is
// re-parsed and checked to have the same syntax (comments and layout
// aside) and to be stable under formatting; a failure is a *VerifyError.
//
// The package keeps no global mutable state besides a sync.Pool of
// scratch memory, and Format may be called from many goroutines at once.
package formatter
