package formatter

import (
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gonix/gonix/parser"
)

// corpusSources loads the real-world corpus (bench/corpus.sh), or skips.
func corpusSources(b *testing.B) ([][]byte, int64) { return corpusSourcesT(b) }

func corpusSourcesT(b testing.TB) ([][]byte, int64) {
	var dirs []string
	for _, d := range []string{os.Getenv("GONIX_CORPUS"), "../bench/corpus"} {
		if st, err := os.Stat(d); d != "" && err == nil && st.IsDir() {
			dirs = append(dirs, d)
			break
		}
	}
	if len(dirs) == 0 {
		b.Skip("no corpus (run bench/corpus.sh)")
	}
	var srcs [][]byte
	var n int64
	for _, f := range nixFiles(b, dirs) {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Format(src, Options{}); err != nil {
			continue // does not parse
		}
		srcs = append(srcs, src)
		n += int64(len(src))
	}
	return srcs, n
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds MB per CPU-second, which stays meaningful when other
// processes compete for the cores.
func reportCPU(b *testing.B, n int64, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(n)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkFormatCorpus formats the whole corpus once per iteration in one
// goroutine; the reported MB/s is the formatter's throughput (parsing
// included).
func BenchmarkFormatCorpus(b *testing.B) {
	srcs, n := corpusSources(b)
	b.SetBytes(n)
	b.ResetTimer()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			if _, err := Format(src, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, n, cpuTime()-c0)
}

// BenchmarkFormatCorpusParallel formats the corpus with one goroutine per
// core.
func BenchmarkFormatCorpusParallel(b *testing.B) {
	srcs, n := corpusSources(b)
	b.SetBytes(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var next atomic.Int64
		done := make(chan struct{})
		workers := runtime.GOMAXPROCS(0)
		for w := 0; w < workers; w++ {
			go func() {
				defer func() { done <- struct{}{} }()
				for {
					j := int(next.Add(1)) - 1
					if j >= len(srcs) {
						return
					}
					if _, err := Format(srcs[j], Options{}); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		for w := 0; w < workers; w++ {
			<-done
		}
	}
}

// BenchmarkParseCorpus is the parser alone, for comparison.
func BenchmarkParseCorpus(b *testing.B) {
	srcs, n := corpusSources(b)
	b.SetBytes(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, src := range srcs {
			parser.Parse(src, parser.Options{PipeOperators: true})
		}
	}
}
