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
	debug.SetGCPercent(gcPercentFor(minHeap, 0))
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	retune := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		live := sample[0].Value.Uint64()
		goal := max(live*uint64(100+percent)/100, minHeap)
		debug.SetGCPercent(gcPercentFor(goal, live))
	}
	afterEachGC(retune)
}

// runtimeMinHeap is the runtime's minimum heap goal at GOGC=100: at
// GOGC=p the goal is never below runtimeMinHeap * p/100.
const runtimeMinHeap = 4 << 20

// gcPercentFor returns the GOGC value that makes the runtime's next heap
// goal goal bytes when live bytes are live: live grown by the
// percentage, but not more than the minimum heap the percentage implies
// (which governs while the live heap is small).
func gcPercentFor(goal, live uint64) int {
	p := goal * 100 / runtimeMinHeap
	if live > 0 && goal > live {
		p = min(p, (goal-live)*100/live)
	}
	return int(max(p, 1))
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
