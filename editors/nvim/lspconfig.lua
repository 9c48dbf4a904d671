-- For nvim-lspconfig users: register gonix as a server configuration,
-- then enable it like any other. Put this in your init.lua.
local configs = require("lspconfig.configs")
local util = require("lspconfig.util")

if not configs.gonix then
  configs.gonix = {
    default_config = {
      cmd = { "gonix", "lsp" },
      filetypes = { "nix" },
      root_dir = util.root_pattern("flake.nix", ".git", "default.nix"),
      single_file_support = true,
      settings = { gonix = {} },
    },
    docs = { description = "gonix: Nix language server (https://github.com/gonix/gonix)" },
  }
end

require("lspconfig").gonix.setup({
  settings = {
    gonix = {
      formatting = { width = 100 },
      lint = { disabled = {} },
      -- options = { "/path/to/home-manager/modules" },
    },
  },
})
