package build

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/derivation"
	"github.com/gonix/gonix/store/nixhash"
)

const confDir = "../../../shared/conformance/store"

// TestEquivalenceWithNix builds conformance/store/references.nix (the
// derivations instantiated by real nix-instantiate into a scratch Nix
// store, then imported into a gonix store) and compares every output's
// path, references and NAR hash with what nix-build recorded in
// references.json.
func TestEquivalenceWithNix(t *testing.T) {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate not installed")
	}
	data, err := os.ReadFile(filepath.Join(confDir, "references.json"))
	if err != nil {
		t.Skipf("conformance data: %v", err)
	}
	var want struct {
		Outputs []struct {
			Attr, Output, DrvPath, Path, Content string
			Refs                                 []string `json:"nix-store -q --references"`
			Info                                 struct {
				NarHash string `json:"narHash"`
				NarSize uint64 `json:"narSize"`
			} `json:"nix path-info --json"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	st := testStore(t)
	nixRoot := t.TempDir()
	args := []string{"--store", "local?root=" + nixRoot, filepath.Join(confDir, "references.nix")}
	for _, a := range []string{"leaf", "buildOnly", "lib", "app", "hashOnly", "discarded"} {
		args = append(args, "-A", a)
	}
	out, err := exec.Command("nix-instantiate", args...).Output()
	if err != nil {
		t.Fatalf("nix-instantiate: %v", err)
	}
	// Import the .drv closure (and the toFile source) into the gonix store.
	entries, _ := os.ReadDir(filepath.Join(nixRoot, "nix/store"))
	r := st.NewResolver()
	pending := map[string]*derivation.Derivation{}
	for _, e := range entries {
		p := "/nix/store/" + e.Name()
		real := filepath.Join(nixRoot, "nix/store", e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".drv"):
			d, err := (&store.Store{Layout: store.Layout{Root: nixRoot}}).ReadDerivation(p)
			if err != nil {
				t.Fatal(err)
			}
			pending[p] = d
		case strings.HasSuffix(e.Name(), ".txt"):
			b, _ := os.ReadFile(real)
			got, err := st.AddText(e.Name()[33:], b, nil)
			if err != nil || got != p {
				t.Fatalf("toFile import: %s %v", got, err)
			}
		}
	}
	for len(pending) > 0 {
		progress := false
		for p, d := range pending {
			ready := true
			for in := range d.InputDrvs {
				if _, ok := pending[in]; ok {
					ready = false
				}
			}
			if !ready {
				continue
			}
			got, _, err := st.Instantiate(r, d)
			if err != nil || got != p {
				t.Fatalf("importing %s: got %s, %v", p, got, err)
			}
			delete(pending, p)
			progress = true
		}
		if !progress {
			t.Fatal("cannot import the derivations")
		}
	}
	var reqs []Request
	for _, l := range strings.Fields(string(out)) {
		reqs = append(reqs, ParseRequest(l))
	}
	if _, err := Realise(context.Background(), st, reqs, Options{Cores: 1}); err != nil {
		t.Fatal(err)
	}
	for _, w := range want.Outputs {
		info, err := st.QueryPathInfo(w.Path)
		if err != nil {
			t.Errorf("%s.%s: %v", w.Attr, w.Output, err)
			continue
		}
		wantRefs := append([]string(nil), w.Refs...)
		sort.Strings(wantRefs)
		if strings.Join(info.References, " ") != strings.Join(wantRefs, " ") {
			t.Errorf("%s.%s references %v, nix: %v", w.Attr, w.Output, info.References, w.Refs)
		}
		if got := info.NarHash.Format(nixhash.SRI, true); got != w.Info.NarHash || info.NarSize != w.Info.NarSize {
			t.Errorf("%s.%s NAR %s/%d, nix: %s/%d", w.Attr, w.Output, got, info.NarSize, w.Info.NarHash, w.Info.NarSize)
		}
		if info.Deriver != w.DrvPath {
			t.Errorf("%s.%s deriver %s, nix: %s", w.Attr, w.Output, info.Deriver, w.DrvPath)
		}
	}
}

// crashEnv names the store root and .drv list of the crash child.
const crashEnv = "GONIX_BUILD_CRASH_CHILD"

// TestCrashChild is the process the crash test kills; it only runs when
// started by TestCrashSafety.
func TestCrashChild(t *testing.T) {
	spec := os.Getenv(crashEnv)
	if spec == "" {
		t.Skip("only run by TestCrashSafety")
	}
	root, list, _ := strings.Cut(spec, ";")
	st, err := store.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	var reqs []Request
	for _, d := range strings.Fields(list) {
		reqs = append(reqs, Request{DrvPath: d})
	}
	Realise(context.Background(), st, reqs, Options{Jobs: 2, KeepGoing: true})
}

// TestCrashSafety kills a process running 50 builds with SIGKILL at
// random points; afterwards no registered path is incomplete and a
// rebuild succeeds.
func TestCrashSafety(t *testing.T) {
	st := testStore(t)
	r := st.NewResolver()
	var drvs []string
	for i := 0; i < 50; i++ {
		// Outputs are written line by line, so a kill often lands in the
		// middle of one.
		d, _ := mkDrv(t, st, r, drvSpec{name: fmt.Sprintf("crash-%d", i),
			script: `set -e; i=0; while [ $i -lt 400 ]; do echo "line $i of $out" >> $out; i=$((i+1)); done`})
		drvs = append(drvs, d)
	}
	root := st.Root
	st.Close()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	for round := 0; round < 6; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+root+";"+strings.Join(drvs, " "))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(200+rng.Intn(900)) * time.Millisecond)
		syscall.Kill(cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		time.Sleep(50 * time.Millisecond) // let the sandboxes die with it
		st2, err := store.Open(root)
		if err != nil {
			t.Fatal(err)
		}
		var log strings.Builder
		bad, err := st2.Verify(store.VerifyOptions{CheckContents: true, Log: &log})
		if err != nil || bad {
			t.Fatalf("round %d: store inconsistent after kill: %v\n%s", round, err, log.String())
		}
		// Every registered output is complete.
		for _, d := range drvs {
			dv, _ := st2.ReadDerivation(d)
			p := dv.Outputs["out"].Path
			if ok, _ := st2.IsValid(p); ok {
				b, err := os.ReadFile(st2.RealPath(p))
				if n := strings.Count(string(b), "\n"); err != nil || n != 400 {
					t.Fatalf("round %d: registered %s has %d lines (%v)", round, p, n, err)
				}
			}
		}
		st2.Close()
	}
	st3, err := store.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer st3.Close()
	res, err := realise(t, st3, Options{Jobs: 2}, drvs...)
	if err != nil {
		for _, d := range drvs {
			if l, err := st3.ReadBuildLog(d); err == nil && len(l) > 0 {
				t.Logf("log of %s: %s", d, l)
			}
		}
		t.Fatalf("rebuild after crashes: %v", err)
	}
	for _, rs := range res {
		if rs.Status != Built && rs.Status != AlreadyValid {
			t.Fatalf("rebuild: %+v", rs)
		}
	}
}
