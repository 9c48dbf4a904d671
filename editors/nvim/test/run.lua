-- Headless end-to-end test of the gonix Neovim client against a real
-- `gonix lsp`. Run by lsp/nvim_test.go:
--   GONIX_BIN=... GONIX_TEST_DIR=... GONIX_TEST_OUT=... nvim --headless -u NONE -i NONE -c "luafile run.lua"
local bin = os.getenv("GONIX_BIN")
local dir = os.getenv("GONIX_TEST_DIR")
local out = os.getenv("GONIX_TEST_OUT")
local results = {}
local function log(line)
  table.insert(results, line)
end
local function finish(ok)
  log(ok and "RESULT OK" or "RESULT FAIL")
  local f = io.open(out, "w")
  f:write(table.concat(results, "\n") .. "\n")
  f:close()
  vim.cmd(ok and "qall!" or "cquit!")
end
local function check(cond, what)
  if cond then
    log("ok " .. what)
  else
    log("FAILED " .. what)
    finish(false)
  end
  return cond
end

local ok, err = pcall(function()
  vim.opt.runtimepath:prepend(os.getenv("GONIX_PLUGIN_DIR"))
  local gonix = require("gonix")
  gonix.setup({ cmd = { bin, "lsp", "--log-level", "error" } })
  vim.cmd("edit " .. dir .. "/main.nix")
  local buf = vim.api.nvim_get_current_buf()
  check(vim.bo.filetype == "nix", "filetype nix")

  check(vim.wait(10000, function()
    return #vim.lsp.buf_get_clients(buf) > 0 and vim.lsp.buf_get_clients(buf)[1].initialized
  end, 20), "client attached and initialized")

  -- Diagnostics arrive by themselves.
  check(vim.wait(10000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 20), "diagnostics received")
  local found = false
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.message:find("undefined variable 'missing'", 1, true) then
      found = true
    end
  end
  check(found, "undefined variable diagnostic")

  local function request(method, line, character, extra)
    local params = { textDocument = vim.lsp.util.make_text_document_params(buf), position = { line = line, character = character } }
    for k, v in pairs(extra or {}) do
      params[k] = v
    end
    local res = vim.lsp.buf_request_sync(buf, method, params, 5000)
    for _, r in pairs(res or {}) do
      if r.err then
        return nil, r.err
      end
      return r.result
    end
  end

  -- Hover on `map` (line 3 "  y = map (x: x) greeting;").
  local hover = request("textDocument/hover", 3, 7)
  check(hover and hover.contents and hover.contents.value:find("map f list", 1, true), "hover on a builtin")

  -- Definition of `greeting` on line 3 goes to line 1.
  local def = request("textDocument/definition", 3, 19)
  check(def and def[1] and def[1].range.start.line == 1, "definition")

  -- Completion after `gre` on line 4.
  local comp = request("textDocument/completion", 4, 9)
  local labels = {}
  for _, item in ipairs((comp and comp.items) or comp or {}) do
    labels[item.label] = true
  end
  check(labels["greeting"], "completion offers greeting")

  -- Formatting through the plugin's helper.
  gonix.format(buf)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  check(lines[1] == "let" and lines[2] == "  greeting = \"hello\";", "formatting applied: " .. vim.inspect(lines))
  finish(true)
end)
if not ok then
  log("error: " .. tostring(err))
  finish(false)
end
