/**
In-process protocol harness: the real server on one end of two stream pairs, a `vscode-languageserver-protocol`
client on the other (the typescript-language-server and compose-language-service pattern). A tap on the server's
output keeps every raw message, so tests can see responses the client library would swallow (id `null`).
*/
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
	createProtocolConnection,
	StreamMessageReader,
	StreamMessageWriter,
	type ClientCapabilities,
	type ProtocolConnection,
	type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { listenOnStreams } from '../../src/protocol/connection.js';
import type { Server, ServerOptions } from '../../src/protocol/server.js';

export type StartOptions = {
	capabilities?: ClientCapabilities;
	initializationOptions?: unknown;
	/** Folder paths (absolute) to announce as workspace folders. */
	folders?: string[];
	/** Answers `workspace/configuration`; without it the request is refused. */
	configuration?: (section: string | undefined) => unknown;
	server?: ServerOptions;
};

export type Harness = {
	client: ProtocolConnection;
	server: Server;
	/** Every `publishDiagnostics` in arrival order, with the time it arrived. */
	published: Array<PublishDiagnosticsParams & { at: number }>;
	/** Every raw message the server wrote. */
	raw: unknown[];
	refreshes: number;
	/** Send bytes to the server as they are (for malformed JSON-RPC). */
	writeRaw(text: string): void;
	waitFor<T>(check: () => T | undefined | false, timeoutMs?: number, what?: string): Promise<T>;
	lastDiagnostics(uri: string): PublishDiagnosticsParams | undefined;
	stop(): Promise<void>;
};

export const pushCapabilities: ClientCapabilities = {
	textDocument: {
		hover: { contentFormat: ['markdown', 'plaintext'] },
		completion: { completionItem: { documentationFormat: ['markdown'] } },
		publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] } },
	},
	workspace: {},
};

export async function start(options: StartOptions = {}): Promise<Harness> {
	const toServer = new PassThrough();
	const toClient = new PassThrough();
	const tap = new PassThrough();
	toClient.pipe(tap);
	const raw: unknown[] = [];
	collectFrames(tap, raw);
	const { connection, server } = listenOnStreams(toServer, toClient, { debounceMs: 40, ...options.server });
	const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
	const published: Harness['published'] = [];
	let refreshes = 0;
	client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => void published.push({ ...params, at: performance.now() }));
	client.onNotification('window/logMessage', () => undefined);
	client.onRequest('client/registerCapability', () => null);
	client.onRequest('workspace/diagnostic/refresh', () => {
		refreshes++;
		return null;
	});
	client.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) => {
		if (!options.configuration) throw new Error('no configuration in this test');
		return params.items.map((item) => options.configuration!(item.section));
	});
	client.listen();
	const folders = options.folders ?? [];
	await client.sendRequest('initialize', {
		processId: null,
		rootUri: folders[0] ? pathToFileURL(folders[0]).href : null,
		workspaceFolders: folders.length ? folders.map((folder) => ({ uri: pathToFileURL(folder).href, name: folder })) : null,
		capabilities: options.capabilities ?? pushCapabilities,
		initializationOptions: options.initializationOptions,
	});
	await client.sendNotification('initialized', {});
	const harness: Harness = {
		client,
		server,
		published,
		raw,
		get refreshes() {
			return refreshes;
		},
		writeRaw: (text) => void toServer.write(text),
		async waitFor(check, timeoutMs = 5000, what = 'condition') {
			const deadline = performance.now() + timeoutMs;
			for (;;) {
				const value = check();
				if (value) return value;
				if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
				await new Promise((resolve) => setTimeout(resolve, 5));
			}
		},
		lastDiagnostics(uri) {
			for (let i = published.length - 1; i >= 0; i--) if (published[i]!.uri === uri) return published[i];
			return undefined;
		},
		async stop() {
			await client.sendRequest('shutdown').catch(() => undefined);
			client.dispose();
			connection.dispose();
			toServer.end();
			toClient.end();
		},
	};
	return harness;
}

function collectFrames(stream: PassThrough, into: unknown[]): void {
	let buffer = Buffer.alloc(0);
	stream.on('data', (chunk: Buffer) => {
		buffer = Buffer.concat([buffer, chunk]);
		for (;;) {
			const headerEnd = buffer.indexOf('\r\n\r\n');
			if (headerEnd < 0) return;
			const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
			if (buffer.length < headerEnd + 4 + length) return;
			into.push(JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')));
			buffer = buffer.subarray(headerEnd + 4 + length);
		}
	});
}

/** A temporary workspace folder with the given files; `remove()` deletes it. */
export function workspace(files: Record<string, string>): { root: string; path(name: string): string; uri(name: string): string; write(name: string, text: string): void; remove(): void } {
	const root = mkdtempSync(join(tmpdir(), 'ndx-lsp-'));
	const write = (name: string, text: string): void => {
		mkdirSync(dirname(join(root, name)), { recursive: true });
		writeFileSync(join(root, name), text);
	};
	for (const [name, text] of Object.entries(files)) write(name, text);
	return {
		root,
		path: (name) => join(root, name),
		uri: (name) => pathToFileURL(join(root, name)).href,
		write,
		remove: () => rmSync(root, { recursive: true, force: true }),
	};
}

/** The LSP position of the `nth` occurrence of `needle` in `text`, plus `delta` characters. */
export function position(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
	let index = -1;
	for (let i = 0; i <= nth; i++) {
		index = text.indexOf(needle, index + 1);
		if (index < 0) throw new Error(`'${needle}' not found`);
	}
	const offset = index + delta;
	const before = text.slice(0, offset);
	const line = before.split('\n').length - 1;
	return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function range(text: string, needle: string, nth = 0): { start: { line: number; character: number }; end: { line: number; character: number } } {
	return { start: position(text, needle, 0, nth), end: position(text, needle, needle.length, nth) };
}

/** Apply LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }>): string {
	const lineStarts = [0];
	for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
	const offset = (p: { line: number; character: number }): number => (lineStarts[p.line] ?? text.length) + p.character;
	const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
	let result = text;
	for (const edit of sorted) result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
	return result;
}

/**
How much slower than the machines issue 8's timings assume this one is right now: a bare `node -e ''` spawn-to-exit takes
about 100 ms there, so timing assertions scale by the measured median over 100 ms (at least 1). On a shared machine
under heavy load everything is slower; the factor keeps the 200 ms acceptance meaningful without making it flaky.
*/
export function machineSlowdown(): number {
	const samples: number[] = [];
	for (let i = 0; i < 5; i++) {
		const start = performance.now();
		spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
		samples.push(performance.now() - start);
	}
	samples.sort((a, b) => a - b);
	return Math.max(1, samples[2]! / 100);
}
