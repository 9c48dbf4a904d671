package parser

// Reusing memory across parses, for tools that parse many files one after
// another (the formatter).

// ParseSyntaxReusing is ParseSyntax for a caller that parses many files
// one after another: the new tree may take over old, an earlier tree that
// the caller no longer uses (nil is fine), and its arrays. Neither old
// nor anything obtained from it may be used afterwards.
func ParseSyntaxReusing(src, name string, old *Tree) *Tree {
	return parseString(src, Options{Name: name, SyntaxOnly: true}, old)
}

func (t *Tree) kindsBuf() []Kind {
	if t == nil {
		return nil
	}
	return t.buf.kinds
}

func (t *Tree) startsBuf() []uint32 {
	if t == nil {
		return nil
	}
	return t.buf.starts
}

func (t *Tree) nodesBuf() []node {
	if t == nil {
		return nil
	}
	return t.buf.nodes
}

func (t *Tree) framesBuf() []frame {
	if t == nil {
		return nil
	}
	return t.buf.frames
}

// reuseBuf returns an empty slice with room for n elements, using old's
// memory when it has that room. Otherwise the new memory is made half as
// big again as old's, so that a series of files growing in size does not
// need new memory each time.
func reuseBuf[T any](old []T, n int) []T {
	if cap(old) >= n {
		return old[:0]
	}
	if old != nil {
		n = max(n, cap(old)+cap(old)/2)
	}
	return make([]T, 0, n)
}
