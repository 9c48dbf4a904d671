# Attribute set functions: paths into nested sets, filtering and mapping,
# merging, and helpers for derivations' outputs.
{ lib }:

let
  inherit (builtins)
    concatMap
    filter
    foldl'
    head
    tail
    ;
in
rec {
  inherit (builtins)
    attrNames
    attrValues
    catAttrs
    getAttr
    hasAttr
    intersectAttrs
    listToAttrs
    mapAttrs
    removeAttrs
    isAttrs
    ;

  nameValuePair = name: value: { inherit name value; };

  # Nested access by a list of names.
  attrByPath =
    path: default: set:
    if path == [ ] then
      set
    else if isAttrs set && set ? ${head path} then
      attrByPath (tail path) default set.${head path}
    else
      default;
  hasAttrByPath =
    path: set:
    path == [ ] || (isAttrs set && set ? ${head path} && hasAttrByPath (tail path) set.${head path});
  setAttrByPath =
    path: value: if path == [ ] then value else { ${head path} = setAttrByPath (tail path) value; };
  getAttrFromPath =
    path: set: attrByPath path (throw "cannot find attribute '${showAttrPath path}'") set;
  showAttrPath =
    path:
    if path == [ ] then
      "<root attribute path>"
    else
      lib.concatMapStringsSep "." lib.escapeNixIdentifier path;
  attrVals = names: set: map (n: set.${n}) names;
  getAttrs = names: set: genAttrs names (n: set.${n});

  # Building sets.
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);
  genAttrs' = list: f: listToAttrs (map f list);
  optionalAttrs = cond: set: if cond then set else { };
  recurseIntoAttrs = set: set // { recurseForDerivations = true; };
  dontRecurseIntoAttrs = set: set // { recurseForDerivations = false; };

  # Filtering.
  filterAttrs = pred: set: removeAttrs set (filter (n: !(pred n set.${n})) (attrNames set));
  filterAttrsRecursive =
    pred: set:
    listToAttrs (
      concatMap (
        n:
        let
          v = set.${n};
        in
        if pred n v then
          [ (nameValuePair n (if isAttrs v then filterAttrsRecursive pred v else v)) ]
        else
          [ ]
      ) (attrNames set)
    );

  # Mapping.
  mapAttrs' = f: set: listToAttrs (map (n: f n set.${n}) (attrNames set));
  mapAttrsToList = f: set: map (n: f n set.${n}) (attrNames set);
  attrsToList = mapAttrsToList nameValuePair;
  concatMapAttrs = f: set: foldl' (acc: x: acc // x) { } (mapAttrsToList f set);
  mapAttrsRecursiveCond =
    cond: f: set:
    let
      go =
        path:
        mapAttrs (
          n: v:
          let
            p = path ++ [ n ];
          in
          if isAttrs v && cond v then go p v else f p v
        );
    in
    go [ ] set;
  mapAttrsRecursive = mapAttrsRecursiveCond (_: true);
  # Values (anywhere in a nested set) satisfying pred, not descending
  # into matches.
  collect =
    pred: v:
    if pred v then
      [ v ]
    else if isAttrs v then
      concatMap (collect pred) (attrValues v)
    else
      [ ];

  # Folding.
  foldlAttrs =
    f: init: set:
    foldl' (acc: n: f acc n set.${n}) init (attrNames set);
  foldAttrs =
    op: nul: sets:
    lib.foldr (
      set: acc: foldl' (a: n: a // { ${n} = op set.${n} (a.${n} or nul); }) acc (attrNames set)
    ) { } sets;

  # Zipping: zipAttrsWith f [ { a = 1; } { a = 2; b = 3; } ]
  #   == { a = f "a" [ 1 2 ]; b = f "b" [ 3 ]; }.
  zipAttrsWithNames =
    names: f: sets:
    genAttrs names (n: f n (catAttrs n sets));
  zipAttrsWith =
    builtins.zipAttrsWith
      or (f: sets: zipAttrsWithNames (lib.unique (concatMap attrNames sets)) f sets);
  zipAttrs = zipAttrsWith (_: values: values);

  # Merging. The right side wins, except where both sides hold attribute
  # sets, which are merged in turn.
  recursiveUpdate =
    lhs: rhs:
    recursiveUpdateUntil (
      _: l: r:
      !(isAttrs l && isAttrs r)
    ) lhs rhs;
  # Like recursiveUpdate, but pred path lhs rhs decides where to stop
  # merging (true: take rhs).
  recursiveUpdateUntil =
    pred: lhs: rhs:
    let
      go =
        path: l: r:
        l
        // mapAttrs (
          n: rv:
          let
            p = path ++ [ n ];
          in
          if l ? ${n} && !(pred p l.${n} rv) then go p l.${n} rv else rv
        ) r;
    in
    go [ ] lhs rhs;
  # Whether every attribute in pattern is in set with an equal value,
  # comparing nested sets recursively.
  matchAttrs =
    pattern: set:
    assert lib.assertMsg (isAttrs pattern) "matchAttrs: pattern must be an attribute set";
    builtins.all (
      n:
      set ? ${n}
      && (
        let
          p = pattern.${n};
          v = set.${n};
        in
        if isAttrs p && isAttrs v then matchAttrs p v else p == v
      )
    ) (attrNames pattern);
  overrideExisting = old: new: mapAttrs (n: v: new.${n} or v) old;
  # x // y where the sets must not overlap: reading a colliding attribute
  # throws, the others stay usable.
  unionOfDisjoint =
    x: y:
    let
      common = builtins.intersectAttrs x y;
      names = builtins.concatStringsSep ", " (attrNames common);
    in
    x
    // y
    // mapAttrs (n: _: throw "unionOfDisjoint: collision on ${n}; complete list: ${names}") common;

  # Every combination: cartesianProduct { a = [ 1 2 ]; b = [ 3 ]; }
  #   == [ { a = 1; b = 3; } { a = 2; b = 3; } ].
  cartesianProduct =
    sets:
    foldl' (acc: n: concatMap (partial: map (v: partial // { ${n} = v; }) sets.${n}) acc) [ { } ] (
      attrNames sets
    );
  mapCartesianProduct = f: sets: map f (cartesianProduct sets);

  # Derivations.
  isDerivation = v: (v.type or null) == "derivation";
  # The named output of a package unless a specific output was selected;
  # falls back to out, then the package itself.
  getOutput =
    output: pkg: if pkg.outputSpecified or false then pkg else pkg.${output} or pkg.out or pkg;
  getBin = getOutput "bin";
  getLib = getOutput "lib";
  getDev = getOutput "dev";
  getMan = getOutput "man";
  chooseDevOutputs = map getDev;
}
