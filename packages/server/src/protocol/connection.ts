/** Wiring only: one line per LSP message, from the connection to the `Server` method that handles it. */
import { createConnection, DidChangeWorkspaceFoldersNotification, IPCMessageReader, IPCMessageWriter, type Connection } from 'vscode-languageserver/node';
import { connectionClient } from './client.js';
import { createStrictStreamTransport, lifecycleReader, type StreamTransportOptions } from './json-rpc.js';
import { Server, type ServerOptions } from './server.js';

export function listen(connection: Connection, options?: ServerOptions): Server {
	const server = new Server(connectionClient(connection), options);
	connection.onInitialize(server.initialize.bind(server));
	connection.onInitialized(() => {
		server.initialized();
		// With the client's workspaceFolders capability, vscode-languageserver takes over this notification.
		if (server.foldersChangeSupported) connection.workspace.onDidChangeWorkspaceFolders((event) => server.didChangeWorkspaceFolders(event));
	});
	connection.onShutdown(server.shutdown.bind(server));
	connection.onDidOpenTextDocument(server.didOpen.bind(server));
	connection.onDidChangeTextDocument(server.didChange.bind(server));
	connection.onDidCloseTextDocument(server.didClose.bind(server));
	connection.onDidSaveTextDocument(server.didSave.bind(server));
	connection.onDidChangeWatchedFiles(server.didChangeWatchedFiles.bind(server));
	connection.onDidChangeConfiguration(server.didChangeConfiguration.bind(server));
	connection.onNotification(DidChangeWorkspaceFoldersNotification.type, (params) => server.didChangeWorkspaceFolders(params?.event));
	connection.onHover((params, token) => server.hover(params, token));
	connection.onCompletion((params, token) => server.completion(params, token));
	connection.onCodeAction((params, token) => server.codeAction(params, token));
	connection.onExecuteCommand((params, token) => server.executeCommand(params, token));
	connection.languages.diagnostics.on((params, token) => server.diagnostic(params, token));
	connection.languages.diagnostics.onWorkspace((params, token) => server.workspaceDiagnostic(params, token));
	connection.listen();
	return server;
}

/** A server over two streams (stdio, or in-process pairs in tests) with strict framing, JSON-RPC error answers and lifecycle. */
export function listenOnStreams(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, options?: ServerOptions, transport?: StreamTransportOptions): { connection: Connection; server: Server } {
	const { reader, writer } = createStrictStreamTransport(input, output, transport);
	const connection = createConnection(lifecycleReader(reader, writer), writer);
	return { connection, server: listen(connection, options) };
}

/** A server over Node IPC (`--node-ipc`, as VS Code's client starts it; no framing), with the same lifecycle. */
export function listenOnIpc(options?: ServerOptions): { connection: Connection; server: Server } {
	const writer = new IPCMessageWriter(process);
	const connection = createConnection(lifecycleReader(new IPCMessageReader(process), writer), writer);
	return { connection, server: listen(connection, options) };
}

export type { Connection };
