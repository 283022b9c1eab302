/** `initialize`, `initialized` and `shutdown`: capabilities both ways, the first settings, the workspace folders. */
import { CodeActionKind, TextDocumentSyncKind, type InitializeParams, type InitializeResult } from 'vscode-languageserver/node';
import { uriToPath } from '../../host/uri.js';
import { fixAllKind, serverCommands } from '../../shared/commands.js';
import { clientFlags, settingsSection } from '../../shared/settings.js';
import { readCommandResultsFlag } from '../command-results.js';
import type { Context } from '../context.js';
import { hasSection, readSettings } from '../settings.js';
import { newFolder } from '../state.js';
import { fetchSettings, readYamlSyntaxFlag } from './configuration.js';
import { isObject } from './request.js';

declare const PACKAGE_VERSION: string;

/**
Files the engine reads: by name (mirrors `detectFileKind`, template suffixes included), and the names discovery tells
by content (analysis/detect.ts `maySniff`). A created or deleted file is checked against both again.
*/
export const watchedGlobs = [
	'**/.env',
	'**/.env.*',
	'**/*.env',
	// Caddyfile*, *.caddyfile, *.caddy, and extensionless Caddy- or Navidrome-like names sniffed by content.
	'**/*[Cc]addy*',
	'**/*[Nn]avidrome*',
	'**/sites-*/*',
	// nginx, Apache httpd, HAProxy, systemd units and drop-ins, shell scripts.
	'**/*.{conf,cfg,service,sh}',
	// compose, Traefik, navidrome.toml by name or content; `.template`/`.tmpl` of any kind.
	'**/*.{yml,yaml,json,toml,ini,template,tmpl}',
];

export function initialize({ state, client }: Context, params: InitializeParams): InitializeResult {
	state.capabilities = params?.capabilities ?? {};
	state.pull = Boolean(state.capabilities.textDocument?.diagnostic);
	if (hasSection(params?.initializationOptions)) state.settings = readSettings(params.initializationOptions);
	state.yamlSyntaxReportedByClient = readYamlSyntaxFlag(params?.initializationOptions) ?? false;
	state.commandResultsShownByClient = readCommandResultsFlag(params?.initializationOptions, settingsSection) ?? false;
	const options: unknown = params?.initializationOptions;
	state.coverageNotifications = isObject(options) && options[clientFlags.coverageNotifications] === true;
	client.setTrace?.(params?.trace);
	const roots = params?.workspaceFolders?.map((folder) => folder.uri) ?? (params?.rootUri ? [params.rootUri] : []);
	for (const uri of roots) {
		const root = uriToPath(uri);
		if (root) state.folders.set(root, newFolder(root, true, false));
	}
	if (roots.length === 0 && typeof params?.rootPath === 'string' && params.rootPath.startsWith('/')) state.folders.set(params.rootPath, newFolder(params.rootPath, true, false));
	return {
		capabilities: {
			textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
			hoverProvider: true,
			completionProvider: { triggerCharacters: ['.', '=', ',', '"'], resolveProvider: false },
			codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind] },
			executeCommandProvider: { commands: Object.values(serverCommands) },
			workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
			...(state.pull ? { diagnosticProvider: { identifier: settingsSection, interFileDependencies: true, workspaceDiagnostics: true } } : {}),
		},
		serverInfo: { name: 'navidrome-extauth', version: typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev' },
	};
}

export function initialized(context: Context): void {
	const { state, client } = context;
	const workspace = state.capabilities.workspace;
	if (workspace?.configuration) state.settingsReady = fetchSettings(context);
	if (workspace?.didChangeConfiguration?.dynamicRegistration) client.watchConfiguration();
	if (workspace?.didChangeWatchedFiles?.dynamicRegistration) client.watchFiles(watchedGlobs.map((globPattern) => ({ globPattern })));
	// Warm the engine while the client opens its first document, then analyse the workspace folders: their
	// diagnostics are there before any document opens (pushed, or served to workspace/diagnostic).
	setImmediate(() => {
		state.backend().then(
			() => {
				if (state.folders.size > 0) context.scheduler.schedule(0);
			},
			(error) => client.error(`navidrome-extauth: cannot load the analysis: ${error}`),
		);
	});
}

export function shutdown({ state, scheduler }: Context): void {
	state.shutDown = true;
	scheduler.stop();
}
