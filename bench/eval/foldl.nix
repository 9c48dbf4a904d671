# foldl' over genList 10^6
builtins.foldl' (acc: x: acc + x) 0 (builtins.genList (i: i) 1000000)
