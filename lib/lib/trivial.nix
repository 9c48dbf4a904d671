# Small general-purpose functions: combinators, booleans, numbers,
# functions with declared arguments, warnings and errors.
{ lib }:

let
  inherit (builtins)
    foldl'
    trace
    ;

  # Builtins that older evaluators may lack fall back to a Nix version.
  builtinWarn = builtins.warn or null;
in
rec {
  # Combinators.
  id = x: x;
  const = x: _: x;
  flip =
    f: a: b:
    f b a;
  pipe = value: fns: foldl' (acc: f: f acc) value fns;
  concat = a: b: a ++ b;
  mergeAttrs = a: b: a // b;
  mapNullable = f: x: if x == null then null else f x;
  defaultTo = default: value: if value == null then default else value;

  # Booleans.
  or = a: b: a || b;
  and = a: b: a && b;
  xor = a: b: a != b;
  boolToString = b: if b then "true" else "false";
  boolToYesNo = b: if b then "yes" else "no";

  # Numbers.
  min = a: b: if a < b then a else b;
  max = a: b: if a > b then a else b;
  mod = base: divisor: base - divisor * (builtins.div base divisor);
  compare =
    a: b:
    if a < b then
      -1
    else if a > b then
      1
    else
      0;
  inherit (builtins)
    add
    sub
    mul
    div
    bitAnd
    bitOr
    bitXor
    lessThan
    ;

  # toBaseDigits 2 6 == [ 1 1 0 ]: the digits of a non-negative integer
  # in the given base, most significant first.
  toBaseDigits =
    base: n:
    assert lib.assertMsg (base >= 2) "toBaseDigits: base must be at least 2";
    assert lib.assertMsg (n >= 0) "toBaseDigits: number must not be negative";
    let
      go = acc: m: if m < base then [ m ] ++ acc else go ([ (mod m base) ] ++ acc) (builtins.div m base);
    in
    go [ ] n;

  # toHexString 255 == "FF".
  toHexString =
    n:
    let
      digits = lib.stringToCharacters "0123456789ABCDEF";
    in
    lib.concatMapStrings (d: builtins.elemAt digits d) (toBaseDigits 16 n);

  # Evaluation order.
  inherit (builtins) seq deepSeq;

  # Functions whose accepted arguments can be declared: callPackage reads
  # them with functionArgs even through wrappers such as makeOverridable.
  setFunctionArgs = f: args: {
    __functor = _: f;
    __functionArgs = args;
  };
  functionArgs =
    f:
    if f ? __functor then
      f.__functionArgs or (functionArgs (f.__functor f))
    else
      builtins.functionArgs f;
  isFunction = f: builtins.isFunction f || (isAttrs f && f ? __functor && isFunction (f.__functor f));
  toFunction = v: if isFunction v then v else _: v;
  mirrorFunctionArgs = f: g: setFunctionArgs g (functionArgs f);

  # Reading data files.
  importJSON = path: builtins.fromJSON (builtins.readFile path);
  importTOML = path: builtins.fromTOML (builtins.readFile path);

  # Warnings, messages and guarded errors. `warn` uses the evaluator's
  # builtins.warn when it has one and a trace otherwise.
  warn = if builtinWarn != null then builtinWarn else msg: v: trace "evaluation warning: ${msg}" v;
  warnIf = cond: msg: if cond then warn msg else id;
  warnIfNot = cond: msg: if cond then id else warn msg;
  info = msg: trace "INFO: ${msg}";
  throwIf = cond: msg: if cond then throw msg else id;
  throwIfNot = cond: msg: if cond then id else throw msg;
  checkListOfEnum =
    msg: valid: given:
    let
      unexpected = builtins.filter (x: !(builtins.elem x valid)) given;
    in
    throwIfNot (unexpected == [ ])
      "${msg}: ${builtins.concatStringsSep ", " (map builtins.toString unexpected)} unexpected; valid ones: ${builtins.concatStringsSep ", " (map builtins.toString valid)}";

  # The environment of evaluation.
  inNixShell = builtins.getEnv "IN_NIX_SHELL" != "";
  inPureEvalMode = !(builtins ? currentSystem);

  # Identification of this library. `lib.version` deliberately does not
  # pretend to be a nixpkgs release.
  version = "0.1.0";
  isGonix = true;

  # Type predicates.
  inherit (builtins)
    isInt
    isBool
    isFloat
    isString
    isList
    isAttrs
    typeOf
    ;
  isPath = x: typeOf x == "path";
}
