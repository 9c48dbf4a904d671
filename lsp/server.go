package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.uber.org/zap"

	"github.com/gonix/gonix/eval"
)

// LSP error codes beyond JSON-RPC's.
const (
	codeRequestCancelled jsonrpc2.Code = -32800
	codeContentModified  jsonrpc2.Code = -32801
)

// Options configure a server.
type Options struct {
	// Logger receives the server's log; nil means no logging. It must
	// never write to the protocol stream.
	Logger *zap.Logger
	// MaxMessageSize bounds one incoming message (DefaultMaxMessageSize).
	MaxMessageSize int64
	// MaxDocumentSize bounds the documents analysed (DefaultMaxDocumentSize).
	MaxDocumentSize int
	// DiagnosticDelay overrides the debounce of pushed diagnostics after
	// an edit (a negative value means no delay); zero keeps the
	// configuration's value.
	DiagnosticDelay time.Duration
	// Getenv reads the environment (NIX_PATH); nil means os.Getenv.
	Getenv func(string) string
	// Version is reported to the client as the server's version.
	Version string
	// NewEvalState creates an evaluator with the builtins (for example
	// builtins.New); nil leaves evaluation out unless EvalCommand is set.
	NewEvalState func(eval.Options) *eval.State
	// EvalCommand starts an evaluation worker process (for example
	// `gonix lsp --eval-worker`, which runs ServeEvalWorker); when set,
	// every evaluation runs in such a process, which the server kills on
	// timeout, cancellation or excess memory. Without it evaluations run
	// in the server's process, bounded by step counts.
	EvalCommand []string
}

// ErrExitWithoutShutdown is returned by Serve when the client sent exit
// without shutdown first (the process should exit with status 1).
var ErrExitWithoutShutdown = errors.New("exit notification before shutdown")

// Serve runs one language-server session over rwc until the client sends
// exit or closes the stream. A closed stream after shutdown, or exit after
// shutdown, returns nil.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	s := newServer(opts)
	return s.serve(ctx, rwc)
}

// state is the part of the server that requests read: an immutable
// snapshot replaced wholesale by notifications.
type state struct {
	docs    map[protocol.DocumentURI]*Document
	cfg     *Config
	folders []string // workspace folder paths
}

func (st *state) with(f func(*state)) *state {
	ns := &state{docs: make(map[protocol.DocumentURI]*Document, len(st.docs)), cfg: st.cfg, folders: st.folders}
	for k, v := range st.docs {
		ns.docs[k] = v
	}
	f(ns)
	return ns
}

// Server is one language-server session.
type Server struct {
	opts Options
	log  *zap.Logger
	conn jsonrpc2.Conn

	ctx    context.Context
	cancel context.CancelFunc

	mu          sync.Mutex
	st          *state
	initialized bool
	shutdown    bool
	exited      chan struct{}
	exitErr     error
	pending     map[jsonrpc2.ID]context.CancelFunc
	inflight    sync.WaitGroup
	caps        clientCaps

	diags    *diagScheduler
	ws       *workspace
	semCache *semanticCache
	requests map[string]requestFunc
	builtins builtinIndex
	optCache optionsCache

	ev        *evaluator
	evalSched *evalScheduler
	evalOpts  evalOptionsCache
}

// requestFunc answers one request from a state snapshot.
type requestFunc func(ctx context.Context, st *state, params json.RawMessage) (any, error)

func newServer(opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.MaxDocumentSize == 0 {
		opts.MaxDocumentSize = DefaultMaxDocumentSize
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		st:       &state{docs: map[protocol.DocumentURI]*Document{}, cfg: defaultConfig()},
		exited:   make(chan struct{}),
		pending:  make(map[jsonrpc2.ID]context.CancelFunc),
		semCache: newSemanticCache(),
		builtins: newBuiltinIndex(),
	}
	s.diags = newDiagScheduler(s)
	s.ev = newEvaluator(opts, opts.Logger)
	s.evalSched = newEvalScheduler(s)
	s.ws = newWorkspace(s)
	s.requests = s.requestTable()
	return s
}

func (s *Server) serve(ctx context.Context, rwc io.ReadWriteCloser) error {
	s.ctx, s.cancel = context.WithCancel(ctx)
	defer s.cancel()
	st := newStream(rwc, s.opts.MaxMessageSize, s.log)
	s.conn = jsonrpc2.NewConn(st)
	s.conn.Go(s.ctx, s.handle)
	select {
	case <-s.conn.Done():
	case <-s.exited:
		s.conn.Close()
		<-s.conn.Done()
	case <-ctx.Done():
		s.conn.Close()
		<-s.conn.Done()
		return ctx.Err()
	}
	s.cancel()
	s.diags.stop()
	s.evalSched.stop()
	s.ws.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.exited:
		return s.exitErr
	default:
	}
	if err := s.conn.Err(); err != nil && !errors.Is(err, io.EOF) && !s.shutdown {
		return fmt.Errorf("connection: %w", err)
	}
	return nil
}

func (s *Server) snapshot() *state {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

func (s *Server) update(f func(*state)) *state {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = s.st.with(f)
	return s.st
}

// handle is the connection's handler. It runs on the reading goroutine:
// notifications are applied in order here, requests are answered on
// their own goroutines from the state at arrival. It never returns an
// error, which would end the connection.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in handler", zap.String("method", req.Method()), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			if _, ok := req.(*jsonrpc2.Call); ok {
				_ = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", req.Method(), r))
			}
		}
	}()
	switch r := req.(type) {
	case *jsonrpc2.Call:
		s.handleCall(ctx, reply, r)
	case *jsonrpc2.Notification:
		s.handleNotification(ctx, r)
	}
	return nil
}

func rawParams(req jsonrpc2.Request) json.RawMessage { return json.RawMessage(req.Params()) }

func (s *Server) handleCall(ctx context.Context, reply jsonrpc2.Replier, call *jsonrpc2.Call) {
	method := call.Method()
	s.log.Debug("request", zap.String("method", method), zap.Any("id", call.ID()))
	s.mu.Lock()
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()
	switch {
	case method == protocol.MethodInitialize:
		if initialized {
			_ = reply(ctx, nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "initialize sent twice"))
			return
		}
		res, err := s.initialize(rawParams(call))
		_ = reply(ctx, res, err)
		return
	case !initialized:
		_ = reply(ctx, nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "the server is not initialized: send initialize first"))
		return
	case method == protocol.MethodShutdown:
		s.mu.Lock()
		s.shutdown = true
		s.mu.Unlock()
		s.diags.stop()
		// Answer the requests still running before acknowledging.
		waited := make(chan struct{})
		go func() { s.inflight.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(5 * time.Second):
		}
		_ = reply(ctx, nil, nil)
		return
	case shutdown:
		_ = reply(ctx, nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "the server is shutting down"))
		return
	}
	h, ok := s.requests[method]
	if !ok {
		_ = reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not found: %q", method))
		return
	}
	st := s.snapshot()
	rctx, cancel := context.WithCancel(s.ctx)
	id := call.ID()
	s.mu.Lock()
	s.pending[id] = cancel
	s.mu.Unlock()
	params := rawParams(call)
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Done()
		defer func() {
			s.mu.Lock()
			delete(s.pending, id)
			s.mu.Unlock()
			cancel()
		}()
		start := time.Now()
		res, err := s.run(rctx, method, h, st, params)
		if err == nil && rctx.Err() != nil {
			err = jsonrpc2.NewError(codeRequestCancelled, "request cancelled")
		}
		if err != nil {
			res = nil
			var je *jsonrpc2.Error
			if !errors.As(err, &je) {
				err = jsonrpc2.NewError(jsonrpc2.InternalError, err.Error())
			}
		}
		s.log.Debug("reply", zap.String("method", method), zap.Duration("took", time.Since(start)), zap.Error(err))
		if rerr := reply(s.ctx, res, err); rerr != nil {
			s.log.Warn("writing reply", zap.String("method", method), zap.Error(rerr))
		}
	}()
}

// run calls a request function, turning a panic into an error reply.
func (s *Server) run(ctx context.Context, method string, h requestFunc, st *state, params json.RawMessage) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic in request", zap.String("method", method), zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
			res, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "internal error in %s: %v", method, r)
		}
	}()
	return h(ctx, st, params)
}

func (s *Server) handleNotification(ctx context.Context, n *jsonrpc2.Notification) {
	method := n.Method()
	s.log.Debug("notification", zap.String("method", method))
	params := rawParams(n)
	if method == protocol.MethodExit {
		s.mu.Lock()
		if !s.shutdown {
			s.exitErr = ErrExitWithoutShutdown
		}
		select {
		case <-s.exited:
		default:
			close(s.exited)
		}
		s.mu.Unlock()
		return
	}
	if method == protocol.MethodCancelRequest {
		var p struct {
			ID jsonrpc2.ID `json:"id"`
		}
		if err := json.Unmarshal(params, &p); err != nil {
			s.log.Warn("bad $/cancelRequest", zap.Error(err))
			return
		}
		s.mu.Lock()
		cancel := s.pending[p.ID]
		s.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		return
	}
	s.mu.Lock()
	initialized := s.initialized
	s.mu.Unlock()
	if !initialized {
		s.log.Warn("notification before initialize dropped", zap.String("method", method))
		return
	}
	var err error
	switch method {
	case protocol.MethodInitialized:
		s.afterInitialized()
	case protocol.MethodTextDocumentDidOpen:
		err = s.didOpen(params)
	case protocol.MethodTextDocumentDidChange:
		err = s.didChange(params)
	case protocol.MethodTextDocumentDidClose:
		err = s.didClose(params)
	case protocol.MethodTextDocumentDidSave:
		err = s.didSave(params)
	case protocol.MethodWorkspaceDidChangeConfiguration:
		err = s.didChangeConfiguration(params)
	case protocol.MethodWorkspaceDidChangeWatchedFiles:
		err = s.didChangeWatchedFiles(params)
	case protocol.MethodWorkspaceDidChangeWorkspaceFolders:
		err = s.didChangeWorkspaceFolders(params)
	default:
		// Unknown notifications (including "$/…" ones) are ignored, as
		// the protocol asks.
	}
	if err != nil {
		s.log.Warn("notification failed", zap.String("method", method), zap.Error(err))
		s.showMessage(protocol.MessageTypeError, fmt.Sprintf("gonix: %s: %v", method, err))
	}
}

// notify sends a notification to the client, logging failures.
func (s *Server) notify(method string, params any) {
	if err := s.conn.Notify(s.ctx, method, params); err != nil {
		s.log.Debug("notify failed", zap.String("method", method), zap.Error(err))
	}
}

// call sends a request to the client. It must not run on the reading
// goroutine (the reply could never be read).
func (s *Server) call(ctx context.Context, method string, params, result any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err := s.conn.Call(ctx, method, params, result)
	return err
}

func (s *Server) showMessage(typ protocol.MessageType, msg string) {
	s.notify(protocol.MethodWindowShowMessage, &protocol.ShowMessageParams{Type: typ, Message: msg})
}

// invalidParams builds an InvalidParams error reply.
func invalidParams(format string, args ...any) error {
	return jsonrpc2.Errorf(jsonrpc2.InvalidParams, format, args...)
}

// decode reads a request's params into v.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return invalidParams("missing params")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return invalidParams("invalid params: %v", err)
	}
	return nil
}

// docAnalysis finds an open document in st and analyses it.
func (s *Server) docAnalysis(st *state, u protocol.DocumentURI) (*Analysis, error) {
	d := st.docs[normalizeURI(u)]
	if d == nil {
		return nil, invalidParams("document not open: %s", u)
	}
	a, err := d.Analyze()
	if err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, err.Error())
	}
	return a, nil
}

// positionParams are the params of every position-based request.
type positionParams struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Position     protocol.Position               `json:"position"`
}

// at decodes position params and returns the analysis and offset.
func (s *Server) at(st *state, params json.RawMessage, v any, pp *positionParams) (*Analysis, int, error) {
	if err := decode(params, v); err != nil {
		return nil, 0, err
	}
	a, err := s.docAnalysis(st, pp.TextDocument.URI)
	if err != nil {
		return nil, 0, err
	}
	off, err := a.offset(pp.Position)
	if err != nil {
		return nil, 0, err
	}
	return a, off, nil
}
