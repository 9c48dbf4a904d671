package eval

import (
	"strconv"
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
