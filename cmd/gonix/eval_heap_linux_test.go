//go:build linux

package main

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestPreallocHugeHeap checks that the buffer used to map the heap is
// collected (it must not count against the evaluation's memory) and,
// where the kernel takes advice, that part of the heap is advised to use
// huge pages.
func TestPreallocHugeHeap(t *testing.T) {
	const size = 32 << 20
	preallocHugeHeap(size)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > size/2 {
		t.Errorf("heap holds %d bytes after preallocHugeHeap(%d): the buffer was not collected", ms.HeapAlloc, size)
	}
	if !thpOnAdvice() || strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		t.Skip("kernel does not take huge page advice here")
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	if !advisedHuge(string(smaps)) {
		t.Errorf("no mapping of /proc/self/smaps is advised to use huge pages (VmFlags hg)")
	}
}

// advisedHuge reports whether a mapping in smaps text has the hg flag.
func advisedHuge(smaps string) bool {
	for line := range strings.Lines(smaps) {
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			for _, f := range strings.Fields(flags) {
				if f == "hg" {
					return true
				}
			}
		}
	}
	return false
}
