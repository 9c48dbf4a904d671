# A setup hook: records the dependencies it sees and marks the output.
demoHookSourced=1
_demoEnvHook() {
    demoDeps="${demoDeps:-} $1"
}
addEnvHooks "$hostOffset" _demoEnvHook
_demoPostInstall() {
    mkdir -p "$out"
    echo "hook ran for $out" > "$out/hooked"
    echo "$demoDeps" > "$out/demo-deps"
}
postInstallHooks+=(_demoPostInstall)
