// Client set-up that does not need VS Code: turning the extension's
// settings into the server command and the configuration the server reads.
// extension.ts wires it to VS Code; test/config.test.ts tests it under
// plain node.

import * as path from "path";
import * as fs from "fs";

/** The settings under "gonix.*", as VS Code returns them. */
export interface Settings {
  server?: { path?: string; extraArgs?: string[]; logFile?: string };
  formatting?: { width?: number; indent?: number; strict?: boolean };
  diagnostics?: { delayMs?: number; unused?: boolean; undefined?: boolean };
  lint?: { enable?: boolean; disabled?: string[]; enabled?: string[] };
  nixPath?: string[];
  flakeInputs?: Record<string, string>;
  options?: string[];
  eval?: {
    enable?: boolean;
    timeoutMs?: number;
    memoryMB?: number;
    delayMs?: number;
    options?: string[];
    optionsTimeoutMs?: number;
  };
}

/** How to start the server: a command and its arguments. */
export interface ServerCommand {
  command: string;
  args: string[];
}

/**
 * Finds an executable: a path with a slash is taken as is (relative to the
 * workspace folder), a bare name is looked up on PATH.
 */
export function resolveExecutable(name: string, env: NodeJS.ProcessEnv, cwd?: string): string | undefined {
  if (name.includes("/") || name.includes(path.sep)) {
    const p = path.isAbsolute(name) ? name : path.resolve(cwd ?? process.cwd(), name);
    return isExecutable(p) ? p : undefined;
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const p = path.join(dir, name);
    if (isExecutable(p)) {
      return p;
    }
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) {
      return false;
    }
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The command line of `gonix lsp` for the settings. */
export function serverCommand(settings: Settings, env: NodeJS.ProcessEnv, cwd?: string): ServerCommand {
  const name = settings.server?.path || "gonix";
  const command = resolveExecutable(name, env, cwd);
  if (command === undefined) {
    throw new Error(`gonix: cannot find the server executable "${name}"; set gonix.server.path`);
  }
  const args = ["lsp"];
  if (settings.server?.logFile) {
    args.push("--log-file", settings.server.logFile);
  }
  args.push(...(settings.server?.extraArgs ?? []));
  return { command, args };
}

/**
 * The configuration sent to the server (workspace/configuration section
 * "gonix" and initialization options): the settings without the
 * client-only "server" part.
 */
export function serverConfiguration(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key === "server" || value === undefined || typeof value === "function") {
      continue;
    }
    out[key] = value;
  }
  return out;
}

/** The documents the client sends to the server. */
export const documentSelector = [
  { scheme: "file", language: "nix" },
  { scheme: "untitled", language: "nix" },
];

/** Files the server wants to hear about when they change on disk. */
export const watchedFiles = ["**/*.nix", "**/flake.lock"];
