// Package scope resolves the names of a Nix syntax tree statically, the
// way Nix's bindVars does: every variable either refers to one binding
// site (a let or rec attribute, a lambda argument or formal, or a global
// builtin), or, when no lexical binding exists, to the innermost enclosing
// `with`, or is undefined. Lexical bindings always win over `with`, even
// when the `with` is nearer.
//
// The evaluator compiles variables to environment slots from this result;
// the checker uses it for undefined and unused names; the language server
// for definitions, references, rename and completion.
package scope
