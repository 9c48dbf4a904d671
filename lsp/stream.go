package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// DefaultMaxMessageSize bounds the body of one incoming message. Larger
// messages are read and dropped with an error reply, so a client that
// sends a huge file gets an answer and the session goes on.
const DefaultMaxMessageSize = 64 << 20

// stream is a jsonrpc2.Stream with LSP's Content-Length framing that,
// unlike jsonrpc2.NewStream, never fails the connection over one bad
// message: malformed headers are skipped, unparsable bodies and oversized
// messages are answered with a JSON-RPC error and reading goes on. Only
// the end of the input (or a read error) ends the stream.
type stream struct {
	in     *bufio.Reader
	out    io.Writer
	closer io.Closer
	max    int64
	log    *zap.Logger

	// Outgoing messages are queued and written by one goroutine, so the
	// reading goroutine never blocks on a client that is itself blocked
	// writing to us (which deadlocks synchronous pipes).
	mu       sync.Mutex
	cond     *sync.Cond
	queue    [][]byte
	closed   bool
	writeErr error
	done     chan struct{}
}

func newStream(rwc io.ReadWriteCloser, max int64, log *zap.Logger) *stream {
	if max <= 0 {
		max = DefaultMaxMessageSize
	}
	s := &stream{in: bufio.NewReaderSize(rwc, 64<<10), out: rwc, closer: rwc, max: max, log: log, done: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.writeLoop()
	return s
}

// writeLoop writes queued messages in order until the stream closes.
func (s *stream) writeLoop() {
	defer close(s.done)
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed {
			s.cond.Wait()
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return
		}
		msg := s.queue[0]
		s.queue[0] = nil
		s.queue = s.queue[1:]
		s.mu.Unlock()
		if _, err := s.out.Write(msg); err != nil {
			s.mu.Lock()
			s.writeErr = err
			s.queue = nil
			s.closed = true
			s.mu.Unlock()
			return
		}
	}
}

// Read returns the next well-formed message.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		length, total, err := s.readHeader()
		if err != nil {
			return nil, total, err
		}
		if length < 0 {
			// A header block without a usable Content-Length: its body
			// (if any) cannot be delimited, so it is skipped line by line
			// as garbage by the next readHeader call.
			s.replyError(nil, jsonrpc2.ParseError, "missing or invalid Content-Length header")
			continue
		}
		if length > s.max {
			n, err := io.CopyN(io.Discard, s.in, length)
			total += n
			if err != nil {
				return nil, total, fmt.Errorf("skipping oversized message: %w", err)
			}
			s.replyError(nil, jsonrpc2.InvalidRequest, fmt.Sprintf("message of %d bytes exceeds the limit of %d bytes", length, s.max))
			continue
		}
		data := make([]byte, length)
		if _, err := io.ReadFull(s.in, data); err != nil {
			return nil, total, fmt.Errorf("reading message body: %w", err)
		}
		total += length
		msg, err := decodeMessage(data)
		if err != nil {
			s.log.Warn("malformed message", zap.Error(err), zap.Int("bytes", len(data)))
			code := jsonrpc2.ParseError
			if json.Valid(data) {
				code = jsonrpc2.InvalidRequest
			}
			s.replyError(requestID(data), code, err.Error())
			continue
		}
		return msg, total, nil
	}
}

// decodeMessage is jsonrpc2.DecodeMessage with the checks it lacks: the
// body must be a JSON object with "jsonrpc": "2.0".
func decodeMessage(data []byte) (jsonrpc2.Message, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("message is not a JSON object")
	}
	if !json.Valid(trimmed) {
		return nil, errors.New("message is not valid JSON")
	}
	msg, err := jsonrpc2.DecodeMessage(trimmed)
	if err != nil {
		return nil, fmt.Errorf("decoding JSON-RPC message: %w", err)
	}
	return msg, nil
}

// readHeader reads one header block. It returns the content length, or -1
// when the block had none; lines that are not headers are skipped.
func (s *stream) readHeader() (length, total int64, err error) {
	length = -1
	sawHeader := false
	for {
		line, err := s.in.ReadString('\n')
		total += int64(len(line))
		if err != nil {
			if errors.Is(err, io.EOF) && line == "" {
				return 0, total, io.EOF
			}
			return 0, total, fmt.Errorf("reading header: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !sawHeader {
				continue // stray blank line between messages
			}
			return length, total, nil
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			s.log.Warn("skipping a line that is not a header", zap.String("line", truncate(line, 80)))
			continue
		}
		sawHeader = true
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, perr := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if perr != nil || n <= 0 {
				length = -1
				continue
			}
			length = n
		}
	}
}

// Write sends one message.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	data, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	return s.writeRaw(data)
}

func (s *stream) writeRaw(data []byte) (int64, error) {
	frame := make([]byte, 0, len(data)+32)
	frame = fmt.Appendf(frame, "Content-Length: %d\r\n\r\n", len(data))
	frame = append(frame, data...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		if s.writeErr != nil {
			return 0, fmt.Errorf("writing message: %w", s.writeErr)
		}
		return 0, errors.New("writing message: stream closed")
	}
	s.queue = append(s.queue, frame)
	s.cond.Signal()
	return int64(len(frame)), nil
}

// replyError answers a message that never reached the dispatcher.
func (s *stream) replyError(id json.RawMessage, code jsonrpc2.Code, msg string) {
	if id == nil {
		id = json.RawMessage("null")
	}
	body, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *jsonrpc2.Error `json:"error"`
	}{"2.0", id, jsonrpc2.NewError(code, msg)})
	if err != nil {
		return
	}
	if _, err := s.writeRaw(body); err != nil {
		s.log.Warn("writing error reply", zap.Error(err))
	}
}

// requestID extracts a usable "id" from a message that failed to decode.
func requestID(data []byte) json.RawMessage {
	var probe struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(data, &probe) != nil || len(probe.ID) == 0 {
		return nil
	}
	switch probe.ID[0] {
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return probe.ID
	}
	return nil
}

// Close flushes the queued messages (for up to a second) and closes the
// underlying connection.
func (s *stream) Close() error {
	s.mu.Lock()
	s.closed = true
	s.cond.Signal()
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-time.After(time.Second):
	}
	return s.closer.Close()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
