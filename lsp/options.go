package lsp

// optionHover describes a NixOS-style option named by an attribute.
func (s *Server) optionHover(st *state, a *Analysis, t target) string { return "" }
