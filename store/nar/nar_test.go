package nar

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonix/gonix/store/internal/conformance"
)

type narTree struct {
	Name         string
	RootType     string
	NarSize      int64
	NarSha256Hex string
	NarBase64    *string
}

func loadTrees(t *testing.T) (string, []narTree) {
	dir := conformance.Dir(t)
	b, err := os.ReadFile(filepath.Join(dir, "nar.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Trees []narTree }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return conformance.Trees(t), f.Trees
}

func TestConformanceDumpAndRestore(t *testing.T) {
	trees, cases := loadTrees(t)
	passed := 0
	for _, c := range cases {
		var buf bytes.Buffer
		if err := Dump(&buf, filepath.Join(trees, c.Name), nil); err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		sum := sha256.Sum256(buf.Bytes())
		if hex.EncodeToString(sum[:]) != c.NarSha256Hex || int64(buf.Len()) != c.NarSize {
			t.Errorf("%s: hash %x size %d, want %s %d", c.Name, sum, buf.Len(), c.NarSha256Hex, c.NarSize)
			continue
		}
		if c.NarBase64 != nil {
			want, _ := base64.StdEncoding.DecodeString(*c.NarBase64)
			if !bytes.Equal(want, buf.Bytes()) {
				t.Errorf("%s: NAR bytes differ", c.Name)
				continue
			}
		}
		d, n, err := HashPath(filepath.Join(trees, c.Name), nil)
		if err != nil || hex.EncodeToString(d[:]) != c.NarSha256Hex || n != c.NarSize {
			t.Errorf("%s: HashPath %x %d %v", c.Name, d, n, err)
			continue
		}
		// Restore and dump again: identical bytes.
		dst := filepath.Join(t.TempDir(), "r")
		if err := Restore(bytes.NewReader(buf.Bytes()), dst); err != nil {
			t.Errorf("%s: restore: %v", c.Name, err)
			continue
		}
		var again bytes.Buffer
		if err := Dump(&again, dst, nil); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Errorf("%s: restored tree dumps differently (%v)", c.Name, err)
			continue
		}
		if n, err := Copy(io.Discard, bytes.NewReader(buf.Bytes())); err != nil || n != c.NarSize {
			t.Errorf("%s: Copy %d %v", c.Name, n, err)
			continue
		}
		passed++
	}
	t.Logf("%d/%d NAR trees pass", passed, len(cases))
	if passed != len(cases) {
		t.Fail()
	}
}

func TestReaderHeaders(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	os.MkdirAll(filepath.Join(root, "a", "b"), 0o755)
	os.WriteFile(filepath.Join(root, "a", "b", "f"), []byte("hello"), 0o644)
	os.WriteFile(filepath.Join(root, "x"), []byte("exe"), 0o755)
	os.Symlink("a/b/f", filepath.Join(root, "l"))
	var buf bytes.Buffer
	if err := Dump(&buf, root, nil); err != nil {
		t.Fatal(err)
	}
	nr, err := NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		h, err := nr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		s := h.Type.String() + " " + h.Path
		if h.Type == TypeRegular {
			b, _ := io.ReadAll(nr)
			s += " " + string(b)
			if h.Executable {
				s += " x"
			}
		}
		if h.Type == TypeSymlink {
			s += " -> " + h.Target
		}
		got = append(got, s)
	}
	want := []string{"directory ", "directory a", "directory a/b", "regular a/b/f hello", "symlink l -> a/b/f", "regular x exe x"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q", got)
	}
}

func TestFilter(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep"), []byte("k"), 0o644)
	os.WriteFile(filepath.Join(dir, "drop.log"), []byte("d"), 0o644)
	var seen []string
	var buf bytes.Buffer
	err := Dump(&buf, dir, func(p string, m fs.FileMode) (bool, error) {
		seen = append(seen, filepath.Base(p))
		return !strings.HasSuffix(p, ".log"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "drop.log") || !strings.Contains(buf.String(), "keep") || len(seen) != 2 {
		t.Fatalf("filter not applied: %q", seen)
	}
}

// narBytes builds a NAR from raw strings for bad-input tests.
func narBytes(parts ...string) []byte {
	var buf bytes.Buffer
	w := &writer{w: &buf}
	w.strs(parts...)
	return buf.Bytes()
}

func TestBadInput(t *testing.T) {
	entry := func(name string) []string {
		return []string{"entry", "(", "name", name, "node", "(", "type", "regular", "contents", "x", ")", ")"}
	}
	dir := func(entries ...[]string) []byte {
		p := []string{Magic, "(", "type", "directory"}
		for _, e := range entries {
			p = append(p, e...)
		}
		return narBytes(append(p, ")")...)
	}
	good := narBytes(Magic, "(", "type", "regular", "contents", "hello", ")")
	badPad := bytes.Clone(good)
	badPad[len(good)-16-3] = 1 // inside the padding of "hello"
	cases := map[string]struct {
		nar []byte
		msg string
	}{
		"magic":      {narBytes("nix-archive-2"), "bad magic"},
		"padding":    {badPad, "non-zero padding"},
		"unsorted":   {dir(entry("b"), entry("a")), "not sorted"},
		"duplicate":  {dir(entry("a"), entry("a")), "duplicate"},
		"dotdot":     {dir(entry("..")), "invalid directory entry name"},
		"dot":        {dir(entry(".")), "invalid directory entry name"},
		"slash":      {dir(entry("a/b")), "contains '/'"},
		"empty name": {dir(entry("")), "empty directory entry name"},
		"type":       {narBytes(Magic, "(", "type", "fifo", ")"), "unknown file type"},
		"trailing":   {append(bytes.Clone(good), 0), "trailing data"},
		"huge":       {append(narBytes(Magic, "("), 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0), "longer than the limit"},
		"keyword":    {narBytes(Magic, "(", "type", "regular", "contents2"), "expected \"contents\""},
	}
	for name, c := range cases {
		err := Restore(bytes.NewReader(c.nar), filepath.Join(t.TempDir(), "x"))
		var ne *Error
		if err == nil || !strings.Contains(err.Error(), c.msg) || !errors.As(err, &ne) {
			t.Errorf("%s: got %v, want error containing %q", name, err, c.msg)
		}
	}
	// Every proper prefix of a valid NAR is reported as truncated.
	full := dir(entry("a"), entry("b"))
	for i := 0; i < len(full); i++ {
		_, err := Copy(nil, bytes.NewReader(full[:i]))
		if err == nil || !strings.Contains(err.Error(), "invalid NAR") {
			t.Fatalf("prefix %d: %v", i, err)
		}
	}
	if _, err := Copy(nil, bytes.NewReader(full)); err != nil {
		t.Fatal(err)
	}
}

func FuzzReader(f *testing.F) {
	f.Add(narBytes(Magic, "(", "type", "regular", "contents", "hello", ")"))
	f.Add(narBytes(Magic, "(", "type", "directory", "entry", "(", "name", "a", "node", "(", "type", "symlink", "target", "x", ")", ")", ")"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var out bytes.Buffer
		if _, err := Copy(&out, bytes.NewReader(b)); err == nil {
			if !bytes.Equal(out.Bytes(), b) {
				t.Fatal("copy changed bytes")
			}
		}
	})
}

func BenchmarkHashPath(b *testing.B) {
	dir := b.TempDir()
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
	os.WriteFile(filepath.Join(dir, "big"), data, 0o644)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := HashPath(filepath.Join(dir, "big"), nil); err != nil {
			b.Fatal(err)
		}
	}
}
