/**
Sharing through the URL fragment only: the tabs as JSON, deflated and base64url-encoded after `#v1.`. A fragment is
never sent to a server; the page reads it locally. Decoding is bounded (`maxShareBytes`) and checks every field.
*/
import type { FileKind } from '../../server/src/analysis/files.js';
import type { PlaygroundFile } from './workspace.js';

export const sharePrefix = '#v1.';
/** Largest decompressed share accepted. */
export const maxShareBytes = 4 * 1024 * 1024;
const kinds: readonly FileKind[] = ['compose', 'dotenv', 'navidrome-toml', 'caddyfile', 'nginx', 'traefik'];

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
	const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			throw new Error('share too large');
		}
		chunks.push(value);
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const chunk of chunks) {
		out.set(chunk, at);
		at += chunk.byteLength;
	}
	return out;
}

function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
	const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
	return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The fragment (with `#`) that holds these tabs. */
export async function encodeShare(files: readonly PlaygroundFile[]): Promise<string> {
	const json = JSON.stringify(files.map((file) => (file.kind ? [file.name, file.text, file.kind] : [file.name, file.text])));
	return `${sharePrefix}${toBase64Url(await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw')))}`;
}

/** The tabs in a fragment; `undefined` when it holds no (valid) share. */
export async function decodeShare(fragment: string): Promise<PlaygroundFile[] | undefined> {
	if (!fragment.startsWith(sharePrefix)) return undefined;
	try {
		const bytes = await pipe(fromBase64Url(fragment.slice(sharePrefix.length)), new DecompressionStream('deflate-raw'), maxShareBytes);
		const data: unknown = JSON.parse(new TextDecoder().decode(bytes));
		if (!Array.isArray(data)) return undefined;
		const files: PlaygroundFile[] = [];
		for (const entry of data) {
			if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') return undefined;
			const kind = kinds.includes(entry[2]) ? (entry[2] as FileKind) : undefined;
			files.push(kind ? { name: entry[0], text: entry[1], kind } : { name: entry[0], text: entry[1] });
		}
		return files;
	} catch {
		return undefined;
	}
}
