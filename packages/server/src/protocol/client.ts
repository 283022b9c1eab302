/** Everything the server sends to the client, behind one small interface (tests can pass their own). */
import {
	DidChangeConfigurationNotification,
	DidChangeWatchedFilesNotification,
	type Connection,
	type FileSystemWatcher,
	type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';

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
};

export function connectionClient(connection: Connection): LspClient {
	const swallow = (error: unknown): void => connection.console.error(`navidrome-extauth: ${(error as Error)?.message ?? error}`);
	return {
		publishDiagnostics: (params) => void connection.sendDiagnostics(params).catch(swallow),
		refreshDiagnostics: () => void connection.languages.diagnostics.refresh().catch(swallow),
		getConfiguration: (section) => connection.workspace.getConfiguration({ section }),
		watchFiles: (watchers) => void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(swallow),
		watchConfiguration: () => void connection.client.register(DidChangeConfigurationNotification.type, { section: 'navidrome-extauth' }).catch(swallow),
		log: (message) => connection.console.log(message),
		error: (message) => connection.console.error(message),
	};
}
