# builtins.derivation for gonix, evaluated as «nix-internal»/derivation-internal.nix.
#
# `derivation attrs` is a lazy wrapper around the derivationStrict
# primop. derivationStrict does the real work: it coerces every
# attribute to a string (or JSON with __structuredAttrs), computes the
# output paths and the .drv path, and, when evaluation writes to a store,
# adds the .drv file. Its result is a set with drvPath and one attribute
# per output holding that output's path.
#
# This wrapper turns that into the value Nix users expect:
#
#   * the result is the set of the first output listed in `outputs`
#     (default [ "out" ]), so "${drv}" is that output's path;
#   * every output's set has outPath, drvPath, outputName and
#     type = "derivation", plus all the arguments, one attribute per
#     output (drv.dev, drv.out, ...), `all` (the list of every output's
#     set) and drvAttrs (the arguments as given);
#   * nothing is computed before it is used: asking for `name` or
#     `system` does not instantiate anything, and asking for one output's
#     outPath instantiates the derivation once for all of them.
#
# Error traces show lines of this file, so its layout is kept in step
# with the file of the same name in Nix: derivationStrict is called on
# line 36 (between blank lines) and the outPath of an output is selected
# on line 49. Keep those lines where they are when editing the comments.
#
# The argument must be a set; `outputs`, when given, a list of strings
# (derivationStrict checks the names: no duplicates, no "drvPath", not
# empty).
drvAttrs@{
  outputs ? [ "out" ],
  ...
}:
let

  strict = derivationStrict drvAttrs;

  # What every output's set has: the arguments (as attributes and as
  # drvAttrs), one attribute per output and the list of all of them. The
  # outputs refer to each other through byOutput, which is lazy, so this
  # is no loop.
  commonAttrs = drvAttrs // builtins.listToAttrs byOutput // {
    all = map (o: o.value) byOutput;
    inherit drvAttrs;
  };
  forOutput = outputName: {
    name = outputName;
    value = commonAttrs // {
      outPath = strict.${outputName};
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };
  byOutput = map forOutput outputs;
in
(builtins.head byOutput).value
