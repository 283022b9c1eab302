/** `initialize`, `initialized` and `shutdown`: capabilities both ways, the first settings, the workspace folders. */
import { CodeActionKind, TextDocumentSyncKind, type InitializeParams, type InitializeResult } from 'vscode-languageserver/node';
import { uriToPath } from '../../host/uri.js';
import { fixAllKind, serverCommands } from '../../shared/commands.js';
import { settingsSection } from '../../shared/settings.js';
import { readCommandResultsFlag } from '../command-results.js';
import type { Context } from '../context.js';
import { hasSection, readSettings } from '../settings.js';
import { newFolder } from '../state.js';
import { fetchSettings, readYamlSyntaxFlag } from './configuration.js';

declare const PACKAGE_VERSION: string;

/** Files the engine reads (mirrors `detectFileKind`; events are filtered through it again). */
export const watchedGlobs = [
	'**/{docker-compose,compose}*.{yml,yaml}',
	'**/.env',
	'**/.env.*',
	'**/*.env',
	'**/navidrome*.toml',
	'**/[Cc]addyfile*',
	'**/*.caddyfile',
	'**/*.conf',
	'**/sites-*/*',
	'**/traefik*.{yml,yaml,toml}',
	'**/dynamic/*.{yml,yaml,toml}',
	'**/*traefik*/*.{yml,yaml,toml}',
];

export function initialize({ state, client }: Context, params: InitializeParams): InitializeResult {
	state.capabilities = params?.capabilities ?? {};
	state.pull = Boolean(state.capabilities.textDocument?.diagnostic);
	if (hasSection(params?.initializationOptions)) state.settings = readSettings(params.initializationOptions);
	state.yamlSyntaxReportedByClient = readYamlSyntaxFlag(params?.initializationOptions) ?? false;
	state.commandResultsShownByClient = readCommandResultsFlag(params?.initializationOptions, settingsSection) ?? false;
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
