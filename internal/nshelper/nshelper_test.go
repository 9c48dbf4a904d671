package nshelper

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

const testEnv = "GONIX_NSHELPER_TEST"

type testSpec struct {
	Word string `json:"word"`
	Fail bool   `json:"fail"`
}

// The test binary doubles as the helper.
func init() {
	var spec testSpec
	Serve(testEnv, &spec, func(h *Helper) int {
		if spec.Fail {
			return h.Fail(fmt.Errorf("cannot set up for %q", spec.Word))
		}
		h.Started()
		fmt.Print("helper got ", spec.Word)
		return 7
	})
}

func TestStartRunsHelperWithSpec(t *testing.T) {
	var out bytes.Buffer
	cmd := &exec.Cmd{Stdout: &out, Stderr: os.Stderr}
	if err := Start(cmd, testEnv, "test helper", testSpec{Word: "hello"}); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("helper exit: %v, want status 7", err)
	}
	if out.String() != "helper got hello" {
		t.Errorf("helper output %q", out.String())
	}
}

func TestStartReportsSetupError(t *testing.T) {
	cmd := &exec.Cmd{}
	err := Start(cmd, testEnv, "test helper", testSpec{Word: "x", Fail: true})
	if err == nil || err.Error() != `cannot set up for "x"` {
		t.Fatalf("got %v, want the helper's set-up error", err)
	}
	var se *StartError
	if errors.As(err, &se) {
		t.Errorf("a set-up error is not a StartError")
	}
	if cmd.ProcessState == nil {
		t.Errorf("the failed helper was not reaped")
	}
}

func TestStartError(t *testing.T) {
	cmd := &exec.Cmd{Dir: "/nonexistent/directory"}
	err := Start(cmd, testEnv, "test helper", testSpec{})
	var se *StartError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want a StartError", err)
	}
}

func TestServeIgnoresOtherProcesses(t *testing.T) {
	called := false
	Serve("GONIX_NSHELPER_UNSET", &testSpec{}, func(*Helper) int { called = true; return 0 })
	if called {
		t.Error("Serve ran the helper without its marker variable")
	}
}
