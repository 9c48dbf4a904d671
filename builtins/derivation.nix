# builtins.derivation for gonix: wraps derivationStrict so that outPath
# and drvPath are computed only when used, and gives every output its own
# attribute set.
args@{
  outputs ? [ "out" ],
  ...
}:
let
  strict = derivationStrict args;
  forOutput = outputName: {
    name = outputName;
    value = shared // {
      outPath = strict.${outputName};
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };
  byOutput = map forOutput outputs;
  shared = args // builtins.listToAttrs byOutput // {
    all = map (o: o.value) byOutput;
    drvAttrs = args;
  };
in
(builtins.head byOutput).value
