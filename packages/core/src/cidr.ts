/**
Go's `net.ParseCIDR` and `IPNet.Contains`, reproduced for Navidrome's trust check (navidrome-extauth.md §3.1, §3.3).

The scanning functions allocate nothing (the per-request re-parse in `isTrustedSource` uses them); `parseCidr`
is the friendly, allocating form for analysis code.
*/
import { familyNone, familyV4, isV4MappedWords, scanIp, wordsToBigInt } from './ip.js';
import type { IpFamily } from './types.js';

const slash = 0x2f;
// Go's dtoi gives up at 0xFFFFFF; any value that large is invalid anyway, so a small cap keeps numbers exact.
const prefixCap = 0xffffff;

/** The mask word for `bits` leading one bits (clamped to 0-32). */
export function maskBits(bits: number): number {
	if (bits <= 0) return 0;
	if (bits >= 32) return 0xffffffff;
	return (0xffffffff << (32 - bits)) >>> 0;
}

/**
Parse `text[start, end)` as Go's `net.ParseCIDR`: cut at the first `/`, the address must be an IP literal without a
zone, the prefix one or more ASCII digits (leading zeros fine) and at most 32 for a dotted quad or 128 for IPv6 syntax.
Writes the **unmasked** 16-byte address into `out`. Returns `family * 256 + prefix` (family 4 or 6 as written), or
-1 when Go would return an error.
*/
export function scanCidr(text: string, start: number, end: number, out: Uint32Array): number {
	let cut = -1;
	for (let index = start; index < end; index++) {
		if (text.charCodeAt(index) === slash) {
			cut = index;
			break;
		}
	}
	if (cut < 0 || cut + 1 === end) return -1;
	let prefix = 0;
	for (let index = cut + 1; index < end; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x30 || code > 0x39) return -1;
		prefix = prefix * 10 + code - 0x30;
		if (prefix >= prefixCap) return -1;
	}
	const family = scanIp(text, start, cut, out);
	if (family === familyNone) return -1;
	if (prefix > (family === familyV4 ? 32 : 128)) return -1;
	return family * 256 + prefix;
}

/**
Reduce a parsed CIDR to what `IPNet.Contains` compares (§3.3): a dotted quad is IPv4; an IPv6 network whose
**masked** address is still IPv4-mapped (prefix ≥ 96 on `::ffff:…`) is IPv4 with the last 32 mask bits. Overwrites
`words` with the masked network and returns the compared prefix, negated-minus-one for IPv6 (so `>= 0` means IPv4
with the network in `words[3]`, `< 0` means IPv6 with prefix `-result - 1`).
*/
export function reduceNetwork(family: number, prefix: number, words: Uint32Array): number {
	if (family === familyV4) {
		words[3] = (words[3]! & maskBits(prefix)) >>> 0;
		return prefix;
	}
	for (let index = 0; index < 4; index++) words[index] = (words[index]! & maskBits(prefix - 32 * index)) >>> 0;
	return isV4MappedWords(words) ? prefix - 96 : -prefix - 1;
}

/** `IPNet.Contains` for an IPv4 network and a peer compared as IPv4. */
export function v4Contains(network: number, prefix: number, peer: number): boolean {
	return ((network ^ peer) & maskBits(prefix)) === 0;
}

/** `IPNet.Contains` for an IPv6 network (masked words) and a peer compared as IPv6. */
export function v6Contains(network: Uint32Array, prefix: number, peer: Uint32Array): boolean {
	for (let index = 0; index < 4; index++) {
		const mask = maskBits(prefix - 32 * index);
		if (mask === 0) return true;
		if (((network[index]! ^ peer[index]!) & mask) !== 0) return false;
	}
	return true;
}

/** A CIDR as Go parses it, with the range Navidrome actually compares against. */
export type CidrNetwork = {
	/** As written: dotted quad → `ipv4`, IPv6 syntax (also `::ffff:10.0.0.0/104`) → `ipv6`. */
	family: IpFamily;
	/** The prefix as written. */
	prefix: number;
	/** The address as written, host bits included (32-bit for `ipv4`, 128-bit for `ipv6`). */
	address: bigint;
	/** The network with host bits cleared, in the written family. */
	network: bigint;
	/** What Navidrome compares it as (§3.3). */
	comparedFamily: IpFamily;
	comparedPrefix: number;
	/** First and last address covered, in the compared family. */
	first: bigint;
	last: bigint;
};

// Reused by parseCidr, which copies everything it returns out of it.
const scratch = new Uint32Array(4);

/** Parse a CIDR exactly as Go's `net.ParseCIDR` (current Go); `undefined` for anything Go rejects or non-strings. */
export function parseCidr(text: unknown): CidrNetwork | undefined {
	if (typeof text !== 'string') return undefined;
	const words = scratch;
	const result = scanCidr(text, 0, text.length, words);
	if (result < 0) return undefined;
	const writtenFamily = result >> 8;
	const prefix = result & 0xff;
	const address = writtenFamily === familyV4 ? BigInt(words[3]!) : wordsToBigInt(words);
	const compared = reduceNetwork(writtenFamily, prefix, words);
	const network = writtenFamily === familyV4 ? BigInt(words[3]!) : wordsToBigInt(words);
	if (compared >= 0) {
		const first = BigInt(words[3]!);
		return {
			family: writtenFamily === familyV4 ? 'ipv4' : 'ipv6',
			prefix,
			address,
			network,
			comparedFamily: 'ipv4',
			comparedPrefix: compared,
			first,
			last: first + (1n << BigInt(32 - compared)) - 1n,
		};
	}
	const comparedPrefix = -compared - 1;
	return {
		family: 'ipv6',
		prefix,
		address,
		network,
		comparedFamily: 'ipv6',
		comparedPrefix,
		first: network,
		last: network + (1n << BigInt(128 - comparedPrefix)) - 1n,
	};
}
