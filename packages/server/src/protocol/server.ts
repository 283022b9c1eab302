/**
The language server: one method per LSP request or notification, each handled in `handlers/`. It keeps the open
documents and one incremental analysis per workspace folder (a loose document gets its own folder's) in `state.ts`,
runs analyses through `scheduler.ts`, and publishes or serves every affected file's diagnostics through
`diagnostics.ts`. The engine and the features load lazily, after `initialize` is answered.
*/
import type {
	CancellationToken,
	CodeAction,
	CodeActionParams,
	CompletionItem,
	CompletionParams,
	DiagnosticServerCancellationData,
	DidChangeConfigurationParams,
	DidChangeTextDocumentParams,
	DidChangeWatchedFilesParams,
	DidCloseTextDocumentParams,
	DidOpenTextDocumentParams,
	DidSaveTextDocumentParams,
	DocumentDiagnosticParams,
	DocumentDiagnosticReport,
	ExecuteCommandParams,
	Hover,
	HoverParams,
	InitializeParams,
	InitializeResult,
	ResponseError,
	WorkspaceDiagnosticParams,
	WorkspaceDiagnosticReport,
	WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import type { LspClient } from './client.js';
import type { Context } from './context.js';
import { Diagnostics } from './diagnostics.js';
import { codeAction } from './handlers/code-actions.js';
import { executeCommand } from './handlers/commands.js';
import { completion } from './handlers/completion.js';
import { didChangeConfiguration } from './handlers/configuration.js';
import { diagnostic, workspaceDiagnostic } from './handlers/diagnostics.js';
import { didChange, didChangeWatchedFiles, didChangeWorkspaceFolders, didClose, didOpen, didSave } from './handlers/documents.js';
import { hover } from './handlers/hover.js';
import { initialize, initialized, shutdown } from './handlers/lifecycle.js';
import { Scheduler } from './scheduler.js';
import { ServerState, type Backend } from './state.js';

export { serverCommands as commands } from '../shared/commands.js';
export { watchedGlobs } from './handlers/lifecycle.js';

export type ServerOptions = {
	/** Quiet time after the last edit before re-analysing. */
	debounceMs?: number;
	/** How the engine is loaded (tests may pass the module itself). */
	loadBackend?: () => Promise<Backend>;
	/** Time budget of an analysis that holds files above 1 MB (they are analysed in part when it runs out). */
	largeFileBudgetMs?: number;
};

export class Server {
	private readonly context: Context;

	constructor(client: LspClient, options: ServerOptions = {}) {
		const state = new ServerState(options.loadBackend ?? (() => import('../host/backend.js')));
		const diagnostics = new Diagnostics(state, client);
		const scheduler = new Scheduler(state, diagnostics, client, options.largeFileBudgetMs);
		this.context = { state, scheduler, diagnostics, client, debounceMs: options.debounceMs ?? 150 };
	}

	initialize(params: InitializeParams): InitializeResult {
		return initialize(this.context, params);
	}

	/** Whether the client sends `workspace/didChangeWorkspaceFolders`. */
	get foldersChangeSupported(): boolean {
		return Boolean(this.context.state.capabilities.workspace?.workspaceFolders);
	}

	initialized(): void {
		initialized(this.context);
	}

	shutdown(): void {
		shutdown(this.context);
	}

	didOpen(params: DidOpenTextDocumentParams): void {
		didOpen(this.context, params);
	}

	didChange(params: DidChangeTextDocumentParams): void {
		didChange(this.context, params);
	}

	didClose(params: DidCloseTextDocumentParams): void {
		didClose(this.context, params);
	}

	didSave(params: DidSaveTextDocumentParams): void {
		didSave(this.context, params);
	}

	didChangeWatchedFiles(params: DidChangeWatchedFilesParams): void {
		didChangeWatchedFiles(this.context, params);
	}

	didChangeWorkspaceFolders(event: WorkspaceFoldersChangeEvent): void {
		didChangeWorkspaceFolders(this.context, event);
	}

	didChangeConfiguration(params: DidChangeConfigurationParams): void {
		didChangeConfiguration(this.context, params);
	}

	hover(params: HoverParams, token?: CancellationToken): Promise<Hover | null | ResponseError> {
		return hover(this.context, params, token);
	}

	completion(params: CompletionParams, token?: CancellationToken): Promise<CompletionItem[] | null | ResponseError> {
		return completion(this.context, params, token);
	}

	codeAction(params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[] | null | ResponseError> {
		return codeAction(this.context, params, token);
	}

	executeCommand(params: ExecuteCommandParams, token?: CancellationToken): Promise<unknown> {
		return executeCommand(this.context, params, token);
	}

	diagnostic(params: DocumentDiagnosticParams, token?: CancellationToken): Promise<DocumentDiagnosticReport | ResponseError<DiagnosticServerCancellationData>> {
		return diagnostic(this.context, params, token);
	}

	workspaceDiagnostic(params: WorkspaceDiagnosticParams, token?: CancellationToken): Promise<WorkspaceDiagnosticReport | ResponseError<DiagnosticServerCancellationData>> {
		return workspaceDiagnostic(this.context, params, token);
	}

	/** Resolves once no analysis is pending or running (tests and benchmarks use it). */
	whenIdle(): Promise<void> {
		return this.context.scheduler.whenIdle();
	}
}
