package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.lsp.dev/jsonrpc2"
)

func main() {
	gonix := flag.String("gonix", "gonix", "the gonix binary")
	lines := flag.Int("lines", 30000, "lines of the generated file")
	edits := flag.Int("edits", 500, "incremental edits")
	corpus := flag.String("corpus", "", "a directory of real .nix files to index (skipped when empty)")
	flag.Parse()
	if err := run(*gonix, *lines, *edits, *corpus); err != nil {
		fmt.Fprintln(os.Stderr, "lspbench:", err)
		os.Exit(1)
	}
}

type server struct {
	cmd  *exec.Cmd
	conn jsonrpc2.Conn
}

type pipes struct {
	io.Reader
	io.WriteCloser
}

func (p pipes) Close() error { return p.WriteCloser.Close() }

func start(gonix string) (*server, error) {
	cmd := exec.Command(gonix, "lsp", "--log-level", "error")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s lsp: %w", gonix, err)
	}
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(pipes{out, in}))
	conn.Go(context.Background(), func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if _, ok := req.(*jsonrpc2.Call); ok {
			go reply(ctx, nil, nil)
		}
		return nil
	})
	return &server{cmd: cmd, conn: conn}, nil
}

func (s *server) call(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	_, err := s.conn.Call(ctx, method, params, result)
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

func (s *server) notify(method string, params any) error {
	return s.conn.Notify(context.Background(), method, params)
}

func (s *server) initialize(folders []string) error {
	var fs []map[string]string
	for _, f := range folders {
		fs = append(fs, map[string]string{"uri": "file://" + f, "name": filepath.Base(f)})
	}
	var res json.RawMessage
	if err := s.call("initialize", map[string]any{
		"processId":        os.Getpid(),
		"capabilities":     map[string]any{"textDocument": map[string]any{"diagnostic": map[string]any{}}},
		"workspaceFolders": fs,
	}, &res); err != nil {
		return err
	}
	return s.notify("initialized", map[string]any{})
}

// cpuTime reads the CPU time (user and system) the server has used.
func (s *server) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which is in parentheses).
	str := string(b)
	i := strings.LastIndexByte(str, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(str[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / time.Duration(clockTicks)
}

// clockTicks is the kernel's USER_HZ (the unit of /proc/PID/stat times).
const clockTicks = 100

// loadAvg returns the 1-minute load average.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// peakRSS reads the process's high-water resident set size in MiB.
func (s *server) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}

func (s *server) stop() {
	_ = s.call("shutdown", nil, nil)
	_ = s.notify("exit", nil)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

// generate writes a package-set-like file of about n lines.
func generate(n int) string {
	var b strings.Builder
	b.WriteString("{ pkgs, lib, ... }:\nlet\n  helper = x: y: x + y;\nin\n{\n")
	for i := 0; b.Len() >= 0; i++ {
		if strings.Count(b.String()[max(0, b.Len()-1):], "\n") >= 0 && i*10 >= n-6 {
			break
		}
		fmt.Fprintf(&b, "  pkg%d = let\n    version = \"1.%d\";\n    src = pkgs.fetchurl { url = \"https://example.org/p%d-${version}.tar.gz\"; sha256 = lib.fakeSha256; };\n  in pkgs.stdenv.mkDerivation {\n    pname = \"pkg%d\";\n    inherit version src;\n    buildInputs = with pkgs; [ zlib openssl ];\n    meta = { description = \"Package %d\"; license = lib.licenses.mit; };\n    x = helper %d 1;\n  };\n", i, i, i, i, i, i)
	}
	b.WriteString("}\n")
	return b.String()
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p * float64(len(s)-1))
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func run(gonix string, nlines, nedits int, corpus string) error {
	text := generate(nlines)
	s, err := start(gonix)
	if err != nil {
		return err
	}
	defer s.stop()
	if err := s.initialize(nil); err != nil {
		return err
	}
	uri := "file:///bench/generated.nix"
	if err := s.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "nix", "version": 1, "text": text}}); err != nil {
		return err
	}
	var diag struct {
		Items []json.RawMessage `json:"items"`
	}
	t0 := time.Now()
	if err := s.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}}, &diag); err != nil {
		return err
	}
	fmt.Printf("file: %d lines, %d bytes; first full analysis + diagnostics: %s (%d diagnostics)\n",
		strings.Count(text, "\n"), len(text), ms(time.Since(t0)), len(diag.Items))

	rng := rand.New(rand.NewSource(1))
	lineStarts := []int{0}
	for i, c := range text {
		if c == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	// The client keeps its copy of the text as bytes and edits it in
	// place (every edit replaces one digit), so that its own allocation
	// and collection do not take the CPU from the server it measures.
	buf := []byte(text)
	text = ""
	var diagLat, compLat []time.Duration
	version := 1
	load0 := loadAvg()
	cpu0 := s.cpuTime()
	for i := 0; i < nedits; i++ {
		// Edit the version string of a random package: replace the
		// digit after `"1.` on a `version = "1.N";` line.
		pkg := rng.Intn((nlines - 6) / 10)
		line := 5 + pkg*10 + 1 // the version line of pkg
		lineText := buf[lineStarts[line]:lineStarts[line+1]]
		col := bytes.Index(lineText, []byte("\"1.")) + 3
		digit := string(rune('0' + rng.Intn(10)))
		buf[lineStarts[line]+col] = digit[0]
		version++
		if err := s.notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{map[string]any{
				"range": map[string]any{"start": map[string]any{"line": line, "character": col}, "end": map[string]any{"line": line, "character": col + 1}},
				"text":  digit,
			}},
		}); err != nil {
			return err
		}
		start := time.Now()
		if i%2 == 0 {
			if err := s.call("textDocument/diagnostic", map[string]any{"textDocument": map[string]any{"uri": uri}}, &diag); err != nil {
				return err
			}
			diagLat = append(diagLat, time.Since(start))
		} else {
			// Complete at `x = helper|` of the same package.
			xline := 5 + pkg*10 + 8
			var list struct {
				Items []json.RawMessage `json:"items"`
			}
			if err := s.call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri},
				"position": map[string]any{"line": xline, "character": 14}}, &list); err != nil {
				return err
			}
			if len(list.Items) == 0 {
				return fmt.Errorf("completion after edit %d returned nothing", i)
			}
			compLat = append(compLat, time.Since(start))
		}
	}
	cpu := s.cpuTime() - cpu0
	fmt.Printf("diagnostics after an edit (%d samples): p50 %s, p99 %s\n", len(diagLat), ms(percentile(diagLat, 0.5)), ms(percentile(diagLat, 0.99)))
	fmt.Printf("completion after an edit (%d samples): p50 %s, p99 %s\n", len(compLat), ms(percentile(compLat, 0.5)), ms(percentile(compLat, 0.99)))
	fmt.Printf("server CPU time (user+system) per edit and request: %s on average (%s for %d edits); load average %s before, %s after (%d cores)\n",
		ms(cpu/time.Duration(nedits)), ms(cpu), nedits, load0, loadAvg(), runtime.NumCPU())
	fmt.Printf("peak RSS (edits): %.1f MiB\n", s.peakRSS())

	if corpus == "" {
		return nil
	}
	n := 0
	_ = filepath.WalkDir(corpus, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".nix") {
			n++
		}
		return nil
	})
	w, err := start(gonix)
	if err != nil {
		return err
	}
	defer w.stop()
	abs, _ := filepath.Abs(corpus)
	t1 := time.Now()
	if err := w.initialize([]string{abs}); err != nil {
		return err
	}
	var syms []json.RawMessage
	if err := w.call("workspace/symbol", map[string]any{"query": "enable"}, &syms); err != nil {
		return err
	}
	indexTime := time.Since(t1)
	t2 := time.Now()
	if err := w.call("workspace/symbol", map[string]any{"query": "mkOpt"}, &syms); err != nil {
		return err
	}
	fmt.Printf("workspace: %d .nix files indexed, first workspace/symbol answered after %s; a later query %s (%d symbols); peak RSS %.1f MiB\n",
		n, ms(indexTime), ms(time.Since(t2)), len(syms), w.peakRSS())
	return nil
}
