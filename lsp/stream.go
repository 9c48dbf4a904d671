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

	writeMu sync.Mutex
}

func newStream(rwc io.ReadWriteCloser, max int64, log *zap.Logger) *stream {
	if max <= 0 {
		max = DefaultMaxMessageSize
	}
	return &stream{in: bufio.NewReaderSize(rwc, 64<<10), out: rwc, closer: rwc, max: max, log: log}
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
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := fmt.Fprintf(s.out, "Content-Length: %d\r\n\r\n", len(data))
	if err != nil {
		return int64(n), fmt.Errorf("writing header: %w", err)
	}
	m, err := s.out.Write(data)
	if err != nil {
		return int64(n + m), fmt.Errorf("writing body: %w", err)
	}
	return int64(n + m), nil
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

// Close closes the underlying connection.
func (s *stream) Close() error { return s.closer.Close() }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
