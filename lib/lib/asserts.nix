# Assertions with messages.
{ lib }:

{
  # assert assertMsg cond "message"; ... throws "message" when cond is false.
  assertMsg = cond: msg: cond || throw msg;

  # Assert that value is one of xs, naming the option in the message.
  assertOneOf =
    name: value: xs:
    builtins.elem value xs
    || throw "${name} must be one of ${lib.generators.toPretty { } xs}, but is: ${
      lib.generators.toPretty { } value
    }";

  # Assert every element of a list satisfies the assertion, naming the
  # first that does not.
  assertEachOneOf =
    name: values: xs:
    builtins.all (v: builtins.elem v xs) values
    || throw "each element in ${name} must be one of ${lib.generators.toPretty { } xs}, but is: ${
      lib.generators.toPretty { } values
    }";
}
