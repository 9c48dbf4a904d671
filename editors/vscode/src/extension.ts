// VS Code extension: starts `gonix lsp` with vscode-languageclient.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { documentSelector, serverCommand, serverConfiguration, Settings, watchedFiles } from "./config";

let client: LanguageClient | undefined;

function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration("gonix");
  return {
    server: c.get("server"),
    formatting: c.get("formatting"),
    diagnostics: c.get("diagnostics"),
    lint: c.get("lint"),
    nixPath: c.get("nixPath"),
    flakeInputs: c.get("flakeInputs"),
    options: c.get("options"),
    eval: c.get("eval"),
  };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = readSettings();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let cmd;
  try {
    cmd = serverCommand(settings, process.env, cwd);
  } catch (e) {
    vscode.window.showErrorMessage(String(e instanceof Error ? e.message : e));
    return;
  }
  const serverOptions: ServerOptions = {
    run: { command: cmd.command, args: cmd.args, transport: TransportKind.stdio },
    debug: { command: cmd.command, args: [...cmd.args, "--log-level", "debug"], transport: TransportKind.stdio },
  };
  const watchers = watchedFiles.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  watchers.forEach((w) => context.subscriptions.push(w));
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: { fileEvents: watchers },
    initializationOptions: serverConfiguration(settings),
    middleware: {
      workspace: {
        // Answer workspace/configuration with the settings as the server
        // wants them (without the client-only parts).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) => (item.section === "gonix" ? serverConfiguration(readSettings()) : result[i]));
        },
      },
    },
  };
  client = new LanguageClient("gonix", "gonix", serverOptions, clientOptions);
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("gonix.restartServer", async () => {
      await client?.stop();
      client = undefined;
      await start(context);
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("gonix.server")) {
        await vscode.commands.executeCommand("gonix.restartServer");
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
