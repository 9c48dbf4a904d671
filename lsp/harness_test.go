package lsp

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
)

// testClient drives a server over an in-memory connection, like an
// editor would.
type testClient struct {
	t      *testing.T
	conn   jsonrpc2.Conn
	done   chan error
	cancel context.CancelFunc

	mu       sync.Mutex
	diags    map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams
	diagCond *sync.Cond
	messages []string
	settings json.RawMessage
}

type clientOpts struct {
	caps     map[string]any
	initOpts any
	settings any
	folders  []string
	server   Options
}

func defaultCaps() map[string]any {
	return map[string]any{
		"workspace": map[string]any{
			"configuration":         true,
			"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true},
			"workspaceFolders":      true,
		},
		"textDocument": map[string]any{
			"hover":          map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
			"semanticTokens": map[string]any{"requests": map[string]any{"full": map[string]any{"delta": true}}},
		},
	}
}

func newClient(t *testing.T, o clientOpts) *testClient {
	t.Helper()
	if o.caps == nil {
		o.caps = defaultCaps()
	}
	if o.server.DiagnosticDelay == 0 {
		o.server.DiagnosticDelay = -1
	}
	if o.server.Getenv == nil {
		o.server.Getenv = func(k string) string {
			if k == "HOME" {
				return "/nonexistent-home"
			}
			return ""
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	srvSide, cliSide := net.Pipe()
	c := &testClient{t: t, done: make(chan error, 1), cancel: cancel, diags: map[protocol.DocumentURI][]protocol.PublishDiagnosticsParams{}}
	c.diagCond = sync.NewCond(&c.mu)
	if o.settings != nil {
		c.settings, _ = json.Marshal(o.settings)
	}
	go func() { c.done <- Serve(ctx, srvSide, o.server) }()
	c.conn = jsonrpc2.NewConn(jsonrpc2.NewStream(cliSide))
	c.conn.Go(ctx, c.handle)
	var folders []map[string]string
	for _, f := range o.folders {
		folders = append(folders, map[string]string{"uri": string(pathToURI(f)), "name": filepath.Base(f)})
	}
	var res map[string]any
	c.call("initialize", map[string]any{
		"processId": os.Getpid(), "capabilities": o.caps, "initializationOptions": o.initOpts,
		"workspaceFolders": folders,
	}, &res)
	if _, ok := res["capabilities"]; !ok {
		t.Fatalf("initialize result has no capabilities: %v", res)
	}
	if err := c.conn.Notify(ctx, "initialized", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return c
}

func (c *testClient) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	switch req.Method() {
	case "textDocument/publishDiagnostics":
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(req.Params(), &p); err != nil {
			c.t.Errorf("bad publishDiagnostics: %v", err)
		}
		c.mu.Lock()
		c.diags[p.URI] = append(c.diags[p.URI], p)
		c.diagCond.Broadcast()
		c.mu.Unlock()
		return nil
	case "workspace/configuration":
		c.mu.Lock()
		s := c.settings
		c.mu.Unlock()
		if s == nil {
			s = json.RawMessage("null")
		}
		go reply(ctx, []json.RawMessage{s}, nil)
		return nil
	case "window/showMessage", "window/logMessage":
		var p struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(req.Params(), &p)
		c.mu.Lock()
		c.messages = append(c.messages, p.Message)
		c.mu.Unlock()
		return nil
	}
	go reply(ctx, nil, nil)
	return nil
}

func (c *testClient) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = c.conn.Call(ctx, "shutdown", nil, nil)
	_ = c.conn.Notify(ctx, "exit", nil)
	select {
	case err := <-c.done:
		if err != nil {
			c.t.Errorf("server ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		c.t.Errorf("server did not exit")
	}
	c.cancel()
	c.conn.Close()
}

// call sends a request and fails the test on an error reply.
func (c *testClient) call(method string, params, result any) {
	c.t.Helper()
	if err := c.try(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

// try sends a request and returns its error reply.
func (c *testClient) try(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := c.conn.Call(ctx, method, params, result)
	return err
}

func (c *testClient) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatal(err)
	}
}

func (c *testClient) open(uri protocol.DocumentURI, text string) {
	c.t.Helper()
	c.notify("textDocument/didOpen", map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "nix", "version": 1, "text": text},
	})
}

func (c *testClient) change(uri protocol.DocumentURI, version int, rng *protocol.Range, text string) {
	c.t.Helper()
	ch := map[string]any{"text": text}
	if rng != nil {
		ch["range"] = rng
	}
	c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": version},
		"contentChanges": []any{ch},
	})
}

// waitDiags waits for diagnostics of uri for the given version.
func (c *testClient) waitDiags(uri protocol.DocumentURI, version int) []protocol.Diagnostic {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	go func() {
		time.Sleep(10 * time.Second)
		c.mu.Lock()
		c.diagCond.Broadcast()
		c.mu.Unlock()
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for _, p := range c.diags[uri] {
			if int(p.Version) == version {
				return p.Diagnostics
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no diagnostics for %s version %d (got %d publications)", uri, version, len(c.diags[uri]))
		}
		c.diagCond.Wait()
	}
}

// pos finds the position of the n-th (0-based) occurrence of marker in
// text, plus offset bytes.
func pos(t *testing.T, text, marker string, nth, offset int) protocol.Position {
	t.Helper()
	idx := -1
	from := 0
	for i := 0; i <= nth; i++ {
		j := strings.Index(text[from:], marker)
		if j < 0 {
			t.Fatalf("marker %q #%d not found", marker, nth)
		}
		idx = from + j
		from = idx + 1
	}
	li := newLineIndex(text)
	return li.position(idx + offset)
}

func tdp(uri protocol.DocumentURI, p protocol.Position) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": p}
}

// writeFiles creates files under a temp dir and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func rangeText(text string, r protocol.Range) string {
	li := newLineIndex(text)
	s, _ := li.offset(r.Start)
	e, _ := li.offset(r.End)
	return text[s:e]
}

func osReadFile(p string) ([]byte, error) { return os.ReadFile(p) }
