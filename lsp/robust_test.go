package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawClient speaks bytes to a server, to send what no well-behaved client
// would.
type rawClient struct {
	t    *testing.T
	conn net.Conn
	msgs chan map[string]any
	done chan error
}

func newRawClient(t *testing.T, opts Options) *rawClient {
	t.Helper()
	srv, cli := net.Pipe()
	rc := &rawClient{t: t, conn: cli, msgs: make(chan map[string]any, 4096), done: make(chan error, 1)}
	if opts.DiagnosticDelay == 0 {
		opts.DiagnosticDelay = -1
	}
	go func() { rc.done <- Serve(context.Background(), srv, opts) }()
	go rc.readLoop()
	t.Cleanup(func() { cli.Close() })
	return rc
}

func (rc *rawClient) readLoop() {
	r := bufio.NewReader(rc.conn)
	for {
		n := -1
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				close(rc.msgs)
				return
			}
			line = strings.TrimSpace(line)
			if line == "" {
				break
			}
			if v, ok := strings.CutPrefix(line, "Content-Length: "); ok {
				n, _ = strconv.Atoi(v)
			}
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(r, body); err != nil {
			close(rc.msgs)
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			rc.t.Errorf("server sent invalid JSON: %q", body)
			continue
		}
		rc.msgs <- m
	}
}

func (rc *rawClient) sendRaw(b []byte) {
	rc.t.Helper()
	rc.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := rc.conn.Write(b); err != nil {
		rc.t.Fatalf("write: %v", err)
	}
}

func (rc *rawClient) sendBody(body string) {
	rc.sendRaw([]byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body)))
}

func (rc *rawClient) send(v any) {
	b, _ := json.Marshal(v)
	rc.sendBody(string(b))
}

// reply waits for the response with the given id (as JSON text).
func (rc *rawClient) reply(id string) map[string]any {
	rc.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m, ok := <-rc.msgs:
			if !ok {
				rc.t.Fatalf("connection closed while waiting for reply %s", id)
			}
			if raw, _ := json.Marshal(m["id"]); string(raw) == id && m["method"] == nil {
				return m
			}
		case <-timeout:
			rc.t.Fatalf("no reply %s", id)
		}
	}
}

func errCode(m map[string]any) int {
	e, ok := m["error"].(map[string]any)
	if !ok {
		return 0
	}
	return int(e["code"].(float64))
}

func (rc *rawClient) initialize() {
	rc.send(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}}})
	if m := rc.reply("1"); m["result"] == nil {
		rc.t.Fatalf("initialize: %v", m)
	}
	rc.send(map[string]any{"jsonrpc": "2.0", "method": "initialized", "params": map[string]any{}})
}

func TestBadInput(t *testing.T) {
	rc := newRawClient(t, Options{MaxMessageSize: 1 << 20, MaxDocumentSize: 200 << 10})
	// Requests before initialize are refused.
	rc.send(map[string]any{"jsonrpc": "2.0", "id": 100, "method": "textDocument/hover", "params": map[string]any{}})
	if c := errCode(rc.reply("100")); c != -32002 {
		t.Errorf("request before initialize: code %d", c)
	}
	rc.initialize()
	hover := func(id int, uri string, line, char int) map[string]any {
		rc.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": map[string]any{
			"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": line, "character": char}}})
		return rc.reply(strconv.Itoa(id))
	}
	open := func(uri, text string) {
		rc.send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{
			"textDocument": map[string]any{"uri": uri, "languageId": "nix", "version": 1, "text": text}}})
	}
	open("file:///t/a.nix", "let x = 1; in x\n")

	cases := []struct {
		name string
		send func()
		id   string
		code int
	}{
		{"malformed JSON", func() { rc.sendBody(`{"jsonrpc":"2.0","id":2,"method":`) }, "null", -32700},
		{"not an object", func() { rc.sendBody(`[1,2,3]`) }, "null", -32600},
		{"wrong version", func() { rc.sendBody(`{"jsonrpc":"1.0","id":3,"method":"shutdown"}`) }, "3", -32600},
		{"id out of range", func() { rc.sendBody(`{"jsonrpc":"2.0","id":99999999999,"method":"x"}`) }, "99999999999", -32600},
		{"unknown method", func() { rc.send(map[string]any{"jsonrpc": "2.0", "id": 4, "method": "gonix/noSuchThing"}) }, "4", -32601},
		{"missing params", func() { rc.send(map[string]any{"jsonrpc": "2.0", "id": 5, "method": "textDocument/hover"}) }, "5", -32602},
		{"wrong param types", func() {
			rc.sendBody(`{"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{"textDocument":7,"position":"x"}}`)
		}, "6", -32602},
		{"line out of range", func() {
			rc.send(map[string]any{"jsonrpc": "2.0", "id": 7, "method": "textDocument/definition", "params": map[string]any{
				"textDocument": map[string]any{"uri": "file:///t/a.nix"}, "position": map[string]any{"line": 50, "character": 0}}})
		}, "7", -32602},
		{"negative position", func() {
			rc.sendBody(`{"jsonrpc":"2.0","id":8,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///t/a.nix"},"position":{"line":-1,"character":-5}}}`)
		}, "8", -32602},
		{"closed document", func() {
			rc.send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didClose", "params": map[string]any{"textDocument": map[string]any{"uri": "file:///t/a.nix"}}})
			rc.send(map[string]any{"jsonrpc": "2.0", "id": 9, "method": "textDocument/completion", "params": map[string]any{
				"textDocument": map[string]any{"uri": "file:///t/a.nix"}, "position": map[string]any{"line": 0, "character": 0}}})
		}, "9", -32602},
		{"oversized message", func() {
			rc.sendBody(`{"jsonrpc":"2.0","id":10,"method":"x","params":"` + strings.Repeat("a", 2<<20) + `"}`)
		}, "null", -32600},
		{"garbage headers", func() {
			rc.sendRaw([]byte("Hello there\r\nContent-Length: abc\r\n\r\n"))
		}, "null", -32700},
	}
	for _, cs := range cases {
		cs.send()
		m := rc.reply(cs.id)
		if got := errCode(m); got != cs.code {
			t.Errorf("%s: error code %d, want %d (%v)", cs.name, got, cs.code, m)
		}
	}

	// Invalid UTF-8 in a document and in positions beyond a line's end.
	open("file:///t/b.nix", "let s = \"\xff\xfe\"; x = 1; in s + \"é😀\" + x\n")
	if m := hover(11, "file:///t/b.nix", 0, 200); m["error"] != nil {
		t.Errorf("hover past the line end should clamp: %v", m)
	}
	if m := hover(12, "file:///t/b.nix", 0, 35); m["error"] != nil {
		t.Errorf("hover on invalid UTF-8 text: %v", m)
	}

	// A document above the analysis limit: an error reply, and a
	// diagnostic that says why.
	huge := "[\n" + strings.Repeat("  1\n", 80000) + "]\n"
	open("file:///t/huge.nix", huge)
	if c := errCode(hover(13, "file:///t/huge.nix", 1, 2)); c != -32600 {
		t.Errorf("hover in a huge file: code %d", c)
	}

	// The server still serves.
	open("file:///t/c.nix", "let y = 2; in y\n")
	m := hover(14, "file:///t/c.nix", 0, 14)
	if res, ok := m["result"].(map[string]any); !ok || !strings.Contains(fmt.Sprint(res["contents"]), "let binding") {
		t.Errorf("server no longer serves after bad input: %v", m)
	}
}

// TestFuzzClient sends a stream of randomly damaged messages; the server
// must answer every request it can parse and keep serving.
func TestFuzzClient(t *testing.T) {
	rc := newRawClient(t, Options{MaxMessageSize: 1 << 20})
	rc.initialize()
	rng := rand.New(rand.NewSource(42))
	methods := []string{"textDocument/hover", "textDocument/definition", "textDocument/completion", "textDocument/references",
		"textDocument/documentSymbol", "textDocument/semanticTokens/full", "textDocument/foldingRange", "textDocument/formatting",
		"textDocument/rename", "textDocument/codeAction", "textDocument/signatureHelp", "textDocument/inlayHint",
		"textDocument/selectionRange", "textDocument/documentLink", "workspace/symbol", "textDocument/diagnostic",
		"textDocument/didChange", "textDocument/didOpen", "$/cancelRequest", "textDocument/prepareRename", "textDocument/documentHighlight"}
	sources := []string{"let x = 1; in x", "{ a, b ? 2 }: a + b", "with pkgs; [ hello ]", "rec { a = b; b = a; }", "''\n  ${x}\n''", "{ a = ; b", "\xff\xfe", ""}
	uri := "file:///f/doc.nix"
	rc.send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{
		"textDocument": map[string]any{"uri": uri, "languageId": "nix", "version": 1, "text": sources[0]}}})
	version := 1
	for i := 0; i < 400; i++ {
		method := methods[rng.Intn(len(methods))]
		params := map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version + 1},
			"position":       map[string]any{"line": rng.Intn(4) - 1, "character": rng.Intn(40) - 2},
			"range":          map[string]any{"start": map[string]any{"line": rng.Intn(3), "character": rng.Intn(30)}, "end": map[string]any{"line": rng.Intn(3), "character": rng.Intn(30)}},
			"newName":        []string{"ok", "in", "", "a b"}[rng.Intn(4)],
			"query":          "x",
			"context":        map[string]any{"includeDeclaration": true, "diagnostics": []any{}},
			"positions":      []any{map[string]any{"line": 0, "character": rng.Intn(20)}},
			"options":        map[string]any{"tabSize": 2},
			"contentChanges": []any{map[string]any{"text": sources[rng.Intn(len(sources))]}},
			"id":             rng.Intn(500),
		}
		if method == "textDocument/didOpen" {
			params["textDocument"] = map[string]any{"uri": uri, "languageId": "nix", "version": 1, "text": sources[rng.Intn(len(sources))]}
		}
		if method == "textDocument/didChange" {
			version++
			if rng.Intn(2) == 0 {
				params["contentChanges"] = []any{map[string]any{"range": params["range"], "text": "x"}}
			}
		}
		msg := map[string]any{"jsonrpc": "2.0", "method": method, "params": params}
		if !strings.HasPrefix(method, "textDocument/did") && method != "$/cancelRequest" {
			msg["id"] = 1000 + i
		}
		b, _ := json.Marshal(msg)
		switch rng.Intn(6) {
		case 0: // truncate
			b = b[:rng.Intn(len(b))]
		case 1: // flip a byte
			j := rng.Intn(len(b))
			b[j] ^= byte(1 + rng.Intn(255))
		}
		rc.sendBody(string(b))
	}
	rc.send(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": map[string]any{
		"textDocument": map[string]any{"uri": "file:///f/final.nix", "languageId": "nix", "version": 1, "text": "let z = 3; in z"}}})
	rc.send(map[string]any{"jsonrpc": "2.0", "id": 99999, "method": "textDocument/definition", "params": map[string]any{
		"textDocument": map[string]any{"uri": "file:///f/final.nix"}, "position": map[string]any{"line": 0, "character": 14}}})
	m := rc.reply("99999")
	if locs, ok := m["result"].([]any); !ok || len(locs) != 1 {
		t.Errorf("after fuzzing, definition gives %v", m)
	}
}

func TestCancellation(t *testing.T) {
	srvSide, cliSide := net.Pipe()
	s := newServer(Options{})
	started := make(chan struct{}, 1)
	s.requests["test/block"] = func(ctx context.Context, st *state, params json.RawMessage) (any, error) {
		started <- struct{}{}
		<-ctx.Done()
		return "finished anyway", nil
	}
	go func() { _ = s.serve(context.Background(), srvSide) }()
	rc := &rawClient{t: t, conn: cliSide, msgs: make(chan map[string]any, 64), done: make(chan error, 1)}
	go rc.readLoop()
	defer cliSide.Close()
	rc.initialize()
	rc.send(map[string]any{"jsonrpc": "2.0", "id": 7, "method": "test/block", "params": map[string]any{}})
	<-started
	rc.send(map[string]any{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": map[string]any{"id": 7}})
	if c := errCode(rc.reply("7")); c != -32800 {
		t.Errorf("cancelled request: code %d, want -32800", c)
	}
	// Other requests are unaffected.
	rc.send(map[string]any{"jsonrpc": "2.0", "id": 8, "method": "workspace/symbol", "params": map[string]any{"query": ""}})
	if m := rc.reply("8"); m["error"] != nil {
		t.Errorf("after a cancellation: %v", m)
	}
}
