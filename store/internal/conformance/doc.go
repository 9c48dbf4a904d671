// Package conformance locates the shared golden vectors
// (../shared/conformance/store next to the module root) for the store
// packages' tests and builds the NAR test trees.
package conformance
