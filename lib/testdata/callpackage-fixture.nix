# Used by override-tests.nix: a package file for callPackage.
{ stdenv, suffix }:
{
  text = stdenv.name + suffix;
}
