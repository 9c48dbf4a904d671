# Used by TestErrorMessages: callPackage cannot supply missingDependency.
{ stdenv, missingDependency }:
stdenv.mkDerivation {
  name = "missing";
}
