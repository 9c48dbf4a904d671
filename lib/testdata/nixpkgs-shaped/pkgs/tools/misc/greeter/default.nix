{ stdenv, libgreet }:

stdenv.mkDerivation {
  pname = "greeter";
  version = "1.0";
  src = ../../../../sources/greeter;
  buildInputs = [ libgreet ];
  makeFlags = [ "PREFIX=${placeholder "out"}" ];
  doInstallCheck = true;
  installCheckPhase = ''
    $out/bin/greeter > $out/output
  '';
}
