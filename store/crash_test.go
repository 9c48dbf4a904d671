package store

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nar"
	"github.com/gonix/gonix/store/nixhash"
	"github.com/gonix/gonix/store/storepath"
)

const crashEnv = "GONIX_STORE_CRASH_HELPER"

// TestCrashHelper is the child process of TestCrashSafety: it performs 50
// store writes and 20 garbage collections on the store root named by
// $GONIX_STORE_CRASH_HELPER.
func TestCrashHelper(t *testing.T) {
	root := os.Getenv(crashEnv)
	if root == "" {
		t.Skip("only run as a helper process")
	}
	seed, _ := strconv.ParseUint(os.Getenv(crashEnv+"_SEED"), 10, 64)
	if err := crashWorkload(root, seed); err != nil {
		t.Fatal(err)
	}
}

func crashWorkload(root string, seed uint64) error {
	s, err := Open(root)
	if err != nil {
		return err
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(seed, 7))
	work := filepath.Join(root, "work")
	os.MkdirAll(work, 0o755)
	links := filepath.Join(root, "links")
	os.MkdirAll(links, 0o755)
	var prev []string
	gcs := 0
	for i := 0; i < 50; i++ {
		tag := fmt.Sprintf("%d-%d", seed, i)
		var p string
		switch i % 5 {
		case 0:
			var refs []string
			if len(prev) > 0 {
				refs = []string{prev[rng.IntN(len(prev))]}
			}
			p, err = s.AddText("text-"+tag, []byte("text "+tag+strings.Join(refs, " ")), refs)
		case 1:
			dir := filepath.Join(work, "tree-"+tag)
			os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
			for j := 0; j < 20; j++ {
				os.WriteFile(filepath.Join(dir, "sub", fmt.Sprintf("f%d", j)), bytes.Repeat([]byte(tag), 200+j), 0o644)
			}
			os.Symlink("sub/f1", filepath.Join(dir, "link"))
			p, err = s.AddPath(dir, AddOptions{})
		case 2:
			d := &derivation.Derivation{Name: "drv-" + tag, Outputs: map[string]derivation.Output{"out": {}, "dev": {}},
				Platform: "x86_64-linux", Builder: "/bin/sh", Env: map[string]string{"tag": tag}}
			if len(prev) > 0 {
				d.InputSrcs = []string{prev[len(prev)-1]}
			}
			p, _, err = s.Instantiate(s.NewResolver(), d)
		case 3:
			var buf bytes.Buffer
			content := bytes.Repeat([]byte("nar "+tag), 5000)
			nar.DumpRegular(&buf, bytes.NewReader(content), int64(len(content)), true)
			h := nixhash.Sum(nixhash.SHA256, buf.Bytes())
			sp, _ := s.Dir().MakeFixedOutput("nar-"+tag, storepath.NAR, h, nil, false)
			p = s.Dir().Path(sp)
			err = s.AddNar(&buf, PathInfo{Path: p, NarHash: h, CA: storepath.ContentAddress{Method: storepath.NAR, Hash: h}})
		case 4:
			h := nixhash.Sum(nixhash.SHA256, []byte("out"+tag))
			sp, _ := s.Dir().MakeOutput("out", h, "built-"+tag)
			p = s.Dir().Path(sp)
			if err = s.AddTempRoot(p); err == nil {
				real := s.RealPath(p)
				removeAll(real)
				os.MkdirAll(filepath.Join(real, "bin"), 0o755)
				os.WriteFile(filepath.Join(real, "bin", "x"), []byte("#!/bin/sh\n"+strings.Join(prev, "\n")), 0o755)
				err = s.RegisterPaths([]*PathInfo{{Path: p, References: prev[max(0, len(prev)-2):], Ultimate: true}})
			}
		}
		if err != nil {
			return fmt.Errorf("write %d: %w", i, err)
		}
		prev = append(prev, p)
		if rng.IntN(3) == 0 {
			if _, err := s.AddPermRoot(p, filepath.Join(links, "r-"+tag)); err != nil {
				return err
			}
		}
		if i%5 == 4 || (gcs < 20 && rng.IntN(2) == 0) {
			if gcs < 20 {
				if _, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead}); err != nil {
					return fmt.Errorf("gc %d: %w", gcs, err)
				}
				gcs++
			}
		}
	}
	for ; gcs < 20; gcs++ {
		if _, err := s.CollectGarbage(GCOptions{Action: GCDeleteDead}); err != nil {
			return err
		}
	}
	return nil
}

// TestCrashSafety kills a process doing 50 writes and 20 GCs with SIGKILL
// at random points, several times on the same store, then checks that the
// store is consistent with our verify and (when installed) real Nix's.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	root := filepath.Join(t.TempDir(), "crashroot")
	t.Cleanup(func() { removeAll(root) })
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	run := func(seed int, kill time.Duration) error {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+root, crashEnv+"_SEED="+strconv.Itoa(seed))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			return err
		}
		if kill == 0 {
			if err := cmd.Wait(); err != nil {
				return fmt.Errorf("helper: %v\n%s", err, out.String())
			}
			return nil
		}
		time.Sleep(kill)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		return nil
	}
	// Calibrate: one uninterrupted run.
	start := time.Now()
	if err := run(0, 0); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start)
	t.Logf("one uninterrupted run (50 writes, 20 GCs): %v", full)
	kills := 15
	for k := 1; k <= kills; k++ {
		at := time.Duration(rng.Int64N(int64(full)))
		if err := run(k, at); err != nil {
			t.Fatal(err)
		}
		checkConsistent(t, root, fmt.Sprintf("after kill %d at %v", k, at))
	}
	// The store is still fully usable afterwards.
	if err := run(100, 0); err != nil {
		t.Fatal(err)
	}
	checkConsistent(t, root, "after a final complete run")
}

func checkConsistent(t *testing.T, root, when string) {
	t.Helper()
	s, err := Open(root)
	if err != nil {
		t.Fatalf("%s: open: %v", when, err)
	}
	var log strings.Builder
	errs, err := s.Verify(VerifyOptions{CheckContents: true, Log: &log})
	if err != nil || errs || strings.Contains(log.String(), "disappeared") {
		t.Fatalf("%s: verify: %v %v\n%s", when, errs, err, log.String())
	}
	valid, _ := s.QueryAllValidPaths()
	for _, p := range valid {
		info, _ := s.QueryPathInfo(p)
		for _, r := range info.References {
			if ok, _ := s.IsValid(r); !ok {
				t.Fatalf("%s: %s refers to invalid %s", when, p, r)
			}
		}
	}
	entries, _ := os.ReadDir(s.RealStoreDir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			t.Fatalf("%s: staging directory %s left after open", when, e.Name())
		}
	}
	s.Close()
	if _, err := exec.LookPath("nix-store"); err == nil {
		out, err := nixStore(t, root, "--verify", "--check-contents")
		if err != nil || strings.Contains(out, "modified") || strings.Contains(out, "disappeared") || strings.Contains(out, "error") {
			t.Fatalf("%s: nix-store --verify --check-contents: %v\n%s", when, err, out)
		}
	}
}
