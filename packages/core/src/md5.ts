/**
MD5 (RFC 1321) in plain TypeScript, for the Subsonic token `md5(password + salt)` of Navidrome's UI payload
(navidrome-extauth.md §6 step 5). Not for anything security-critical; it exists only because the protocol mandates it.
*/

const shifts = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const sines = Array.from({ length: 64 }, (_, index) => Math.floor(Math.abs(Math.sin(index + 1)) * 2 ** 32) >>> 0);

/** UTF-8 bytes of `text`; lone surrogates become U+FFFD, as `TextEncoder` does. */
export function utf8Bytes(text: string): Uint8Array {
	const bytes: number[] = [];
	for (let index = 0; index < text.length; index++) {
		let codePoint = text.charCodeAt(index);
		if (codePoint >= 0xd800 && codePoint <= 0xdbff) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				codePoint = 0x10000 + ((codePoint - 0xd800) << 10) + (next - 0xdc00);
				index++;
			} else {
				codePoint = 0xfffd;
			}
		} else if (codePoint >= 0xdc00 && codePoint <= 0xdfff) {
			codePoint = 0xfffd;
		}
		if (codePoint < 0x80) bytes.push(codePoint);
		else if (codePoint < 0x800) bytes.push(0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f));
		else if (codePoint < 0x10000) bytes.push(0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
		else bytes.push(0xf0 | (codePoint >> 18), 0x80 | ((codePoint >> 12) & 0x3f), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f));
	}
	return Uint8Array.from(bytes);
}

/** MD5 digest of `input` (a string is hashed as UTF-8) as 32 lowercase hex digits. */
export function md5Hex(input: string | Uint8Array): string {
	const message = typeof input === 'string' ? utf8Bytes(input) : input;
	const paddedLength = (((message.length + 8) >>> 6) + 1) << 6;
	const padded = new Uint8Array(paddedLength);
	padded.set(message);
	padded[message.length] = 0x80;
	const view = new DataView(padded.buffer);
	const bitLength = message.length * 8;
	view.setUint32(paddedLength - 8, bitLength >>> 0, true);
	view.setUint32(paddedLength - 4, Math.floor(bitLength / 2 ** 32) >>> 0, true);

	let a0 = 0x67452301;
	let b0 = 0xefcdab89;
	let c0 = 0x98badcfe;
	let d0 = 0x10325476;
	const words = new Uint32Array(16);
	for (let offset = 0; offset < paddedLength; offset += 64) {
		for (let index = 0; index < 16; index++) words[index] = view.getUint32(offset + index * 4, true);
		let a = a0;
		let b = b0;
		let c = c0;
		let d = d0;
		for (let step = 0; step < 64; step++) {
			const round = step >>> 4;
			let mixed: number;
			let wordIndex: number;
			if (round === 0) {
				mixed = (b & c) | (~b & d);
				wordIndex = step;
			} else if (round === 1) {
				mixed = (d & b) | (~d & c);
				wordIndex = (5 * step + 1) & 15;
			} else if (round === 2) {
				mixed = b ^ c ^ d;
				wordIndex = (3 * step + 5) & 15;
			} else {
				mixed = c ^ (b | ~d);
				wordIndex = (7 * step) & 15;
			}
			const sum = (a + mixed + sines[step]! + words[wordIndex]!) >>> 0;
			const shift = shifts[(round << 2) | (step & 3)]!;
			a = d;
			d = c;
			c = b;
			b = (b + ((sum << shift) | (sum >>> (32 - shift)))) >>> 0;
		}
		a0 = (a0 + a) >>> 0;
		b0 = (b0 + b) >>> 0;
		c0 = (c0 + c) >>> 0;
		d0 = (d0 + d) >>> 0;
	}
	const digest = new DataView(new ArrayBuffer(16));
	digest.setUint32(0, a0, true);
	digest.setUint32(4, b0, true);
	digest.setUint32(8, c0, true);
	digest.setUint32(12, d0, true);
	let hex = '';
	for (let index = 0; index < 16; index++) hex += digest.getUint8(index).toString(16).padStart(2, '0');
	return hex;
}
