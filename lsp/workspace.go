package lsp

import (
	"container/list"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gonix/gonix/eval/scope"
	"github.com/gonix/gonix/parser"
)

// maxIndexedFileSize skips generated monsters when indexing.
const maxIndexedFileSize = 4 << 20

// fileCacheSize bounds how many closed files stay parsed for cross-file
// questions.
const fileCacheSize = 64

// workspace indexes the *.nix files under the workspace folders for
// workspace symbols and cross-file references, and caches parsed closed
// files for cross-file navigation.
type workspace struct {
	s *Server

	mu       sync.Mutex
	files    map[string]*indexedFile // by path
	building chan struct{}           // closed when the current index build ends
	cancel   context.CancelFunc
	stopped  bool

	cacheMu sync.Mutex
	cache   map[string]*list.Element // path → *cachedFile
	lru     *list.List
}

// indexedFile is what the index keeps of one file.
type indexedFile struct {
	path    string
	modTime time.Time
	size    int64
	symbols []wsSymbol
	// idents are the distinct identifiers of the file, to find quickly
	// which files may refer to a name.
	idents map[string]struct{}
}

// wsSymbol is one symbol of the workspace index.
type wsSymbol struct {
	name      string
	container string
	kind      protocol.SymbolKind
	rng       protocol.Range
}

type cachedFile struct {
	path    string
	modTime time.Time
	size    int64
	a       *Analysis
}

func newWorkspace(s *Server) *workspace {
	done := make(chan struct{})
	close(done)
	return &workspace{s: s, files: map[string]*indexedFile{}, building: done, cache: map[string]*list.Element{}, lru: list.New()}
}

func (w *workspace) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	if w.cancel != nil {
		w.cancel()
	}
}

func (w *workspace) configChanged() {}

// reindex rebuilds the index of every workspace folder in the background.
func (w *workspace) reindex() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	if w.cancel != nil {
		w.cancel()
	}
	ctx, cancel := context.WithCancel(w.s.ctx)
	w.cancel = cancel
	done := make(chan struct{})
	w.building = done
	w.mu.Unlock()
	st := w.s.snapshot()
	go func() {
		defer close(done)
		start := time.Now()
		n := w.build(ctx, st.folders, st.cfg.Workspace.MaxFiles)
		w.s.log.Info("workspace indexed", zap.Int("files", n), zap.Duration("took", time.Since(start)))
	}()
}

// wait blocks until the index build in progress (if any) ends.
func (w *workspace) wait(ctx context.Context) error {
	w.mu.Lock()
	b := w.building
	w.mu.Unlock()
	select {
	case <-b:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func skipDir(name string) bool {
	switch name {
	case ".git", ".hg", ".svn", "node_modules", ".direnv", ".cache", "result":
		return true
	}
	return strings.HasPrefix(name, "result-")
}

// build walks the folders and indexes their files with one worker per
// core. It returns how many files it indexed.
func (w *workspace) build(ctx context.Context, folders []string, maxFiles int) int {
	var paths []string
	seen := map[string]bool{}
	for _, root := range folders {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || ctx.Err() != nil {
				if d != nil && d.IsDir() && p != root {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if p != root && skipDir(d.Name()) {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, ".nix") && d.Type().IsRegular() && !seen[p] && len(paths) < maxFiles {
				seen[p] = true
				paths = append(paths, p)
			}
			return nil
		})
	}
	files := make(map[string]*indexedFile, len(paths))
	var mu sync.Mutex
	work := make(chan string)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if f := indexFile(p); f != nil {
					mu.Lock()
					files[p] = f
					mu.Unlock()
				}
			}
		}()
	}
	for _, p := range paths {
		if ctx.Err() != nil {
			break
		}
		work <- p
	}
	close(work)
	wg.Wait()
	if ctx.Err() != nil {
		return 0
	}
	w.mu.Lock()
	w.files = files
	w.mu.Unlock()
	return len(files)
}

// indexFile reads, parses and extracts the symbols of one file.
func indexFile(path string) *indexedFile {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > maxIndexedFileSize {
		return nil
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	a := analyzeText(path, string(src), false)
	f := &indexedFile{path: path, modTime: fi.ModTime(), size: fi.Size(), idents: map[string]struct{}{}}
	var flatten func(syms []protocol.DocumentSymbol, container string)
	flatten = func(syms []protocol.DocumentSymbol, container string) {
		for _, s := range syms {
			f.symbols = append(f.symbols, wsSymbol{name: s.Name, container: container, kind: s.Kind, rng: s.SelectionRange})
			inner := s.Name
			if container != "" {
				inner = container + "." + s.Name
			}
			flatten(s.Children, inner)
		}
	}
	flatten(documentSymbols(a), "")
	for i := 0; i < a.Tree.NumTokens(); i++ {
		if tk := a.Tree.Token(i); tk.Kind() == parser.TokIdent {
			f.idents[tk.Text()] = struct{}{}
		}
	}
	return f
}

// analyzeText analyses a file that is not open in the editor.
func analyzeText(path, text string, resolve bool) *Analysis {
	d := &Document{URI: pathToURI(path), Path: path, Text: text}
	tree := parser.ParseString(text, parser.Options{Name: path})
	a := &Analysis{Doc: d, Tree: tree, lines: newLineIndex(text)}
	if resolve {
		a.Scope = scope.Resolve(tree, scope.Options{})
	}
	return a
}

func (w *workspace) fileChanged(path string) {
	w.forget(path)
	if !strings.HasSuffix(path, ".nix") {
		return
	}
	f := indexFile(path)
	w.mu.Lock()
	defer w.mu.Unlock()
	if f == nil {
		delete(w.files, path)
		return
	}
	if w.inFolders(path) {
		w.files[path] = f
	}
}

func (w *workspace) inFolders(path string) bool {
	for _, root := range w.s.snapshot().folders {
		if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
			return true
		}
	}
	return false
}

func (w *workspace) fileDeleted(path string) {
	w.forget(path)
	w.mu.Lock()
	delete(w.files, path)
	w.mu.Unlock()
}

func (w *workspace) forget(path string) {
	w.cacheMu.Lock()
	defer w.cacheMu.Unlock()
	if e, ok := w.cache[path]; ok {
		w.lru.Remove(e)
		delete(w.cache, path)
	}
}

// snapshotFiles returns the indexed files, sorted by path.
func (w *workspace) snapshotFiles() []*indexedFile {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]*indexedFile, 0, len(w.files))
	for _, f := range w.files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// loadFile returns the analysis of a file: the open document's if it is
// open, else a cached parse of the file on disk (nil if unreadable).
func (s *Server) loadFile(st *state, path string) *Analysis {
	if d := st.docs[pathToURI(path)]; d != nil {
		a, err := d.Analyze()
		if err != nil {
			return nil
		}
		return a
	}
	return s.ws.load(path)
}

func (w *workspace) load(path string) *Analysis {
	fi, err := os.Stat(path)
	if err != nil || fi.IsDir() || fi.Size() > int64(w.s.opts.MaxDocumentSize) {
		return nil
	}
	w.cacheMu.Lock()
	if e, ok := w.cache[path]; ok {
		cf := e.Value.(*cachedFile)
		if cf.modTime.Equal(fi.ModTime()) && cf.size == fi.Size() {
			w.lru.MoveToFront(e)
			w.cacheMu.Unlock()
			return cf.a
		}
		w.lru.Remove(e)
		delete(w.cache, path)
	}
	w.cacheMu.Unlock()
	src, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	a := analyzeText(path, string(src), true)
	w.cacheMu.Lock()
	defer w.cacheMu.Unlock()
	w.cache[path] = w.lru.PushFront(&cachedFile{path: path, modTime: fi.ModTime(), size: fi.Size(), a: a})
	for w.lru.Len() > fileCacheSize {
		last := w.lru.Back()
		w.lru.Remove(last)
		delete(w.cache, last.Value.(*cachedFile).path)
	}
	return a
}
