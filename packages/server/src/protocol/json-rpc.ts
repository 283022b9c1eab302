/**
The JSON-RPC layer under the connection, strict where vscode-jsonrpc is lenient or silent.

Stream framing (LSP 3.17, Base Protocol): a header block of ASCII `Name: value` lines, each ended by CRLF, then an
empty line, then exactly `Content-Length` bytes of UTF-8 JSON. The reader here checks every header byte as it
arrives. A framing error (a byte that cannot belong to a header, a line without `:`, no or a duplicate
`Content-Length`, one that is not a decimal number or announces more than `maxContentLength`, a header block over
`maxHeaderLength`) is final: the reader drops the buffer, ignores all further input, fires `onError` and `onClose`,
and calls `onFramingError` (main.ts exits 1). It never resynchronises: after a broken frame nothing tells where the
next message begins, and scanning for one could run text from a document (a `didOpen` body) as a message. A larger
announced length is refused when its header line ends, before any of the body is read.

A well-framed body is answered as the JSON-RPC specification prescribes (vscode-jsonrpc only logs it): a body that is
not JSON gets `-32700 Parse error` with id `null`; JSON that is neither a request, a notification nor a response gets
`-32600 Invalid Request` (with the message's id when it has a usable one). The connection then keeps serving.

`lifecycleReader` then gates messages by the LSP lifecycle, on stdio and IPC alike.
*/
import {
	AbstractMessageReader,
	AbstractMessageWriter,
	Disposable,
	ErrorCodes,
	type DataCallback,
	type Message,
	type MessageReader,
	type MessageWriter,
} from 'vscode-languageserver/node';

/** The largest body a header may announce (64 MiB); a larger `Content-Length` is a framing error. */
export const maxContentLength = 64 * 1024 * 1024;

/** The largest header block, CRLFs included (8 KiB; real clients send under 100 bytes). */
export const maxHeaderLength = 8 * 1024;

/** The stream broke the LSP framing; the reader stopped. */
export class FramingError extends Error {
	override readonly name = 'FramingError';
}

export type StreamTransportOptions = {
	/** Largest accepted `Content-Length`, in bytes. @default maxContentLength */
	maxContentLength?: number;
	/** Called once, on the first framing error, after the reader has stopped. */
	onFramingError?: (error: FramingError) => void;
};

type Reject = (id: number | string | null, code: number, message: string) => void;

/** A framed reader and a writer over two streams (stdio, or in-process pairs in tests). */
export function createStrictStreamTransport(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, options: StreamTransportOptions = {}): { reader: MessageReader; writer: MessageWriter } {
	const writer = new FramedMessageWriter(output);
	const reject: Reject = (id, code, message) => {
		writer.write({ jsonrpc: '2.0', id, error: { code, message } } as Message).catch(() => undefined);
	};
	const reader = new FramedMessageReader(input, options.maxContentLength ?? maxContentLength, (body) => decodeBody(body, reject), options.onFramingError);
	return { reader, writer };
}

/**
Frames each message into one buffer and writes it with one `write` call, in call order. vscode-jsonrpc's
StreamMessageWriter queues every message behind a semaphore (a `setImmediate`), encodes it in a promise chain and waits
for the header's write callback before writing the body: two writes and a few event-loop turns per message, which an
edit's diagnostics wait for. Encoding here is synchronous, so call order is write order and no queue is needed.
*/
class FramedMessageWriter extends AbstractMessageWriter implements MessageWriter {
	private errorCount = 0;

	constructor(private readonly output: NodeJS.WritableStream) {
		super();
		output.on('error', (error: unknown) => this.fireError(error));
		output.on('close', () => this.fireClose());
	}

	write(message: Message): Promise<void> {
		let frame: Buffer;
		try {
			const json = JSON.stringify(message);
			const length = Buffer.byteLength(json, 'utf8');
			const header = `Content-Length: ${length}\r\n\r\n`;
			frame = Buffer.allocUnsafe(header.length + length);
			frame.write(header, 0, 'latin1');
			frame.write(json, header.length, 'utf8');
		} catch (error) {
			this.fireError(error, message, ++this.errorCount);
			return Promise.reject(error);
		}
		return new Promise((resolve, reject) => {
			this.output.write(frame, (error?: Error | null) => {
				if (!error) return resolve();
				this.fireError(error, message, ++this.errorCount);
				reject(error);
			});
		});
	}

	end(): void {
		this.output.end();
	}
}

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;
const COLON = 0x3a;
/** RFC 9110 `tchar`: the bytes of a header name. */
const tokenBytes = new Set([...'!#$%&\'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].map((char) => char.charCodeAt(0)));

/** `Content-Length`-framed messages from a byte stream; see the file comment for what counts as a framing error. */
class FramedMessageReader extends AbstractMessageReader {
	private callback: DataCallback | undefined;
	private failed = false;
	// Header state: the current line's name and value, whether a CR was just read, bytes so far, the announced length.
	private name = '';
	private value: string | undefined;
	private afterCr = false;
	private headerBytes = 0;
	private contentLength: number | undefined;
	// Body state: bytes still expected (-1 while reading a header) and the parts read so far.
	private remaining = -1;
	private parts: Buffer[] = [];

	constructor(
		private readonly input: NodeJS.ReadableStream,
		private readonly limit: number,
		private readonly decode: (body: Buffer) => Message | undefined,
		private readonly onFramingError: ((error: FramingError) => void) | undefined,
	) {
		super();
	}

	listen(callback: DataCallback): Disposable {
		this.callback = callback;
		const onData = (chunk: Buffer | string): void => this.onData(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
		const onError = (error: unknown): void => this.fireError(error);
		const onClose = (): void => this.fireClose();
		this.input.on('data', onData);
		this.input.on('error', onError);
		this.input.on('end', onClose);
		this.input.on('close', onClose);
		return Disposable.create(() => {
			this.callback = undefined;
			this.input.off('data', onData);
			this.input.off('error', onError);
			this.input.off('end', onClose);
			this.input.off('close', onClose);
		});
	}

	private onData(chunk: Buffer): void {
		let offset = 0;
		while (offset < chunk.length && !this.failed) {
			if (this.remaining < 0) {
				offset = this.readHeader(chunk, offset);
				continue;
			}
			const take = Math.min(this.remaining, chunk.length - offset);
			this.parts.push(chunk.subarray(offset, offset + take));
			this.remaining -= take;
			offset += take;
			if (this.remaining === 0) this.deliver();
		}
	}

	/** Reads header bytes from `offset`; returns where the body (or the unread rest) starts, or -1 after a framing error. */
	private readHeader(chunk: Buffer, offset: number): number {
		for (; offset < chunk.length; offset++) {
			const byte = chunk[offset]!;
			if (++this.headerBytes > maxHeaderLength) return this.fail(`the header block exceeds ${maxHeaderLength} bytes`);
			if (this.afterCr) {
				if (byte !== LF) return this.fail('a CR in the header is not followed by LF');
				this.afterCr = false;
				if (this.name === '' && this.value === undefined) {
					// The empty line: the header block is complete.
					if (this.contentLength === undefined) return this.fail('the header has no Content-Length');
					this.remaining = this.contentLength;
					this.contentLength = undefined;
					this.headerBytes = 0;
					if (this.remaining === 0) this.deliver();
					return offset + 1;
				}
				if (this.value === undefined) return this.fail(`the header line '${this.name.slice(0, 40)}' has no ':'`);
				const problem = this.field(this.name, this.value);
				if (problem) return this.fail(problem);
				this.name = '';
				this.value = undefined;
			} else if (byte === CR) this.afterCr = true;
			else if (this.value !== undefined) {
				if (byte !== TAB && (byte < 0x20 || byte > 0x7e)) return this.fail(`byte 0x${hex(byte)} in a header value`);
				this.value += String.fromCharCode(byte);
			} else if (byte === COLON && this.name !== '') this.value = '';
			else if (tokenBytes.has(byte)) this.name += String.fromCharCode(byte);
			else return this.fail(`byte 0x${hex(byte)} where a header name was expected`);
		}
		return offset;
	}

	/** Records one header field (only `Content-Length` matters); returns what is wrong with it, if anything. */
	private field(name: string, value: string): string | undefined {
		if (name.toLowerCase() !== 'content-length') return undefined;
		const text = value.trim();
		if (this.contentLength !== undefined) return 'the header has two Content-Length fields';
		if (!/^[0-9]+$/.test(text)) return `Content-Length '${text.slice(0, 40)}' is not a decimal number`;
		const length = Number(text);
		if (!(length <= this.limit)) return `Content-Length ${text.slice(0, 40)} exceeds the limit of ${this.limit} bytes`;
		this.contentLength = length;
		return undefined;
	}

	private deliver(): void {
		const body = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
		this.parts = [];
		this.remaining = -1;
		const message = this.decode(body);
		if (message) this.callback?.(message);
	}

	/** Stops the reader for good; returns -1, the offset that ends `onData`'s loop. */
	private fail(reason: string): number {
		this.failed = true;
		this.parts = [];
		const error = new FramingError(`LSP framing error: ${reason}`);
		this.fireError(error);
		this.fireClose();
		this.onFramingError?.(error);
		return -1;
	}
}

function hex(byte: number): string {
	return byte.toString(16).padStart(2, '0');
}

const utf8 = new TextDecoder('utf-8');

/** A body as a message, or `undefined` after answering it with a parse or invalid-request error. */
function decodeBody(body: Buffer, reject: Reject): Message | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(utf8.decode(body));
	} catch (error) {
		reject(null, ErrorCodes.ParseError, `Parse error: ${(error as Error).message}`);
		return undefined;
	}
	const problem = invalidMessage(parsed);
	if (problem) {
		reject(problem.id, ErrorCodes.InvalidRequest, `Invalid Request: ${problem.reason}`);
		return undefined;
	}
	return parsed as Message;
}

/** Why a parsed body is not a JSON-RPC 2.0 message, or `undefined` when it is one (`params: null` counts as absent). */
export function invalidMessage(value: unknown): { id: number | string | null; reason: string } | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return { id: null, reason: Array.isArray(value) ? 'batches are not supported by the Language Server Protocol' : 'the message is not an object' };
	const message = value as Record<string, unknown>;
	const id = typeof message.id === 'number' || typeof message.id === 'string' ? message.id : null;
	if (message.jsonrpc !== '2.0') return { id, reason: 'jsonrpc must be "2.0"' };
	if ('method' in message) {
		if (typeof message.method !== 'string') return { id, reason: 'method must be a string' };
		if ('id' in message && message.id !== null && typeof message.id !== 'number' && typeof message.id !== 'string') return { id: null, reason: 'id must be a number or a string' };
		if (message.params !== undefined && typeof message.params !== 'object') return { id, reason: 'params must be an object or an array' };
		return undefined;
	}
	if ('result' in message || 'error' in message) return undefined;
	return { id, reason: 'the message has neither a method nor a result' };
}

/**
The LSP lifecycle (3.17, Lifecycle Messages), enforced before any handler sees a message, on either transport:
- before `initialize`, a request gets `-32002 ServerNotInitialized` and a notification is dropped, except `exit`;
- a second `initialize` gets `-32600 InvalidRequest` (it may be sent only once);
- after `shutdown`, a request gets `-32600 InvalidRequest` and a notification is dropped, except `exit`.
Responses pass. `params: null` is passed on as absent: `shutdown` and `exit` take none, and some clients send null.
vscode-languageserver then ends the process on `exit`: code 0 after `shutdown`, else 1.
*/
export function lifecycleReader(reader: MessageReader, writer: MessageWriter): MessageReader {
	return new LifecycleReader(reader, writer);
}

class LifecycleReader extends AbstractMessageReader {
	private state: 'new' | 'running' | 'shutdown' = 'new';

	constructor(
		private readonly inner: MessageReader,
		private readonly writer: MessageWriter,
	) {
		super();
	}

	listen(callback: DataCallback): Disposable {
		const subscriptions = [this.inner.onError((error) => this.fireError(error)), this.inner.onClose(() => this.fireClose()), this.inner.onPartialMessage((info) => this.firePartialMessage(info))];
		const listening = this.inner.listen((message) => {
			const admitted = this.admit(message);
			if (admitted) callback(admitted);
		});
		return Disposable.create(() => {
			listening.dispose();
			for (const subscription of subscriptions) subscription.dispose();
		});
	}

	override dispose(): void {
		this.inner.dispose();
		super.dispose();
	}

	private admit(message: Message): Message | undefined {
		const record = message as Message & { method?: unknown; id?: unknown; params?: unknown };
		if (typeof record.method !== 'string') return message;
		if (record.params === null) {
			const { params: _null, ...rest } = record;
			message = rest as Message;
		}
		const method = record.method.slice(0, 100);
		const isRequest = typeof record.id === 'number' || typeof record.id === 'string';
		if (!isRequest) return method === 'exit' || this.state === 'running' ? message : undefined;
		const id = record.id as number | string;
		if (this.state === 'new') {
			if (method !== 'initialize') return this.reject(id, ErrorCodes.ServerNotInitialized, `Server not initialized: '${method}' before 'initialize'`);
			this.state = 'running';
		} else if (this.state === 'shutdown') return this.reject(id, ErrorCodes.InvalidRequest, `Invalid Request: '${method}' after 'shutdown'; only 'exit' is accepted`);
		else if (method === 'initialize') return this.reject(id, ErrorCodes.InvalidRequest, "Invalid Request: 'initialize' may be sent only once");
		else if (method === 'shutdown') this.state = 'shutdown';
		return message;
	}

	private reject(id: number | string, code: number, text: string): undefined {
		this.writer.write({ jsonrpc: '2.0', id, error: { code, message: text } } as Message).catch(() => undefined);
		return undefined;
	}
}
