/**
Starts the bundled language server (dist/server.js) over Node IPC and wires VS Code settings into its
`workspace/configuration` requests.
*/
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { coverageNotification, serverCommands, settingsSection, type CoverageParams, type InitializationOptions } from '@navidrome-extauth/server/shared';
import { isOwnSection, section, toServerSettings } from './config.js';
import { documentSelector } from './selectors.js';
import { createTraceChannel } from './trace-channel.js';

/** The settings prefix: vscode-languageclient reads `<clientId>.trace.server` itself. */
export const clientId = settingsSection;
export const clientName = 'Navidrome ExtAuth';

/** The YAML extension whose diagnostics include YAML syntax errors on compose files. */
export const yamlExtensionId = 'redhat.vscode-yaml';

/** Whether an active YAML extension already reports YAML syntax errors (the server then leaves them out on compose files). */
export function yamlSyntaxReportedByClient(): boolean {
	return vscode.extensions.getExtension(yamlExtensionId)?.isActive === true;
}

/**
What the server reads: our settings, whether VS Code reports YAML syntax errors itself, that this client shows
command results itself (so the server sends no showMessage/showDocument for them, as it does for Neovim), and that it
wants the coverage notification (what was judged, for the status bar).
*/
function serverSettings(raw: unknown): InitializationOptions {
	return { ...toServerSettings(raw), yamlSyntaxReportedByClient: yamlSyntaxReportedByClient(), commandResultsShownByClient: true, coverageNotifications: true };
}

export type ClientHooks = {
	/**
	Shows the result of the server's `showRuleDocumentation` when VS Code runs it (the "Show documentation for …" quick
	fix): the command only returns markdown, and something has to display it.
	*/
	showRuleDocumentation: (result: unknown) => Promise<void>;
	/** Receives the server's `navidrome-extauth/coverage` notifications. */
	coverage: (params: CoverageParams) => void;
};

export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, hooks: ClientHooks): LanguageClient {
	const module = context.asAbsolutePath('dist/server.js');
	const serverOptions: ServerOptions = {
		run: { module, transport: TransportKind.ipc },
		debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6012'] } },
	};
	const traceChannel = createTraceChannel(`${clientName} (trace)`);
	context.subscriptions.push(traceChannel);
	const clientOptions: LanguageClientOptions = {
		documentSelector: documentSelector(),
		outputChannel: output,
		// Protocol traces follow `navidrome-extauth.trace.server` alone (see trace-channel.ts).
		traceOutputChannel: traceChannel,
		initializationOptions: serverSettings(vscode.workspace.getConfiguration(section)),
		// Sends workspace/didChangeConfiguration on every change, so the server re-reads its settings. The server registers
		// its own file watchers (dynamic didChangeWatchedFiles), so none are set up here.
		synchronize: { configurationSection: section },
		middleware: {
			executeCommand: async (command, args, next) => {
				const result: unknown = await next(command, args);
				if (command === serverCommands.showRuleDocumentation) await hooks.showRuleDocumentation(result);
				return result;
			},
			workspace: {
				// The server asks per document (scopeUri), so folder-level values apply.
				configuration: async (params, token, next) => {
					const result = await next(params, token);
					if (!Array.isArray(result)) return result;
					return result.map((value, index) => {
						const item = params.items[index];
						return item && isOwnSection(item) ? serverSettings(value) : value;
					});
				},
			},
		},
	};
	const client = new LanguageClient(clientId, clientName, serverOptions, clientOptions);
	client.onNotification(coverageNotification, (params: CoverageParams) => hooks.coverage(params));
	return client;
}
