# stdenv.mkDerivation for gonix's offline stdenv.
#
#   mkDerivation { pname = "hello"; version = "1.0"; src = ./.; ... }
#   mkDerivation (finalAttrs: { ...; doCheck = true; passthru.tests = ... finalAttrs.finalPackage ...; })
#
# The attributes become the builder's environment (lists of inputs as
# space-separated store paths, true as "1", false and null left out) and
# the builder is bash running the stdenv's default-builder.sh, which
# sources $stdenv/setup and runs genericBuild. Nix-only attributes:
#   passthru  – merged into the result (and kept as result.passthru);
#   meta      – descriptive data; meta.broken, meta.platforms and an unfree
#               meta.license stop evaluation of the paths unless
#               config.allowBroken / allowUnsupportedSystem / allowUnfree;
#   env       – extra environment variables (must not clash with other
#               attributes);
#   checkInputs, nativeCheckInputs (with doCheck) and installCheckInputs,
#   nativeInstallCheckInputs (with doInstallCheck) – extra inputs.
# The result has overrideAttrs, which takes an attrset, `prev: { ... }` or
# `final: prev: { ... }`; with the `finalAttrs:` form the package refers to
# its own final (overridden) attributes, and finalAttrs.finalPackage is
# the final package.
{
  lib,
  config,
  stdenv,
}:

let
  inherit (builtins)
    attrNames
    filter
    isList
    isFunction
    removeAttrs
    ;

  nixOnlyAttrs = [
    "passthru"
    "meta"
    "pos"
    "env"
    "checkInputs"
    "nativeCheckInputs"
    "installCheckInputs"
    "nativeInstallCheckInputs"
    "realBuilder"
  ];

  platform = stdenv.hostPlatform;

  # meta.platforms entries are system strings or attribute patterns
  # matched against the host platform.
  platformMatches = p: if builtins.isString p then p == stdenv.system else lib.matchAttrs p platform;

  checkMeta =
    name: meta:
    let
      where = if meta ? position then " in ${meta.position}" else "";
      licenses = lib.toList (meta.license or [ ]);
      unfree = builtins.any (l: builtins.isAttrs l && !(l.free or true)) licenses;
      platforms = meta.platforms or null;
      badPlatforms = meta.badPlatforms or [ ];
      unsupported =
        (platforms != null && !(builtins.any platformMatches platforms))
        || builtins.any platformMatches badPlatforms;
    in
    if (meta.broken or false) && !(config.allowBroken or false) then
      throw "Package ‘${name}’${where} is marked as broken, refusing to evaluate (set config.allowBroken = true to override)."
    else if unsupported && !(config.allowUnsupportedSystem or false) then
      throw "Package ‘${name}’${where} is not available on the requested hostPlatform ${stdenv.system} (set config.allowUnsupportedSystem = true to override)."
    else if unfree && !(config.allowUnfree or false) then
      throw "Package ‘${name}’${where} has an unfree license, refusing to evaluate (set config.allowUnfree = true to override)."
    else
      true;

  inputList =
    attrs: n:
    let
      v = attrs.${n} or [ ];
    in
    if isList v then
      filter (x: x != null) v
    else
      throw "mkDerivation: ${n} must be a list, got a ${builtins.typeOf v}";

  # The package for one set of (final) attributes.
  mkDerivationSimple =
    overrideAttrs: attrs:
    let
      name =
        attrs.name or (
          if attrs ? pname then
            (if attrs ? version then "${attrs.pname}-${attrs.version}" else attrs.pname)
          else
            throw "mkDerivation: set either name or pname (and usually version)"
        );

      doCheck = attrs.doCheck or false;
      doInstallCheck = attrs.doInstallCheck or false;
      inputs = inputList attrs;

      env = attrs.env or { };
      envClashes = attrNames (builtins.intersectAttrs env (removeAttrs attrs [ "env" ]));
      checkedEnv =
        if envClashes != [ ] then
          throw "mkDerivation (${name}): env.${builtins.head envClashes} is also set as an attribute of the derivation; set it in one place only"
        else
          lib.mapAttrs (
            n: v:
            if isList v || (builtins.isAttrs v && !(v ? outPath)) then
              throw "mkDerivation (${name}): env.${n} must be a string, number, boolean or derivation, got a ${builtins.typeOf v}"
            else
              v
          ) env;

      position =
        let
          pos = (builtins.unsafeGetAttrPos or (_: _: null)) (if attrs ? pname then "pname" else "name") attrs;
        in
        if pos == null then null else "${pos.file}:${toString pos.line}";

      outputs = attrs.outputs or [ "out" ];

      meta = {
        inherit name;
        outputsToInstall = [
          (lib.findFirst (o: builtins.elem o outputs) (builtins.head outputs) [
            "bin"
            "out"
          ])
        ]
        ++ lib.optional (builtins.elem "man" outputs) "man";
      }
      // lib.optionalAttrs (position != null) { inherit position; }
      // (attrs.meta or { });

      passthru = attrs.passthru or { };

      drvAttrs =
        lib.optionalAttrs (stdenv.hostPath != null) { inherit (stdenv) hostPath; }
        // removeAttrs attrs nixOnlyAttrs
        // checkedEnv
        // {
          inherit name outputs;
          system = attrs.system or stdenv.system;
          builder = attrs.realBuilder or stdenv.shell;
          args =
            attrs.args or [
              "-e"
              (attrs.builder or "${stdenv}/default-builder.sh")
            ];
          inherit stdenv;
          nativeBuildInputs =
            inputs "nativeBuildInputs"
            ++ lib.optionals doCheck (inputs "nativeCheckInputs")
            ++ lib.optionals doInstallCheck (inputs "nativeInstallCheckInputs");
          buildInputs =
            inputs "buildInputs"
            ++ lib.optionals doCheck (inputs "checkInputs")
            ++ lib.optionals doInstallCheck (inputs "installCheckInputs");
          propagatedBuildInputs = inputs "propagatedBuildInputs";
          propagatedNativeBuildInputs = inputs "propagatedNativeBuildInputs";
          __ignoreNulls = true;
        }
        // lib.optionalAttrs (!stdenv.hasCC) { gonixNoCC = true; };
    in
    if attrs.__structuredAttrs or false then
      throw "mkDerivation (${name}): __structuredAttrs is not supported by gonix's offline stdenv yet"
    else
      lib.extendDerivation (checkMeta name meta) (
        passthru
        // {
          inherit meta passthru overrideAttrs;
        }
      ) (derivation drvAttrs);

  # rattrs: finalAttrs -> attrs. The package is the fixed point; finalAttrs
  # also holds finalPackage.
  makeDerivationExtensible =
    rattrs:
    let
      args = rattrs (args // { inherit finalPackage overrideAttrs; });
      finalPackage = mkDerivationSimple overrideAttrs args;
      overrideAttrs =
        f:
        let
          ext = lib.toExtension f;
        in
        makeDerivationExtensible (
          final:
          let
            prev = rattrs final;
          in
          prev // ext final prev
        );
    in
    finalPackage;
in
fnOrAttrs:
if isFunction fnOrAttrs then
  makeDerivationExtensible fnOrAttrs
else
  makeDerivationExtensible (_: fnOrAttrs)
