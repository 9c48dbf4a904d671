# Source trees: copy a directory to the store without version-control
# metadata and build leftovers.
{ lib }:

let
  inherit (builtins) baseNameOf match;
in
rec {
  # The default filter: drops .git/.svn/.hg directories, editor backups,
  # `result` links of nix-build, object files and Nix's own build dirs.
  cleanSourceFilter =
    name: type:
    let
      base = baseNameOf (toString name);
    in
    !(
      (
        type == "directory"
        && builtins.elem base [
          ".git"
          ".svn"
          ".hg"
          "CVS"
          ".jj"
        ]
      )
      || match ".*~" base != null
      || match "\\.#.*" base != null
      || match "#.*#" base != null
      || match ".*\\.sw[a-z]" base != null
      || match ".*\\.o" base != null
      || match ".*\\.so" base != null
      || (type == "symlink" && match "result.*" base != null)
      || (type == "unknown")
    );

  # cleanSourceWith { src, filter ? _: _: true, name ? "source" }:
  # src copied with filter applied; filters compose when src is itself a
  # cleanSourceWith result.
  cleanSourceWith =
    {
      src,
      filter ? _: _: true,
      name ? null,
    }:
    let
      orig = src.origSrc or src;
      prevFilter = src.filter or (_: _: true);
      both = path: type: prevFilter path type && filter path type;
      finalName = if name != null then name else src.name or "source";
    in
    {
      origSrc = orig;
      filter = both;
      name = finalName;
      outPath = builtins.path {
        path = orig;
        name = finalName;
        filter = both;
      };
    };

  cleanSource =
    src:
    cleanSourceWith {
      inherit src;
      filter = cleanSourceFilter;
    };

  # Keep only files whose names end with one of the suffixes (and all
  # directories).
  sourceFilesBySuffices =
    src: suffixes:
    cleanSourceWith {
      inherit src;
      filter =
        name: type: type == "directory" || builtins.any (s: lib.hasSuffix s (baseNameOf name)) suffixes;
    };

  # Keep paths (relative to src) matching one of the regexes.
  sourceByRegex =
    src: regexes:
    let
      root = toString (src.origSrc or src);
    in
    cleanSourceWith {
      inherit src;
      filter =
        path: _:
        let
          rel = lib.removePrefix (root + "/") (toString path);
        in
        builtins.any (re: match re rel != null) regexes;
    };
}
