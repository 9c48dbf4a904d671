# String functions: joining, searching, escaping for shells and regexes,
# search paths, versions and configure flags.
{ lib }:

let
  inherit (builtins)
    genList
    length
    head
    elemAt
    filter
    isList
    typeOf
    ;
  lowerChars = lib.stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = lib.stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
in
rec {
  inherit (builtins)
    stringLength
    substring
    replaceStrings
    concatStringsSep
    toString
    split
    match
    isString
    ;

  # Joining.
  concatStrings = concatStringsSep "";
  concatMapStrings = f: list: concatStrings (map f list);
  concatImapStrings = f: list: concatStrings (lib.imap1 f list);
  concatMapStringsSep =
    sep: f: list:
    concatStringsSep sep (map f list);
  concatImapStringsSep =
    sep: f: list:
    concatStringsSep sep (lib.imap1 f list);
  concatLines = list: concatMapStrings (s: s + "\n") list;
  intersperse =
    sep: list:
    if length list < 2 then
      list
    else
      builtins.tail (
        builtins.concatMap (x: [
          sep
          x
        ]) list
      );
  replicate = n: s: concatStrings (lib.lists.replicate n s);
  optionalString = cond: s: if cond then s else "";

  # Search paths: makeSearchPath "bin" [ "/a" "/b" ] == "/a/bin:/b/bin".
  makeSearchPath =
    subDir: paths: concatStringsSep ":" (map (p: "${p}/${subDir}") (filter (p: p != null) paths));
  makeSearchPathOutput =
    output: subDir: pkgs:
    makeSearchPath subDir (map (lib.getOutput output) pkgs);
  makeBinPath = makeSearchPathOutput "bin" "bin";
  makeLibraryPath = makeSearchPathOutput "lib" "lib";
  makeIncludePath = makeSearchPathOutput "dev" "include";

  # Prefixes, suffixes, infixes.
  hasPrefix = prefix: s: substring 0 (stringLength prefix) s == prefix;
  hasSuffix =
    suffix: s:
    let
      n = stringLength s;
      m = stringLength suffix;
    in
    n >= m && substring (n - m) m s == suffix;
  # (The infix's string context is irrelevant to a yes/no answer, and a
  # regex must not have one.)
  hasInfix =
    infix: s:
    length (split (escapeRegex (builtins.unsafeDiscardStringContext (toString infix))) (toString s))
    > 1;
  removePrefix =
    prefix: s:
    if hasPrefix prefix s then
      substring (stringLength prefix) (stringLength s - stringLength prefix) s
    else
      s;
  removeSuffix =
    suffix: s: if hasSuffix suffix s then substring 0 (stringLength s - stringLength suffix) s else s;

  # Characters and case.
  stringToCharacters = s: genList (i: substring i 1 s) (stringLength s);
  stringAsChars = f: s: concatMapStrings f (stringToCharacters s);
  toLower = replaceStrings upperChars lowerChars;
  toUpper = replaceStrings lowerChars upperChars;
  toSentenceCase =
    s:
    if !(isString s) then
      throw "toSentenceCase: expected a string, got a ${typeOf s}"
    else
      toUpper (substring 0 1 s) + toLower (substring 1 (stringLength s) s);

  # Splitting on a literal separator: splitString "." "a.b" == [ "a" "b" ].
  splitString =
    sep: s:
    let
      str = toString s;
      parts = filter isString (
        split (escapeRegex (builtins.unsafeDiscardStringContext (toString sep))) str
      );
    in
    map (p: addContextFrom str p) parts;
  addContextFrom = src: target: substring 0 0 src + target;

  # Single literal replacement.
  replaceString = from: to: replaceStrings [ from ] [ to ];

  # Whitespace trimming.
  trimWith =
    {
      start ? false,
      end ? false,
    }:
    s:
    let
      ws = "[[:space:]]*";
      re =
        if start && end then
          "${ws}(.*[^[:space:]])${ws}"
        else if start then
          "${ws}(.*)"
        else if end then
          "(.*[^[:space:]])${ws}"
        else
          "(.*)";
      m = match re s;
    in
    if m == null then "" else head m;
  trim = trimWith {
    start = true;
    end = true;
  };

  # Escaping.
  escape = chars: replaceStrings chars (map (c: "\\${c}") chars);
  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");
  escapeNixString = s: escape [ "$" ] (builtins.toJSON s);
  escapeNixIdentifier =
    s: if match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null then s else escapeNixString s;
  escapeXML = replaceStrings [ "\"" "'" "<" ">" "&" ] [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];
  # Quote for POSIX shells; words of safe characters are left bare.
  escapeShellArg =
    arg:
    let
      s = toString arg;
    in
    if match "[[:alnum:],._+:@%/-]+" s != null then s else "'${replaceStrings [ "'" ] [ "'\\''" ] s}'";
  escapeShellArgs = list: concatMapStringsSep " " escapeShellArg list;

  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;
  # A bash assignment of a string, list (indexed array) or attrset
  # (associative array).
  toShellVar =
    name: value:
    lib.throwIfNot (isValidPosixName name) "toShellVar: ${name} is not a valid shell variable name" (
      if isList value then
        "declare -a ${name}=(${escapeShellArgs value})"
      else if builtins.isAttrs value && !(isStringLike value) then
        "declare -A ${name}=(${
          concatStringsSep " " (lib.mapAttrsToList (n: v: "[${escapeShellArg n}]=${escapeShellArg v}") value)
        })"
      else
        "${name}=${escapeShellArg value}"
    );
  toShellVars = vars: concatStringsSep "\n" (lib.mapAttrsToList toShellVar vars);

  # Things that behave as strings when interpolated.
  isStringLike =
    x: isString x || typeOf x == "path" || (builtins.isAttrs x && (x ? outPath || x ? __toString));
  isStorePath =
    x:
    if isStringLike x then
      let
        s = toString x;
      in
      builtins.dirOf s == builtins.storeDir
      && match "[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+._?=-]+" (builtins.baseNameOf s) != null
    else
      false;

  # Integers from strings. toInt rejects leading zeros (ambiguous with
  # octal); toIntBase10 accepts them.
  toInt =
    s:
    let
      m = match "[[:space:]]*(-?)(0|[1-9][0-9]*)[[:space:]]*" s;
    in
    if m == null then
      throw "Could not convert ${escapeNixString s} to int."
    else
      builtins.fromJSON (elemAt m 0 + elemAt m 1);
  toIntBase10 =
    s:
    let
      m = match "[[:space:]]*(-?)0*([0-9]+)[[:space:]]*" s;
    in
    if m == null then
      throw "Could not convert ${escapeNixString s} to int."
    else
      builtins.fromJSON (elemAt m 0 + elemAt m 1);

  fixedWidthString =
    width: filler: s:
    let
      n = stringLength s;
    in
    assert lib.assertMsg (n <= width)
      "fixedWidthString: requested width ${toString width} is smaller than the string ${escapeNixString s}";
    replicate (width - n) filler + s;
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);

  # Package names and versions.
  getName =
    x:
    if isString x then
      (builtins.parseDrvName x).name
    else
      x.pname or (builtins.parseDrvName x.name).name;
  getVersion =
    x:
    if isString x then
      (builtins.parseDrvName x).version
    else
      x.version or (builtins.parseDrvName x.name).version;
  nameFromURL =
    url: sep:
    let
      file = lib.last (splitString "/" url);
      name = head (splitString sep file);
    in
    assert lib.assertMsg (
      name != file
    ) "nameFromURL: separator ${escapeNixString sep} does not occur in ${escapeNixString file}";
    name;
  versionOlder = a: b: builtins.compareVersions b a == 1;
  versionAtLeast = a: b: !(versionOlder a b);

  # A derivation name made valid: characters outside [A-Za-z0-9+._?=-]
  # become "-", leading dots are dropped, at most 207 characters.
  sanitizeDerivationName =
    s:
    let
      noDots = head (match "\\.*(.*)" s);
      replaced = concatStrings (
        map (p: if isList p then "-" else p) (split "[^A-Za-z0-9+._?=-]+" noDots)
      );
      short = substring (lib.max 0 (stringLength replaced - 207)) 207 replaced;
    in
    if short == "" then "unknown" else short;

  # Collapse repeated slashes.
  normalizePath =
    s:
    builtins.foldl' (acc: c: if c == "/" && hasSuffix "/" acc then acc else acc + c) "" (
      stringToCharacters s
    );

  fileContents = file: removeSuffix "\n" (builtins.readFile file);

  # configure, CMake and Meson flags.
  enableFeature = on: feature: "--${if on then "enable" else "disable"}-${feature}";
  enableFeatureAs =
    on: feature: value:
    enableFeature on feature + optionalString on "=${value}";
  withFeature = on: feature: "--${if on then "with" else "without"}-${feature}";
  withFeatureAs =
    on: feature: value:
    withFeature on feature + optionalString on "=${value}";
  cmakeOptionType =
    type: name: value:
    "-D${name}:${toUpper type}=${value}";
  cmakeBool = name: value: cmakeOptionType "bool" name (if value then "TRUE" else "FALSE");
  cmakeFeature = name: value: cmakeOptionType "string" name value;
  mesonOption = name: value: "-D${name}=${value}";
  mesonBool = name: value: mesonOption name (lib.boolToString value);
  mesonEnable = name: value: mesonOption name (if value then "enabled" else "disabled");
}
