//go:build !unix

package main

import "os"

// readSourceFile reads a whole file.
func readSourceFile(path string) ([]byte, error) { return os.ReadFile(path) }
