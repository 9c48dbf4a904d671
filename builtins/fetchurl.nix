# <nix/fetchurl.nix> for gonix: a fixed-output derivation that the
# builtin:fetchurl builder downloads.
{
  url ? null,
  urls ? [ ],
  hash ? "",
  sha256 ? "",
  sha512 ? "",
  sha1 ? "",
  md5 ? "",
  outputHash ? "",
  outputHashAlgo ? "",
  name ? baseNameOf (toString (if url != null then url else builtins.head urls)),
  executable ? false,
  unpack ? false,
  system ? "builtin",
  impure ? false,
}:
let
  pick =
    if hash != "" then { h = hash; a = ""; }
    else if sha512 != "" then { h = sha512; a = "sha512"; }
    else if sha256 != "" then { h = sha256; a = "sha256"; }
    else if sha1 != "" then { h = sha1; a = "sha1"; }
    else if md5 != "" then { h = md5; a = "md5"; }
    else { h = outputHash; a = outputHashAlgo; };
in
derivation (
  {
    builder = "builtin:fetchurl";
    inherit name system executable unpack;
    url = if url != null then url else builtins.head urls;
    urls = if url != null then [ url ] else urls;
    outputHashMode = if unpack || executable then "recursive" else "flat";
    preferLocalBuild = true;
    impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  }
  // (if impure then { __impure = true; } else { outputHash = pick.h; outputHashAlgo = pick.a; })
)
