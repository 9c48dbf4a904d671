package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// tuneEvalGC sets the collector up for an evaluation: the heap may grow
// to minHeap bytes before the first collection, and afterwards to
// percent per cent above the live heap (as GOGC=percent), but never
// below minHeap.
//
// Evaluation allocates many short-lived thunks and environments from a
// small live heap: collecting early only costs time (a collection that
// runs while the evaluator updates thunks in place pays write barriers
// and mark assists on every update) and saves little memory. A value of
// GOGC in the environment disables the tuning.
func tuneEvalGC(minHeap uint64, percent int) {
	if getenv("GOGC") != "" {
		return
	}
	// Below 4 MiB of live heap the runtime's goal is 4 MiB * GOGC/100.
	debug.SetGCPercent(int(minHeap * 100 / (4 << 20)))
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	retune := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		live := max(sample[0].Value.Uint64(), 1<<20)
		goal := max(live*uint64(100+percent)/100, minHeap)
		debug.SetGCPercent(int((goal - live) * 100 / live))
	}
	afterEachGC(retune)
}

// afterEachGC calls f after every garbage collection, from the
// finalizer goroutine, for the life of the process.
func afterEachGC(f func()) {
	type sentinel struct{ _ [16]byte }
	var arm func()
	arm = func() {
		runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
			f()
			arm()
		})
	}
	arm()
}
