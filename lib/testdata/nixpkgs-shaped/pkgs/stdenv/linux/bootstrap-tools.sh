# Link the listed host tools into $out/bin (PATH is not set in builders).
PATH=/usr/local/bin:/usr/bin:/bin
mkdir -p "$out/bin"
for tool in $tools; do
    if found=$(type -P "$tool"); then
        ln -s "$(readlink -f "$found")" "$out/bin/$tool"
    fi
done
ln -s gcc "$out/bin/cc"
if [ -e "$out/bin/g++" ]; then
    ln -s g++ "$out/bin/c++"
fi
