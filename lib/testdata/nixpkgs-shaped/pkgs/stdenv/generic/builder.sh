# Builds the stdenv: copies the setup script, default builder and compiler
# wrappers with the bootstrap tools.
PATH=
for p in $initialPath; do
    PATH="${PATH:+$PATH:}$p/bin"
done
export PATH
mkdir -p "$out/bin"
cp "$runtime/setup" "$runtime/default-builder.sh" "$runtime/cc-wrapper.sh" "$out/"
cp "$runtime"/bin/* "$out/bin/"
chmod u+w "$out"/bin/*
chmod +x "$out"/bin/*
