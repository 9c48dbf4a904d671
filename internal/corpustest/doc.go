// Package corpustest gives tests a seeded sample of the real-world Nix
// corpus that bench/corpus.sh exports (bench/corpus, or $GONIX_CORPUS):
// the incremental-analysis tests of the parser's users replay random
// edits on real files from it. Tests skip when no corpus is present.
package corpustest
