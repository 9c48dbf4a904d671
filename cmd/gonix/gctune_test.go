package main

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestAfterEachGC(t *testing.T) {
	var n atomic.Int32
	afterEachGC(func() { n.Add(1) })
	deadline := time.Now().Add(10 * time.Second)
	for n.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("hook ran %d times after repeated collections, want at least 2", n.Load())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}
