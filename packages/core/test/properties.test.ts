/**
Property tests: the compiled matcher and `isTrustedSource` against a deliberately plain reference of Go's behaviour
(regular expressions and BigInt arithmetic, sharing no code with src/), plus ipaddr.js as an outside opinion on
well-formed addresses.
*/
import assert from 'node:assert/strict';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parseIp } from '../src/ip.js';
import { compileTrustedSources, isTrustedSource } from '../src/trusted-sources.js';

// ─── Reference implementation ────────────────────────────────────────────────────────────────────

const mappedPrefix = 0xffffn << 32n;
const all128 = (1n << 128n) - 1n;

type RefIp = { v4Syntax: boolean; value: bigint /* 128-bit, IPv4 as ::ffff:a.b.c.d */ };

function refV4(text: string): bigint | undefined {
	if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(text)) return undefined;
	let value = 0n;
	for (const part of text.split('.')) {
		if (part.length > 1 && part.startsWith('0')) return undefined;
		if (Number(part) > 255) return undefined;
		value = (value << 8n) | BigInt(part);
	}
	return value;
}

function refV6(text: string): bigint | undefined {
	let body = text;
	let tail: bigint[] = [];
	if (body.includes('.')) {
		const cut = body.lastIndexOf(':');
		const v4 = refV4(body.slice(cut + 1));
		if (cut < 0 || v4 === undefined) return undefined;
		tail = [v4 >> 16n, v4 & 0xffffn];
		body = body.slice(0, cut + 1);
		// `…::1.2.3.4` leaves `…::`; `…:5:1.2.3.4` leaves `…:5:`, whose trailing colon belonged to the IPv4 part.
		if (!body.endsWith('::')) body = body.slice(0, -1);
	}
	const halves = body.split('::');
	if (halves.length > 2) return undefined;
	const groupsOf = (part: string): bigint[] | undefined => {
		if (part === '') return [];
		const groups = part.split(':');
		if (!groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
		return groups.map((group) => BigInt(`0x${group}`));
	};
	const left = groupsOf(halves[0]!);
	const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
	if (!left || !right) return undefined;
	let groups: bigint[];
	if (halves.length === 2) {
		const missing = 8 - left.length - right.length - tail.length;
		if (missing < 1) return undefined;
		groups = [...left, ...Array<bigint>(missing).fill(0n), ...right, ...tail];
	} else {
		groups = [...left, ...tail];
		if (groups.length !== 8) return undefined;
	}
	return groups.reduce((value, group) => (value << 16n) | group, 0n);
}

function refParseIp(text: string): RefIp | undefined {
	const special = /[.:%]/.exec(text);
	if (!special || special[0] === '%') return undefined;
	if (special[0] === '.') {
		const v4 = refV4(text);
		return v4 === undefined ? undefined : { v4Syntax: true, value: mappedPrefix | v4 };
	}
	if (text.includes('%')) return undefined;
	const v6 = refV6(text);
	return v6 === undefined ? undefined : { v4Syntax: false, value: v6 };
}

function refSplitHost(text: string): string | undefined {
	const last = text.lastIndexOf(':');
	if (last < 0) return undefined;
	if (text.startsWith('[')) {
		const close = text.indexOf(']');
		if (close < 0 || close + 1 !== last) return undefined;
		if (text.slice(1).includes('[') || text.slice(close + 1).includes(']')) return undefined;
		return text.slice(1, close);
	}
	const host = text.slice(0, last);
	if (host.includes(':') || text.includes('[') || text.includes(']')) return undefined;
	return host;
}

function refPeer(text: string): bigint | undefined {
	const direct = refParseIp(text);
	if (direct) return direct.value;
	const host = refSplitHost(text);
	if (!host) return undefined;
	return refParseIp(host)?.value;
}

const isMapped = (value: bigint) => value >> 32n === 0xffffn;

function refContains(entry: string, peer: bigint): boolean {
	const slash = entry.indexOf('/');
	if (slash < 0) return false;
	const address = refParseIp(entry.slice(0, slash));
	const prefixText = entry.slice(slash + 1);
	if (!address || !/^\d+$/.test(prefixText)) return false;
	const prefix = Number(prefixText);
	if (prefix > (address.v4Syntax ? 32 : 128)) return false;
	const bits = address.v4Syntax ? prefix + 96 : prefix;
	const mask = bits === 0 ? 0n : (all128 << BigInt(128 - bits)) & all128;
	const network = address.value & mask;
	// Go: a network is IPv4 when its masked address is v4-mapped; families must match (§3.3).
	if (isMapped(network) !== isMapped(peer)) return false;
	return (peer & mask) === network;
}

function reference(remoteAddr: string, list: string, address: string | undefined): boolean {
	if (list === '' || remoteAddr === '') return false;
	const entries = list.split(',');
	if (remoteAddr === '@' && address !== undefined && address.startsWith('unix:')) return entries.includes('@');
	const peer = refPeer(remoteAddr);
	if (peer === undefined) return false;
	return entries.some((entry) => refContains(entry, peer));
}

// ─── Generators ──────────────────────────────────────────────────────────────────────────────────

const octet = fc.integer({ min: 0, max: 255 });
const v4Value = fc.tuple(octet, octet, octet, octet);
const v4Text = fc.oneof(
	{ weight: 8, arbitrary: v4Value.map((parts) => parts.join('.')) },
	{ weight: 1, arbitrary: v4Value.map((parts) => parts.map((part, index) => (index === 0 ? `0${part}` : String(part))).join('.')) },
	{ weight: 1, arbitrary: fc.constantFrom('10.1', '127.1', '1.2.3.4.5', '256.1.1.1', '1..2.3') },
);
const group = fc.integer({ min: 0, max: 0xffff });
const groups = fc.array(group, { minLength: 8, maxLength: 8 });

function compress(parts: number[], start: number, length: number, upper: boolean, pad: boolean): string {
	const hex = parts.map((part) => {
		const text = part.toString(16);
		const padded = pad ? text.padStart(4, '0') : text;
		return upper ? padded.toUpperCase() : padded;
	});
	if (length === 0) return hex.join(':');
	return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}

const v6Text = fc.oneof(
	{ weight: 6, arbitrary: fc.tuple(groups, fc.nat(8), fc.nat(8), fc.boolean(), fc.boolean()).map(([parts, start, length, upper, pad]) => {
		const from = Math.min(start, 7);
		const run = Math.min(length, 8 - from);
		return compress(parts.map((part, index) => (index >= from && index < from + run ? 0 : part)), from, run, upper, pad);
	}) },
	{ weight: 2, arbitrary: v4Value.map((parts) => `::ffff:${parts.join('.')}`) },
	{ weight: 1, arbitrary: fc.tuple(group, group).map(([high, low]) => `::ffff:${high.toString(16)}:${low.toString(16)}`) },
	{ weight: 1, arbitrary: fc.tuple(groups, v4Value).map(([parts, v4]) => `${parts.slice(0, 6).map((part) => part.toString(16)).join(':')}:${v4.join('.')}`) },
	{ weight: 1, arbitrary: fc.constantFrom('::', '::1', '1::', '00000::1', '02001:db8::1', '5005:0:3003', ':::', '1::2::3', 'fe80::1%eth0', '::1.2.3.4', '::ffff:010.0.0.1', '1:2:3:4:5:6:7::1.2.3.4') },
);
const address = fc.oneof({ weight: 3, arbitrary: v4Text }, { weight: 2, arbitrary: v6Text });
const port = fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), fc.constantFrom('', 'abc', '80:80', ']', '['));

function peerFrom(addr: fc.Arbitrary<string>): fc.Arbitrary<string> {
	return fc.oneof(
		{ weight: 3, arbitrary: addr },
		{ weight: 4, arbitrary: fc.tuple(addr, port).map(([text, p]) => (text.includes(':') ? `[${text}]:${p}` : `${text}:${p}`)) },
		{ weight: 1, arbitrary: fc.tuple(addr, port).map(([text, p]) => `[${text}]:${p}`) },
		{ weight: 1, arbitrary: fc.tuple(addr, port).map(([text, p]) => `${text}:${p}`) },
		{ weight: 1, arbitrary: addr.map((text) => `[${text}]`) },
		{ weight: 1, arbitrary: fc.constantFrom('@', '', ' 10.0.0.1', '::1:80', '[fe80::1%eth0]:80') },
	);
}

const prefix = fc.oneof(
	{ weight: 8, arbitrary: fc.integer({ min: 0, max: 130 }).map(String) },
	{ weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((value) => `0${value}`) },
	{ weight: 1, arbitrary: fc.constantFrom('', '+8', '8/8', ' 8', '99999999999', '8a') },
);

function entryFrom(addr: fc.Arbitrary<string>): fc.Arbitrary<string> {
	return fc.oneof(
		{ weight: 8, arbitrary: fc.tuple(addr, prefix).map(([text, p]) => `${text}/${p}`) },
		{ weight: 1, arbitrary: addr },
		{ weight: 1, arbitrary: fc.tuple(addr, prefix, fc.constantFrom(' ', '\t', '\n')).map(([text, p, space]) => `${space}${text}/${p}`) },
		{ weight: 1, arbitrary: fc.tuple(addr, addr).map(([a, b]) => `${a}/32;${b}/32`) },
		{ weight: 1, arbitrary: fc.constantFrom('', '@', ' @', '::ffff:0:0/96', '0.0.0.0/0', '::/0', '::ffff:0:0/95', 'localhost/32', '[::1]/128', '*') },
		{ weight: 1, arbitrary: fc.string({ maxLength: 12 }).filter((text) => !text.includes(',')) },
	);
}

/** Lists and peers drawn from one small pool of addresses, so that hits are common. */
const scenario = fc
	.array(address, { minLength: 1, maxLength: 4 })
	.chain((pool) => {
		const fromPool = fc.constantFrom(...pool);
		const near = fc.oneof({ weight: 2, arbitrary: fromPool }, { weight: 1, arbitrary: address });
		return fc.record({
			list: fc.array(entryFrom(near), { minLength: 0, maxLength: 6 }).map((entries) => entries.join(',')),
			peers: fc.array(peerFrom(near), { minLength: 1, maxLength: 6 }),
			address: fc.constantFrom(undefined, '0.0.0.0', 'unix:/run/nd.sock', 'unix:', 'UNIX:/x'),
		});
	});

// ─── Properties ──────────────────────────────────────────────────────────────────────────────────

describe('properties', () => {
	it('should agree with the plain reference on generated lists and peers', () => {
		fc.assert(
			fc.property(scenario, ({ list, peers, address: socket }) => {
				const options = socket === undefined ? undefined : { address: socket };
				const matcher = compileTrustedSources(list, options);
				for (const peer of peers) {
					const expected = reference(peer, list, socket);
					assert.equal(isTrustedSource(peer, list, options), expected, `isTrustedSource(${JSON.stringify(peer)}, ${JSON.stringify(list)})`);
					assert.equal(matcher.matches(peer), expected, `compiled(${JSON.stringify(list)}).matches(${JSON.stringify(peer)})`);
				}
			}),
			{ numRuns: 1500 },
		);
	});

	it('should agree with the reference on IP literals and with ipaddr.js on well-formed ones', () => {
		fc.assert(
			fc.property(address, (text) => {
				const ours = parseIp(text);
				const expected = refParseIp(text);
				assert.equal(ours === undefined, expected === undefined, text);
				if (!ours || !expected) return;
				const value = ours.family === 'ipv4' ? mappedPrefix | ours.value : ours.value;
				assert.equal(value, expected.value, text);
				// ipaddr.js reads IPv4-compatible `::1.2.3.4` as v4-mapped; Go does not, so mixed forms skip this check.
				if (text.includes('.') && text.includes(':')) return;
				const bytes = ipaddr.parse(text).toByteArray();
				const outside = bytes.reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
				assert.equal(ours.value, outside, `ipaddr.js on ${text}`);
			}),
			{ numRuns: 1500 },
		);
	});

	it('should agree with the reference on arbitrary text over the address alphabet', () => {
		const alphabet = fc.constantFrom('0', '1', '9', 'a', 'F', 'ffff', '00000', '255', '256', '.', ':', '::', '[', ']', '%', '/', '8');
		fc.assert(
			fc.property(fc.array(alphabet, { maxLength: 24 }).map((parts) => parts.join('')), (text) => {
				const ours = parseIp(text);
				const expected = refParseIp(text);
				assert.equal(ours === undefined, expected === undefined, text);
				if (ours && expected) assert.equal(ours.family === 'ipv4' ? mappedPrefix | ours.value : ours.value, expected.value, text);
				assert.equal(isTrustedSource(text, '0.0.0.0/0,::/0'), refPeer(text) !== undefined, `peer ${text}`);
			}),
			{ numRuns: 3000 },
		);
	});

	it('should explain every entry consistently with the matcher', () => {
		fc.assert(
			fc.property(fc.array(entryFrom(address), { minLength: 1, maxLength: 6 }), fc.constantFrom(undefined, '0.0.0.0', 'unix:/x'), (entries, socket) => {
				const list = entries.join(',');
				const explained = compileTrustedSources(list, socket === undefined ? undefined : { address: socket }).entries;
				assert.equal(explained.map((entry) => entry.text).join(','), list);
				for (const entry of explained) {
					assert.equal(list.slice(entry.start, entry.end), entry.text);
					const parses = refParsesCidr(entry.text);
					if (entry.kind === 'cidr') {
						assert.equal(entry.honoured, true);
						assert.ok(parses, `${entry.text} is a CIDR for the reference too`);
						const cidr = entry.cidr!;
						const bits = cidr.family === 'ipv4' ? 32 : 128;
						assert.equal(cidr.addressCount, 1n << BigInt(bits - cidr.prefixLength));
						// IPv6 ranges over ::ffff:0:0/96 hold addresses that are compared as IPv4 and so never match.
						for (const edge of [cidr.first, cidr.last]) assert.equal(isTrustedSource(edge, entry.text), cidr.family === 'ipv4' || !isMapped(refParseIp(edge)!.value), `${edge} in ${entry.text}`);
					} else {
						assert.equal(entry.cidr, undefined);
						assert.ok(!parses, `${entry.text} is no CIDR for the reference either`);
					}
					if (!entry.honoured) assert.ok(entry.problem && entry.message, `${entry.text} has a problem and a message`);
					for (const part of entry.suggestion?.split(',') ?? []) assert.ok(part === '@' || refParsesCidr(part), `suggestion part ${part} is valid`);
				}
			}),
			{ numRuns: 800 },
		);
	});
});

/** Whether the reference accepts `entry` as a CIDR (Go's ParseCIDR succeeds). */
function refParsesCidr(entry: string): boolean {
	const slash = entry.indexOf('/');
	if (slash < 0) return false;
	const parsed = refParseIp(entry.slice(0, slash));
	const prefixText = entry.slice(slash + 1);
	return parsed !== undefined && /^\d+$/.test(prefixText) && Number(prefixText) <= (parsed.v4Syntax ? 32 : 128);
}
