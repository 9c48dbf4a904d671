{ stdenv }:

stdenv.mkDerivation {
  pname = "libgreet";
  version = "1.0";
  src = ../../../../sources/libgreet;
  dontConfigure = true;
  makeFlags = [ "PREFIX=${placeholder "out"}" ];
}
