package formatter

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gonix/gonix/parser"
)

// corpusDirs returns the directories of .nix files the corpus tests run
// over: the conformance data and the real-world corpus made by
// bench/corpus.sh (GONIX_CORPUS or bench/corpus), when present.
func corpusDirs() []string {
	var dirs []string
	for _, d := range []string{"../../shared/conformance", os.Getenv("GONIX_CORPUS"), "../bench/corpus"} {
		if d == "" {
			continue
		}
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

func nixFiles(t testing.TB, dirs []string) []string {
	var files []string
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && strings.HasSuffix(p, ".nix") && e.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// checkRoundTrip formats src and checks the properties formatting must
// have: the output parses, means the same (same syntax without trivia,
// same `nix-instantiate --parse` rendering) and is a fixed point.
func checkRoundTrip(src []byte, opts Options) (skipped bool, problem string) {
	pOpts := parser.Options{PipeOperators: true}
	t := parser.Parse(src, pOpts)
	if len(t.SyntaxErrors()) > 0 {
		return true, ""
	}
	out, err := FormatTree(t, opts)
	var pe *ParseError
	if errors.As(err, &pe) {
		return true, "" // Nix reads it, nixfmt does not (a lone CR)
	}
	if err != nil {
		return false, "format: " + err.Error()
	}
	t2 := parser.Parse(out, pOpts)
	if errs := t2.SyntaxErrors(); len(errs) > 0 {
		return false, "output does not parse: " + errs[0].Msg + "\n" + string(out)
	}
	if !SameSyntax(src, out) {
		return false, "output parses to different syntax"
	}
	if meaning(t) != meaning(t2) {
		return false, "output means something else"
	}
	again, err := FormatTree(t2, opts)
	if err != nil {
		return false, "reformat: " + err.Error()
	}
	if string(again) != string(out) {
		return false, "not idempotent:\n" + firstDiff(string(out), string(again))
	}
	return false, ""
}

// meaning renders a tree without trivia, with string-like literals
// reduced to their values (adjacent literal parts merged), so that
// different spellings of the same string compare equal.
func meaning(t *parser.Tree) string {
	var b strings.Builder
	var walk func(n parser.Node)
	walk = func(n parser.Node) {
		switch n.Kind() {
		case parser.NodeURI:
			// nixfmt writes URI literals as strings.
			b.WriteString("(str " + strconvQuote(n.Text()) + ")")
			return
		case parser.NodeString, parser.NodeIndString:
			b.WriteString("(str")
			lit := ""
			for _, p := range n.Parts() {
				if !p.IsInterp {
					lit += p.Lit
					continue
				}
				if lit != "" {
					b.WriteString(" " + strconvQuote(lit))
					lit = ""
				}
				b.WriteString(" ")
				walk(p.Interp)
			}
			if lit != "" {
				b.WriteString(" " + strconvQuote(lit))
			}
			b.WriteString(")")
			return
		}
		b.WriteString("(" + n.Kind().String())
		n.Elements(func(e parser.Element) bool {
			if e.Token.Valid() {
				// Commas between formals may change (a trailing one is
				// added); their order is kept by the formals.
				if k := e.Token.Kind(); !k.IsTrivia() && k != parser.TokEOF && !(k == parser.TokComma && n.Kind() == parser.NodePattern) {
					b.WriteString(" " + e.Token.Text())
				}
				return true
			}
			b.WriteString(" ")
			walk(e.Node)
			return true
		})
		b.WriteString(")")
	}
	walk(t.Root())
	return b.String()
}

func strconvQuote(s string) string { return strconv.Quote(s) }

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			lo := max(0, i-3)
			return "first difference at line " + itoa(i+1) + ":\n--- once\n" +
				strings.Join(la[lo:min(len(la), i+4)], "\n") + "\n--- twice\n" + strings.Join(lb[lo:min(len(lb), i+4)], "\n")
		}
	}
	return "outputs differ in length"
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i))
}

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestCorpus formats every .nix file of the conformance data and of the
// real-world corpus, in default and strict mode, and checks that
// formatting keeps the meaning and is idempotent.
func TestCorpus(t *testing.T) {
	dirs := corpusDirs()
	if len(dirs) == 0 {
		t.Skip("no corpus (run bench/corpus.sh)")
	}
	files := nixFiles(t, dirs)
	if testing.Short() && len(files) > 300 {
		files = files[:300]
	}
	type result struct {
		file, mode, problem string
		skipped             bool
	}
	var mu sync.Mutex
	var results []result
	jobs := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				src, err := os.ReadFile(f)
				if err != nil {
					t.Error(err)
					continue
				}
				for _, strict := range []bool{false, true} {
					mode := "default"
					if strict {
						mode = "strict"
					}
					sk, pr := checkRoundTrip(src, Options{Strict: strict, Filename: f})
					mu.Lock()
					results = append(results, result{f, mode, pr, sk})
					mu.Unlock()
				}
			}
		}()
	}
	for _, f := range files {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	ok, skipped, bad := 0, 0, 0
	for _, r := range results {
		switch {
		case r.skipped:
			skipped++
		case r.problem != "":
			bad++
			if bad <= 20 {
				t.Errorf("%s (%s): %s", r.file, r.mode, r.problem)
			}
		default:
			ok++
		}
	}
	t.Logf("corpus: %d files; %d formattings ok, %d failed, %d skipped (do not parse)", len(files), ok, bad, skipped)
}
