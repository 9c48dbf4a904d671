package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/gonix/gonix/eval"
)

// evaluator runs evaluation jobs: in a worker process when the server
// has a worker command (gonix lsp --eval-worker), else in this process.
//
// A worker process evaluates one job and exits. The server kills it when
// the job's time is up, when its resident memory passes the job's limit,
// or when the job is cancelled (a newer edit, a cancelled request), and
// a crash of the evaluator only ends the worker. In process, a job is
// bounded by its step limit instead: a cancelled job is abandoned and
// runs on until that limit, holding one of the two job slots.
type evaluator struct {
	newState func(eval.Options) *eval.State
	command  []string
	log      *zap.Logger
	// slots bounds the jobs running at once.
	slots chan struct{}
}

func newEvaluator(opts Options, log *zap.Logger) *evaluator {
	return &evaluator{newState: opts.NewEvalState, command: opts.EvalCommand, log: log, slots: make(chan struct{}, 2)}
}

// available reports whether jobs can run at all.
func (e *evaluator) available() bool { return e.newState != nil || len(e.command) > 0 }

// memPoll is how often a worker's memory is checked.
const memPoll = 20 * time.Millisecond

// run runs a job within timeout. The result's Failure says why a job did
// not finish.
func (e *evaluator) run(ctx context.Context, job *evalJob, timeout time.Duration) *evalResult {
	if !e.available() {
		return &evalResult{Failure: "evaluation is not available"}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	select {
	case e.slots <- struct{}{}:
	case <-ctx.Done():
		return &evalResult{Failure: doneReason(ctx, timeout)}
	}
	if len(e.command) > 0 {
		defer func() { <-e.slots }()
		return e.runProcess(ctx, job, timeout)
	}
	done := make(chan *evalResult, 1)
	go func() {
		defer func() { <-e.slots }() // held until the job really ends
		done <- runEvalJob(e.newState, job)
	}()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		return &evalResult{Failure: doneReason(ctx, timeout)}
	}
}

func doneReason(ctx context.Context, timeout time.Duration) string {
	if ctx.Err() == context.DeadlineExceeded {
		return fmt.Sprintf("evaluation took longer than %s", timeout)
	}
	return "evaluation cancelled"
}

// runProcess runs a job in a worker process.
func (e *evaluator) runProcess(ctx context.Context, job *evalJob, timeout time.Duration) *evalResult {
	in, err := json.Marshal(job)
	if err != nil {
		return &evalResult{Failure: err.Error()}
	}
	cmd := exec.Command(e.command[0], e.command[1:]...)
	cmd.Stdin = bytes.NewReader(in)
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &limitedWriter{w: &errOut, n: 64 << 10}
	cmd.Env = append(os.Environ(), "GOMEMLIMIT="+strconv.Itoa(job.MemoryMB*9/10)+"MiB", "GOGC=100")
	if err := cmd.Start(); err != nil {
		return &evalResult{Failure: fmt.Sprintf("starting the evaluation worker: %v", err)}
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	tick := time.NewTicker(memPoll)
	defer tick.Stop()
	killed := ""
	for {
		select {
		case err := <-waited:
			if killed != "" {
				return &evalResult{Failure: killed}
			}
			var res evalResult
			if derr := json.Unmarshal(out.Bytes(), &res); derr != nil {
				msg := strings.TrimSpace(firstLines(errOut.String(), 20))
				if err != nil {
					return &evalResult{Failure: fmt.Sprintf("the evaluation worker failed (%v): %s", err, msg)}
				}
				return &evalResult{Failure: fmt.Sprintf("unreadable answer from the evaluation worker: %v", derr)}
			}
			return &res
		case <-ctx.Done():
			if killed == "" {
				killed = doneReason(ctx, timeout)
				_ = cmd.Process.Kill()
			}
		case <-tick.C:
			if killed == "" && job.MemoryMB > 0 {
				if rss := processRSS(cmd.Process.Pid); rss > int64(job.MemoryMB)<<20 {
					killed = fmt.Sprintf("evaluation used more than %d MB of memory", job.MemoryMB)
					_ = cmd.Process.Kill()
				}
			}
		}
	}
}

// processRSS reads a process's resident set size in bytes (0 when
// unknown).
func processRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// limitedWriter keeps the first n bytes written to it.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.n -= k
		_, _ = l.w.Write(p[:k])
	}
	return len(p), nil
}

// ServeEvalWorker is the evaluation worker (gonix lsp --eval-worker): it
// reads one job (JSON) from in, evaluates it with a State from newState,
// and writes the result (JSON) to out.
func ServeEvalWorker(in io.Reader, out io.Writer, newState func(eval.Options) *eval.State) error {
	job, err := decodeEvalJob(in)
	if err != nil {
		return err
	}
	res := runEvalJob(newState, job)
	if err := json.NewEncoder(out).Encode(res); err != nil {
		return fmt.Errorf("writing the evaluation result: %w", err)
	}
	return nil
}
