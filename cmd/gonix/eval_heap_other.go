//go:build !linux

package main

// preallocHugeHeap does nothing: transparent huge pages are a Linux
// feature (see eval_heap_linux.go).
func preallocHugeHeap(size int) {}
