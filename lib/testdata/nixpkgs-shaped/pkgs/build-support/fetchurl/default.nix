# fetchurl as nixpkgs' stdenv bootstrap uses it: Nix's built-in
# <nix/fetchurl.nix> (a fixed-output derivation with builder
# builtin:fetchurl).
{ lib }:

{
  url,
  hash ? "",
  sha256 ? "",
  name ? baseNameOf (toString url),
}:

import <nix/fetchurl.nix> {
  inherit url name;
  ${if hash != "" then "hash" else null} = hash;
  ${if sha256 != "" then "sha256" else null} = sha256;
}
