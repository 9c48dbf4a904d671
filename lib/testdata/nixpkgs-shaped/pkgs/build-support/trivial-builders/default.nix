{ lib, stdenv }:

import ../../../../../build-support/trivial-builders.nix {
  inherit lib stdenv;
  stdenvNoCC = stdenv;
}
