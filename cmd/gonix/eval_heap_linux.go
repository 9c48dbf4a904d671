//go:build linux

package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	"golang.org/x/sys/unix"
)

// thpModeFile holds the kernel's transparent huge page policy.
const thpModeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// preallocHugeHeap maps size bytes of Go heap up front and asks the
// kernel to back them with transparent huge pages, so that an
// evaluation whose heap grows into them takes one page fault per 2 MiB
// instead of one per 4 KiB page. On virtual machines a page fault costs
// microseconds, and an evaluation that allocates tens of megabytes
// spent a third of its time faulting its heap in.
//
// The runtime maps the heap in chunks and never advises huge pages
// itself, so this allocates one large buffer (the runtime maps fresh
// memory for it without touching it), advises its range, and collects
// it: its pages go back to the heap's free pages, still advised, and
// later allocations reuse them. Memory is only resident once touched,
// in 2 MiB steps, so size only bounds how far the heap can grow on huge
// pages (the address space costs nothing until used). It does nothing
// unless the kernel's policy is "madvise" (with "always" the heap
// already gets huge pages; with "never" it cannot), when GODEBUG has
// disablethp=1 (the runtime's own switch for turning huge pages off),
// when a memory limit (GOMEMLIMIT) is below twice size, or when the
// kernel does not overcommit memory (mode 2 would charge the whole
// buffer).
func preallocHugeHeap(size int) {
	if !thpOnAdvice() || strings.Contains(getenv("GODEBUG"), "disablethp=1") ||
		debug.SetMemoryLimit(-1) < 2*int64(size) || !overcommits() {
		return
	}
	// No collection may start while the buffer is live (it would find
	// it live): collect once, when it is garbage.
	percent := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(percent)
	buf := make([]byte, size)
	_ = unix.Madvise(buf, unix.MADV_HUGEPAGE) // advice only: failure changes nothing
	runtime.KeepAlive(buf)
	buf = nil
	runtime.GC()
}

// overcommits reports whether the kernel overcommits memory (mode 0 or
// 1 in /proc/sys/vm/overcommit_memory).
func overcommits() bool {
	data, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err == nil && strings.TrimSpace(string(data)) != "2"
}

// thpOnAdvice reports whether the kernel gives transparent huge pages
// to memory that asks for them (policy "madvise").
func thpOnAdvice() bool {
	data, err := os.ReadFile(thpModeFile)
	return err == nil && strings.Contains(string(data), "[madvise]")
}
