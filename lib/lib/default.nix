# gonix's Nix library: `import <gonix/lib>` (or `(import <gonix> { }).lib`).
#
# An attribute set of helper functions grouped in modules (lib.strings,
# lib.lists, lib.attrsets, ...) whose everyday members are also available
# at the top level (lib.concatStringsSep, lib.mapAttrs', ...). It is
# extensible: lib.extend (final: prev: { ... }) returns a new library.
#
# Written for gonix; names and behaviour follow the conventions of
# nixpkgs' lib so expressions work with either.
let
  modulesOf =
    self:
    let
      call = file: import file { lib = self; };
    in
    {
      trivial = call ./trivial.nix;
      lists = call ./lists.nix;
      strings = call ./strings.nix;
      attrsets = call ./attrsets.nix;
      fixedPoints = call ./fixed-points.nix;
      customisation = call ./customisation.nix;
      asserts = call ./asserts.nix;
      debug = call ./debug.nix;
      versions = call ./versions.nix;
      generators = call ./generators.nix;
      sources = call ./sources.nix;
      meta = call ./meta.nix;
      licenses = call ./licenses.nix;
      systems = call ./systems.nix;
      platforms = call ./platforms.nix;
    };

  library =
    self:
    let
      m = modulesOf self;
    in
    m
    // m.trivial
    // m.fixedPoints
    # lists.hasPrefix/removePrefix work on lists; the top-level names are
    # the string versions, as in nixpkgs.
    // removeAttrs m.lists [
      "hasPrefix"
      "removePrefix"
    ]
    // removeAttrs m.strings [ "replicate" ]
    // m.attrsets
    // m.customisation
    // m.asserts
    // m.debug
    // m.meta
    // {
      inherit (m.sources)
        cleanSource
        cleanSourceWith
        cleanSourceFilter
        sourceByRegex
        sourceFilesBySuffices
        ;
      inherit (m.versions) splitVersion;
      inherit (builtins)
        pathExists
        readFile
        readDir
        toJSON
        fromJSON
        tryEval
        ;
    };

  lib = (import ./fixed-points.nix { inherit lib; }).makeExtensible library;
in
lib
