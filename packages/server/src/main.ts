#!/usr/bin/env node
/**
Entry point of the language server: `--stdio` or `--node-ipc`. Console output goes to the client's log, never to
stdout, which carries the protocol. `--debounce-ms=N` sets the quiet time after an edit (benchmarks use 0).
*/
import { listenOnIpc, listenOnStreams, type Connection } from './protocol/connection.js';
import type { ServerOptions } from './protocol/server.js';

const usage = 'Usage: navidrome-extauth-server --stdio | --node-ipc';

function start(argv: string[]): void {
	let connection: Connection;
	const options = serverOptions(argv);
	if (argv.includes('--stdio')) {
		// After a framing error no later byte can be trusted to start a message (protocol/json-rpc.ts): exit 1, and the
		// client restarts the server. stderr goes to the client's log (pipe writes are synchronous on Linux).
		const onFramingError = (error: Error): void => {
			process.stderr.write(`navidrome-extauth: ${error.message}; exiting\n`);
			process.exit(1);
		};
		connection = listenOnStreams(process.stdin, process.stdout, options, { onFramingError }).connection;
		// Without a client there is nothing left to serve.
		process.stdin.on('end', () => process.exit(0));
	} else if (argv.includes('--node-ipc') && typeof process.send === 'function') {
		connection = listenOnIpc(options).connection;
	} else {
		process.stderr.write(`${usage}\n`);
		process.exitCode = 2;
		return;
	}
	const forward = (level: 'log' | 'info' | 'warn' | 'error') => (...args: unknown[]) => connection.console[level](args.map((arg) => (typeof arg === 'string' ? arg : safeInspect(arg))).join(' '));
	// console.table, count and time* go through console.log; dir writes to stdout directly, so it is replaced too.
	console.log = forward('log');
	console.info = forward('info');
	console.debug = forward('log');
	console.dir = forward('log');
	console.dirxml = forward('log');
	console.warn = forward('warn');
	console.error = forward('error');
	process.on('uncaughtException', (error) => connection.console.error(`navidrome-extauth: uncaught ${error?.stack ?? error}`));
	process.on('unhandledRejection', (reason) => connection.console.error(`navidrome-extauth: unhandled rejection ${(reason as Error)?.stack ?? reason}`));
}

function serverOptions(argv: string[]): ServerOptions {
	const debounce = argv.find((arg) => arg.startsWith('--debounce-ms='))?.slice('--debounce-ms='.length);
	const debounceMs = debounce !== undefined && /^[0-9]{1,5}$/.test(debounce) ? Number(debounce) : undefined;
	return debounceMs === undefined ? {} : { debounceMs };
}

function safeInspect(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

start(process.argv.slice(2));
