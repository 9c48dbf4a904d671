# Every case here is wrong on purpose: the harness must report each one.
{ lib, pkgs }:
{
  wrongValue = {
    expr = lib.concatStringsSep "," [
      "a"
      "b"
    ];
    expected = "a;b";
  };
  wrongType = {
    expr = 1;
    expected = "1";
  };
  intVersusFloat = {
    expr = 1;
    expected = 1.0;
  };
  throwsUnexpectedly = {
    expr = throw "oops";
    expected = 1;
  };
  expectedThrowMissing = {
    expr = 1;
    expectThrow = true;
  };
  listOrder = {
    expr = lib.unique [
      2
      1
      2
    ];
    expected = [
      1
      2
    ];
  };
}
