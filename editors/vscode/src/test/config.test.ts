// Unit tests of the client set-up, run with `node --test` (no VS Code).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { documentSelector, resolveExecutable, serverCommand, serverConfiguration, watchedFiles } from "../config";

function fakeBinary(dir: string, name: string, mode = 0o755): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, "#!/bin/sh\n");
  fs.chmodSync(p, mode);
  return p;
}

test("finds gonix on PATH", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gonix-vscode-"));
  const bin = fakeBinary(dir, "gonix");
  assert.equal(resolveExecutable("gonix", { PATH: `/nonexistent${path.delimiter}${dir}` }), bin);
  assert.equal(resolveExecutable("gonix", { PATH: "/nonexistent" }), undefined);
});

test("skips files that are not executable", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gonix-vscode-"));
  fakeBinary(dir, "gonix", 0o644);
  assert.equal(resolveExecutable("gonix", { PATH: dir }), undefined);
});

test("relative server paths are relative to the workspace", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gonix-vscode-"));
  fs.mkdirSync(path.join(dir, "bin"));
  const bin = fakeBinary(path.join(dir, "bin"), "gonix");
  assert.equal(resolveExecutable("./bin/gonix", {}, dir), bin);
});

test("server command line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gonix-vscode-"));
  const bin = fakeBinary(dir, "my-gonix");
  const cmd = serverCommand({ server: { path: bin, logFile: "/tmp/gonix.log", extraArgs: ["--log-level", "debug"] } }, {});
  assert.deepEqual(cmd, { command: bin, args: ["lsp", "--log-file", "/tmp/gonix.log", "--log-level", "debug"] });
  fakeBinary(dir, "gonix");
  assert.deepEqual(serverCommand({}, { PATH: dir }), { command: path.join(dir, "gonix"), args: ["lsp"] });
});

test("a missing server is a clear error", () => {
  assert.throws(() => serverCommand({ server: { path: "/no/such/gonix" } }, {}), /cannot find the server executable/);
});

test("the server sees the settings without client-only parts", () => {
  const cfg = serverConfiguration({
    server: { path: "gonix" },
    formatting: { width: 80 },
    lint: { disabled: ["G108"] },
    options: ["/hm/modules"],
    nixPath: undefined,
  });
  assert.deepEqual(cfg, { formatting: { width: 80 }, lint: { disabled: ["G108"] }, options: ["/hm/modules"] });
});

test("nix documents and files are selected", () => {
  assert.ok(documentSelector.some((s) => s.language === "nix" && s.scheme === "file"));
  assert.ok(watchedFiles.includes("**/*.nix"));
});

test("package.json contributes the language, settings and the formatter default", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
  assert.equal(pkg.main, "./out/extension.js");
  assert.ok(pkg.contributes.languages.some((l: { id: string }) => l.id === "nix"));
  for (const key of ["gonix.server.path", "gonix.formatting.width", "gonix.lint.disabled", "gonix.options"]) {
    assert.ok(key in pkg.contributes.configuration.properties, key);
  }
  assert.equal(pkg.contributes.configurationDefaults["[nix]"]["editor.defaultFormatter"], `${pkg.publisher}.${pkg.name}`);
  assert.ok(pkg.dependencies["vscode-languageclient"]);
});
