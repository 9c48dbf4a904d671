# An overlay as users write them: change a package with overrideAttrs and
# add a new one that depends on it.
final: prev: {
  hello = prev.hello.overrideAttrs (old: {
    pname = "hello-patched";
    postPatch = (old.postPatch or "") + ''
      substituteInPlace hello.c --replace-fail "Hello, world!" "Hello from the overlay!"
    '';
  });

  hello-runner = final.runCommand "hello-runner" { } ''
    ${final.hello}/bin/hello > $out
  '';
}
