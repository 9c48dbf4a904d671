# Installed by fixupPhase as nix-support/setup-hook with @out@ replaced.
export PROVIDED_BY=@out@
