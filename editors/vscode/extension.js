// The archspec extension: starts `archspec lsp` (the command of the `archspec.command` setting)
// for .arch files and hands it the editor's documents; the colours come from the TextMate grammar.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("archspec").get("command", ["archspec", "lsp"]);
  const server = { command, args, options: { env: process.env } };
  client = new LanguageClient(
    "archspec",
    "archspec",
    { run: server, debug: server },
    { documentSelector: [{ language: "arch" }] },
  );
  client.start().catch((error) => {
    vscode.window.showErrorMessage(
      `archspec: cannot start \`${[command, ...args].join(" ")}\` (${error.message}). ` +
        "Install it with pip install 'archspec[lsp]', or set archspec.command.",
    );
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
