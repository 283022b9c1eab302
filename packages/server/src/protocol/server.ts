/**
The language server: one method per LSP request or notification. It keeps the open documents, one incremental
analysis per workspace folder (a loose document gets its own folder's), and publishes or serves every affected file's
diagnostics. The engine and the features load lazily, after `initialize` is answered.
*/
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
	CodeActionKind,
	DocumentDiagnosticReportKind,
	ErrorCodes,
	FileChangeType,
	LSPErrorCodes,
	MarkupKind,
	MessageType,
	ResponseError,
	TextDocumentSyncKind,
	type CancellationToken,
	type ClientCapabilities,
	type CodeAction,
	type CodeActionParams,
	type CompletionItem,
	type CompletionParams,
	type Diagnostic,
	type DiagnosticServerCancellationData,
	type DidChangeConfigurationParams,
	type DidChangeTextDocumentParams,
	type DidChangeWatchedFilesParams,
	type DidCloseTextDocumentParams,
	type DidOpenTextDocumentParams,
	type DidSaveTextDocumentParams,
	type DocumentDiagnosticParams,
	type DocumentDiagnosticReport,
	type ExecuteCommandParams,
	type Hover,
	type HoverParams,
	type InitializeParams,
	type InitializeResult,
	type Position,
	type Range,
	type WorkspaceDiagnosticParams,
	type WorkspaceDiagnosticReport,
	type WorkspaceDocumentDiagnosticReport,
	type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { detectFileKind, dirname } from '../analysis/files.js';
import type { Finding } from '../analysis/findings.js';
import type { FolderAnalysis, FolderAnalyzer } from '../host/backend.js';
import { pathToUri, uriToPath } from '../host/uri.js';
import { ServerWorkspace } from '../host/workspace.js';
import type { LspClient } from './client.js';
import { commandResultView, readCommandResultsFlag } from './command-results.js';
import { jsonSafe, partlyAnalysedDiagnostic, toCodeAction, toCompletionItem, toDiagnostic, toHover, toWorkspaceEdit, type Positions } from './convert.js';
import { analysisOptions, defaultSettings, hasSection, readSettings, settingsSection, type ServerSettings } from './settings.js';

/** features' `fixAllKind`, kept here so that the protocol bundle does not load the features before `initialize`. */
const fixAllKind = 'source.fixAll.navidrome-extauth';

type Backend = typeof import('../host/backend.js');

declare const PACKAGE_VERSION: string;

export const commands = {
	simulateRequest: 'navidrome-extauth.simulateRequest',
	showEffectiveSettings: 'navidrome-extauth.showEffectiveSettings',
	showRuleDocumentation: 'navidrome-extauth.showRuleDocumentation',
} as const;

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

export type ServerOptions = {
	/** Quiet time after the last edit before re-analysing. */
	debounceMs?: number;
	/** How the engine is loaded (tests may pass the module itself). */
	loadBackend?: () => Promise<Backend>;
	/** Time budget of an analysis that holds files above 1 MB (they are analysed in part when it runs out). */
	largeFileBudgetMs?: number;
};

type Folder = {
	root: string;
	recursive: boolean;
	/** The folder of a loose document, dropped when its last document closes. */
	implicit: boolean;
	files: Set<string> | undefined;
	dirty: boolean;
	analyzer: FolderAnalyzer | undefined;
	analysis: FolderAnalysis | undefined;
};

type Target = { uri: string; path: string; text: string; positions: TextDocument };

const settleTimeoutMs = 3000;
const configurationTimeoutMs = 1000;

export class Server {
	private readonly workspace = new ServerWorkspace();
	private readonly documents = new Map<string, TextDocument>();
	private readonly uriByPath = new Map<string, string>();
	private readonly folders = new Map<string, Folder>();
	private readonly debounceMs: number;
	private readonly loadBackend: () => Promise<Backend>;
	private backendPromise: Promise<Backend> | undefined;
	private capabilities: ClientCapabilities = {};
	private settings: ServerSettings = defaultSettings;
	private settingsReady: Promise<void> = Promise.resolve();
	private pull = false;
	/** The client reports YAML syntax errors itself (VS Code with an active YAML extension says so). */
	private yamlSyntaxReportedByClient = false;
	/** The client renders command results itself (the VS Code extension says so); others get a message. */
	private commandResultsShownByClient = false;
	private readonly largeFileBudgetMs: number | undefined;

	// Scheduling: a newer request supersedes an older run, which stops at its next checkpoint.
	private requested = 0;
	private timer: { cancel(): void } | undefined;
	private running: Promise<void> | undefined;
	private rerun = false;
	private idleWaiters: Array<() => void> = [];
	private readonly forced = new Set<string>();

	/** What was last published (push) or served (pull), by URI. */
	private readonly published = new Map<string, string>();
	private readonly resultIds = new Map<string, { key: string; id: string }>();
	private resultCounter = 0;
	private shutDown = false;

	constructor(
		private readonly client: LspClient,
		options: ServerOptions = {},
	) {
		this.debounceMs = options.debounceMs ?? 150;
		this.loadBackend = options.loadBackend ?? (() => import('../host/backend.js'));
		this.largeFileBudgetMs = options.largeFileBudgetMs;
	}

	initialize(params: InitializeParams): InitializeResult {
		this.capabilities = params?.capabilities ?? {};
		this.pull = Boolean(this.capabilities.textDocument?.diagnostic);
		if (hasSection(params?.initializationOptions)) this.settings = readSettings(params.initializationOptions);
		this.yamlSyntaxReportedByClient = readYamlSyntaxFlag(params?.initializationOptions) ?? false;
		this.commandResultsShownByClient = readCommandResultsFlag(params?.initializationOptions, settingsSection) ?? false;
		this.client.setTrace?.(params?.trace);
		const roots = params?.workspaceFolders?.map((folder) => folder.uri) ?? (params?.rootUri ? [params.rootUri] : []);
		for (const uri of roots) {
			const root = uriToPath(uri);
			if (root) this.folders.set(root, newFolder(root, true, false));
		}
		if (roots.length === 0 && typeof params?.rootPath === 'string' && params.rootPath.startsWith('/')) this.folders.set(params.rootPath, newFolder(params.rootPath, true, false));
		return {
			capabilities: {
				textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
				hoverProvider: true,
				completionProvider: { triggerCharacters: ['.', '=', ',', '"'], resolveProvider: false },
				codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind] },
				executeCommandProvider: { commands: Object.values(commands) },
				workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
				...(this.pull ? { diagnosticProvider: { identifier: settingsSection, interFileDependencies: true, workspaceDiagnostics: true } } : {}),
			},
			serverInfo: { name: 'navidrome-extauth', version: typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev' },
		};
	}

	/** Whether the client sends `workspace/didChangeWorkspaceFolders`. */
	get foldersChangeSupported(): boolean {
		return Boolean(this.capabilities.workspace?.workspaceFolders);
	}

	initialized(): void {
		const workspace = this.capabilities.workspace;
		if (workspace?.configuration) this.settingsReady = this.fetchSettings();
		if (workspace?.didChangeConfiguration?.dynamicRegistration) this.client.watchConfiguration();
		if (workspace?.didChangeWatchedFiles?.dynamicRegistration) this.client.watchFiles(watchedGlobs.map((globPattern) => ({ globPattern })));
		// Warm the engine while the client opens its first document, then analyse the workspace folders: their
		// diagnostics are there before any document opens (pushed, or served to workspace/diagnostic).
		setImmediate(() => {
			this.backend().then(
				() => {
					if (this.folders.size > 0) this.schedule(0);
				},
				(error) => this.client.error(`navidrome-extauth: cannot load the analysis: ${error}`),
			);
		});
	}

	shutdown(): void {
		this.shutDown = true;
		this.timer?.cancel();
		this.timer = undefined;
	}

	// ─── Document sync ───────────────────────────────────────────────────────────────────────────

	didOpen(params: DidOpenTextDocumentParams): void {
		const item = params?.textDocument;
		if (!item || typeof item.uri !== 'string' || typeof item.text !== 'string') return;
		const document = TextDocument.create(item.uri, String(item.languageId ?? ''), Number(item.version) || 0, item.text);
		this.documents.set(item.uri, document);
		const path = uriToPath(item.uri);
		if (!path) return;
		this.uriByPath.set(path, item.uri);
		this.workspace.setOpen(path, item.text);
		this.ensureFolder(path);
		this.changed(path, item.uri, 0);
	}

	didChange(params: DidChangeTextDocumentParams): void {
		const uri = params?.textDocument?.uri;
		const document = typeof uri === 'string' ? this.documents.get(uri) : undefined;
		if (!document || !Array.isArray(params.contentChanges)) {
			this.client.log(`navidrome-extauth: ignored a change to a document that is not open (${String(uri)})`);
			return;
		}
		const updated = TextDocument.update(document, params.contentChanges, Number(params.textDocument.version) || document.version + 1);
		this.documents.set(uri, updated);
		const path = uriToPath(uri);
		if (!path) return;
		this.workspace.setOpen(path, updated.getText());
		this.changed(path, uri, this.debounceMs);
	}

	didClose(params: DidCloseTextDocumentParams): void {
		const uri = params?.textDocument?.uri;
		if (typeof uri !== 'string' || !this.documents.delete(uri)) return;
		const path = uriToPath(uri);
		if (!path) return;
		this.workspace.close(path);
		for (const folder of [...this.folders.values()]) {
			if (folder.implicit && covers(folder, path) && !this.workspace.openPaths().some((open) => covers(folder, open))) this.removeFolder(folder);
		}
		this.changed(path, undefined, this.debounceMs);
	}

	didSave(params: DidSaveTextDocumentParams): void {
		const path = uriToPath(params?.textDocument?.uri);
		if (path) this.changed(path, undefined, this.debounceMs);
	}

	didChangeWatchedFiles(params: DidChangeWatchedFilesParams): void {
		let any = false;
		for (const change of Array.isArray(params?.changes) ? params.changes : []) {
			const path = uriToPath(change?.uri);
			if (!path) continue;
			this.workspace.forget(path);
			if (detectFileKind(path) && (change.type === FileChangeType.Created || change.type === FileChangeType.Deleted)) {
				for (const folder of this.folders.values()) {
					if (!covers(folder, path) || !folder.files) continue;
					if (change.type === FileChangeType.Created) folder.files.add(path);
					else folder.files.delete(path);
				}
			}
			this.markDirty(path);
			any = true;
		}
		if (any) this.schedule(this.debounceMs);
	}

	didChangeWorkspaceFolders(event: WorkspaceFoldersChangeEvent): void {
		for (const removed of event?.removed ?? []) {
			const root = uriToPath(removed.uri);
			const folder = root ? this.folders.get(root) : undefined;
			if (folder && !folder.implicit) this.removeFolder(folder);
		}
		for (const added of event?.added ?? []) {
			const root = uriToPath(added.uri);
			if (!root || this.folders.get(root)?.implicit === false) continue;
			const folder = newFolder(root, true, false);
			// Loose documents inside the new folder now belong to it.
			for (const other of [...this.folders.values()]) if (other.implicit && (covers(folder, `${other.root}/x`) || other.root === root)) this.removeFolder(other);
			this.folders.set(root, folder);
		}
		this.schedule(0);
	}

	didChangeConfiguration(params: DidChangeConfigurationParams): void {
		if (this.capabilities.workspace?.configuration) this.settingsReady = this.fetchSettings();
		else if (hasSection(params?.settings)) {
			this.settings = readSettings(params.settings);
			this.yamlSyntaxReportedByClient = readYamlSyntaxFlag(params.settings) ?? this.yamlSyntaxReportedByClient;
		} else return;
		for (const folder of this.folders.values()) folder.dirty = true;
		this.schedule(0);
	}

	// ─── Requests ────────────────────────────────────────────────────────────────────────────────

	async hover(params: HoverParams, token?: CancellationToken): Promise<Hover | null | ResponseError> {
		const target = this.target(params);
		if (!target || target instanceof ResponseError) return target ?? null;
		const position = readPosition(params.position);
		if (!position) return invalidParams('position must be { line, character } with non-negative integers');
		const backend = await this.settle(token);
		if (backend instanceof ResponseError) return backend;
		const result = backend.features.hover(this.featureContext(target, target.positions.offsetAt(position)));
		if (!result) return null;
		const hover = toHover(result, target.positions);
		const formats = this.capabilities.textDocument?.hover?.contentFormat;
		if (Array.isArray(formats) && !formats.includes(MarkupKind.Markdown)) hover.contents = { kind: MarkupKind.PlainText, value: result.markdown };
		return hover;
	}

	async completion(params: CompletionParams, token?: CancellationToken): Promise<CompletionItem[] | null | ResponseError> {
		const target = this.target(params);
		if (!target || target instanceof ResponseError) return target ?? null;
		const position = readPosition(params.position);
		if (!position) return invalidParams('position must be { line, character } with non-negative integers');
		const backend = await this.settle(token, 500);
		if (backend instanceof ResponseError) return backend;
		const markdown = this.capabilities.textDocument?.completion?.completionItem?.documentationFormat?.includes(MarkupKind.Markdown) ?? false;
		return backend.features.complete(this.featureContext(target, target.positions.offsetAt(position))).map((result) => toCompletionItem(result, target.positions, markdown));
	}

	async codeAction(params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[] | null | ResponseError> {
		const target = this.target(params);
		if (!target || target instanceof ResponseError) return target ?? null;
		const range = readRange(params.range);
		if (!range) return invalidParams('range must hold two positions');
		const only = params.context?.only;
		// `source.fixAll` (and `source`) ask for the fix-all action only; quick fixes come when no kind or `quickfix` is asked.
		const wants = (kind: string): boolean => !Array.isArray(only) || only.some((asked) => asked === kind || kind.startsWith(`${asked}.`) || asked === '');
		const quickFixes = wants(CodeActionKind.QuickFix);
		const fixAll = Array.isArray(only) && only.some((asked) => asked !== '' && (asked === fixAllKind || fixAllKind.startsWith(`${asked}.`)));
		if (!quickFixes && !fixAll) return [];
		const backend = await this.settle(token);
		if (backend instanceof ResponseError) return backend;
		if (!this.settings.enable) return [];
		const span = { start: target.positions.offsetAt(range.start), end: target.positions.offsetAt(range.end) };
		const uriOf = (path: string): string => this.uriOf(path);
		const positionsOf = (path: string): Positions | undefined => (path === target.path ? target.positions : this.positionsOf(path));
		const actions: CodeAction[] = [];
		const findings = this.findingsFor(target.path);
		if (quickFixes) {
			for (const action of backend.features.codeActions(target.path, target.text, span, findings)) {
				const converted = toCodeAction(action, toDiagnostic(action.finding, uriOf), uriOf, positionsOf);
				if (converted) actions.push(converted);
			}
		}
		const all = fixAll ? backend.features.fixAll(target.path, target.text, findings) : undefined;
		const edit = all ? toWorkspaceEdit(all.edits, uriOf, positionsOf) : undefined;
		if (all && edit) actions.push({ title: all.title, kind: all.kind, diagnostics: all.findings.map((finding) => toDiagnostic(finding, uriOf)), edit });
		return actions;
	}

	async executeCommand(params: ExecuteCommandParams, token?: CancellationToken): Promise<unknown> {
		const started = performance.now();
		const result = await this.runCommand(params, token);
		const command = String(params?.command).slice(0, 100);
		if (result instanceof ResponseError) {
			this.client.trace?.(`executeCommand ${command}: error ${result.code} (${result.message})`);
			return result;
		}
		this.client.trace?.(`executeCommand ${command}: answered in ${(performance.now() - started).toFixed(1)} ms`, () => JSON.stringify(result, undefined, 2));
		this.showCommandResult(command, result);
		return result;
	}

	/** A command's result where a generic client's default handlers show it: a page to open, else a message. */
	private showCommandResult(command: string, result: unknown): void {
		if (this.commandResultsShownByClient) return;
		const view = commandResultView(command, result);
		if (!view) return;
		const message = (): void => this.client.showMessage?.(MessageType.Info, view.message);
		if (view.url && this.capabilities.window?.showDocument?.support && this.client.showDocument) {
			void this.client.showDocument({ uri: view.url, external: true }).then((shown) => shown || message());
		} else message();
	}

	private async runCommand(params: ExecuteCommandParams, token?: CancellationToken): Promise<unknown> {
		const command = params?.command;
		const argument: unknown = Array.isArray(params?.arguments) ? params.arguments[0] : undefined;
		const object = typeof argument === 'object' && argument !== null ? (argument as Record<string, unknown>) : {};
		const uri = typeof object.uri === 'string' ? object.uri : undefined;
		const path = uri === undefined ? undefined : uriToPath(uri);
		if (uri !== undefined && !path) return invalidParams(`'${uri}' is not a file URI`);
		if (command !== commands.simulateRequest && command !== commands.showEffectiveSettings && command !== commands.showRuleDocumentation) {
			return invalidParams(`Unknown command '${String(command)}'; this server runs ${Object.values(commands).join(', ')}`);
		}
		if (path) this.ensureFolder(path);
		const backend = await this.settle(token);
		if (backend instanceof ResponseError) return backend;
		const analysis = (path ? this.folderAnalysisFor(path) : [...this.folders.values()].find((folder) => folder.analysis)?.analysis)?.result;
		if (command === commands.showRuleDocumentation) {
			const docs = backend.features.ruleDocumentation(typeof argument === 'string' ? argument : object.ruleId);
			return docs ?? invalidParams('Expected { ruleId } naming a rule of this server');
		}
		if (command === commands.simulateRequest) {
			const args = backend.features.readSimulateArguments(argument);
			if (!args) return invalidParams('Expected { uri?, peer, path?, headers? } with peer a string such as "172.18.0.5:41234" or "@"');
			return jsonSafe(backend.features.simulateRequest(analysis, path, args));
		}
		const instances = backend.features.effectiveSettings(analysis, path, (file) => this.workspace.readFile(file));
		return jsonSafe({
			instances: instances.map((instance) => ({
				...instance,
				settings: instance.settings.map((setting) => ({ ...setting, source: { ...setting.source, file: undefined, span: undefined, uri: setting.source.file ? this.uriOf(setting.source.file) : undefined } })),
			})),
		});
	}

	async diagnostic(params: DocumentDiagnosticParams, token?: CancellationToken): Promise<DocumentDiagnosticReport | ResponseError<DiagnosticServerCancellationData>> {
		const uri = params?.textDocument?.uri;
		if (typeof uri !== 'string') return diagnosticError(invalidParams('textDocument.uri must be a string'));
		const settled = await this.settle(token);
		if (settled instanceof ResponseError) return serverCancelled();
		// Still analysing after the wait: an answer now would be stale and the client would keep it; ask for a new pull.
		if (this.running || this.timer) return serverCancelled();
		const path = uriToPath(uri);
		const items = path ? this.diagnosticsFor(path) : [];
		const resultId = this.resultIdFor(uri, JSON.stringify(items));
		if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
		return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
	}

	async workspaceDiagnostic(params: WorkspaceDiagnosticParams, token?: CancellationToken): Promise<WorkspaceDiagnosticReport | ResponseError<DiagnosticServerCancellationData>> {
		// Before any document opened, the folders may not have been analysed yet.
		if (!this.running && !this.timer && [...this.folders.values()].some((folder) => folder.dirty)) this.schedule(0);
		const settled = await this.settle(token);
		if (settled instanceof ResponseError) return serverCancelled();
		const previous = new Map<string, string>();
		for (const entry of Array.isArray(params?.previousResultIds) ? params.previousResultIds : []) if (entry && typeof entry.uri === 'string') previous.set(entry.uri, String(entry.value));
		const items: WorkspaceDocumentDiagnosticReport[] = [];
		for (const path of this.reportedPaths()) {
			const uri = this.uriOf(path);
			const diagnostics = this.diagnosticsFor(path);
			const resultId = this.resultIdFor(uri, JSON.stringify(diagnostics));
			const version = this.documents.get(uri)?.version ?? null;
			if (previous.get(uri) === resultId) items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version, resultId });
			else items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version, resultId, items: diagnostics });
		}
		return { items };
	}

	/** Resolves once no analysis is pending or running (tests and benchmarks use it). */
	whenIdle(): Promise<void> {
		if (!this.running && !this.timer) return Promise.resolve();
		return new Promise((resolve) => this.idleWaiters.push(resolve));
	}

	// ─── Analysis scheduling ─────────────────────────────────────────────────────────────────────

	private changed(path: string, uri: string | undefined, delay: number): void {
		this.markDirty(path);
		if (uri) this.forced.add(uri);
		this.schedule(delay);
	}

	private schedule(delay: number): void {
		if (this.shutDown) return;
		this.requested++;
		this.timer?.cancel();
		const fire = (): void => {
			this.timer = undefined;
			this.run();
		};
		// No debounce (didOpen, settings): skip the timer phase's minimum delay.
		if (delay <= 0) {
			const handle = setImmediate(fire);
			this.timer = { cancel: () => clearImmediate(handle) };
		} else {
			const handle = setTimeout(fire, delay);
			this.timer = { cancel: () => clearTimeout(handle) };
		}
	}

	private run(): void {
		if (this.running) {
			this.rerun = true;
			return;
		}
		this.running = (async () => {
			do {
				this.rerun = false;
				try {
					await this.analyse(this.requested);
				} catch (error) {
					this.client.error(`navidrome-extauth: analysis failed: ${(error as Error)?.stack ?? error}`);
				}
			} while (this.rerun && !this.shutDown);
		})().finally(() => {
			this.running = undefined;
			if (!this.timer) {
				const waiters = this.idleWaiters;
				this.idleWaiters = [];
				for (const resolve of waiters) resolve();
			}
		});
	}

	private async analyse(generation: number): Promise<void> {
		const backend = await this.backend();
		await this.settingsReady;
		const superseded = (): boolean => generation !== this.requested || this.shutDown;
		if (superseded()) return;
		const options = analysisOptions(this.settings);
		// Disk reads stay inside the folders analysed (workspace folders, or loose documents' folders) and allowRead.
		this.workspace.setReadRoots([...this.folders.keys()], this.settings.allowRead);
		let othersChanged = false;
		for (const folder of [...this.folders.values()]) {
			if (!folder.dirty || !this.folders.has(folder.root)) continue;
			if (superseded()) return;
			const previous = folder.analysis ? [...folder.analysis.findings.keys()] : [];
			if (this.settings.enable) {
				folder.files ??= new Set(this.workspace.discover(folder.root, folder.recursive));
				const paths = [...folder.files, ...this.workspace.openPaths().filter((path) => covers(folder, path))];
				folder.analyzer ??= new backend.FolderAnalyzer();
				folder.analysis = folder.analyzer.analyze(paths, this.workspace, options, { hideComposeSyntax: this.yamlSyntaxReportedByClient, largeFileBudgetMs: this.largeFileBudgetMs });
			} else folder.analysis = undefined;
			folder.dirty = false;
			// Published in the same synchronous step as the analysis, so a result is never older than the documents.
			othersChanged = this.publish([...previous, ...(folder.analysis ? folder.analysis.findings.keys() : [])]) || othersChanged;
			// Let requests in between folders.
			if ([...this.folders.values()].some((other) => other.dirty)) await new Promise((resolve) => setImmediate(resolve));
		}
		this.forced.clear();
		if (othersChanged && this.pull && this.capabilities.workspace?.diagnostics?.refreshSupport) this.client.refreshDiagnostics();
	}

	/** Pushes changed diagnostics (push clients); returns whether a file other than an edited one changed. */
	private publish(paths: Iterable<string>): boolean {
		let othersChanged = false;
		for (const path of new Set(paths)) {
			const uri = this.uriOf(path);
			const diagnostics = this.diagnosticsFor(path);
			const key = JSON.stringify(diagnostics);
			const forced = this.forced.delete(uri);
			const before = this.published.get(uri);
			if (before === key && !forced) continue;
			if (before === undefined && diagnostics.length === 0 && !forced) continue;
			if (!forced) othersChanged = true;
			if (diagnostics.length > 0) this.published.set(uri, key);
			else this.published.delete(uri);
			if (this.pull) continue;
			const version = this.documents.get(uri)?.version;
			this.client.publishDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
		}
		return othersChanged;
	}

	/** Waits (bounded) for pending analysis so a request sees the current text; answers cancellation. */
	private async settle(token: CancellationToken | undefined, timeoutMs = settleTimeoutMs): Promise<Backend | ResponseError> {
		const backend = await this.backend();
		let timeout: ReturnType<typeof setTimeout> | undefined;
		await Promise.race([this.whenIdle(), new Promise((resolve) => (timeout = setTimeout(resolve, timeoutMs)))]);
		clearTimeout(timeout);
		if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
		return backend;
	}

	private backend(): Promise<Backend> {
		this.backendPromise ??= this.loadBackend();
		return this.backendPromise;
	}

	private async fetchSettings(): Promise<void> {
		let timeout: ReturnType<typeof setTimeout> | undefined;
		try {
			const raw = await Promise.race([this.client.getConfiguration(settingsSection), new Promise<undefined>((resolve) => (timeout = setTimeout(() => resolve(undefined), configurationTimeoutMs)))]);
			if (hasSection(raw)) this.settings = readSettings(raw);
			else if (isObject(raw)) this.settings = readSettings({ [settingsSection]: raw });
			this.yamlSyntaxReportedByClient = readYamlSyntaxFlag(raw) ?? this.yamlSyntaxReportedByClient;
		} catch (error) {
			this.client.log(`navidrome-extauth: workspace/configuration failed (${(error as Error)?.message ?? error}); keeping the current settings`);
		} finally {
			clearTimeout(timeout);
		}
	}

	// ─── Folders and files ───────────────────────────────────────────────────────────────────────

	private ensureFolder(path: string): void {
		if ([...this.folders.values()].some((folder) => covers(folder, path))) return;
		const root = dirname(path);
		this.folders.set(root, newFolder(root, false, true));
	}

	private removeFolder(folder: Folder): void {
		this.folders.delete(folder.root);
		if (folder.analysis) this.publish(folder.analysis.findings.keys());
	}

	private markDirty(path: string): void {
		for (const folder of this.folders.values()) if (covers(folder, path) || folder.analysis?.reads.has(path)) folder.dirty = true;
	}

	/** The analysis of the deepest folder holding `path`, else of one that read it. */
	private folderAnalysisFor(path: string): FolderAnalysis | undefined {
		let best: Folder | undefined;
		for (const folder of this.folders.values()) if (covers(folder, path) && folder.analysis && (!best || folder.root.length > best.root.length)) best = folder;
		if (best) return best.analysis;
		return [...this.folders.values()].find((folder) => folder.analysis?.reads.has(path))?.analysis;
	}

	private findingsFor(path: string): Finding[] {
		const seen = new Set<Finding>();
		for (const folder of this.folders.values()) for (const finding of folder.analysis?.findings.get(path) ?? []) seen.add(finding);
		return [...seen];
	}

	private diagnosticsFor(path: string): Diagnostic[] {
		if (!this.settings.enable) return [];
		const byKey = new Map<string, Diagnostic>();
		const uriOf = (file: string): string => this.uriOf(file);
		for (const folder of this.folders.values()) {
			const analysis = folder.analysis;
			if (!analysis) continue;
			const list = (analysis.findings.get(path) ?? []).map((finding) => toDiagnostic(finding, uriOf));
			const cut = analysis.cut.get(path);
			if (cut) list.push(partlyAnalysedDiagnostic(cut));
			for (const diagnostic of list) byKey.set(JSON.stringify(diagnostic), diagnostic);
		}
		return [...byKey.values()];
	}

	private reportedPaths(): Set<string> {
		const paths = new Set<string>();
		for (const folder of this.folders.values()) for (const path of folder.analysis?.findings.keys() ?? []) paths.add(path);
		return paths;
	}

	private resultIdFor(uri: string, key: string): string {
		const known = this.resultIds.get(uri);
		if (known?.key === key) return known.id;
		const id = String(++this.resultCounter);
		this.resultIds.set(uri, { key, id });
		return id;
	}

	private uriOf(path: string): string {
		return this.uriByPath.get(path) ?? pathToUri(path);
	}

	private positionsOf(path: string): Positions | undefined {
		const uri = this.uriByPath.get(path);
		const open = uri ? this.documents.get(uri) : undefined;
		if (open) return open;
		const text = this.workspace.readFile(path);
		return text === undefined ? undefined : TextDocument.create(this.uriOf(path), '', 0, text);
	}

	/** The document a request is about: `undefined` when it is neither open nor readable; an error for malformed params. */
	private target(params: { textDocument?: { uri?: unknown } } | undefined): Target | ResponseError | undefined {
		const uri = params?.textDocument?.uri;
		if (typeof uri !== 'string') return invalidParams('textDocument.uri must be a string');
		const path = uriToPath(uri);
		if (!path) return undefined;
		const open = this.documents.get(uri);
		if (open) return { uri, path, text: open.getText(), positions: open };
		const text = this.workspace.readFile(path);
		if (text === undefined) return undefined;
		return { uri, path, text, positions: TextDocument.create(uri, '', 0, text) };
	}

	private featureContext(target: Target, offset: number) {
		return {
			path: target.path,
			text: target.text,
			kind: detectFileKind(target.path),
			offset,
			analysis: this.settings.enable ? this.folderAnalysisFor(target.path)?.result : undefined,
			readText: (file: string) => this.workspace.readFile(file),
		};
	}
}

function newFolder(root: string, recursive: boolean, implicit: boolean): Folder {
	return { root, recursive, implicit, files: undefined, dirty: true, analyzer: undefined, analysis: undefined };
}

function covers(folder: Folder, path: string): boolean {
	if (!folder.recursive) return dirname(path) === folder.root;
	return folder.root === '/' ? path.startsWith('/') : path.startsWith(`${folder.root}/`);
}

function diagnosticError(error: ResponseError): ResponseError<DiagnosticServerCancellationData> {
	return new ResponseError<DiagnosticServerCancellationData>(error.code, error.message, { retriggerRequest: false });
}

/**
A pull that was cancelled, or that would be answered from an analysis older than the document. LSP 3.17
(DiagnosticServerCancellationData): `ServerCancelled` with `retriggerRequest: true` makes the client pull again;
`false` makes VS Code drop the document's pending pull, and its diagnostics freeze while the user types.
*/
function serverCancelled(): ResponseError<DiagnosticServerCancellationData> {
	return new ResponseError<DiagnosticServerCancellationData>(LSPErrorCodes.ServerCancelled, 'The diagnostics are being recomputed; pull again.', { retriggerRequest: true });
}

/** `yamlSyntaxReportedByClient` at the top of what a client sent, or inside our section. */
function readYamlSyntaxFlag(raw: unknown): boolean | undefined {
	if (!isObject(raw)) return undefined;
	const section = isObject(raw[settingsSection]) ? (raw[settingsSection] as Record<string, unknown>) : isObject(raw.settings) && isObject(raw.settings[settingsSection]) ? (raw.settings[settingsSection] as Record<string, unknown>) : undefined;
	const value = raw.yamlSyntaxReportedByClient ?? section?.yamlSyntaxReportedByClient;
	return typeof value === 'boolean' ? value : undefined;
}

function invalidParams(message: string): ResponseError {
	return new ResponseError(ErrorCodes.InvalidParams, message);
}

function readPosition(value: unknown): Position | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { line, character } = value as Record<string, unknown>;
	if (!Number.isInteger(line) || !Number.isInteger(character) || (line as number) < 0 || (character as number) < 0) return undefined;
	return { line: line as number, character: character as number };
}

function readRange(value: unknown): Range | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const start = readPosition((value as Record<string, unknown>).start);
	const end = readPosition((value as Record<string, unknown>).end);
	return start && end ? { start, end } : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
