package lsp

import (
	"sync"

	"go.lsp.dev/protocol"
)

// semanticCache keeps the last semantic tokens sent per document, for
// delta requests.
type semanticCache struct {
	mu   sync.Mutex
	last map[protocol.DocumentURI]semanticResult
	seq  uint64
}

type semanticResult struct {
	id   string
	data []uint32
}

func newSemanticCache() *semanticCache {
	return &semanticCache{last: map[protocol.DocumentURI]semanticResult{}}
}

func (c *semanticCache) forget(u protocol.DocumentURI) {
	c.mu.Lock()
	delete(c.last, u)
	c.mu.Unlock()
}

func semanticLegend() map[string]any {
	return map[string]any{"tokenTypes": semanticTypes, "tokenModifiers": semanticModifiers}
}

var semanticTypes = []string{}
var semanticModifiers = []string{}
