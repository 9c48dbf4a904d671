# The hello package, written against the nixpkgs-style interface that
# gonix's embedded package set provides (callPackage fills in the
# arguments).
{ lib, stdenv }:

stdenv.mkDerivation (finalAttrs: {
  pname = "hello";
  version = "1.0";

  # Only the sources, without editor leftovers or result links.
  src = lib.sourceFilesBySuffices ./. [
    ".c"
    ".h"
    "Makefile"
  ];

  makeFlags = [
    "VERSION=${finalAttrs.version}"
    "PREFIX=${placeholder "out"}"
  ];

  doCheck = true;

  meta = {
    description = "A greeting program built with gonix's embedded stdenv";
    license = lib.licenses.mit;
    mainProgram = "hello";
    platforms = lib.platforms.linux;
  };
})
