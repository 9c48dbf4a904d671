# List functions. Everything works on plain Nix lists; functions that need
# an index use builtins.genList so no recursion depth grows with the list
# length unless the function is lazy by definition (foldr, foldl).
{ lib }:

let
  inherit (builtins) length genList;
  min = a: b: if a < b then a else b;
  indices = list: genList (i: i) (length list);
in
rec {
  inherit (builtins)
    head
    tail
    length
    elemAt
    elem
    genList
    filter
    concatLists
    concatMap
    sort
    isList
    any
    all
    partition
    foldl'
    ;

  singleton = x: [ x ];
  forEach = list: f: map f list;

  # foldr op nul [ a b c ] == op a (op b (op c nul)), lazily.
  foldr =
    op: nul: list:
    let
      len = length list;
      go = i: if i == len then nul else op (elemAt list i) (go (i + 1));
    in
    go 0;
  fold = foldr;

  # foldl op nul [ a b c ] == op (op (op nul a) b) c, lazily.
  foldl =
    op: nul: list:
    let
      go = i: if i < 0 then nul else op (go (i - 1)) (elemAt list i);
    in
    go (length list - 1);

  imap0 = f: list: genList (i: f i (elemAt list i)) (length list);
  imap1 = f: list: genList (i: f (i + 1) (elemAt list i)) (length list);
  ifilter0 = pred: list: map (i: elemAt list i) (filter (i: pred i (elemAt list i)) (indices list));

  flatten = x: if isList x then concatMap flatten x else [ x ];
  remove = e: filter (x: x != e);
  toList = x: if isList x then x else [ x ];

  optional = cond: x: if cond then [ x ] else [ ];
  optionals = cond: xs: if cond then xs else [ ];

  # range 2 4 == [ 2 3 4 ]; empty when first > last.
  range = first: last: if first > last then [ ] else genList (n: first + n) (last - first + 1);
  replicate = n: x: genList (_: x) n;

  count = pred: foldl' (n: x: if pred x then n + 1 else n) 0;

  # The index of the first element satisfying pred, or default. pred is not
  # called on elements after the first match.
  findFirstIndex =
    pred: default: list:
    let
      found = foldl' (
        acc: i:
        if acc != null then
          acc
        else if pred (elemAt list i) then
          i
        else
          null
      ) null (indices list);
    in
    if found == null then default else found;
  findFirst =
    pred: default: list:
    let
      i = findFirstIndex pred null list;
    in
    if i == null then default else elemAt list i;
  # The only element satisfying pred; `none` when there is none and
  # `multiple` when there are several.
  findSingle =
    pred: none: multiple: list:
    let
      found = filter pred list;
    in
    if found == [ ] then
      none
    else if length found > 1 then
      multiple
    else
      head found;

  groupBy =
    builtins.groupBy or (
      pred:
      foldl' (
        acc: x:
        let
          k = pred x;
        in
        acc // { ${k} = (acc.${k} or [ ]) ++ [ x ]; }
      ) { }
    );
  groupBy' =
    op: nul: pred: list:
    builtins.mapAttrs (_: foldl op nul) (groupBy pred list);

  zipListsWith =
    f: a: b:
    genList (i: f (elemAt a i) (elemAt b i)) (min (length a) (length b));
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });

  reverseList =
    list:
    let
      n = length list;
    in
    genList (i: elemAt list (n - 1 - i)) n;

  # Sort by a key computed once per element; stable for equal keys.
  sortOn =
    f: list:
    map (p: p.value) (
      sort (a: b: a.key < b.key || (a.key == b.key && a.index < b.index)) (
        imap0 (index: value: {
          inherit index value;
          key = f value;
        }) list
      )
    );

  # Lexicographic comparison with an element comparison returning -1, 0, 1.
  compareLists =
    cmp: a: b:
    if a == [ ] then
      (if b == [ ] then 0 else -1)
    else if b == [ ] then
      1
    else
      let
        r = cmp (head a) (head b);
      in
      if r == 0 then compareLists cmp (tail a) (tail b) else r;

  # Sort strings so that embedded numbers compare by value ("a2" < "a10").
  naturalSort =
    list:
    let
      chunk =
        s:
        map (p: if isList p then builtins.fromJSON (normalise (head p)) else p) (
          builtins.split "([0-9]+)" s
        );
      normalise =
        digits:
        let
          m = builtins.match "0*([0-9]+)" digits;
        in
        head m;
      cmpChunk =
        a: b:
        if builtins.isInt a && builtins.isInt b then
          lib.compare a b
        else if builtins.isInt a then
          -1
        else if builtins.isInt b then
          1
        else
          lib.compare a b;
      keyed = map (s: {
        inherit s;
        k = chunk s;
      }) list;
    in
    map (x: x.s) (sort (a: b: compareLists cmpChunk a.k b.k < 0) keyed);

  sublist =
    start: n: list:
    let
      len = length list;
      from = if start < 0 then 0 else start;
      avail = len - from;
      take = if avail <= 0 || n <= 0 then 0 else min n avail;
    in
    genList (i: elemAt list (from + i)) take;
  take = n: sublist 0 n;
  drop = n: list: sublist n (length list) list;
  takeEnd = n: list: drop (length list - n) list;
  dropEnd =
    n: list:
    let
      keep = length list - n;
    in
    take (if keep < 0 then 0 else keep) list;

  last =
    list:
    assert lib.assertMsg (list != [ ]) "lists.last: list must not be empty!";
    elemAt list (length list - 1);
  init =
    list:
    assert lib.assertMsg (list != [ ]) "lists.init: list must not be empty!";
    take (length list - 1) list;

  hasPrefix = prefix: list: take (length prefix) list == prefix;
  removePrefix =
    prefix: list:
    if hasPrefix prefix list then
      drop (length prefix) list
    else
      throw "lists.removePrefix: first argument is not a list prefix of the second argument";
  commonPrefix =
    a: b:
    let
      n = min (length a) (length b);
      diff = findFirstIndex (i: elemAt a i != elemAt b i) n (genList (i: i) n);
    in
    take diff a;

  # Keep the first occurrence of each element, in order.
  unique = foldl' (acc: x: if elem x acc then acc else acc ++ [ x ]) [ ];
  allUnique = list: length (unique list) == length list;
  intersectLists = a: filter (x: elem x a);
  subtractLists = a: filter (x: !(elem x a));
  mutuallyExclusive = a: b: !(builtins.any (x: elem x a) b);
}
