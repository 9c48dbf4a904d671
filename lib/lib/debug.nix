# Tracing helpers for debugging evaluation.
_:

let
  inherit (builtins) trace deepSeq;
in
rec {
  traceIf =
    cond: msg: x:
    if cond then trace msg x else x;
  traceVal = x: trace x x;
  traceValFn = f: x: trace (f x) x;
  traceSeq = x: y: trace (deepSeq x x) y;
  traceValSeq = x: traceVal (deepSeq x x);
  traceValSeqFn = f: x: traceValFn f (deepSeq x x);
}
