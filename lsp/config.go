package lsp

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gonix/gonix/checker"
)

// Config is the server's configuration: the "gonix" section of the
// client's settings (workspace/configuration), or the initialization
// options. Every field has a usable default.
type Config struct {
	Formatting struct {
		// Width is the line width the formatter aims for (nixfmt --width).
		Width int `json:"width"`
		// Indent is the indentation step (nixfmt --indent).
		Indent int `json:"indent"`
		// Strict asks for nixfmt --strict output.
		Strict bool `json:"strict"`
	} `json:"formatting"`
	Diagnostics struct {
		// DelayMs debounces pushed diagnostics after an edit.
		DelayMs int `json:"delayMs"`
		// Undefined reports names bound nowhere.
		Undefined *bool `json:"undefined"`
		// Unused reports unused let bindings, arguments and formals.
		Unused *bool `json:"unused"`
	} `json:"diagnostics"`
	Lint struct {
		// Enable turns the checker's lints on or off.
		Enable *bool `json:"enable"`
		// Disabled lists lint codes or names not to report.
		Disabled []string `json:"disabled"`
		// Enabled turns on lints that are off by default.
		Enabled []string `json:"enabled"`
		// Deadnix configures the unused-code analysis.
		Deadnix checker.DeadnixOptions `json:"deadnix"`
	} `json:"lint"`
	// NixPath entries (NAME=PATH or PATH) resolve <name> search paths;
	// the environment's NIX_PATH comes after them.
	NixPath []string `json:"nixPath"`
	// FlakeInputs maps flake input names to local paths (for completion
	// and navigation into inputs without fetching them).
	FlakeInputs map[string]string `json:"flakeInputs"`
	// Options lists sources of NixOS-style module options: directories or
	// files whose `options.… = mkOption { … }` declarations feed option
	// completion and hover (for example a nixpkgs checkout's
	// nixos/modules or home-manager's modules).
	Options []string `json:"options"`
	Eval    struct {
		// Enable runs the evaluator in the background for diagnostics
		// and hover values.
		Enable *bool `json:"enable"`
		// TimeoutMs bounds one background evaluation.
		TimeoutMs int `json:"timeoutMs"`
		// MemoryMB bounds the memory one evaluation may allocate.
		MemoryMB int `json:"memoryMB"`
		// DelayMs is how long a document must stay unchanged before it
		// is evaluated for diagnostics.
		DelayMs int `json:"delayMs"`
		// Options are expressions that evaluate to a module system's
		// options tree, for option completion and hover, for example
		// `(import <nixpkgs/nixos> { configuration = {}; }).options`.
		// Relative paths are relative to the first workspace folder.
		Options []string `json:"options"`
		// OptionsTimeoutMs bounds the evaluation of the options trees.
		OptionsTimeoutMs int `json:"optionsTimeoutMs"`
	} `json:"eval"`
	Workspace struct {
		// MaxFiles bounds how many files the workspace index reads.
		MaxFiles int `json:"maxFiles"`
	} `json:"workspace"`
}

func defaultConfig() *Config {
	c := &Config{}
	c.Formatting.Width = 100
	c.Formatting.Indent = 2
	// In an editor, `_x` says "unused on purpose".
	c.Lint.Deadnix.NoUnderscore = true
	c.Diagnostics.DelayMs = 150
	c.Eval.TimeoutMs = 2000
	c.Eval.MemoryMB = 256
	c.Eval.DelayMs = 500
	c.Eval.OptionsTimeoutMs = 30000
	c.Workspace.MaxFiles = 20000
	return c
}

// parseConfig overlays JSON settings on the defaults. Unknown keys are
// ignored; a wrongly typed value is an error naming the setting.
func parseConfig(raw json.RawMessage) (*Config, error) {
	c := defaultConfig()
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return c, nil
	}
	// Accept both {"gonix": {...}} and the section itself.
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return c, fmt.Errorf("settings: %w", err)
	}
	if inner, ok := wrapped["gonix"]; ok && len(wrapped) == 1 {
		raw = inner
	}
	if err := json.Unmarshal(raw, c); err != nil {
		return defaultConfig(), fmt.Errorf("settings: %w", err)
	}
	if c.Formatting.Width <= 0 {
		c.Formatting.Width = 100
	}
	if c.Formatting.Indent <= 0 {
		c.Formatting.Indent = 2
	}
	if c.Diagnostics.DelayMs < 0 {
		c.Diagnostics.DelayMs = 0
	}
	if c.Eval.TimeoutMs <= 0 {
		c.Eval.TimeoutMs = 2000
	}
	if c.Eval.MemoryMB <= 0 {
		c.Eval.MemoryMB = 256
	}
	if c.Eval.DelayMs < 0 {
		c.Eval.DelayMs = 0
	}
	if c.Eval.OptionsTimeoutMs <= 0 {
		c.Eval.OptionsTimeoutMs = 30000
	}
	if c.Workspace.MaxFiles <= 0 {
		c.Workspace.MaxFiles = 20000
	}
	return c, nil
}

func isOn(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func (c *Config) undefinedOn() bool { return isOn(c.Diagnostics.Undefined, true) }
func (c *Config) unusedOn() bool    { return isOn(c.Diagnostics.Unused, true) }
func (c *Config) lintOn() bool      { return isOn(c.Lint.Enable, true) }
func (c *Config) evalOn() bool      { return isOn(c.Eval.Enable, true) }
