# Version strings: splitVersion "1.2.3" == [ "1" "2" "3" ].
{ lib }:

let
  inherit (builtins) splitVersion elemAt;
  part = n: v: elemAt (splitVersion v) n;
in
{
  inherit splitVersion;
  major = part 0;
  minor = part 1;
  patch = part 2;
  majorMinor = v: "${part 0 v}.${part 1 v}";
  # The first n numeric components, padded with zeros, keeping a
  # "-suffix": pad 3 "1.2-rc1" == "1.2.0-rc1".
  pad =
    n: v:
    let
      numeric = builtins.head (lib.splitString "-" v);
      suffix = lib.removePrefix numeric v;
    in
    builtins.concatStringsSep "." (lib.take n (splitVersion numeric ++ builtins.genList (_: "0") n))
    + suffix;
}
