{
  lib,
  stdenv,
  fetchurl,
  config,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "hello";
  version = "2.12";

  # A tarball fetched with <nix/fetchurl.nix>: from config.fixtureMirror
  # (an http:// URL; sandboxed fetches cannot read local files), else
  # from the file in this tree.
  src = fetchurl {
    url = "${
      config.fixtureMirror or "file://${toString ../../../../sources}"
    }/hello-${finalAttrs.version}.tar.gz";
    hash = "sha256-//qfRzaJ51NRXVZudhtPWCqFyL+PO46wN64JoifD11k=";
  };

  doCheck = true;

  meta = {
    description = "A program that produces a familiar, friendly greeting";
    license = lib.licenses.gpl3Plus;
    mainProgram = "hello";
    platforms = lib.platforms.linux;
  };
})
