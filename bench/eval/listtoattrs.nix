# listToAttrs of 10^5 pairs
let
  set = builtins.listToAttrs (
    builtins.genList (i: {
      name = "a${toString i}";
      value = i;
    }) 100000
  );
in
builtins.deepSeq set (builtins.length (builtins.attrNames set))
