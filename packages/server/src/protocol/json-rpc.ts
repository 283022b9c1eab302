/**
A stream transport that answers malformed JSON-RPC as the specification prescribes (vscode-jsonrpc only logs it):
a body that is not JSON gets a `-32700 Parse error` response with id `null`, and JSON that is neither a request, a
notification nor a response gets `-32600 Invalid Request` (with the message's id when it has a usable one). The
connection then keeps serving.
*/
import { ErrorCodes, StreamMessageReader, StreamMessageWriter, type Message, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';

type ContentTypeDecoder = { name: string; decode(buffer: Uint8Array, options: { charset: string }): Promise<Message> };

export function createStrictStreamTransport(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): { reader: MessageReader; writer: MessageWriter } {
	const writer = new StreamMessageWriter(output);
	const reject = (id: number | string | null, code: number, message: string): void => {
		writer.write({ jsonrpc: '2.0', id, error: { code, message } } as Message).catch(() => undefined);
	};
	const decoder: ContentTypeDecoder = {
		name: 'application/json',
		async decode(buffer, options) {
			let parsed: unknown;
			try {
				parsed = JSON.parse(new TextDecoder(options.charset || 'utf-8').decode(buffer));
			} catch (error) {
				reject(null, ErrorCodes.ParseError, `Parse error: ${(error as Error).message}`);
				return undefined as unknown as Message;
			}
			const problem = invalidMessage(parsed);
			if (problem) {
				reject(problem.id, ErrorCodes.InvalidRequest, `Invalid Request: ${problem.reason}`);
				return undefined as unknown as Message;
			}
			return parsed as Message;
		},
	};
	const reader = new StreamMessageReader(input, { charset: 'utf-8', contentTypeDecoder: decoder } as never);
	return { reader, writer };
}

/** Why a parsed body is not a JSON-RPC 2.0 message, or `undefined` when it is one. */
export function invalidMessage(value: unknown): { id: number | string | null; reason: string } | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return { id: null, reason: Array.isArray(value) ? 'batches are not supported by the Language Server Protocol' : 'the message is not an object' };
	const message = value as Record<string, unknown>;
	const id = typeof message.id === 'number' || typeof message.id === 'string' ? message.id : null;
	if (message.jsonrpc !== '2.0') return { id, reason: 'jsonrpc must be "2.0"' };
	if ('method' in message) {
		if (typeof message.method !== 'string') return { id, reason: 'method must be a string' };
		if ('id' in message && message.id !== null && typeof message.id !== 'number' && typeof message.id !== 'string') return { id: null, reason: 'id must be a number or a string' };
		if (message.params !== undefined && (typeof message.params !== 'object' || message.params === null)) return { id, reason: 'params must be an object or an array' };
		return undefined;
	}
	if ('result' in message || 'error' in message) return undefined;
	return { id, reason: 'the message has neither a method nor a result' };
}
