/**
IP literal parsing with Go's exact grammar (netip.ParseAddr, as used by net.ParseIP and net.ParseCIDR), plus
the `RemoteAddr` forms Navidrome accepts. The scanners work on char codes over a slice of a string and write into
caller-provided words, so the trust matcher's hot path allocates nothing. Everything else in the package reuses them.

Facts: navidrome-extauth.md §3.1 (grammar), §3.2 (peer forms), §3.3 (IPv4-mapped comparison).
*/
import type { IpFamily } from './types.js';

/** Accept IPv4 octets with leading zeros (`010`): Go < 1.17. Only for diagnosing rejected text. */
export const lenientLeadingZero = 1;
/** Accept IPv6 groups of more than 4 hex digits whose value fits 16 bits: Go 1.19. Only for diagnosing. */
export const lenientLongGroup = 2;

/** Family code returned by the scanners: 0 = invalid. */
export const familyNone = 0;
export const familyV4 = 4;
export const familyV6 = 6;

const dot = 0x2e;
const colon = 0x3a;
const percent = 0x25;
const openBracket = 0x5b;
const closeBracket = 0x5d;

// Hex digit values by char code (-1 for anything else), so the IPv6 scanner does one lookup per character.
const hexDigits = new Int8Array(128).fill(-1);
for (let code = 0; code < 128; code++) {
	if (code >= 0x30 && code <= 0x39) hexDigits[code] = code - 0x30;
	else if (code >= 0x61 && code <= 0x66) hexDigits[code] = code - 0x57;
	else if (code >= 0x41 && code <= 0x46) hexDigits[code] = code - 0x37;
}

function hexValue(code: number): number {
	return code < 128 ? hexDigits[code]! : -1;
}

/**
Parse the dotted quad `text[start, end)` exactly as Go's `parseIPv4Fields`: four decimal fields 0-255, no leading
zeros, nothing else. Returns the address as an unsigned 32-bit number, or -1.
*/
export function scanIpv4(text: string, start: number, end: number, lenient = 0): number {
	let value = 0;
	let field = 0;
	let digits = 0;
	let fields = 0;
	for (let index = start; index < end; index++) {
		const code = text.charCodeAt(index);
		if (code >= 0x30 && code <= 0x39) {
			if (digits === 1 && field === 0 && (lenient & lenientLeadingZero) === 0) return -1;
			field = field * 10 + code - 0x30;
			digits++;
			if (field > 255) return -1;
		} else if (code === dot) {
			if (index === start || index === end - 1 || text.charCodeAt(index - 1) === dot) return -1;
			if (fields === 3) return -1;
			value = value * 256 + field;
			fields++;
			field = 0;
			digits = 0;
		} else {
			return -1;
		}
	}
	if (fields < 3) return -1;
	return value * 256 + field;
}

/** Read 16-bit group `index` (0-7) of four big-endian words. */
function getGroup(words: Uint32Array, index: number): number {
	const word = words[index >> 1]!;
	return index & 1 ? word & 0xffff : word >>> 16;
}

/** Write 16-bit group `index` of four big-endian words, keeping the other half of its word. */
function setGroup(words: Uint32Array, index: number, value: number): void {
	const word = words[index >> 1]!;
	words[index >> 1] = index & 1 ? (word & 0xffff0000) | value : (value << 16) | (word & 0xffff);
}

/**
Parse the IPv6 literal `text[start, end)` exactly as Go's netip `parseIPv6` without a zone (a `%` is simply an
invalid character here, which is what net.ParseIP and net.ParseCIDR make of zones). Writes the 128 bits as four
big-endian 32-bit words into `out`; returns false (leaving `out` undefined) when the text is not a literal.
Groups go straight into `out`; only a `::` moves the groups after it, at the end.
*/
export function scanIpv6(text: string, start: number, end: number, out: Uint32Array, lenient = 0): boolean {
	let position = start;
	let ellipsis = -1;
	let count = 0;
	if (end - position >= 2 && text.charCodeAt(position) === colon && text.charCodeAt(position + 1) === colon) {
		ellipsis = 0;
		position += 2;
		if (position === end) {
			out[0] = out[1] = out[2] = out[3] = 0;
			return true;
		}
	}
	for (;;) {
		const fieldStart = position;
		let digits = 0;
		let accumulator = 0;
		let code = 0;
		while (position < end) {
			code = text.charCodeAt(position);
			const value = hexValue(code);
			if (value < 0) break;
			// Four digits cannot exceed 0xffff; only the lenient long-group mode needs the overflow check.
			if (++digits > 4 && ((lenient & lenientLongGroup) === 0 || accumulator > 0xfff)) return false;
			accumulator = (accumulator << 4) | value;
			position++;
		}
		if (digits === 0) return false;
		if (position < end && code === dot) {
			// A trailing dotted IPv4 fills the last 32 bits (or sits before an earlier `::`).
			if ((ellipsis < 0 && count !== 6) || count > 6) return false;
			const v4 = scanIpv4(text, fieldStart, end, lenient);
			if (v4 < 0) return false;
			setGroup(out, count++, v4 >>> 16);
			setGroup(out, count++, v4 & 0xffff);
			break;
		}
		setGroup(out, count++, accumulator);
		if (position === end) break;
		// Go: the group must be followed by `:` and more text, and there is no room after eight groups.
		if (code !== colon || count === 8 || ++position === end) return false;
		if (text.charCodeAt(position) === colon) {
			if (ellipsis >= 0) return false;
			ellipsis = count;
			if (++position === end) break;
		}
	}
	if (count < 8) {
		if (ellipsis < 0) return false;
		const shift = 8 - count;
		for (let index = count - 1; index >= ellipsis; index--) setGroup(out, index + shift, getGroup(out, index));
		for (let index = ellipsis; index < ellipsis + shift; index++) setGroup(out, index, 0);
	} else if (ellipsis >= 0) {
		// `::` must stand for at least one zero group.
		return false;
	}
	return true;
}

/**
Go's `netip.ParseAddr` without zones over `text[start, end)`: the first `.`, `:` or `%` decides the grammar.
Writes the 16-byte form (IPv4 as `::ffff:a.b.c.d`, like Go's `As16`) into `out` and returns the family as written
(`familyV4` for a dotted quad, `familyV6` for anything in IPv6 syntax) or `familyNone`.
*/
export function scanIp(text: string, start: number, end: number, out: Uint32Array, lenient = 0): number {
	for (let index = start; index < end; index++) {
		const code = text.charCodeAt(index);
		if (code === dot) {
			const v4 = scanIpv4(text, start, end, lenient);
			if (v4 < 0) return familyNone;
			out[0] = 0;
			out[1] = 0;
			out[2] = 0xffff;
			out[3] = v4;
			return familyV4;
		}
		if (code === colon) return scanIpv6(text, start, end, out, lenient) ? familyV6 : familyNone;
		if (code === percent) return familyNone;
	}
	return familyNone;
}

/** Whether 16-byte words are IPv4-mapped (`::ffff:a.b.c.d`), which Go's `To4` compares as IPv4 (§3.3). */
export function isV4MappedWords(words: Uint32Array): boolean {
	return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

// Where `splitHostPort` found the host; module-level so the hot path allocates nothing.
const hostSpan = { start: 0, end: 0 };

/** Go's `net.SplitHostPort(text)`: on success the host is `text[hostSpan.start, hostSpan.end)`. Ports are not validated. */
function splitHostPort(text: string): boolean {
	const last = text.lastIndexOf(':');
	if (last < 0) return false;
	let afterOpen = 0;
	let afterClose = 0;
	if (text.charCodeAt(0) === openBracket) {
		const close = text.indexOf(']');
		// Go wants the first `]` immediately before the last `:` (so `[::1]` and `[::1]:80:80` fail).
		if (close < 0 || close + 1 !== last) return false;
		hostSpan.start = 1;
		hostSpan.end = close;
		afterOpen = 1;
		afterClose = close + 1;
	} else {
		if (text.indexOf(':') !== last) return false;
		hostSpan.start = 0;
		hostSpan.end = last;
	}
	if (text.indexOf('[', afterOpen) >= 0) return false;
	return text.indexOf(']', afterClose) < 0;
}

/**
Navidrome's peer handling (validateIPAgainstList steps 4-6, §3.2): the whole text if it is an IP literal, else the
host of `SplitHostPort`, which must then be an IP literal. Writes the 16-byte form into `out` and returns the family
as written, or `familyNone`; compare as IPv4 (value in `out[3]`) when `isV4MappedWords(out)`, which also holds for
written IPv4. Zones, brackets without a port and `@` give `familyNone`.
*/
export function scanRemoteAddr(text: string, out: Uint32Array): number {
	const length = text.length;
	if (length === 0) return familyNone;
	const first = text.charCodeAt(0);
	if (first >= 0x30 && first <= 0x39 && scanIpv4Peer(text, length, out)) return familyV4;
	if (first === openBracket) return scanBracketedPeer(text, length, out);
	let family = scanIp(text, 0, length, out);
	if (family === familyNone) {
		if (!splitHostPort(text) || hostSpan.start === hostSpan.end) return familyNone;
		family = scanIp(text, hostSpan.start, hostSpan.end, out);
	}
	return family;
}

/**
`[host]:port`: text starting with `[` is never an IP literal, so this is Go's SplitHostPort bracket branch alone. The
first `]` must be followed by the last `:`, and the port may hold no `[` or `]`; a `[` inside the host fails the IP
scan anyway.
*/
function scanBracketedPeer(text: string, length: number, out: Uint32Array): number {
	const close = text.indexOf(']');
	if (close < 0 || close + 1 >= length || text.charCodeAt(close + 1) !== colon) return familyNone;
	for (let position = close + 2; position < length; position++) {
		const code = text.charCodeAt(position);
		if (code === colon || code === openBracket || code === closeBracket) return familyNone;
	}
	return scanIp(text, 1, close, out);
}

/**
One-pass fast path for `a.b.c.d` and `a.b.c.d:port`, the forms Go's net/http produces for IPv4 peers. It only
answers `true` when the general path would give the same address; on `false` the caller runs the general path.
*/
function scanIpv4Peer(text: string, length: number, out: Uint32Array): boolean {
	let value = 0;
	let field = 0;
	let digits = 0;
	let dots = 0;
	let index = 0;
	for (; index < length; index++) {
		const code = text.charCodeAt(index);
		if (code >= 0x30 && code <= 0x39) {
			if (digits === 1 && field === 0) return false;
			field = field * 10 + code - 0x30;
			digits++;
			if (field > 255) return false;
		} else if (code === dot) {
			if (digits === 0 || dots === 3) return false;
			value = value * 256 + field;
			dots++;
			field = 0;
			digits = 0;
		} else if (code === colon) {
			break;
		} else {
			return false;
		}
	}
	if (dots !== 3 || digits === 0) return false;
	// SplitHostPort fails when the port holds another `:` or any bracket.
	for (let position = index + 1; position < length; position++) {
		const code = text.charCodeAt(position);
		if (code === colon || code === openBracket || code === closeBracket) return false;
	}
	out[0] = 0;
	out[1] = 0;
	out[2] = 0xffff;
	out[3] = value * 256 + field;
	return true;
}

// ─── Friendly helpers (allocate; not for the hot path) ───────────────────────────────────────────

/** An IP literal as Go reads it. */
export type ParsedIp = {
	/** As written: a dotted quad is `ipv4`; anything in IPv6 syntax (also `::ffff:1.2.3.4`) is `ipv6`. */
	family: IpFamily;
	/** As Navidrome compares it: IPv4-mapped IPv6 compares as `ipv4` (§3.3). */
	comparedFamily: IpFamily;
	/** The 32-bit (written `ipv4`) or 128-bit (written `ipv6`) value. */
	value: bigint;
	/** The value in the compared family (the low 32 bits for IPv4-mapped addresses). */
	comparedValue: bigint;
};

// Scratch for the friendly helpers below; they copy what they return out of it.
const friendlyScratch = new Uint32Array(4);

/** Convert four 32-bit words to a 128-bit BigInt. */
export function wordsToBigInt(words: ArrayLike<number>): bigint {
	return (BigInt(words[0]!) << 96n) | (BigInt(words[1]!) << 64n) | (BigInt(words[2]!) << 32n) | BigInt(words[3]!);
}

/** Write a 128-bit BigInt into four 32-bit words. */
export function bigIntToWords(value: bigint, out: Uint32Array): Uint32Array {
	out[0] = Number((value >> 96n) & 0xffffffffn);
	out[1] = Number((value >> 64n) & 0xffffffffn);
	out[2] = Number((value >> 32n) & 0xffffffffn);
	out[3] = Number(value & 0xffffffffn);
	return out;
}

function toParsed(family: number, words: Uint32Array): ParsedIp {
	const mapped = isV4MappedWords(words);
	const low = BigInt(words[3]!);
	if (family === familyV4) return { family: 'ipv4', comparedFamily: 'ipv4', value: low, comparedValue: low };
	const value = wordsToBigInt(words);
	return { family: 'ipv6', comparedFamily: mapped ? 'ipv4' : 'ipv6', value, comparedValue: mapped ? low : value };
}

/**
Parse an IP literal with Go's rules (net.ParseIP in current Go): strict dotted quads, RFC 4291 IPv6 with at most
4 hex digits per group, no zones, no brackets, no surrounding space. Returns `undefined` for anything else,
including non-strings.
*/
export function parseIp(text: unknown): ParsedIp | undefined {
	if (typeof text !== 'string') return undefined;
	const family = scanIp(text, 0, text.length, friendlyScratch);
	return family === familyNone ? undefined : toParsed(family, friendlyScratch);
}

/**
Parse a raw `RemoteAddr` the way Navidrome does before the trust check (§3.2): `ip`, `ip:port`, `[v6]:port`,
`[10.0.0.1]:80`; ports are not validated; `::1:80` is the IPv6 literal. `undefined` when Navidrome cannot use it.
*/
export function parseRemoteAddr(text: unknown): ParsedIp | undefined {
	if (typeof text !== 'string') return undefined;
	const family = scanRemoteAddr(text, friendlyScratch);
	return family === familyNone ? undefined : toParsed(family, friendlyScratch);
}

/**
The host text Navidrome checks for a `RemoteAddr` (§3.2): the whole text when it is an IP literal, else the host of
Go's `SplitHostPort` (which may still be invalid, e.g. `fe80::1%eth0`), or `undefined` when splitting fails.
*/
export function remoteAddrHost(text: unknown): string | undefined {
	if (typeof text !== 'string') return undefined;
	if (scanIp(text, 0, text.length, friendlyScratch) !== familyNone) return text;
	return splitHostPort(text) ? text.slice(hostSpan.start, hostSpan.end) : undefined;
}

/** `a.b.c.d` for an unsigned 32-bit value. */
export function formatIpv4(value: number | bigint): string {
	const number = Number(value);
	return `${Math.floor(number / 0x1000000) % 256}.${Math.floor(number / 0x10000) % 256}.${Math.floor(number / 0x100) % 256}.${number % 256}`;
}

/** RFC 5952 text (lower-case hex, longest zero run of 2+ groups as `::`, first one on ties) for a 128-bit value. */
export function formatIpv6(value: bigint): string {
	const parts: number[] = [];
	for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(Number((value >> shift) & 0xffffn));
	let bestStart = -1;
	let bestLength = 1;
	for (let index = 0; index < 8; ) {
		if (parts[index] !== 0) {
			index++;
			continue;
		}
		let runEnd = index;
		while (runEnd < 8 && parts[runEnd] === 0) runEnd++;
		if (runEnd - index > bestLength) {
			bestStart = index;
			bestLength = runEnd - index;
		}
		index = runEnd;
	}
	const hex = parts.map((part) => part.toString(16));
	if (bestStart < 0) return hex.join(':');
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Text for a value of the given family: dotted quad for `ipv4`, RFC 5952 for `ipv6`. */
export function formatIp(family: IpFamily, value: bigint): string {
	return family === 'ipv4' ? formatIpv4(value) : formatIpv6(value);
}
