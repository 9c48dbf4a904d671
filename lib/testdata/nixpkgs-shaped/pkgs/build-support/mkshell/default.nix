{ lib, stdenv }:

import ../../../../../build-support/mkshell.nix { inherit lib stdenv; }
