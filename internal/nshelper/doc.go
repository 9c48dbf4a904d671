// Package nshelper runs the gonix binary again as a small helper process
// inside new Linux namespaces, the way the build sandbox (store/sandbox)
// and dev shells over a relocated store (internal/devenv) need: the
// parent starts /proc/self/exe with a marker variable, hands it a JSON
// specification on file descriptor 3 and learns on descriptor 4 whether
// the helper set itself up (the descriptor closes without a word) or why
// it could not (a message). The helper side runs from an init function,
// before the program's own main.
package nshelper
