/**
Navidrome's `id.NewRandom()`: 22 characters over `[0-9A-Za-z]` from a cryptographic source (navidrome-extauth.md §6,
version history: v0.55.0+). Uniform by rejection sampling: a byte is used only below 248 = 4 × 62, so `byte % 62`
favours no character.
*/
import type { RandomFill } from './types.js';

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const acceptBelow = 256 - (256 % alphabet.length);
/** With an honest source a round rejects everything with probability (8/256)^44; many rounds means a broken source. */
const maxRounds = 32;

type WebCryptoLike = { getRandomValues?: (bytes: Uint8Array) => unknown };

/** The global Web Crypto filler, or `undefined` when the runtime has none. */
export function defaultRandomFill(): RandomFill | undefined {
	const webCrypto = (globalThis as { crypto?: WebCryptoLike }).crypto;
	const getRandomValues = webCrypto?.getRandomValues;
	return typeof getRandomValues === 'function' ? bytes => getRandomValues.call(webCrypto, bytes) : undefined;
}

/** Fill `count` random bytes; throws when no source is available or the source throws. */
export function randomBytes(count: number, fill: RandomFill | undefined = defaultRandomFill()): Uint8Array {
	if (fill === undefined) throw new Error('No crypto.getRandomValues in this runtime.');
	const bytes = new Uint8Array(count);
	fill(bytes);
	return bytes;
}

/** A new random id like Navidrome's `id.NewRandom()`. Throws when the random source is missing or broken. */
export function newRandomId(fill: RandomFill | undefined = defaultRandomFill(), length = 22): string {
	let id = '';
	for (let round = 0; round < maxRounds && id.length < length; round++) {
		const bytes = randomBytes(2 * (length - id.length), fill);
		for (const byte of bytes) {
			if (byte >= acceptBelow) continue;
			id += alphabet[byte % alphabet.length];
			if (id.length === length) break;
		}
	}
	if (id.length < length) throw new Error('The random source keeps returning unusable bytes.');
	return id;
}
