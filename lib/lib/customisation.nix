# Customising packages: `override` (change a package's function
# arguments), `overrideDerivation`, `callPackage` (supply arguments from a
# package set) and package scopes.
{ lib }:

let
  inherit (builtins)
    attrNames
    intersectAttrs
    isAttrs
    ;
  inherit (lib) isFunction functionArgs setFunctionArgs;
in
rec {
  # makeOverridable f args calls f args and, when the result is an
  # attribute set (or function), adds
  #   override newArgs       – call f again with args // newArgs, where
  #                            newArgs may also be `oldArgs: { ... }`;
  #   overrideDerivation fn  – see overrideDerivation below;
  #   overrideAttrs fn       – if the result has it, applied so that later
  #                            .override calls keep the attribute changes.
  # f's declared arguments stay visible to functionArgs.
  makeOverridable =
    f:
    let
      declared = functionArgs f;
      wrapped =
        origArgs:
        let
          result = f origArgs;
          merged = newArgs: origArgs // (if isFunction newArgs then newArgs origArgs else newArgs);
          override = newArgs: makeOverridable f (merged newArgs);
          # Change the result while keeping it overridable: g is applied
          # again after every later override.
          overrideResult = g: makeOverridable (setFunctionArgs (args: g (f args)) declared) origArgs;
          extras = {
            inherit override;
            overrideDerivation = fdrv: overrideResult (x: overrideDerivation x fdrv);
            ${if isAttrs result && result ? overrideAttrs then "overrideAttrs" else null} =
              fdrv: overrideResult (x: x.overrideAttrs fdrv);
          };
        in
        if isAttrs result then
          result // extras
        else if isFunction result then
          extras
          // {
            __functor = _: result;
            __functionArgs = functionArgs result;
          }
        else
          result;
    in
    setFunctionArgs wrapped declared;

  # callPackageWith autoArgs fn args: call fn (a function or a file
  # holding one) with the arguments it declares taken from autoArgs,
  # overridden by args; the result is overridable. A missing argument is
  # an error naming it and where the function is.
  callPackageWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      declared = functionArgs f;
      allArgs = intersectAttrs declared autoArgs // args;
      missing = builtins.filter (n: !declared.${n} && !(allArgs ? ${n})) (attrNames declared);
      where =
        let
          pos = (builtins.unsafeGetAttrPos or (_: _: null)) (builtins.head missing) declared;
        in
        if pos != null then
          " at ${pos.file}:${toString pos.line}"
        else if !(isFunction fn) then
          " at ${toString fn}"
        else
          "";
    in
    if missing == [ ] then
      makeOverridable f allArgs
    else
      throw "Function called without required argument \"${builtins.head missing}\"${where}";

  # Like callPackageWith for a function returning a set of packages: each
  # package of the set is overridable on its own.
  callPackagesWith =
    autoArgs: fn: args:
    let
      f = if isFunction fn then fn else import fn;
      origArgs = intersectAttrs (functionArgs f) autoArgs // args;
      pkgs = f origArgs;
    in
    if lib.isDerivation pkgs then
      throw "callPackages: function${
        if isFunction fn then "" else " in ${toString fn}"
      } returned a single derivation; use callPackage instead"
    else
      builtins.mapAttrs (name: _: makeOverridable (args: (f args).${name}) origArgs) pkgs;

  # Add attributes (passthru) to a derivation and to each of its outputs,
  # checking `condition` when the derivation's paths are used.
  extendDerivation =
    condition: passthru: drv:
    let
      outputs = drv.outputs or [ "out" ];
      guard =
        v:
        assert condition;
        v;
      common =
        drv
        // builtins.listToAttrs (map (o: lib.nameValuePair o (forOutput o)) outputs)
        // {
          all = map forOutput outputs;
        }
        // passthru;
      forOutput =
        o:
        common
        // {
          inherit (drv.${o}) type outputName;
          outputSpecified = true;
          outPath = guard drv.${o}.outPath;
          drvPath = guard drv.${o}.drvPath;
        };
    in
    common
    // {
      outPath = guard drv.outPath;
      drvPath = guard drv.drvPath;
    };

  # A new derivation from drv's attributes updated by f (which receives
  # the old attributes). Prefer overrideAttrs where available.
  overrideDerivation =
    drv: f:
    let
      newDrv = derivation (drv.drvAttrs // f drv);
    in
    extendDerivation (builtins.seq drv.drvPath true) (
      {
        meta = drv.meta or { };
        passthru = drv.passthru or { };
      }
      // drv.passthru or { }
    ) newDrv;

  # A package scope: f receives the final scope and returns packages; the
  # scope gets callPackage (resolving from the scope, then from
  # newScope's set), newScope, overrideScope and packages.
  makeScope =
    newScope: f:
    let
      scope = f scope // {
        newScope = extra: newScope (scope // extra);
        callPackage = scope.newScope { };
        overrideScope = ext: makeScope newScope (lib.extends (lib.toExtension ext) f);
        packages = f;
      };
    in
    scope;
}
