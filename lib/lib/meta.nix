# Helpers around packages' meta attributes.
{ lib }:

rec {
  # The main program of a package: "${bin output}/bin/${meta.mainProgram}",
  # falling back to the package name.
  getExe =
    pkg:
    getExe' pkg (
      pkg.meta.mainProgram
        or (lib.warn "getExe: package ${lib.getName pkg} does not set meta.mainProgram; guessing \"${lib.getName pkg}\"" (
          lib.getName pkg
        ))
    );
  getExe' =
    pkg: name:
    assert lib.assertMsg (lib.isDerivation pkg) "getExe': expected a derivation";
    "${lib.getBin pkg}/bin/${name}";

  # Set meta attributes on a derivation.
  addMetaAttrs = newMeta: drv: drv // { meta = (drv.meta or { }) // newMeta; };
  setName = name: drv: drv // { inherit name; };
  updateName = f: drv: drv // { name = f drv.name; };
  lowPrio = addMetaAttrs { priority = 10; };
  hiPrio = addMetaAttrs { priority = -10; };

  # Whether a package claims to support a platform (a system string).
  availableOn =
    system: pkg:
    let
      platforms = pkg.meta.platforms or [ system ];
      bad = pkg.meta.badPlatforms or [ ];
    in
    builtins.elem system platforms && !(builtins.elem system bad);
}
