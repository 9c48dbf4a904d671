package flake

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gonix/gonix/lib"
	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/fetch"
	"github.com/gonix/gonix/store/nixhash"
)

// DefaultGlobalRegistry is Nix's default flake-registry setting.
const DefaultGlobalRegistry = "https://channels.nixos.org/flake-registry.json"

// Settings configure fetching, registries and locking. Create them with
// NewSettings; the zero value is not usable.
type Settings struct {
	// Store receives fetched sources.
	Store *store.Store
	// Fetcher downloads and unpacks (created from Store by NewSettings).
	Fetcher *fetch.Fetcher
	// Client is used for HTTP requests (forge APIs, tarballs).
	Client *http.Client

	// FlagRegistry holds --override-flake entries.
	FlagRegistry []*RegistryEntry
	// UserRegistryPath and SystemRegistryPath are the registry files
	// (default ~/.config/nix/registry.json and
	// $NIX_CONF_DIR/registry.json, /etc/nix/registry.json).
	UserRegistryPath, SystemRegistryPath string
	// GlobalRegistry is the flake-registry setting: an absolute path or
	// a URL, read only when the other registries have no match ("" =
	// none). Default DefaultGlobalRegistry.
	GlobalRegistry string
	// UseRegistries enables registry lookups (the use-registries
	// setting); when false only direct references work.
	UseRegistries bool
	// NoBuiltinRegistry drops gonix's built-in "gonix" entry.
	NoBuiltinRegistry bool
	// LibCacheDir is where the embedded library is materialised for the
	// "gonix" registry entry (default lib.DefaultCacheDir()).
	LibCacheDir string

	// AllowDirty accepts dirty Git work trees; WarnDirty warns about
	// them (both default true, like Nix).
	AllowDirty, WarnDirty bool
	// AccessTokens maps hosts (or host/owner/repo prefixes) to tokens for
	// forge APIs (Nix's access-tokens).
	AccessTokens map[string]string
	// RewriteURL, when set, maps every URL before it is downloaded
	// (tests point forge URLs at a local server with it).
	RewriteURL func(string) string

	// Warn and Notice receive messages for the user ("warning: ..."
	// is added by the caller).
	Warn, Notice func(string)

	regOnce    sync.Once
	regs       []*Registry
	globalOnce sync.Once
	global     *Registry
	libOnce    sync.Once
	libInput   *Input
	libErr     error
}

// NewSettings returns settings with Nix's defaults for st, reading the
// environment through getenv (os.Getenv when nil).
func NewSettings(st *store.Store, getenv func(string) string) *Settings {
	if getenv == nil {
		getenv = os.Getenv
	}
	s := &Settings{
		Store:          st,
		Fetcher:        fetch.New(st),
		Client:         &http.Client{Timeout: 5 * time.Minute},
		GlobalRegistry: DefaultGlobalRegistry,
		UseRegistries:  true,
		AllowDirty:     true,
		WarnDirty:      true,
	}
	cfg := getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		if home := getenv("HOME"); home != "" {
			cfg = filepath.Join(home, ".config")
		}
	}
	if cfg != "" {
		s.UserRegistryPath = filepath.Join(cfg, "nix", "registry.json")
	}
	confDir := getenv("NIX_CONF_DIR")
	if confDir == "" {
		confDir = "/etc/nix"
	}
	s.SystemRegistryPath = filepath.Join(confDir, "registry.json")
	if c := getenv("XDG_CACHE_HOME"); c != "" {
		s.LibCacheDir = filepath.Join(c, "gonix")
	} else if d, err := lib.DefaultCacheDir(); err == nil {
		s.LibCacheDir = d
	}
	return s
}

func (s *Settings) warn(msg string) {
	if s.Warn != nil {
		s.Warn(msg)
	}
}

func (s *Settings) notice(msg string) {
	if s.Notice != nil {
		s.Notice(msg)
	}
}

func (s *Settings) rewrite(u string) string {
	if s.RewriteURL != nil {
		return s.RewriteURL(u)
	}
	return u
}

// httpGet fetches a URL (file://, http, https) with extra headers.
func (s *Settings) httpGet(rawURL string, headers map[string]string) (*http.Response, error) {
	u := s.rewrite(rawURL)
	if strings.HasPrefix(u, "file://") || strings.HasPrefix(u, "/") {
		p := strings.TrimPrefix(u, "file://")
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("unable to download '%s': %w", rawURL, err)
		}
		return &http.Response{StatusCode: 200, Body: f, Header: http.Header{}}, nil
	}
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		return nil, fmt.Errorf("unable to download '%s': %w", rawURL, err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := s.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("unable to download '%s': %w", rawURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("unable to download '%s': HTTP error %d", rawURL, resp.StatusCode)
	}
	return resp, nil
}

// download reads a whole URL (small documents: registries, API replies).
func (s *Settings) download(rawURL string) ([]byte, error) {
	return s.downloadWith(rawURL, nil)
}

func (s *Settings) downloadWith(rawURL string, headers map[string]string) ([]byte, error) {
	resp, err := s.httpGet(rawURL, headers)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("unable to download '%s': %w", rawURL, err)
	}
	return data, nil
}

// builtinEntries is gonix's own registry: "gonix" is the embedded
// library, added to the store and pinned by its narHash.
func (s *Settings) builtinEntries() []*RegistryEntry {
	if s.NoBuiltinRegistry {
		return nil
	}
	from := &Input{Attrs: Attrs{"type": Str("indirect"), "id": Str("gonix")}, scheme: indirectScheme{}}
	return []*RegistryEntry{{From: from, lazyTo: s.GonixLibInput}}
}

// GonixLibInput returns the input the "gonix" registry entry points
// to: the embedded library (materialised with lib.Ensure) added to the
// store as a "source" path, as a path input with its narHash.
func (s *Settings) GonixLibInput() (*Input, error) {
	s.libOnce.Do(func() {
		if s.LibCacheDir == "" {
			s.libErr = fmt.Errorf("cannot materialise gonix's library: no cache directory")
			return
		}
		dir, err := lib.Ensure(s.LibCacheDir)
		if err != nil {
			s.libErr = err
			return
		}
		p, err := s.Store.AddPath(dir, store.AddOptions{Name: "source"})
		if err != nil {
			s.libErr = fmt.Errorf("adding gonix's library to the store: %w", err)
			return
		}
		info, err := s.Store.QueryPathInfo(p)
		if err != nil {
			s.libErr = err
			return
		}
		s.libInput = &Input{Attrs: Attrs{
			"type":    Str("path"),
			"path":    Str(p),
			"narHash": Str(info.NarHash.Format(nixhash.SRI, true)),
		}, scheme: pathScheme{}}
	})
	if s.libErr != nil {
		return nil, s.libErr
	}
	return s.libInput.Clone(), nil
}
