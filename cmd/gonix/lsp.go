package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gonix/gonix/builtins"
	"github.com/gonix/gonix/lsp"
)

type lspFlags struct {
	logFile    string
	logLevel   string
	evalWorker bool
}

func newLSPCmd(s *streams) *cobra.Command {
	var f lspFlags
	cmd := &cobra.Command{
		Use:   "lsp [--log-file FILE] [--log-level LEVEL]",
		Short: "Run the Nix language server over standard input and output",
		Long: `Run the gonix language server (Language Server Protocol over stdio).

Editors start it as "gonix lsp". Logs never go to standard output: they go to
standard error, or to --log-file. The level comes from --log-level or the
GONIX_LOG environment variable (debug, info, warn, error; default warn).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLSP(s, f)
		},
	}
	cmd.Flags().StringVar(&f.logFile, "log-file", "", "append the log to `FILE` instead of standard error")
	cmd.Flags().StringVar(&f.logLevel, "log-level", "", "log level: debug, info, warn or error (default $GONIX_LOG or warn)")
	// Editors pass --stdio; accept and ignore it.
	cmd.Flags().Bool("stdio", true, "serve over standard input and output (the default)")
	// The server starts itself with --eval-worker to evaluate in a
	// separate process (one job per process).
	cmd.Flags().BoolVar(&f.evalWorker, "eval-worker", false, "evaluate one job from standard input (internal)")
	_ = cmd.Flags().MarkHidden("eval-worker")
	return cmd
}

// stdio joins standard input and output into the server's stream.
type stdio struct {
	in  io.Reader
	out io.Writer
}

func (p stdio) Read(b []byte) (int, error)  { return p.in.Read(b) }
func (p stdio) Write(b []byte) (int, error) { return p.out.Write(b) }
func (p stdio) Close() error {
	if c, ok := p.in.(io.Closer); ok {
		_ = c.Close()
	}
	return nil
}

func runLSP(s *streams, f lspFlags) error {
	if f.evalWorker {
		return lsp.ServeEvalWorker(s.in, s.out, builtins.New)
	}
	level := f.logLevel
	if level == "" {
		level = getenv("GONIX_LOG")
	}
	if level == "" {
		level = "warn"
	}
	lvl, err := zapcore.ParseLevel(strings.ToLower(level))
	if err != nil {
		return usageError("invalid log level %q: want debug, info, warn or error", level)
	}
	var sink zapcore.WriteSyncer = zapcore.AddSync(s.err)
	if f.logFile != "" {
		file, err := os.OpenFile(f.logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("opening log file: %w", err)
		}
		defer file.Close()
		sink = zapcore.AddSync(file)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	logger := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(sink), lvl))
	defer func() { _ = logger.Sync() }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tuneLSPMemory(ctx)
	if p := getenv("GONIX_CPUPROFILE"); p != "" {
		stop, err := startCPUProfile(p)
		if err != nil {
			return err
		}
		defer stop()
	}
	opts := lsp.Options{Logger: logger, Version: version, NewEvalState: builtins.New}
	if exe, err := os.Executable(); err == nil {
		opts.EvalCommand = []string{exe, "lsp", "--eval-worker"}
	}
	err = lsp.Serve(ctx, stdio{in: s.in, out: s.out}, opts)
	if errors.Is(err, lsp.ErrExitWithoutShutdown) {
		return silentExit(exitError)
	}
	if err != nil {
		return fmt.Errorf("lsp: %w", err)
	}
	return nil
}

// tuneLSPMemory sets the collector for the language server. Every edit of
// a large file allocates a new syntax tree (several bytes per source
// byte) next to a small live heap, so collecting less often (GOGC=200)
// saves a good part of the CPU time per edit; a soft memory limit of
// three times the live heap (at least 96 MiB), updated as the heap
// grows, keeps the peak resident size low. GOGC and GOMEMLIMIT in the
// environment take precedence.
func tuneLSPMemory(ctx context.Context) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	set := func() {
		metrics.Read(sample)
		limit := int64(96 << 20)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			limit = max(limit, 3*int64(sample[0].Value.Uint64()))
		}
		debug.SetMemoryLimit(limit)
	}
	set()
	go func() {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				set()
			}
		}
	}()
}
