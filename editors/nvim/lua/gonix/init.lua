-- gonix: Neovim client for the gonix language server (`gonix lsp`).
--
--   require("gonix").setup({
--     cmd = { "gonix", "lsp" },          -- how to start the server
--     settings = { gonix = { formatting = { width = 100 } } },
--   })
--
-- Works with the built-in client of Neovim 0.7 and later (it uses
-- vim.lsp.start_client, which every version since 0.5 has).
local M = {}

M.defaults = {
  cmd = { "gonix", "lsp" },
  filetypes = { "nix" },
  -- The workspace root is the nearest directory upwards holding one of
  -- these; otherwise the file's own directory.
  root_markers = { "flake.nix", ".git", "default.nix", "shell.nix" },
  -- Sent in answer to workspace/configuration (section "gonix") and as
  -- initialization options.
  settings = { gonix = {} },
  -- Format the buffer before writing it.
  format_on_save = false,
  on_attach = nil,
  capabilities = nil,
}

M.clients = {} -- root directory -> client id

local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  for _, marker in ipairs(markers) do
    local found = vim.fn.finddir(marker, dir .. ";")
    if found == "" then
      found = vim.fn.findfile(marker, dir .. ";")
    end
    if found ~= "" then
      return vim.fn.fnamemodify(found, ":p:h"):gsub("/%.git/?$", ""):gsub("/$", "")
    end
  end
  return dir
end

--- Starts (or reuses) the gonix client for a buffer's workspace and
--- attaches it to the buffer. Returns the client id.
function M.attach(bufnr, opts)
  opts = opts or M.options or M.defaults
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = find_root(name ~= "" and name or vim.fn.getcwd(), opts.root_markers)
  local id = M.clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil or vim.lsp.get_client_by_id(id).is_stopped() then
    local capabilities = opts.capabilities or vim.lsp.protocol.make_client_capabilities()
    id = vim.lsp.start_client({
      name = "gonix",
      cmd = opts.cmd,
      root_dir = root,
      workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
      settings = opts.settings,
      init_options = opts.settings and opts.settings.gonix or nil,
      capabilities = capabilities,
      on_attach = function(client, buf)
        if opts.format_on_save then
          vim.api.nvim_create_autocmd("BufWritePre", {
            buffer = buf,
            callback = function()
              M.format(buf)
            end,
          })
        end
        if opts.on_attach then
          opts.on_attach(client, buf)
        end
      end,
    })
    if id == nil then
      vim.notify("gonix: could not start " .. table.concat(opts.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    M.clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Formats a buffer synchronously with gonix.
function M.format(bufnr, timeout_ms)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
    options = { tabSize = 2, insertSpaces = true },
  }
  local results = vim.lsp.buf_request_sync(bufnr, "textDocument/formatting", params, timeout_ms or 3000)
  for _, res in pairs(results or {}) do
    if res.result then
      vim.lsp.util.apply_text_edits(res.result, bufnr, "utf-16")
    end
  end
end

--- Registers gonix for Nix buffers.
function M.setup(opts)
  M.options = vim.tbl_deep_extend("force", {}, M.defaults, opts or {})
  local group = vim.api.nvim_create_augroup("gonix", { clear = true })
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = "*.nix",
    callback = function()
      vim.bo.filetype = "nix"
    end,
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      M.attach(args.buf, M.options)
    end,
  })
  -- Buffers already open.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(M.options.filetypes, vim.bo[buf].filetype) then
      M.attach(buf, M.options)
    end
  end
end

return M
