# Old names kept working, with a warning (nixpkgs' aliases.nix).
lib: final: prev: {
  hello-world = lib.warn "hello-world has been renamed to hello" final.hello;
}
