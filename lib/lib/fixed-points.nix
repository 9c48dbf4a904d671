# Fixed points and extensions (overlays): the machinery behind package
# sets that can be extended after the fact.
#
# An extension is a function `final: prev: { ... }`: `prev` is the set
# before the extension, `final` the set after all extensions.
{ lib }:

rec {
  # fix f is the value x with x == f x (lazily).
  fix =
    f:
    let
      x = f x;
    in
    x;

  # Like fix, but the result remembers f in __unfix__.
  fix' =
    f:
    let
      x = f x // {
        __unfix__ = f;
      };
    in
    x;

  # Apply f until the value stops changing.
  converge =
    f: x:
    let
      next = f x;
    in
    if next == x then x else converge f next;

  # extends ext base: the function whose fixed point is base's fixed point
  # with ext applied on top.
  extends =
    ext: base: final:
    let
      prev = base final;
    in
    prev // ext final prev;

  # One extension doing f then g.
  composeExtensions =
    f: g: final: prev:
    let
      fromF = f final prev;
    in
    fromF // g final (prev // fromF);

  # A list of extensions applied left to right.
  composeManyExtensions = lib.foldr composeExtensions (_: _: { });

  # Turn an attrset, `prev: ...` or `final: prev: ...` into an extension.
  toExtension =
    f:
    if lib.isFunction f then
      final: prev:
      let
        applied = f prev;
      in
      if lib.isFunction applied then f final prev else applied
    else
      _: _: f;

  # The fixed point of rattrs with an `extend` attribute that applies an
  # extension and returns the new, still extensible, fixed point.
  makeExtensible = makeExtensibleWithCustomName "extend";
  makeExtensibleWithCustomName =
    extenderName: rattrs:
    fix' (
      self:
      rattrs self
      // {
        ${extenderName} = ext: makeExtensibleWithCustomName extenderName (extends (toExtension ext) rattrs);
      }
    );
}
