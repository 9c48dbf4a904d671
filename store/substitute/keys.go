package substitute

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
)

// PublicKey is a named ed25519 public key ("cache.example.org-1:BASE64").
type PublicKey struct {
	Name string
	Key  ed25519.PublicKey
}

// SecretKey is a named ed25519 private key, as written by
// `nix-store --generate-binary-cache-key`.
type SecretKey struct {
	Name string
	Key  ed25519.PrivateKey
}

func splitKey(s, what string) (string, []byte, error) {
	name, b64, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || name == "" {
		return "", nil, fmt.Errorf("%s '%s' is not NAME:BASE64", what, s)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "", nil, fmt.Errorf("%s '%s': %w", what, name, err)
	}
	return name, raw, nil
}

// ParsePublicKey parses "NAME:BASE64(32 bytes)".
func ParsePublicKey(s string) (PublicKey, error) {
	name, raw, err := splitKey(s, "public key")
	if err != nil {
		return PublicKey{}, err
	}
	if len(raw) != ed25519.PublicKeySize {
		return PublicKey{}, fmt.Errorf("public key '%s' has %d bytes, want %d", name, len(raw), ed25519.PublicKeySize)
	}
	return PublicKey{Name: name, Key: raw}, nil
}

// ParsePublicKeys parses trusted-public-keys entries.
func ParsePublicKeys(ss []string) ([]PublicKey, error) {
	var out []PublicKey
	for _, s := range ss {
		k, err := ParsePublicKey(s)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

// ParseSecretKey parses "NAME:BASE64(64 bytes)".
func ParseSecretKey(s string) (SecretKey, error) {
	name, raw, err := splitKey(s, "secret key")
	if err != nil {
		return SecretKey{}, err
	}
	if len(raw) != ed25519.PrivateKeySize {
		return SecretKey{}, fmt.Errorf("secret key '%s' has %d bytes, want %d", name, len(raw), ed25519.PrivateKeySize)
	}
	return SecretKey{Name: name, Key: raw}, nil
}

// ReadSecretKeyFile reads a secret key file.
func ReadSecretKeyFile(path string) (SecretKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return SecretKey{}, fmt.Errorf("reading secret key: %w", err)
	}
	k, err := ParseSecretKey(string(b))
	if err != nil {
		return SecretKey{}, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// GenerateKey makes a new key pair named name.
func GenerateKey(name string) (SecretKey, PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return SecretKey{}, PublicKey{}, err
	}
	return SecretKey{Name: name, Key: priv}, PublicKey{Name: name, Key: pub}, nil
}

// String renders the key in Nix's format.
func (k SecretKey) String() string { return k.Name + ":" + base64.StdEncoding.EncodeToString(k.Key) }

// String renders the key in Nix's format.
func (k PublicKey) String() string { return k.Name + ":" + base64.StdEncoding.EncodeToString(k.Key) }

// Public returns the public half.
func (k SecretKey) Public() PublicKey {
	return PublicKey{Name: k.Name, Key: k.Key.Public().(ed25519.PublicKey)}
}

// Sign signs a fingerprint: "NAME:BASE64(signature)".
func (k SecretKey) Sign(fingerprint string) string {
	return k.Name + ":" + base64.StdEncoding.EncodeToString(ed25519.Sign(k.Key, []byte(fingerprint)))
}

// Verify reports whether some signature in sigs is a valid signature of
// fingerprint by one of keys.
func Verify(fingerprint string, sigs []string, keys []PublicKey) bool {
	for _, s := range sigs {
		name, b64, ok := strings.Cut(s, ":")
		if !ok {
			continue
		}
		sig, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(sig) != ed25519.SignatureSize {
			continue
		}
		for _, k := range keys {
			if k.Name == name && ed25519.Verify(k.Key, []byte(fingerprint), sig) {
				return true
			}
		}
	}
	return false
}
