package flake

import (
	"os"
	"strings"
	"testing"
)

const goldenDir = "../../shared/conformance/store/flake"

func TestLockFileRoundTripGolden(t *testing.T) {
	data, err := os.ReadFile(goldenDir + "/flake.lock")
	if err != nil {
		t.Skip("no golden flake.lock:", err)
	}
	// @DIR@ is not absolute; give it a directory so path inputs parse.
	text := strings.ReplaceAll(string(data), "@DIR@", "/tmp/d")
	lf, err := ParseLockFile([]byte(text), "flake.lock", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := lf.String() + "\n"; got != text {
		t.Errorf("round trip differs:\n%s\nwant\n%s", got, text)
	}
	n, err := lf.FindInput(InputPath{"dep-git", "dep-path"})
	if err != nil || n == nil || n.Locked.Input.Type() != "path" {
		t.Errorf("follows: %v %v", n, err)
	}
	if err := lf.Check(); err != nil {
		t.Error(err)
	}
	if u := lf.Unlocked(); u != nil {
		t.Errorf("unlocked %s", u)
	}
}

// A lock file with the features Nix writes: node name clashes (_2),
// follows, flake = false, a relative path input with parent, nested
// inputs and a dir in the original reference.
const richLock = `{
  "nodes": {
    "a": {
      "inputs": {
        "nixpkgs": "nixpkgs",
        "util": [
          "util"
        ]
      },
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "owner": "o",
        "repo": "a",
        "rev": "0123456789abcdef0123456789abcdef01234567",
        "type": "github"
      },
      "original": {
        "dir": "sub",
        "owner": "o",
        "repo": "a",
        "type": "github"
      }
    },
    "data": {
      "flake": false,
      "locked": {
        "narHash": "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=",
        "type": "file",
        "url": "https://example.org/data.json"
      },
      "original": {
        "type": "file",
        "url": "https://example.org/data.json"
      }
    },
    "local": {
      "locked": {
        "path": "./local",
        "type": "path"
      },
      "original": {
        "path": "./local",
        "type": "path"
      },
      "parent": []
    },
    "nixpkgs": {
      "locked": {
        "lastModified": 1,
        "narHash": "sha256-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "89abcdef0123456789abcdef0123456789abcdef",
        "type": "github"
      },
      "original": {
        "id": "nixpkgs",
        "type": "indirect"
      }
    },
    "nixpkgs_2": {
      "locked": {
        "lastModified": 2,
        "narHash": "sha256-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD=",
        "owner": "NixOS",
        "repo": "nixpkgs",
        "rev": "fedcba9876543210fedcba9876543210fedcba98",
        "type": "github"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-unstable",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "root": {
      "inputs": {
        "a": "a",
        "data": "data",
        "local": "local",
        "nixpkgs": "nixpkgs_2",
        "util": "util"
      }
    },
    "util": {
      "locked": {
        "lastModified": 3,
        "narHash": "sha256-EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE=",
        "ref": "main",
        "rev": "1111111111111111111111111111111111111111",
        "revCount": 7,
        "type": "git",
        "url": "https://example.org/util.git"
      },
      "original": {
        "type": "git",
        "url": "https://example.org/util.git"
      }
    }
  },
  "root": "root",
  "version": 7
}
`

func TestLockFileRichRoundTrip(t *testing.T) {
	lf, err := ParseLockFile([]byte(richLock), "flake.lock", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := lf.String() + "\n"; got != richLock {
		t.Errorf("round trip differs:\n%s", got)
	}
	if n, _ := lf.FindInput(InputPath{"a", "util"}); n == nil || n.Locked.Input.Attrs.Str("url") != "https://example.org/util.git" {
		t.Errorf("a/util should follow util")
	}
	if n, _ := lf.FindInput(InputPath{"data"}); n == nil || n.IsFlake {
		t.Errorf("data should be a non-flake input")
	}
	all := lf.AllInputs()
	var paths []string
	for _, e := range all {
		paths = append(paths, e.Path.String())
	}
	if got := strings.Join(paths, " "); got != "a a/nixpkgs a/util data local nixpkgs util" {
		t.Errorf("all inputs: %s", got)
	}
}

func TestLockFileVersions(t *testing.T) {
	v5 := `{"nodes":{"root":{"inputs":{"x":"x"}},"x":{"info":{"lastModified":5,"narHash":"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},"inputs":{"y":["x2"]},"locked":{"path":"/p","type":"path"},"original":{"path":"/p","type":"path"}},"x2":{"locked":{"narHash":"sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=","path":"/q","type":"path"},"original":{"path":"/q","type":"path"}}},"root":"root","version":5}`
	lf, err := ParseLockFile([]byte(v5), "v5.lock", nil)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := lf.FindInput(InputPath{"x"})
	if lm, _ := n.Locked.Input.LastModified(); lm != 5 || n.Locked.Input.NarHash() == "" {
		t.Errorf("info not merged: %s", n.Locked.Input.Attrs.JSON().Compact())
	}
	for _, c := range []struct{ text, err string }{
		{`{"version": 4, "root": "root", "nodes": {}}`, "unsupported version 4"},
		{`{"version": 8}`, "unsupported version 8"},
		{`{"version": 7, "root": "root", "nodes": {"root": {"inputs": {"a": "b"}}}}`, "missing node 'b'"},
		{`{"version": 7, "root": "root", "nodes": {"root": {"inputs": {"a": "a"}}, "a": {"locked": {"type": "github", "owner": "o", "repo": "r"}, "original": {"type": "github", "owner": "o", "repo": "r"}}}}`, "unlocked input"},
		{`{"version": 7, "root": "root", "nodes": {"root": {"inputs": {"a": "a"}}, "a": {"original": {"type": "path", "path": "/x"}}}}`, "attribute 'locked' missing"},
		{`not json`, "Could not parse"},
		{`{"version": 7, "root": "root", "nodes": {"root": {"inputs": {"a": ["b"]}}}}`, ""},
	} {
		lf, err := ParseLockFile([]byte(c.text), "x.lock", nil)
		if c.err == "" {
			if err != nil {
				t.Errorf("%s: %v", c.text, err)
			} else if err := lf.Check(); err == nil || !strings.Contains(err.Error(), "follows a non-existent input 'b'") {
				t.Errorf("check: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: %v, want %q", c.text, err, c.err)
		}
	}
}

func TestDiff(t *testing.T) {
	old, _ := ParseLockFile([]byte(richLock), "a", nil)
	newText := strings.Replace(richLock, `"lastModified": 3,`, `"lastModified": 86400,`, 1)
	newText = strings.Replace(newText, `"data": "data",`, ``, 1)
	nl, err := ParseLockFile([]byte(newText), "b", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Diff(old, nl, false)
	want := "• Removed input 'data'\n• Updated input 'util':\n    'git+https://example.org/util.git?ref=main&rev=1111111111111111111111111111111111111111' (1970-01-01)\n  → 'git+https://example.org/util.git?ref=main&rev=1111111111111111111111111111111111111111' (1970-01-02)\n"
	if got != want {
		t.Errorf("diff:\n%q\nwant\n%q", got, want)
	}
}
