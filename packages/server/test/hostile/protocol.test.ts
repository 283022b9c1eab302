/**
Hostile bytes on the wire (issue 20, Deliver 4): the bundled server (dist/server.js) over real stdio, raw frames in
and out, no client library in between.

Chosen behaviour (src/protocol/json-rpc.ts): a framing error is final. The server writes the reason to stderr and exits
1 as soon as the bytes received prove the frame broken; it never guesses where the next message starts, so the good
request that follows a bad frame is never answered. A `Content-Length` over 64 MiB is refused when its header line
ends, before any body byte arrives. A well-framed body that is not JSON is answered and the server keeps serving.
Lifecycle (LSP 3.17, Lifecycle Messages): -32002 before `initialize`, -32600 after `shutdown` and for a second
`initialize`, `params: null` accepted, exit code 0 after `shutdown` + `exit`, 1 for `exit` alone.
*/
import assert from 'node:assert/strict';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Message } from 'vscode-languageserver-protocol/node';
import { createStrictStreamTransport, maxContentLength, maxHeaderLength, type FramingError } from '../../src/protocol/json-rpc.js';
import { buildBundles, serverRoot } from '../harness/cli.js';
import { workspace } from '../protocol/harness.js';

const serverPath = join(serverRoot, 'dist', 'server.js');
/** The acceptance: after a bad frame, an answer or a non-zero exit within 2 s. */
const deadlineMs = 2000;
const compose = 'services:\n  navidrome:\n    image: deluan/navidrome:0.60.0\n    environment:\n      ND_EXTAUTH_TRUSTEDSOURCES: 0.0.0.0/0\n';

type Reply = { id?: number | string | null; result?: unknown; error?: { code: number; message: string }; method?: string };

function frame(message: unknown): Buffer {
	const body = Buffer.from(JSON.stringify(message), 'utf8');
	return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

const initialize = (id: number): unknown => ({ jsonrpc: '2.0', id, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
const hover = (id: number, uri = 'file:///nonexistent/compose.yaml'): unknown => ({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 4, character: 10 } } });

/** One server process and the frames it wrote, parsed by the byte rules of the LSP base protocol. */
class Wire {
	readonly replies: Reply[] = [];
	stderr = '';
	private buffer = Buffer.alloc(0);
	private readonly exit: Promise<number | null>;

	constructor(readonly child: ChildProcess) {
		this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
		child.stdout?.on('data', (chunk: Buffer) => this.collect(chunk));
		child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
		// A server that exits first makes later writes fail with EPIPE; that is not the test's failure.
		child.stdin?.on('error', () => undefined);
	}

	write(bytes: Buffer | string): void {
		this.child.stdin!.write(bytes);
	}

	send(message: unknown): void {
		this.write(frame(message));
	}

	async reply(id: number, timeoutMs = 10_000): Promise<Reply> {
		return this.until(() => this.replies.find((reply) => reply.id === id), timeoutMs, `a reply to id ${id}`);
	}

	/** The exit code, or `'running'` when the process is still alive after `timeoutMs`. */
	async exited(timeoutMs: number): Promise<number | null | 'running'> {
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<'running'>((resolve) => (timer = setTimeout(() => resolve('running'), timeoutMs)));
		try {
			return await Promise.race([this.exit, timeout]);
		} finally {
			clearTimeout(timer);
		}
	}

	stop(): Promise<unknown> {
		const { child } = this;
		if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
		return this.exit;
	}

	private async until<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
		const deadline = performance.now() + timeoutMs;
		for (;;) {
			const value = check();
			if (value !== undefined) return value;
			if (this.child.exitCode !== null) throw new Error(`the server exited with ${this.child.exitCode} before ${what}: ${this.stderr}`);
			if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
	}

	private collect(chunk: Buffer): void {
		this.buffer = Buffer.concat([this.buffer, chunk]);
		for (;;) {
			const end = this.buffer.indexOf('\r\n\r\n');
			if (end < 0) return;
			const length = Number(/^Content-Length: (\d+)$/im.exec(this.buffer.subarray(0, end).toString('ascii'))?.[1]);
			assert.ok(Number.isInteger(length), `the server wrote a header without Content-Length: ${this.buffer.subarray(0, end).toString('ascii')}`);
			if (this.buffer.length < end + 4 + length) return;
			this.replies.push(JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as Reply);
			this.buffer = this.buffer.subarray(end + 4 + length);
		}
	}
}

describe('hostile protocol input (bundled server over stdio)', function () {
	this.timeout(60_000);
	const wires: Wire[] = [];

	before(() => buildBundles());

	afterEach(async () => {
		await Promise.all(wires.splice(0).map((wire) => wire.stop()));
	});

	function startServer(cwd?: string): Wire {
		const wire = new Wire(spawn(process.execPath, [serverPath, '--stdio'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
		wires.push(wire);
		return wire;
	}

	/** A running, initialized server: the process is up, so the 2 s below measure the reaction, not the start. */
	async function initializedServer(): Promise<Wire> {
		const wire = startServer();
		wire.send(initialize(1));
		assert.ok((await wire.reply(1)).result);
		wire.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
		return wire;
	}

	describe('framing', () => {
		const badFrames: Array<[string, string]> = [
			['a non-numeric Content-Length', 'Content-Length: abc\r\n\r\n{}'],
			['a negative Content-Length', 'Content-Length: -5\r\n\r\n{}'],
			['a Content-Length with trailing garbage', 'Content-Length: 12abc\r\n\r\n{}'],
			['a missing Content-Length', 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'],
			['two Content-Length fields', 'Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}'],
			['a header line without a colon', 'garbage\r\n\r\n'],
			['a body without a header', '{"jsonrpc":"2.0","id":5,"method":"shutdown"}'],
			['LF instead of CRLF', 'Content-Length: 2\n\n{}'],
			['a control byte in a header value', 'Content-Length: 2\u0000\r\n\r\n{}'],
		];
		for (const [what, bytes] of badFrames) {
			it(`should exit 1 within 2 s after ${what}, without answering the request that follows`, async () => {
				const wire = await initializedServer();
				const sent = performance.now();
				wire.write(Buffer.concat([Buffer.from(bytes, 'latin1'), frame(hover(2))]));
				const code = await wire.exited(deadlineMs);
				const elapsed = performance.now() - sent;
				assert.equal(code, 1, `exit code ${code} after ${elapsed.toFixed(0)} ms`);
				assert.match(wire.stderr, /LSP framing error: /);
				assert.equal(wire.replies.find((reply) => reply.id === 2), undefined, 'the request after the bad frame must not be answered');
			});
		}

		it('should refuse a Content-Length of 10^12 when its header line ends, before any body byte, and exit 1 within 2 s', async () => {
			const wire = await initializedServer();
			const sent = performance.now();
			// No blank line yet and no body: the server must not wait for either.
			wire.write('Content-Length: 1000000000000\r\n');
			const code = await wire.exited(deadlineMs);
			assert.equal(code, 1, `exit code ${code} after ${(performance.now() - sent).toFixed(0)} ms`);
			assert.match(wire.stderr, /Content-Length 1000000000000 exceeds the limit of 67108864 bytes/);
		});

		it('should answer a well-framed body that is not JSON with -32700 and keep serving', async () => {
			const wire = await initializedServer();
			wire.write('Content-Length: 5\r\n\r\n{"a":');
			wire.send(hover(3));
			assert.equal((await wire.reply(3)).result, null);
			const parseError = wire.replies.find((reply) => reply.error?.code === -32700);
			assert.ok(parseError, JSON.stringify(wire.replies));
			assert.equal(parseError.id, null);
		});
	});

	describe('lifecycle', () => {
		it('should answer a request before initialize with -32002 and drop notifications before it', async () => {
			const folder = workspace({});
			try {
				const wire = startServer(folder.root);
				const uri = folder.uri('compose.yaml');
				wire.send(hover(7, uri));
				// Dropped: if it were applied, the hover below would find the open document.
				wire.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'dockercompose', version: 1, text: compose } } });
				const early = await wire.reply(7);
				assert.equal(early.error?.code, -32002, JSON.stringify(early));
				wire.send(initialize(8));
				assert.ok((await wire.reply(8)).result);
				wire.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
				wire.send(hover(9, uri));
				assert.equal((await wire.reply(9)).result, null, 'the didOpen before initialize was applied');
				wire.send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'dockercompose', version: 1, text: compose } } });
				wire.send(hover(10, uri));
				assert.match(JSON.stringify((await wire.reply(10)).result), /TrustedSources/, 'the same didOpen after initialize is applied');
			} finally {
				folder.remove();
			}
		});

		it('should answer a second initialize with -32600', async () => {
			const wire = await initializedServer();
			wire.send(initialize(2));
			assert.equal((await wire.reply(2)).error?.code, -32600);
		});

		it('should accept shutdown with params null (result null), then exit 0 on exit with params null', async () => {
			const wire = await initializedServer();
			wire.send({ jsonrpc: '2.0', id: 2, method: 'shutdown', params: null });
			const reply = await wire.reply(2);
			assert.deepEqual({ result: reply.result, error: reply.error }, { result: null, error: undefined });
			wire.send({ jsonrpc: '2.0', method: 'exit', params: null });
			assert.equal(await wire.exited(deadlineMs), 0);
		});

		it('should accept shutdown without params, then exit 0', async () => {
			const wire = await initializedServer();
			wire.send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
			assert.equal((await wire.reply(2)).result, null);
			wire.send({ jsonrpc: '2.0', method: 'exit' });
			assert.equal(await wire.exited(deadlineMs), 0);
		});

		it('should exit 1 on exit without shutdown, also before initialize', async () => {
			const running = await initializedServer();
			running.send({ jsonrpc: '2.0', method: 'exit' });
			assert.equal(await running.exited(deadlineMs), 1);
			const fresh = startServer();
			fresh.send({ jsonrpc: '2.0', method: 'exit' });
			assert.equal(await fresh.exited(10_000), 1);
		});

		it('should answer requests after shutdown with -32600, a second shutdown included, then still exit 0', async () => {
			const wire = await initializedServer();
			wire.send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
			assert.equal((await wire.reply(2)).result, null);
			wire.send(hover(3));
			wire.send({ jsonrpc: '2.0', id: 4, method: 'shutdown' });
			assert.equal((await wire.reply(3)).error?.code, -32600);
			assert.equal((await wire.reply(4)).error?.code, -32600);
			wire.send({ jsonrpc: '2.0', method: 'exit' });
			assert.equal(await wire.exited(deadlineMs), 0);
		});

		it('should follow the same lifecycle over --node-ipc', async () => {
			// execArgv: [] so mocha's `--import tsx` does not reach the bundle.
			const child = fork(serverPath, ['--node-ipc'], { execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
			const wire = new Wire(child);
			wires.push(wire);
			child.on('error', () => undefined);
			const received: Reply[] = [];
			child.on('message', (message: Reply) => void received.push(message));
			const replyTo = async (id: number): Promise<Reply> => {
				for (const deadline = performance.now() + 10_000; performance.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 5))) {
					const reply = received.find((message) => message.id === id);
					if (reply) return reply;
				}
				throw new Error(`no reply to id ${id}`);
			};
			child.send(hover(1) as object);
			assert.equal((await replyTo(1)).error?.code, -32002);
			child.send(initialize(2) as object);
			assert.ok((await replyTo(2)).result);
			child.send({ jsonrpc: '2.0', id: 3, method: 'shutdown', params: null });
			assert.equal((await replyTo(3)).result, null);
			child.send(hover(4) as object);
			assert.equal((await replyTo(4)).error?.code, -32600);
			child.send({ jsonrpc: '2.0', method: 'exit' });
			assert.equal(await wire.exited(deadlineMs), 0);
		});
	});
});

describe('the stdio reader (in process)', () => {
	/** A reader over a stream pair; `errors` collects framing errors, `messages` what reached the connection. */
	function reader(maxLength?: number) {
		const input = new PassThrough();
		const output = new PassThrough();
		const errors: FramingError[] = [];
		const messages: Message[] = [];
		const transport = createStrictStreamTransport(input, output, { maxContentLength: maxLength, onFramingError: (error) => errors.push(error) });
		transport.reader.listen((message) => messages.push(message));
		return { input, errors, messages, dispose: () => transport.reader.dispose() };
	}

	const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

	it('should accept a body of exactly the cap and refuse one byte more when the header line ends', async () => {
		const at = reader(64);
		const body = JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { pad: '' } });
		const padded = body.replace('"pad":""', `"pad":"${'p'.repeat(64 - body.length)}"`);
		assert.equal(padded.length, 64);
		at.input.write(`Content-Length: 64\r\n\r\n${padded}`);
		await settle();
		assert.deepEqual([at.errors.length, at.messages.length], [0, 1]);
		const over = reader(64);
		over.input.write('Content-Length: 65\r\n');
		await settle();
		assert.equal(over.errors.length, 1);
		assert.match(over.errors[0]!.message, /exceeds the limit of 64 bytes/);
		at.dispose();
		over.dispose();
	});

	it('should cap Content-Length at 64 MiB by default', async () => {
		assert.equal(maxContentLength, 64 * 1024 * 1024);
		const at = reader();
		at.input.write(`Content-Length: ${maxContentLength}\r\n\r\n`);
		const over = reader();
		over.input.write(`Content-Length: ${maxContentLength + 1}\r\n`);
		await settle();
		assert.deepEqual([at.errors.length, over.errors.length], [0, 1]);
		at.dispose();
		over.dispose();
	});

	it('should stop at the header cap on endless header bytes, and read nothing after a framing error', async () => {
		const endless = reader();
		const junk = 'X'.repeat(1024);
		for (let i = 0; i < 64; i++) endless.input.write(junk);
		await settle();
		assert.equal(endless.errors.length, 1);
		assert.match(endless.errors[0]!.message, new RegExp(`exceeds ${maxHeaderLength} bytes`));
		endless.input.write(frame({ jsonrpc: '2.0', method: 'after' }));
		await settle();
		assert.deepEqual([endless.errors.length, endless.messages.length], [1, 0]);
		endless.dispose();
	});

	it('should split and join frames across chunk boundaries byte by byte', async () => {
		const split = reader();
		const bytes = Buffer.concat([frame({ jsonrpc: '2.0', method: 'a', params: { text: 'é€😀' } }), frame({ jsonrpc: '2.0', id: 1, method: 'b' }), Buffer.from('Content-Length: 0\r\n\r\n')]);
		for (const byte of bytes) split.input.write(Buffer.from([byte]));
		await settle();
		assert.deepEqual(
			split.messages.map((message) => (message as { method?: string }).method),
			['a', 'b'],
		);
		assert.equal((split.messages[0] as unknown as { params: { text: string } }).params.text, 'é€😀');
		assert.equal(split.errors.length, 0, 'an empty body is a parse error, not a framing error');
		split.dispose();
	});
});
