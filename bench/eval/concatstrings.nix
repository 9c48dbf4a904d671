# concatStringsSep of 10^5 strings
builtins.stringLength (builtins.concatStringsSep "," (builtins.genList (i: "s${toString i}") 100000))
