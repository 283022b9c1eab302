/**
Navidrome's trust check, `validateIPAgainstList` (navidrome-extauth.md §3), in two forms:
- `isTrustedSource` re-reads the list for every call, as Navidrome does;
- `compileTrustedSources` reads it once (proxy-addr's compile-then-match idea) into sorted, merged intervals that a
  binary search answers without allocating, and explains every entry.
Both give the same answer for every input.
*/
import { reduceNetwork, scanCidr, v4Contains, v6Contains } from './cidr.js';
import { analyzeEntry } from './entries.js';
import { familyNone, familyV4, isV4MappedWords, scanRemoteAddr, wordsToBigInt, bigIntToWords } from './ip.js';
import type { MatchOptions, TrustedSourceEntry, TrustedSourcesMatcher } from './types.js';

// Scratch words for the peer and for each entry; calls never overlap, so module-level buffers are safe.
const peer = new Uint32Array(4);
const network = new Uint32Array(4);

function addressOf(options: MatchOptions | undefined): string | undefined {
	if (options === null || typeof options !== 'object') return undefined;
	try {
		const address = options.address;
		return typeof address === 'string' ? address : undefined;
	} catch {
		return undefined;
	}
}

/** Step 3: Go's `slices.Contains(strings.Split(list, ","), "@")`, without splitting. */
function hasExactEntry(list: string, wanted: string): boolean {
	let start = 0;
	for (;;) {
		let end = list.indexOf(',', start);
		if (end < 0) end = list.length;
		if (end - start === wanted.length && list.startsWith(wanted, start)) return true;
		if (end === list.length) return false;
		start = end + 1;
	}
}

/**
Exactly Navidrome's `validateIPAgainstList(remoteAddr, trustedSources)` (§3): split on `,` only with no trimming,
only CIDR entries count, IPv4-mapped peers and networks compare as IPv4, zones are never trusted, and `@` is trusted
only when `options.address` starts with `unix:` and some entry is exactly `@`. Re-parses the list on every call, like
Navidrome; use `compileTrustedSources` to check many peers. Never throws; non-strings give `false`.
*/
export function isTrustedSource(remoteAddr: string, trustedSources: string, options?: MatchOptions): boolean {
	if (typeof remoteAddr !== 'string' || typeof trustedSources !== 'string' || remoteAddr === '' || trustedSources === '') return false;
	if (remoteAddr === '@' && addressOf(options)?.startsWith('unix:')) return hasExactEntry(trustedSources, '@');
	if (scanRemoteAddr(remoteAddr, peer) === familyNone) return false;
	const peerIsV4 = isV4MappedWords(peer);
	const peerV4 = peer[3]!;
	let start = 0;
	for (;;) {
		let end = trustedSources.indexOf(',', start);
		if (end < 0) end = trustedSources.length;
		const parsed = scanCidr(trustedSources, start, end, network);
		if (parsed >= 0) {
			const compared = reduceNetwork(parsed >> 8, parsed & 0xff, network);
			if (compared >= 0 ? peerIsV4 && v4Contains(network[3]!, compared, peerV4) : !peerIsV4 && v6Contains(network, -compared - 1, peer)) return true;
		}
		if (end === trustedSources.length) return false;
		start = end + 1;
	}
}

/** Sorted, merged, disjoint intervals: IPv4 as uint32 pairs, IPv6 as four-word pairs. */
type Intervals = { v4Starts: Uint32Array; v4Ends: Uint32Array; v6Starts: Uint32Array; v6Ends: Uint32Array };

function buildIntervals(list: string): Intervals {
	const v4: Array<[number, number]> = [];
	const v6: Array<[bigint, bigint]> = [];
	let start = 0;
	for (;;) {
		let end = list.indexOf(',', start);
		if (end < 0) end = list.length;
		const parsed = scanCidr(list, start, end, network);
		if (parsed >= 0) {
			const compared = reduceNetwork(parsed >> 8, parsed & 0xff, network);
			if (compared >= 0) {
				v4.push([network[3]!, network[3]! + 2 ** (32 - compared) - 1]);
			} else {
				const first = wordsToBigInt(network);
				v6.push([first, first + (1n << BigInt(128 + compared + 1)) - 1n]);
			}
		}
		if (end === list.length) break;
		start = end + 1;
	}
	const mergedV4 = merge(v4, (end) => end + 1);
	const mergedV6 = merge(v6, (end) => end + 1n);
	const intervals: Intervals = {
		v4Starts: Uint32Array.from(mergedV4, (pair) => pair[0]),
		v4Ends: Uint32Array.from(mergedV4, (pair) => pair[1]),
		v6Starts: new Uint32Array(mergedV6.length * 4),
		v6Ends: new Uint32Array(mergedV6.length * 4),
	};
	const words = new Uint32Array(4);
	mergedV6.forEach(([first, last], index) => {
		intervals.v6Starts.set(bigIntToWords(first, words), index * 4);
		intervals.v6Ends.set(bigIntToWords(last, words), index * 4);
	});
	return intervals;
}

/** Sort by start and merge overlapping or adjacent intervals (`next(end)` is the value right after `end`). */
function merge<T extends number | bigint>(pairs: Array<[T, T]>, next: (end: T) => T): Array<[T, T]> {
	pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	const merged: Array<[T, T]> = [];
	for (const pair of pairs) {
		const last = merged[merged.length - 1];
		if (last && pair[0] <= next(last[1])) {
			if (pair[1] > last[1]) last[1] = pair[1];
		} else {
			merged.push([pair[0], pair[1]]);
		}
	}
	return merged;
}

function splitEntries(list: string, address: string | undefined): TrustedSourceEntry[] {
	const entries: TrustedSourceEntry[] = [];
	let start = 0;
	for (;;) {
		let end = list.indexOf(',', start);
		if (end < 0) end = list.length;
		entries.push(analyzeEntry(list.slice(start, end), start, address));
		if (end === list.length) return entries;
		start = end + 1;
	}
}

/**
Compile a TrustedSources value once and match many peers against it. `matches` is exactly `isTrustedSource` for this
list (the match-time `address` overrides the compile-time one) and allocates nothing. `entries` explains each entry
(computed on first access). An empty list matches nothing and has no entries. Never throws.
*/
export function compileTrustedSources(trustedSources: string, options?: MatchOptions): TrustedSourcesMatcher {
	const list = typeof trustedSources === 'string' ? trustedSources : '';
	const compiledAddress = addressOf(options);
	const enabled = list !== '';
	const hasSocketEntry = enabled && hasExactEntry(list, '@');
	const { v4Starts, v4Ends, v6Starts, v6Ends } = buildIntervals(list);
	const v4Count = v4Starts.length;
	const v6Count = v6Starts.length / 4;
	const v4Index = buildIndex(v4Count, (index) => v4Starts[index]! >>> 16);
	const v6Index = buildIndex(v6Count, (index) => v6Starts[index * 4]! >>> 16);
	let entries: TrustedSourceEntry[] | undefined;

	function matchesV4(value: number): boolean {
		let low = 0;
		let high = v4Count - 1;
		if (v4Index) {
			const bucket = value >>> 16;
			low = Math.max(0, v4Index[bucket]! - 1);
			high = v4Index[bucket + 1]! - 1;
		}
		while (low <= high) {
			const middle = (low + high) >>> 1;
			if (v4Starts[middle]! <= value) {
				if (value <= v4Ends[middle]!) return true;
				low = middle + 1;
			} else {
				high = middle - 1;
			}
		}
		return false;
	}

	function matchesV6(words: Uint32Array): boolean {
		const w0 = words[0]!;
		const w1 = words[1]!;
		const w2 = words[2]!;
		const w3 = words[3]!;
		let low = 0;
		let high = v6Count - 1;
		if (v6Index) {
			const bucket = w0 >>> 16;
			low = Math.max(0, v6Index[bucket]! - 1);
			high = v6Index[bucket + 1]! - 1;
		}
		while (low <= high) {
			const middle = (low + high) >>> 1;
			const offset = middle * 4;
			if (compareWords(v6Starts, offset, w0, w1, w2, w3) <= 0) {
				if (compareWords(v6Ends, offset, w0, w1, w2, w3) >= 0) return true;
				low = middle + 1;
			} else {
				high = middle - 1;
			}
		}
		return false;
	}

	function socketAllowed(matchOptions: MatchOptions | undefined): boolean {
		const override = addressOf(matchOptions);
		let address = compiledAddress;
		try {
			if (matchOptions !== null && typeof matchOptions === 'object' && matchOptions.address !== undefined) address = override;
		} catch {
			address = undefined;
		}
		return address?.startsWith('unix:') === true;
	}

	return {
		get entries(): readonly TrustedSourceEntry[] {
			entries ??= enabled ? splitEntries(list, compiledAddress) : [];
			return entries;
		},
		matches(remoteAddr: string, matchOptions?: MatchOptions): boolean {
			if (!enabled || typeof remoteAddr !== 'string' || remoteAddr.length === 0) return false;
			if (remoteAddr === '@' && socketAllowed(matchOptions)) return hasSocketEntry;
			const family = scanRemoteAddr(remoteAddr, peer);
			if (family === familyNone) return false;
			return family === familyV4 || isV4MappedWords(peer) ? matchesV4(peer[3]!) : matchesV6(peer);
		},
	};
}

/**
For long lists, narrow the binary search by the top 16 bits of the peer: `index[h]` counts the intervals whose start
has top bits below `h`, so the last interval starting at or before a peer in bucket `h` lies in
`[index[h] - 1, index[h + 1] - 1]`. Keeps 10,000 entries as fast as 10; short lists skip it (256 KiB).
*/
function buildIndex(count: number, topBits: (index: number) => number): Uint32Array | undefined {
	if (count <= 64) return undefined;
	const index = new Uint32Array(65537);
	let interval = 0;
	for (let bucket = 0; bucket <= 65536; bucket++) {
		while (interval < count && topBits(interval) < bucket) interval++;
		index[bucket] = interval;
	}
	return index;
}

/** Compare stored words at `offset` with `w0..w3`: negative, zero or positive. */
function compareWords(stored: Uint32Array, offset: number, w0: number, w1: number, w2: number, w3: number): number {
	let a = stored[offset]!;
	if (a !== w0) return a - w0;
	a = stored[offset + 1]!;
	if (a !== w1) return a - w1;
	a = stored[offset + 2]!;
	if (a !== w2) return a - w2;
	return stored[offset + 3]! - w3;
}
