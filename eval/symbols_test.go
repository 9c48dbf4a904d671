package eval

import (
	"math/rand"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestSymbolTable(t *testing.T) {
	tab := newSymbolTable()
	const n = 50000
	ids := make([]Symbol, n)
	for i := range ids {
		ids[i] = tab.intern("s" + strconv.Itoa(i))
		if int(ids[i]) != i {
			t.Fatalf("symbol %d numbered %d", i, ids[i])
		}
	}
	for i := range ids {
		name := "s" + strconv.Itoa(i)
		if got := tab.intern(name); got != ids[i] {
			t.Fatalf("re-interning %q gave %d, want %d", name, got, ids[i])
		}
		if got, ok := tab.lookup(name); !ok || got != ids[i] {
			t.Fatalf("lookup %q gave %d %v", name, got, ok)
		}
		if tab.name(ids[i]) != name {
			t.Fatalf("name of %d is %q", ids[i], tab.name(ids[i]))
		}
	}
	for _, s := range []string{"", "x", "s-1", "s50000"} {
		if _, ok := tab.lookup(s); ok {
			t.Errorf("lookup %q found a symbol", s)
		}
	}
	if e := tab.intern(""); tab.name(e) != "" || tab.intern("") != e {
		t.Errorf("empty name not interned stably")
	}
}

// TestSortedByName checks the order of attribute names against sorting
// the strings, for sets of every sorting strategy (small, medium, radix)
// with names that share prefixes of eight bytes and more, are empty,
// differ only past eight bytes or in bytes above 0x7f.
func TestSortedByName(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	alphabet := []string{"", "a", "b", "\x7f", "\xc3\xa9", "z", "aaaaaaa", "aaaaaaaa", "aaaaaaaab", "-", "_"}
	for _, n := range []int{0, 1, 2, 5, 16, 17, 100, 256, 257, 3000} {
		st := &State{syms: newSymbolTable()}
		seen := map[string]bool{}
		var attrs []Attr
		var names []string
		for len(names) < n {
			var b strings.Builder
			for range r.Intn(4) {
				b.WriteString(alphabet[r.Intn(len(alphabet))])
			}
			if r.Intn(3) == 0 {
				b.WriteString(strconv.Itoa(r.Intn(1000)))
			}
			name := b.String()
			if seen[name] {
				continue
			}
			seen[name] = true
			names = append(names, name)
			attrs = append(attrs, Attr{Name: st.syms.intern(name)})
		}
		idx := st.SortedByName(attrs)
		want := slices.Clone(names)
		sort.Strings(want)
		if len(idx) != n {
			t.Fatalf("n=%d: %d indices", n, len(idx))
		}
		for i, j := range idx {
			if got := st.SymName(attrs[j].Name); got != want[i] {
				t.Fatalf("n=%d: position %d holds %q, want %q", n, i, got, want[i])
			}
		}
	}
}
