package lsp

import (
	"context"
	"encoding/json"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// clientCaps are the client capabilities the server acts on.
type clientCaps struct {
	configuration       bool // workspace/configuration
	watchedFilesDynamic bool // dynamic registration of didChangeWatchedFiles
	pullDiagnostics     bool // textDocument/diagnostic
	diagnosticRefresh   bool // workspace/diagnostic/refresh
	semanticDelta       bool
	snippets            bool
	markdown            bool
	workspaceFolders    bool
}

// initializeParams is the part of InitializeParams the server reads; the
// capabilities stay raw so that unexpected shapes from newer clients
// cannot fail the handshake.
type initializeParams struct {
	ProcessID             *int32                     `json:"processId"`
	RootURI               protocol.DocumentURI       `json:"rootUri"`
	RootPath              string                     `json:"rootPath"`
	WorkspaceFolders      []protocol.WorkspaceFolder `json:"workspaceFolders"`
	InitializationOptions json.RawMessage            `json:"initializationOptions"`
	Capabilities          json.RawMessage            `json:"capabilities"`
}

// lookup walks a decoded JSON object along keys.
func lookup(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func lookupBool(v any, keys ...string) bool {
	x, ok := lookup(v, keys...)
	b, _ := x.(bool)
	return ok && b
}

func parseClientCaps(raw json.RawMessage) clientCaps {
	var v any
	_ = json.Unmarshal(raw, &v)
	var c clientCaps
	c.configuration = lookupBool(v, "workspace", "configuration")
	c.watchedFilesDynamic = lookupBool(v, "workspace", "didChangeWatchedFiles", "dynamicRegistration")
	c.workspaceFolders = lookupBool(v, "workspace", "workspaceFolders")
	_, c.pullDiagnostics = lookup(v, "textDocument", "diagnostic")
	c.diagnosticRefresh = lookupBool(v, "workspace", "diagnostics", "refreshSupport")
	c.semanticDelta = lookupBool(v, "textDocument", "semanticTokens", "requests", "full", "delta")
	c.snippets = lookupBool(v, "textDocument", "completion", "completionItem", "snippetSupport")
	if formats, ok := lookup(v, "textDocument", "hover", "contentFormat"); ok {
		if list, ok := formats.([]any); ok {
			for _, f := range list {
				if f == "markdown" {
					c.markdown = true
				}
			}
		}
	} else {
		c.markdown = true
	}
	return c
}

func (s *Server) initialize(raw json.RawMessage) (any, error) {
	var p initializeParams
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, invalidParams("initialize: %v", err)
		}
	}
	caps := parseClientCaps(p.Capabilities)
	cfg, err := parseConfig(p.InitializationOptions)
	if err != nil {
		s.log.Warn("initializationOptions", zap.Error(err))
	}
	var folders []string
	for _, f := range p.WorkspaceFolders {
		if path, ok := uriToPath(protocol.DocumentURI(f.URI)); ok {
			folders = append(folders, path)
		}
	}
	if len(folders) == 0 {
		if path, ok := uriToPath(p.RootURI); ok {
			folders = append(folders, path)
		} else if p.RootPath != "" {
			folders = append(folders, p.RootPath)
		}
	}
	s.mu.Lock()
	s.caps = caps
	s.initialized = true
	s.st = &state{docs: s.st.docs, cfg: cfg, folders: folders}
	s.mu.Unlock()
	s.log.Info("initialized", zap.Strings("folders", folders), zap.Any("caps", caps))
	s.ws.reindex()
	return map[string]any{
		"capabilities": s.capabilities(caps),
		"serverInfo":   map[string]any{"name": "gonix", "version": s.opts.Version},
	}, nil
}

// capabilities is the server's half of the handshake. It is built as
// plain JSON values because it includes LSP 3.17 providers (pull
// diagnostics, inlay hints) that go.lsp.dev/protocol does not model.
func (s *Server) capabilities(c clientCaps) map[string]any {
	caps := map[string]any{
		"positionEncoding": "utf-16",
		"textDocumentSync": map[string]any{
			"openClose": true,
			"change":    protocol.TextDocumentSyncKindIncremental,
			"save":      map[string]any{"includeText": false},
		},
		"hoverProvider":             true,
		"definitionProvider":        true,
		"declarationProvider":       true,
		"referencesProvider":        true,
		"documentHighlightProvider": true,
		"renameProvider":            map[string]any{"prepareProvider": true},
		"completionProvider": map[string]any{
			"triggerCharacters": []string{".", "{", "<", "\"", "/"},
			"resolveProvider":   false,
		},
		"signatureHelpProvider": map[string]any{
			"triggerCharacters":   []string{" ", "("},
			"retriggerCharacters": []string{" "},
		},
		"documentSymbolProvider":          true,
		"workspaceSymbolProvider":         true,
		"documentFormattingProvider":      true,
		"documentRangeFormattingProvider": true,
		"codeActionProvider": map[string]any{
			"codeActionKinds": []string{"quickfix", "refactor.rewrite", "source.fixAll"},
		},
		"semanticTokensProvider": map[string]any{
			"legend": semanticLegend(),
			"full":   map[string]any{"delta": true},
			"range":  false,
		},
		"foldingRangeProvider":   true,
		"selectionRangeProvider": true,
		"inlayHintProvider":      true,
		"documentLinkProvider":   map[string]any{"resolveProvider": false},
		"diagnosticProvider": map[string]any{
			"identifier":            "gonix",
			"interFileDependencies": true,
			"workspaceDiagnostics":  false,
		},
		"workspace": map[string]any{
			"workspaceFolders": map[string]any{"supported": true, "changeNotifications": true},
		},
	}
	return caps
}

// afterInitialized registers for file watching, reads the client's
// configuration and starts indexing the workspace.
func (s *Server) afterInitialized() {
	s.mu.Lock()
	caps := s.caps
	s.mu.Unlock()
	go func() {
		ctx := s.ctx
		if caps.watchedFilesDynamic {
			reg := map[string]any{"registrations": []any{map[string]any{
				"id":     "gonix-watch-nix",
				"method": protocol.MethodWorkspaceDidChangeWatchedFiles,
				"registerOptions": map[string]any{"watchers": []any{
					map[string]any{"globPattern": "**/*.nix"},
					map[string]any{"globPattern": "**/flake.lock"},
				}},
			}}}
			if err := s.call(ctx, protocol.MethodClientRegisterCapability, reg, nil); err != nil {
				s.log.Warn("registering file watchers", zap.Error(err))
			}
		}
		if caps.configuration {
			s.fetchConfiguration(ctx)
		}
	}()
}

// fetchConfiguration asks the client for the "gonix" settings section.
func (s *Server) fetchConfiguration(ctx context.Context) {
	var res []json.RawMessage
	err := s.call(ctx, protocol.MethodWorkspaceConfiguration, map[string]any{
		"items": []any{map[string]any{"section": "gonix"}},
	}, &res)
	if err != nil {
		s.log.Warn("workspace/configuration", zap.Error(err))
		return
	}
	if len(res) == 0 {
		return
	}
	cfg, err := parseConfig(res[0])
	if err != nil {
		s.log.Warn("configuration", zap.Error(err))
		s.showMessage(protocol.MessageTypeWarning, "gonix: "+err.Error())
	}
	s.setConfig(cfg)
}

func (s *Server) setConfig(cfg *Config) {
	st := s.update(func(st *state) { st.cfg = cfg })
	s.ws.configChanged()
	for _, d := range st.docs {
		s.diags.schedule(d, 0)
		s.evalSched.schedule(d)
	}
}

func (s *Server) didChangeConfiguration(raw json.RawMessage) error {
	s.mu.Lock()
	pull := s.caps.configuration
	s.mu.Unlock()
	if pull {
		go s.fetchConfiguration(s.ctx)
		return nil
	}
	var p struct {
		Settings json.RawMessage `json:"settings"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	cfg, err := parseConfig(p.Settings)
	s.setConfig(cfg)
	return err
}

func (s *Server) didOpen(raw json.RawMessage) error {
	var p protocol.DidOpenTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return err
	}
	u := normalizeURI(p.TextDocument.URI)
	path, _ := uriToPath(u)
	d := &Document{URI: u, Path: path, Version: p.TextDocument.Version, LanguageID: string(p.TextDocument.LanguageID),
		Text: p.TextDocument.Text, maxAnalyze: s.opts.MaxDocumentSize, lines: newLineIndex(p.TextDocument.Text)}
	s.update(func(st *state) { st.docs[u] = d })
	s.diags.schedule(d, 0)
	s.evalSched.schedule(d)
	return nil
}

func (s *Server) didChange(raw json.RawMessage) error {
	var p struct {
		TextDocument   protocol.VersionedTextDocumentIdentifier `json:"textDocument"`
		ContentChanges []contentChange                          `json:"contentChanges"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	u := normalizeURI(p.TextDocument.URI)
	var nd *Document
	var err error
	s.update(func(st *state) {
		d := st.docs[u]
		if d == nil {
			err = invalidParams("didChange for a document that is not open: %s", u)
			return
		}
		nd, err = d.applyChanges(p.TextDocument.Version, p.ContentChanges)
		if err == nil {
			st.docs[u] = nd
		}
	})
	if err != nil {
		return err
	}
	s.diags.schedule(nd, s.diagDelay())
	s.evalSched.schedule(nd)
	return nil
}

func (s *Server) diagDelay() time.Duration {
	switch d := s.opts.DiagnosticDelay; {
	case d < 0:
		return 0
	case d > 0:
		return d
	}
	return time.Duration(s.snapshot().cfg.Diagnostics.DelayMs) * time.Millisecond
}

func (s *Server) didClose(raw json.RawMessage) error {
	var p protocol.DidCloseTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return err
	}
	u := normalizeURI(p.TextDocument.URI)
	s.update(func(st *state) { delete(st.docs, u) })
	s.diags.clear(u)
	s.evalSched.forget(u)
	s.semCache.forget(u)
	return nil
}

func (s *Server) didSave(raw json.RawMessage) error {
	var p protocol.DidSaveTextDocumentParams
	if err := decode(raw, &p); err != nil {
		return err
	}
	if path, ok := uriToPath(normalizeURI(p.TextDocument.URI)); ok {
		s.ws.fileChanged(path)
	}
	return nil
}

func (s *Server) didChangeWatchedFiles(raw json.RawMessage) error {
	var p struct {
		Changes []struct {
			URI  protocol.DocumentURI `json:"uri"`
			Type int                  `json:"type"`
		} `json:"changes"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	for _, c := range p.Changes {
		path, ok := uriToPath(c.URI)
		if !ok {
			continue
		}
		if c.Type == int(protocol.FileChangeTypeDeleted) {
			s.ws.fileDeleted(path)
		} else {
			s.ws.fileChanged(path)
		}
	}
	// Cross-file results may have changed: refresh open documents.
	for _, d := range s.snapshot().docs {
		s.diags.schedule(d, s.diagDelay())
	}
	return nil
}

func (s *Server) didChangeWorkspaceFolders(raw json.RawMessage) error {
	var p struct {
		Event struct {
			Added   []protocol.WorkspaceFolder `json:"added"`
			Removed []protocol.WorkspaceFolder `json:"removed"`
		} `json:"event"`
	}
	if err := decode(raw, &p); err != nil {
		return err
	}
	s.update(func(st *state) {
		removed := map[string]bool{}
		for _, f := range p.Event.Removed {
			if path, ok := uriToPath(protocol.DocumentURI(f.URI)); ok {
				removed[path] = true
			}
		}
		var folders []string
		for _, f := range st.folders {
			if !removed[f] {
				folders = append(folders, f)
			}
		}
		for _, f := range p.Event.Added {
			if path, ok := uriToPath(protocol.DocumentURI(f.URI)); ok {
				folders = append(folders, path)
			}
		}
		st.folders = folders
	})
	s.ws.reindex()
	return nil
}
