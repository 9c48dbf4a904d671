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

// TestGCPercentFor checks the GOGC values tuneEvalGC sets against the
// runtime's goal formula: the live heap grown by GOGC per cent, but at
// least runtimeMinHeap * GOGC/100.
func TestGCPercentFor(t *testing.T) {
	runtimeGoal := func(p int, live uint64) uint64 {
		return max(live+live*uint64(p)/100, runtimeMinHeap*uint64(p)/100)
	}
	for _, c := range []struct{ goal, live uint64 }{
		{64 << 20, 0}, {64 << 20, 300 << 10}, {64 << 20, 1 << 20}, {64 << 20, 5 << 20},
		{64 << 20, 30 << 20}, {150 << 20, 50 << 20}, {3 << 30, 1 << 30},
	} {
		p := gcPercentFor(c.goal, c.live)
		got := runtimeGoal(p, c.live)
		if got < c.goal*98/100 || got > c.goal*102/100 {
			t.Errorf("gcPercentFor(%d, %d) = %d: runtime goal %d, want about %d", c.goal, c.live, p, got, c.goal)
		}
	}
}
