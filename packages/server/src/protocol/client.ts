/** Everything the server sends to the client, behind one small interface (tests can pass their own). */
import {
	DidChangeConfigurationNotification,
	DidChangeWatchedFilesNotification,
	LogTraceNotification,
	SetTraceNotification,
	ShowMessageNotification,
	type Connection,
	type FileSystemWatcher,
	type MessageType,
	type PublishDiagnosticsParams,
	type ShowDocumentParams,
} from 'vscode-languageserver/node';
import { coverageNotification, type CoverageParams } from '../shared/coverage.js';
import { settingsSection, type TraceLevel } from '../shared/settings.js';

/** The `trace` of `initialize` and `$/setTrace` (LSP 3.17, TraceValue). */
export type { TraceLevel };

export type LspClient = {
	publishDiagnostics(params: PublishDiagnosticsParams): void;
	/** `workspace/diagnostic/refresh`: pull clients re-request diagnostics. */
	refreshDiagnostics(): void;
	/** `workspace/configuration` for one section. */
	getConfiguration(section: string): Promise<unknown>;
	/** Dynamic registrations: file watchers, configuration-change notifications. */
	watchFiles(watchers: FileSystemWatcher[]): void;
	watchConfiguration(): void;
	log(message: string): void;
	error(message: string): void;
	/** `navidrome-extauth/coverage`: what the analyses judged (only to clients that asked for it). */
	sendCoverage?(params: CoverageParams): void;
	/** `window/showMessage`. */
	showMessage?(type: MessageType, message: string): void;
	/** `window/showDocument`; resolves to whether the client showed it. */
	showDocument?(params: ShowDocumentParams): Promise<boolean>;
	/** The trace level from `initialize` (`$/setTrace` changes it later). */
	setTrace?(level: unknown): void;
	/** `$/logTrace` unless tracing is off; `verbose` is computed only at level `verbose`. */
	trace?(message: string, verbose?: () => string): void;
};

/** The longest `verbose` part of a `$/logTrace`, in UTF-16 code units. */
export const maxTraceDetail = 20_000;

export function traceLevel(value: unknown): TraceLevel {
	return value === 'messages' || value === 'verbose' ? value : value === 'compact' ? 'messages' : 'off';
}

/** The client over a connection. It takes over `$/setTrace`, since the trace level decides what `trace` sends. */
export function connectionClient(connection: Connection): LspClient {
	const swallow = (error: unknown): void => connection.console.error(`navidrome-extauth: ${(error as Error)?.message ?? error}`);
	let level: TraceLevel = 'off';
	connection.onNotification(SetTraceNotification.type.method, (params: { value?: unknown } | undefined) => void (level = traceLevel(params?.value)));
	const trace = (message: string, verbose?: () => string): void => {
		if (level === 'off') return;
		const detail = level === 'verbose' && verbose ? verbose() : undefined;
		const params = detail === undefined ? { message } : { message, verbose: detail.length > maxTraceDetail ? `${detail.slice(0, maxTraceDetail)}\n… (cut at ${maxTraceDetail} characters)` : detail };
		void connection.sendNotification(LogTraceNotification.type, params).catch(() => undefined);
	};
	return {
		publishDiagnostics: (params) => {
			void connection.sendDiagnostics(params).catch(swallow);
			trace(`publishDiagnostics ${params.uri}${params.version === undefined ? '' : ` (version ${params.version})`}: ${params.diagnostics.length} diagnostics`, () =>
				params.diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${severityName(d.severity)} [${String(d.code ?? '')}] ${d.message}`).join('\n'),
			);
		},
		refreshDiagnostics: () => void connection.languages.diagnostics.refresh().catch(swallow),
		getConfiguration: (section) => connection.workspace.getConfiguration({ section }),
		watchFiles: (watchers) => void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(swallow),
		watchConfiguration: () => void connection.client.register(DidChangeConfigurationNotification.type, { section: settingsSection }).catch(swallow),
		log: (message) => connection.console.log(message),
		error: (message) => connection.console.error(message),
		sendCoverage: (params) => void connection.sendNotification(coverageNotification, params).catch(swallow),
		showMessage: (type, message) => void connection.sendNotification(ShowMessageNotification.type, { type, message }).catch(swallow),
		showDocument: (params) =>
			connection.window.showDocument(params).then(
				(result) => result?.success === true,
				(error) => (swallow(error), false),
			),
		setTrace: (value) => (level = traceLevel(value)),
		trace,
	};
}

function severityName(severity: number | undefined): string {
	return severity === 1 ? 'error' : severity === 2 ? 'warning' : severity === 3 ? 'information' : severity === 4 ? 'hint' : 'diagnostic';
}
