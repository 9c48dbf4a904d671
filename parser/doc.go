// Package parser reads Nix source text into a lossless concrete syntax tree.
//
// It owns the scanner (a faithful model of Nix's flex lexer, including its
// string, indented-string and path states), a recursive-descent parser with
// Nix's precedence table and error recovery, the tree itself (every byte of
// the input, whitespace and comments included, is in exactly one token, so
// printing the tree gives back the input), typed AST views over the tree,
// positions (byte offset, line, column and UTF-16 column), the static checks
// Nix performs while parsing (duplicate attributes and formals, dynamic
// attributes where they are not allowed), the merged view of attribute
// bindings the evaluator compiles, and the printer that reproduces
// `nix-instantiate --parse`.
//
// The tree is stored in flat arrays (token kinds and start offsets, and one
// small record per node), so parsing allocates a few bytes per source byte
// and AST views are plain values that never allocate. The arrays are also
// cut into chunks, so that a tree Reparse derives from another after an
// edit shares every chunk the edit leaves alone (store.go).
package parser
