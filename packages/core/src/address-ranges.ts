/**
What kind of address space a range covers: the IANA special-purpose registries (RFC 6890 and successors) and the
Docker default address pools (proxies.md §7), as tables. A lookup uses the most specific table entry that contains
the address, so exceptions (a globally reachable /32 inside a non-global /24) are just more specific rows.
*/
import { parseCidr } from './cidr.js';
import { formatIpv4, parseIp } from './ip.js';
import type { IpFamily } from './types.js';

export type AddressKind =
	| 'public'
	| 'private'
	| 'loopback'
	| 'link-local'
	| 'shared'
	| 'unspecified'
	| 'this-network'
	| 'documentation'
	| 'benchmarking'
	| 'multicast'
	| 'reserved'
	| 'broadcast'
	| 'unique-local'
	| 'ipv4-mapped'
	| 'protocol-assignments'
	| 'nat64'
	| 'discard';

/** A classification of one address, for hovers and messages. */
export type AddressDescription = {
	kind: AddressKind;
	/** Short human label, e.g. `private (RFC 1918)`. */
	label: string;
	/** Globally reachable on the internet. */
	global: boolean;
	/** The table range the address falls in, e.g. `10.0.0.0/8`. */
	range: string;
};

type Row = { cidr: string; kind: AddressKind; label: string; global: boolean };

// IPv4 special-purpose ranges; everything else is public unicast.
const ipv4Rows: Row[] = [
	{ cidr: '0.0.0.0/0', kind: 'public', label: 'public', global: true },
	{ cidr: '0.0.0.0/8', kind: 'this-network', label: '"this network" (RFC 1122)', global: false },
	{ cidr: '0.0.0.0/32', kind: 'unspecified', label: 'unspecified', global: false },
	{ cidr: '10.0.0.0/8', kind: 'private', label: 'private (RFC 1918)', global: false },
	{ cidr: '100.64.0.0/10', kind: 'shared', label: 'carrier-grade NAT shared space (RFC 6598)', global: false },
	{ cidr: '127.0.0.0/8', kind: 'loopback', label: 'loopback', global: false },
	{ cidr: '169.254.0.0/16', kind: 'link-local', label: 'link-local', global: false },
	{ cidr: '172.16.0.0/12', kind: 'private', label: 'private (RFC 1918)', global: false },
	{ cidr: '192.0.0.0/24', kind: 'protocol-assignments', label: 'IETF protocol assignments (RFC 6890)', global: false },
	{ cidr: '192.0.0.9/32', kind: 'public', label: 'PCP anycast (RFC 7723)', global: true },
	{ cidr: '192.0.0.10/32', kind: 'public', label: 'TURN anycast (RFC 8155)', global: true },
	{ cidr: '192.0.2.0/24', kind: 'documentation', label: 'documentation (TEST-NET-1)', global: false },
	{ cidr: '192.168.0.0/16', kind: 'private', label: 'private (RFC 1918)', global: false },
	{ cidr: '198.18.0.0/15', kind: 'benchmarking', label: 'benchmarking (RFC 2544)', global: false },
	{ cidr: '198.51.100.0/24', kind: 'documentation', label: 'documentation (TEST-NET-2)', global: false },
	{ cidr: '203.0.113.0/24', kind: 'documentation', label: 'documentation (TEST-NET-3)', global: false },
	{ cidr: '224.0.0.0/4', kind: 'multicast', label: 'multicast', global: false },
	{ cidr: '240.0.0.0/4', kind: 'reserved', label: 'reserved (240/4)', global: false },
	{ cidr: '255.255.255.255/32', kind: 'broadcast', label: 'limited broadcast', global: false },
];

// IPv6: only 2000::/3 (and the NAT64 well-known prefix) is allocated global unicast; the rest is reserved or special.
// `::ffff:0:0/96` never matches as IPv6 in Navidrome, since such peers are compared as IPv4 (§3.3).
const ipv6Rows: Row[] = [
	{ cidr: '::/0', kind: 'reserved', label: 'reserved by IANA (not global unicast)', global: false },
	{ cidr: '::/128', kind: 'unspecified', label: 'unspecified', global: false },
	{ cidr: '::1/128', kind: 'loopback', label: 'loopback', global: false },
	{ cidr: '::ffff:0:0/96', kind: 'ipv4-mapped', label: 'IPv4-mapped (compared as IPv4)', global: false },
	{ cidr: '64:ff9b::/96', kind: 'nat64', label: 'NAT64 well-known prefix (RFC 6052)', global: true },
	{ cidr: '64:ff9b:1::/48', kind: 'nat64', label: 'local-use NAT64 (RFC 8215)', global: false },
	{ cidr: '100::/64', kind: 'discard', label: 'discard-only (RFC 6666)', global: false },
	{ cidr: '2000::/3', kind: 'public', label: 'global unicast', global: true },
	{ cidr: '2001::/23', kind: 'protocol-assignments', label: 'IETF protocol assignments (RFC 2928)', global: false },
	{ cidr: '2001:1::1/128', kind: 'public', label: 'Port Control Protocol anycast (RFC 7723)', global: true },
	{ cidr: '2001:1::2/128', kind: 'public', label: 'TURN anycast (RFC 8155)', global: true },
	{ cidr: '2001:1::3/128', kind: 'public', label: 'DNS-SD service registration anycast (RFC 9665)', global: true },
	{ cidr: '2001:3::/32', kind: 'public', label: 'AMT (RFC 7450)', global: true },
	{ cidr: '2001:4:112::/48', kind: 'public', label: 'AS112-v6 (RFC 7535)', global: true },
	{ cidr: '2001:20::/28', kind: 'public', label: 'ORCHIDv2 (RFC 7343)', global: true },
	{ cidr: '2001:30::/28', kind: 'public', label: 'drone remote ID (RFC 9374)', global: true },
	{ cidr: '2001:db8::/32', kind: 'documentation', label: 'documentation (RFC 3849)', global: false },
	{ cidr: '3fff::/20', kind: 'documentation', label: 'documentation (RFC 9637)', global: false },
	{ cidr: 'fc00::/7', kind: 'unique-local', label: 'unique local (RFC 4193)', global: false },
	{ cidr: 'fe80::/10', kind: 'link-local', label: 'link-local', global: false },
	{ cidr: 'ff00::/8', kind: 'multicast', label: 'multicast', global: false },
];

type Range = Row & { first: bigint; last: bigint; prefix: number };

function compile(rows: Row[]): Range[] {
	return rows.map((row) => {
		const network = parseCidr(row.cidr)!;
		return { ...row, first: network.network, last: network.last, prefix: network.prefix };
	});
}

// Rows are parsed in their written family; the v4-mapped IPv6 row keeps 128-bit bounds on purpose.
const ipv4Ranges = compile(ipv4Rows);
const ipv6Ranges = compile(ipv6Rows).map((range) =>
	range.cidr === '::ffff:0:0/96' ? { ...range, first: 0xffff00000000n, last: 0xffffffffffffn } : range,
);

function rangesOf(family: IpFamily): Range[] {
	return family === 'ipv4' ? ipv4Ranges : ipv6Ranges;
}

function mostSpecific(family: IpFamily, value: bigint): Range {
	let best: Range | undefined;
	for (const range of rangesOf(family)) {
		if (value >= range.first && value <= range.last && (!best || range.prefix > best.prefix)) best = range;
	}
	return best!;
}

/**
Classify an address (an IP literal, or a value in a family): private, loopback, documentation… and whether it is
globally reachable. IPv4-mapped IPv6 text is classified as the IPv4 address Navidrome compares it as.
*/
export function describeAddress(address: string | { family: IpFamily; value: bigint }): AddressDescription | undefined {
	let family: IpFamily;
	let value: bigint;
	if (typeof address === 'string') {
		const parsed = parseIp(address);
		if (!parsed) return undefined;
		family = parsed.comparedFamily;
		value = parsed.comparedValue;
	} else if (address && (address.family === 'ipv4' || address.family === 'ipv6') && typeof address.value === 'bigint') {
		family = address.family;
		value = address.value;
	} else {
		return undefined;
	}
	const range = mostSpecific(family, value);
	return { kind: range.kind, label: range.label, global: range.global, range: range.cidr };
}

/** The table flattened into segments of constant classification: `starts[i]` begins a segment that is `global[i]`. */
type Partition<T> = { starts: T[]; global: boolean[] };

function partition(family: IpFamily): Partition<bigint> {
	const points = new Set<bigint>([0n]);
	const end = family === 'ipv4' ? 1n << 32n : 1n << 128n;
	for (const range of rangesOf(family)) {
		points.add(range.first);
		if (range.last + 1n < end) points.add(range.last + 1n);
	}
	const starts = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return { starts, global: starts.map((start) => mostSpecific(family, start).global) };
}

// IPv4 works on plain numbers (exact below 2^53), which keeps analysing long lists free of BigInt garbage.
const v6Partition = partition('ipv6');
const v4Bigint = partition('ipv4');
const v4Partition: Partition<number> = { starts: v4Bigint.starts.map(Number), global: v4Bigint.global };

function touchesGlobal<T extends number | bigint>({ starts, global }: Partition<T>, first: T, last: T): boolean {
	let low = 0;
	let high = starts.length - 1;
	// Find the segment holding `first`, then walk the segments the range touches.
	while (low < high) {
		const middle = (low + high + 1) >>> 1;
		if (starts[middle]! <= first) low = middle;
		else high = middle - 1;
	}
	for (let index = low; index < starts.length && starts[index]! <= last; index++) if (global[index]) return true;
	return false;
}

/** Whether `[first, last]` (in `family`) holds at least one globally reachable address. */
export function rangeIncludesPublic(family: IpFamily, first: bigint | number, last: bigint | number): boolean {
	if (family === 'ipv4') return touchesGlobal(v4Partition, Number(first), Number(last));
	return touchesGlobal(v6Partition, BigInt(first), BigInt(last));
}

/** Whether `[first, last]` holds a loopback address (127.0.0.0/8, ::1). */
export function rangeIncludesLoopback(family: IpFamily, first: bigint | number, last: bigint | number): boolean {
	if (family === 'ipv4') return Number(first) <= 0x7fffffff && Number(last) >= 0x7f000000;
	return BigInt(first) <= 1n && BigInt(last) >= 1n;
}

// proxies.md §7: local-scope pools (172.17–172.31 in /16s, then 192.168.0.0/16 in /20s) and the swarm default.
const dockerPools = [
	{ cidr: '172.17.0.0/16', subnetBits: 16 },
	{ cidr: '172.18.0.0/16', subnetBits: 16 },
	{ cidr: '172.19.0.0/16', subnetBits: 16 },
	{ cidr: '172.20.0.0/14', subnetBits: 16 },
	{ cidr: '172.24.0.0/14', subnetBits: 16 },
	{ cidr: '172.28.0.0/14', subnetBits: 16 },
	{ cidr: '192.168.0.0/16', subnetBits: 20 },
	{ cidr: '10.0.0.0/8', subnetBits: 24 },
].map((pool) => {
	const network = parseCidr(pool.cidr)!;
	return { ...pool, first: Number(network.first), last: Number(network.last) };
});

/** The Docker default pools (proxies.md §7) an IPv4 range overlaps, in Docker's allocation order. */
export function dockerPoolsOverlapping(first: bigint | number, last: bigint | number): string[] {
	const from = Number(first);
	const to = Number(last);
	return dockerPools.filter((pool) => from <= pool.last && to >= pool.first).map((pool) => pool.cidr);
}

/**
The one local-scope subnet Docker would hand out (`172.18.0.0/16`, `192.168.16.0/20`) that contains the whole
IPv4 range, if any. Swarm's 10.0.0.0/8 is left out: 10.x is too common outside Docker to name a subnet.
*/
export function dockerSubnetContaining(first: bigint | number, last: bigint | number): string | undefined {
	const from = Number(first);
	const to = Number(last);
	for (const pool of dockerPools) {
		if (pool.subnetBits === 24 || from < pool.first || to > pool.last) continue;
		const size = 2 ** (32 - pool.subnetBits);
		const start = Math.floor(from / size) * size;
		if (to < start + size) return `${formatIpv4(start)}/${pool.subnetBits}`;
	}
	return undefined;
}
