package eval

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestDecimalLen(t *testing.T) {
	for _, i := range []int64{0, 1, 9, 10, 99, 100, -1, -9, -10, 123456789, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		if got, want := decimalLen(i), len(strconv.FormatInt(i, 10)); got != want {
			t.Errorf("decimalLen(%d) = %d, want %d", i, got, want)
		}
	}
}

// TestStrPieces joins strings and integers of every length around the
// inline allocation sizes, with and without context, and checks the
// text, the context and that the result does not share bytes with a
// later one.
func TestStrPieces(t *testing.T) {
	for n := 0; n <= 2*maxInlineString+3; n++ {
		for _, withInt := range []bool{false, true} {
			var p strPieces
			var want strings.Builder
			for want.Len() < n {
				switch {
				case withInt && want.Len()%3 == 0:
					i := int64(-want.Len() * 7)
					p.addInt(i)
					want.WriteString(strconv.FormatInt(i, 10))
				default:
					s := strings.Repeat("x", min(5, n-want.Len()))
					p.add(s)
					want.WriteString(s)
				}
			}
			ctx := NewContext("/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x")
			if n%2 == 0 {
				ctx = nil
			}
			got := p.value(ctx)
			if got.S != want.String() || p.string() != want.String() {
				t.Fatalf("n=%d int=%v: got %q / %q, want %q", n, withInt, got.S, p.string(), want.String())
			}
			if len(got.Context()) != len(ctx) {
				t.Fatalf("n=%d: context %v, want %v", n, got.Context(), ctx)
			}
			again := p.value(nil)
			if n > 0 && !p.single() && unsafe.StringData(again.S) == unsafe.StringData(got.S) {
				t.Fatalf("n=%d: two values share their bytes", n)
			}
		}
	}
	var many strPieces
	var want strings.Builder
	for i := range 20 {
		many.addInt(int64(i))
		many.add(",")
		want.WriteString(strconv.Itoa(i) + ",")
	}
	if got := many.value(nil).S; got != want.String() {
		t.Errorf("20 pieces: got %q, want %q", got, want.String())
	}
	if got := IntString(math.MinInt64).S; got != "-9223372036854775808" {
		t.Errorf("IntString(MinInt64) = %q", got)
	}
}
