package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles starts the profiles the environment asks for, for
// performance work: a CPU profile to $GONIX_CPUPROFILE and an allocation
// profile to $GONIX_MEMPROFILE, written when the returned function is
// called.
func startProfiles() (stop func(), err error) {
	stopCPU := func() {}
	if p := getenv("GONIX_CPUPROFILE"); p != "" {
		if stopCPU, err = startCPUProfile(p); err != nil {
			return nil, err
		}
	}
	mem := getenv("GONIX_MEMPROFILE")
	return func() {
		if mem != "" {
			writeMemProfile(mem)
		}
		stopCPU()
	}, nil
}

// startCPUProfile writes a CPU profile to path until the returned
// function is called (enabled by GONIX_CPUPROFILE, for performance work).
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// writeMemProfile writes an allocation profile to path (GONIX_MEMPROFILE).
func writeMemProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		return
	}
	defer f.Close()
	runtime.GC()
	_ = pprof.Lookup("allocs").WriteTo(f, 0)
}
