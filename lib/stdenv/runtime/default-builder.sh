# The builder script of gonix's stdenv.mkDerivation: set up, then build.
source "$stdenv/setup"
genericBuild
