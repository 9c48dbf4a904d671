package nixbase32

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

func TestKnownVectors(t *testing.T) {
	// sha256 NAR hash of conformance tree t01-regular, hex and nix32 from nar.json.
	h, _ := hex.DecodeString("1c37d01af40be2e80691de3cc3df44377a699afbb17c68f080964b2fd071fc13")
	const want = "04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw"
	if got := EncodeToString(h); got != want {
		t.Fatalf("encode: got %s want %s", got, want)
	}
	back, err := DecodeString(want)
	if err != nil || !bytes.Equal(back, h) {
		t.Fatalf("decode: %x %v", back, err)
	}
	// placeholder "out" from Nix: /1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9
	d := sha256.Sum256([]byte("nix-output:out"))
	if got := EncodeToString(d[:]); got != "1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9" {
		t.Fatalf("placeholder: %s", got)
	}
}

func TestLengths(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1: 2, 16: 26, 20: 32, 32: 52, 64: 103} {
		if got := EncodedLen(n); got != want {
			t.Errorf("EncodedLen(%d) = %d, want %d", n, got, want)
		}
		if n > 0 && DecodedLen(want) != n {
			t.Errorf("DecodedLen(%d) = %d, want %d", want, DecodedLen(want), n)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 80; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		s := EncodeToString(b)
		if len(s) != EncodedLen(n) {
			t.Fatalf("len")
		}
		got, err := DecodeString(s)
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("n=%d: %x != %x (%v)", n, got, b, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, s := range []string{"e", "0000000000000000000000000000000u", "zz"} {
		if _, err := DecodeString(s); err == nil {
			t.Errorf("DecodeString(%q) succeeded", s)
		}
	}
	// 52 chars whose first char sets bits beyond 256.
	s := "z" + string(bytes.Repeat([]byte{'0'}, 51))
	if _, err := DecodeString(s); err == nil {
		t.Errorf("excess bits accepted")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("04zwf782yjwnh3q6hz5izfd6jyip8kgw6g6yj43fiqhbyhdd0dqw")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeString(s)
		if err == nil && EncodeToString(b) != s && len(s) == EncodedLen(len(b)) {
			t.Fatalf("non-canonical accepted %q", s)
		}
	})
}
