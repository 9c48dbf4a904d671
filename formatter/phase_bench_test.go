package formatter

import (
	"testing"

	"github.com/gonix/gonix/parser"
)

// BenchmarkPhases formats the corpus stopping after each stage of the
// pipeline, so that the differences between the sub-benchmarks give the
// cost of each stage (parse, convert, print with normalisation, layout;
// and for comparison the same document built raw and normalised after).
func BenchmarkPhases(b *testing.B) {
	srcs, n := corpusSources(b)
	stages := []string{"parse", "convert", "print+fixup (batch)", "print+fixup", "layout"}
	for depth, name := range stages {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(n)
			ws := new(workspace)
			opts := Options{}.normalized()
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				for _, src := range srcs {
					runStages(src, opts, ws, depth)
				}
			}
			reportCPU(b, n, cpuTime()-c0)
		})
	}
}

func runStages(src []byte, opts Options, ws *workspace, depth int) {
	t := parser.ParseSyntaxReusing(string(src), opts.Filename, ws.tree)
	ws.tree = t
	if depth == 0 {
		return
	}
	ws.dm.reset()
	ws.ascii = isASCII(t.Src)
	c := newConverter(t, opts.Strict, &ws.conv)
	w := c.file()
	if depth == 1 {
		return
	}
	if depth == 2 {
		// Printing and normalising happen together; this stage prints
		// raw, for comparison.
		buildDoc(w, ws, false)
		return
	}
	d := buildDoc(w, ws, true)
	if depth == 3 {
		return
	}
	layoutDoc(&ws.dm, d, opts.Width, opts.Indent, len(src), ws)
	ws.rests.n = 0
}
