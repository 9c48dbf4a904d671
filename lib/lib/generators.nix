# Turning Nix values into text: a readable pretty printer (used in error
# messages) and key/value, INI and JSON renderers.
{ lib }:

let
  inherit (builtins)
    attrNames
    concatStringsSep
    isAttrs
    isList
    isString
    isFunction
    isBool
    isInt
    isFloat
    typeOf
    ;
in
rec {
  # toPretty { multiline ? false } v: Nix-like text for any value.
  # Derivations print as <derivation NAME>, functions as <function>.
  toPretty =
    {
      multiline ? false,
      ...
    }:
    let
      go =
        indent: v:
        let
          inner = indent + (if multiline then "  " else "");
          sep = if multiline then "\n" + inner else " ";
          close = if multiline then "\n" + indent else " ";
        in
        if v == null then
          "null"
        else if isBool v then
          lib.boolToString v
        else if isInt v || isFloat v then
          toString v
        else if isString v then
          lib.escapeNixString v
        else if typeOf v == "path" then
          toString v
        else if isFunction v then
          "<function>"
        else if isList v then
          if v == [ ] then "[ ]" else "[" + sep + concatStringsSep sep (map (go inner) v) + close + "]"
        else if isAttrs v then
          if lib.isDerivation v then
            "<derivation ${v.name or "?"}>"
          else if v == { } then
            "{ }"
          else
            "{"
            + sep
            + concatStringsSep sep (map (n: "${lib.escapeNixIdentifier n} = ${go inner v.${n}};") (attrNames v))
            + close
            + "}"
        else
          "<${typeOf v}>";
    in
    go "";

  # One KEY=VALUE line per attribute.
  mkValueStringDefault =
    _: v:
    if isString v then
      v
    else if isBool v || isInt v || isFloat v || v == null then
      (
        if v == null then
          "null"
        else if isBool v then
          lib.boolToString v
        else
          toString v
      )
    else
      throw "generators.mkValueStringDefault: cannot render a ${typeOf v}";
  mkKeyValueDefault =
    {
      mkValueString ? mkValueStringDefault { },
    }:
    sep: k: v:
    "${k}${sep}${mkValueString v}";
  toKeyValue =
    {
      mkKeyValue ? mkKeyValueDefault { } "=",
      listsAsDuplicateKeys ? false,
    }:
    set:
    lib.concatStrings (
      lib.concatMap (
        k:
        let
          v = set.${k};
        in
        if listsAsDuplicateKeys && isList v then
          map (x: mkKeyValue k x + "\n") v
        else
          [ (mkKeyValue k v + "\n") ]
      ) (attrNames set)
    );
  # [section] headers followed by key=value lines.
  toINI =
    {
      mkKeyValue ? mkKeyValueDefault { } "=",
      listsAsDuplicateKeys ? false,
    }:
    sections:
    concatStringsSep "\n" (
      map (s: "[${s}]\n" + toKeyValue { inherit mkKeyValue listsAsDuplicateKeys; } sections.${s}) (
        attrNames sections
      )
    );
  toJSON = _: builtins.toJSON;
  # JSON is valid YAML.
  toYAML = _: builtins.toJSON;
}
