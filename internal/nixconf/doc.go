// Package nixconf reads Nix's configuration files the way Nix does: the
// system file $NIX_CONF_DIR/nix.conf (default /etc/nix/nix.conf), then
// the user files ($NIX_USER_CONF_FILES, else nix/nix.conf under
// $XDG_CONFIG_HOME (default ~/.config) and each of $XDG_CONFIG_DIRS
// (default /etc/xdg)), then the text of $NIX_CONFIG, later ones winning.
//
// A file holds lines "NAME = VALUE" (the value's words joined by single
// spaces), comments from '#' to the end of the line, and "include PATH"
// or "!include PATH" (relative to the including file; the '!' form
// ignores a missing file). "extra-NAME = VALUE" appends to a list
// setting instead of replacing it. Settings gonix does not know are
// kept but have no effect; malformed lines are errors naming FILE:LINE.
//
// Callers apply command-line overrides (--option NAME VALUE) with
// Config.Set after Load, and read the result with Lookup or Fields.
package nixconf
