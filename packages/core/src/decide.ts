/**
The whole external-auth decision for one request, as Navidrome makes it (`UsernameFromExtAuthHeader` and the routes
that call it): navidrome-extauth.md §4 (order of checks), §5 (which paths read the header), §6 (what happens next)
and §7 (the `@` history), with a plain-English explanation of the branch taken.
*/
import { analyzeEntry, quote } from './entries.js';
import { findInvalidHeader, readHeader, similarHeaderNames } from './headers.js';
import { lenientLeadingZero, lenientLongGroup, parseRemoteAddr, remoteAddrHost, scanIp } from './ip.js';
import { classifyPath, type PathInfo } from './paths.js';
import { reduceNetwork, scanCidr } from './cidr.js';
import { compileTrustedSources, isTrustedSource } from './trusted-sources.js';
import type { Decision, DecisionReason, ExtAuthConfig, ExtAuthRequest, RequestHeaders, TrustedSourceEntry, TrustedSourcesMatcher } from './types.js';
import { formatVersion, isAtLeast, parseVersion, type Version } from './version.js';

const defaultUserHeader = 'Remote-User';

type Context = {
	list: string;
	userHeader: string;
	/** The header name as shown in explanations (shortened when absurdly long). */
	header: string;
	address: string | undefined;
	version: Version | undefined;
	remoteAddr: string | null | undefined;
	headers: RequestHeaders;
	path: PathInfo;
};

function fallback(reason: DecisionReason, explanation: string, matchedEntry?: TrustedSourceEntry): Decision {
	return matchedEntry ? { outcome: 'fallback', reason, explanation, matchedEntry } : { outcome: 'fallback', reason, explanation };
}

/**
Decide whether Navidrome would log this request in through the external-auth header, and explain why. Follows
Navidrome's order: feature off (`trustedSources === ''`; a whitespace-only list is on and trusts nothing), version
without the feature (< 0.44.0), no recorded proxy address, untrusted peer, a path that does not read the header,
header absent or empty, else authenticated with the header's value. `navidromeVersion` selects historical behaviour
(the automatic `@` trust of 0.51-0.54.0, `/rest` before 0.52.0, provisioning rules); unknown means the newest release.
Header values follow Go: pass arrays (Node's `headersDistinct`) to keep first-value-wins exact. Never throws.
*/
export function decide(request: ExtAuthRequest, config: ExtAuthConfig): Decision {
	try {
		return decideChecked(request, config);
	} catch {
		return fallback('invalid-input', 'The request or configuration could not be read, so no decision about the header could be made; Navidrome itself would fall back to its normal login.');
	}
}

function decideChecked(request: ExtAuthRequest, config: ExtAuthConfig): Decision {
	const context = readInput(request, config);
	if (typeof context === 'string') return fallback('invalid-input', context);
	const { list, address, version, remoteAddr, headers } = context;
	const invalidHeader = findInvalidHeader(headers);
	if (invalidHeader) {
		return fallback('bad-request', `Go's HTTP server rejects this request with 400 Bad Request before Navidrome sees it, because ${invalidHeader}; no login of any kind happens.`);
	}
	const unix = address?.startsWith('unix:') === true;
	// 0.51.0-0.54.0 trusted a UNIX-socket peer automatically whenever Address was unix: (§7).
	const autoSocket = unix && version !== undefined && isAtLeast(version, [0, 51, 0]) && !isAtLeast(version, [0, 54, 1]);
	if (list === '' && !autoSocket) return fallback('feature-off', explainFeatureOff(context));
	if (!isAtLeast(version, [0, 44, 0])) return fallback('feature-unsupported', explainUnsupported(context));
	if (list === '' && isAtLeast(version, [0, 52, 0])) return fallback('no-proxy-ip', explainSocketWithoutList(context));
	if (remoteAddr === null || remoteAddr === undefined) return fallback('no-proxy-ip', explainNoProxyIp(context));

	const automatic = autoSocket && remoteAddr === '@';
	if (!automatic && !compiled(list).matcher.matches(remoteAddr, { address })) return fallback('untrusted-peer', explainUntrusted(context, remoteAddr));
	const matchedEntry = automatic ? undefined : findMatchingEntry(context, remoteAddr);
	const trust = explainTrust(context, remoteAddr, automatic, matchedEntry);

	if (!context.path.honoursHeader) {
		return fallback('path-ignores-header', `${trust}, but ${context.path.reason}; the ${context.header} header is ignored on this request.`, matchedEntry);
	}
	const lookup = readHeader(headers, context.userHeader);
	if (lookup.kind === 'absent') return fallback('header-absent', `${trust}, but ${explainAbsent(context, lookup.invalidName)}`, matchedEntry);
	if (lookup.kind === 'empty') {
		return fallback('header-empty', `${trust}, but its ${context.header} header is empty (or only spaces and tabs), which Navidrome treats as no header, so it falls back to its normal login.`, matchedEntry);
	}
	const username = lookup.value;
	const explanation = `${trust}, and its ${lookup.receivedAs.length > 60 ? context.header : lookup.receivedAs} header says ${quote(username)}, so Navidrome treats the request as that user. ${explainAfterwards(context, username)}${securityNote(remoteAddr, matchedEntry)}`;
	const decision: Decision = { outcome: 'authenticated', username, reason: 'authenticated', explanation };
	if (matchedEntry) decision.matchedEntry = matchedEntry;
	return decision;
}

function readInput(request: ExtAuthRequest, config: ExtAuthConfig): Context | string {
	if (!config || typeof config !== 'object') return 'No configuration was given (expected an object with trustedSources), so no decision can be made.';
	if (typeof config.trustedSources !== 'string') return `trustedSources must be text (the value of ExtAuth.TrustedSources), not ${describeType(config.trustedSources)}, so no decision can be made.`;
	const userHeader = config.userHeader === undefined ? defaultUserHeader : config.userHeader;
	if (typeof userHeader !== 'string') return `userHeader must be text (a header name such as Remote-User), not ${describeType(userHeader)}, so no decision can be made.`;
	if (config.address !== undefined && typeof config.address !== 'string') return `address must be text (Navidrome's Address setting), not ${describeType(config.address)}, so no decision can be made.`;
	if (!request || typeof request !== 'object') return 'No request was given (expected an object with remoteAddr and headers), so no decision can be made.';
	const { remoteAddr, path } = request;
	if (remoteAddr !== null && remoteAddr !== undefined && typeof remoteAddr !== 'string') return `remoteAddr must be text such as 10.0.0.5:41234 or null, not ${describeType(remoteAddr)}, so no decision can be made.`;
	const headers = request.headers ?? {};
	if (typeof headers !== 'object' || Array.isArray(headers)) return `headers must be an object of header names to values, not ${describeType(headers)}, so no decision can be made.`;
	if (path !== undefined && typeof path !== 'string') return `path must be text such as /app/, not ${describeType(path)}, so no decision can be made.`;
	const version = parseVersion(config.navidromeVersion);
	const header = userHeader.length > 60 ? quote(userHeader) : userHeader === '' ? '(empty)' : userHeader;
	return { list: config.trustedSources, userHeader, header, address: config.address, version, remoteAddr, headers, path: classifyPath(path, version) };
}

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return `a ${typeof value}`;
}

// ─── Names that changed between versions ─────────────────────────────────────────────────────────

function listName(version: Version | undefined): string {
	return isAtLeast(version, [0, 59, 0]) ? 'ExtAuth.TrustedSources' : 'ReverseProxyWhitelist';
}

function versionText(version: Version | undefined): string {
	return version ? `Navidrome ${formatVersion(version)}` : 'Navidrome';
}

function untrustedLog(version: Version | undefined): string {
	if (isAtLeast(version, [0, 59, 0])) return 'logs the warning "IP is not whitelisted for external authentication"';
	if (isAtLeast(version, [0, 52, 0])) return 'logs the warning "IP is not whitelisted for reverse proxy login"';
	return 'logs a warning';
}

function noProxyIpLog(version: Version | undefined): string {
	const prefix = isAtLeast(version, [0, 59, 0]) ? 'ExtAuth' : 'ReverseProxyWhitelist';
	return `"${prefix} enabled but no proxy IP found in request context"`;
}

// ─── Explanations per branch ─────────────────────────────────────────────────────────────────────

function explainFeatureOff(context: Context): string {
	const sent = readHeader(context.headers, context.userHeader);
	const ignored = sent.kind === 'value' ? ` (the ${context.header}: ${quote(sent.value)} sent with this request is ignored)` : '';
	return `${listName(context.version)} is empty, so external authentication is off: Navidrome never looks at the ${context.header} header${ignored} and uses its normal login. To turn it on, set it to the proxy's address as a CIDR, for example 172.30.0.10/32.`;
}

function explainUnsupported(context: Context): string {
	return `${versionText(context.version)} predates external authentication (ReverseProxyWhitelist arrived in 0.44.0), so the ${context.header} header is ignored and only the normal login works.`;
}

function explainSocketWithoutList(context: Context): string {
	return `With Address ${quote(context.address ?? '')} and an empty ReverseProxyWhitelist, ${versionText(context.version)} (0.52.0 to 0.53.x) still runs the header check for every request but never records a proxy address, so it logs ${noProxyIpLog(context.version)} each time and ignores the ${context.header} header (issue #3046; fixed in 0.54.1, where an explicit @ entry is needed).`;
}

function explainNoProxyIp(context: Context): string {
	if (!isAtLeast(context.version, [0, 52, 0])) {
		return `No peer address was given for this request, so the trust check cannot run and the ${context.header} header is ignored (${versionText(context.version)} checks the raw connection address).`;
	}
	return `${listName(context.version)} is set, but no proxy address was recorded for this request, so Navidrome logs ${noProxyIpLog(context.version)} and ignores the ${context.header} header.`;
}

function explainUntrusted(context: Context, remoteAddr: string): string {
	const name = listName(context.version);
	const tail = ` So Navidrome ignores the ${context.header} header, ${untrustedLog(context.version)} and falls back to its normal login${context.path.honoursHeader ? '' : ` (and ${context.path.reason} anyway)`}.`;
	if (remoteAddr === '@') {
		if (context.address?.startsWith('unix:')) {
			const spaced = summary(context.list, context.address).socketSpacing;
			const near = spaced ? `; ${quote(spaced.text)} has whitespace around it` : '';
			return `The request came over Navidrome's UNIX socket (peer @), but no entry of ${name} is exactly @${near}.${tail}`;
		}
		return `The peer is @ (a UNIX-socket client), but Address ${context.address === undefined ? 'is not given' : `(${quote(context.address)}) does not start with unix:`}, so Navidrome reads @ as an address it cannot parse and trusts nothing.${tail}`;
	}
	if (context.list === '') {
		return `${name} is empty, and ${versionText(context.version)} trusts only UNIX-socket peers (@) automatically with a unix: Address; ${quote(remoteAddr)} is not one.${tail}`;
	}
	if (context.list.trim() === '') {
		return `${name} holds only whitespace (${quote(context.list)}), which turns external authentication on (Navidrome records the proxy address and warns on every request) while trusting no one.${tail}`;
	}
	const peer = parseRemoteAddr(remoteAddr);
	if (!peer) return `${explainUnparsablePeer(remoteAddr)}${tail}`;
	const list = summary(context.list, context.address);
	const host = remoteAddrHost(remoteAddr) ?? remoteAddr;
	const shownPeer = host === remoteAddr ? host : `${host} (from ${quote(remoteAddr)})`;
	const ranges = list.ranges;
	const sameFamily = peer.comparedFamily === 'ipv4' ? list.v4 : list.v6;
	let why: string;
	if (ranges.count === 0) {
		why = `${name} (${quote(context.list)}) has no valid CIDR entry, so Navidrome trusts no IP peer at all.`;
	} else if (sameFamily.count === 0) {
		why =
			peer.comparedFamily === 'ipv4'
				? `The peer ${shownPeer} is ${peer.family === 'ipv6' ? 'an IPv4-mapped address, compared as IPv4' : 'an IPv4 address'}, but ${name} only has IPv6 ranges (${listRanges(ranges)}), and IPv6 ranges such as ::/0 never match IPv4 peers.`
				: `The peer ${shownPeer} is an IPv6 address, but ${name} only has IPv4 ranges (${listRanges(ranges)}), and IPv4 ranges such as 0.0.0.0/0 never match IPv6 peers.`;
	} else {
		why = `The peer ${shownPeer} is not inside any range of ${name} (${listRanges(sameFamily)}).`;
	}
	return `${why}${ignoredEntryHint(list, remoteAddr)}${tail}`;
}

function listRanges(ranges: RangeSample): string {
	const shown = ranges.first.map((entry) => entry.cidr?.normalized ?? entry.text);
	return ranges.count > shownRanges ? `${shown.join(', ')} and ${ranges.count - shownRanges} more` : shown.join(', ');
}

/** Point at an ignored entry that was probably meant to trust this peer, else at the first ignored entry. */
function ignoredEntryHint(list: ListSummary, remoteAddr: string): string {
	const meant = list.suggested.find((entry) => isTrustedSource(remoteAddr, entry.suggestion!));
	if (meant) return ` Note: ${meant.message} Writing it as ${meant.suggestion} would trust this peer.`;
	const first = list.firstIgnored;
	if (!first) return '';
	return list.ignored === 1 ? ` Note: ${first.message}` : ` Note: ${list.ignored} entries are ignored; for example, ${first.message}`;
}

// ─── The list, compiled once per distinct value ──────────────────────────────────────────────────

/** Ranges shown in an explanation, and how many there are. */
type RangeSample = { first: TrustedSourceEntry[]; count: number };

/** What explanations need from a list, read in one pass without an entry object per entry. */
type ListSummary = {
	/** Honoured CIDR entries, all and by the family they are compared as. */
	ranges: RangeSample;
	v4: RangeSample;
	v6: RangeSample;
	/** Entries Navidrome never matches, and the first of them. */
	ignored: number;
	firstIgnored: TrustedSourceEntry | undefined;
	/** Ignored entries with a suggested rewrite, in list order, among the first `maxExplained` explained. */
	suggested: TrustedSourceEntry[];
	/** The first `@` written with whitespace around it. */
	socketSpacing: TrustedSourceEntry | undefined;
};

type CompiledList = { matcher: TrustedSourcesMatcher; summaries: Map<string | undefined, ListSummary> };

const shownRanges = 5;
/** Invalid entries explained one by one; the rest of a huge list is only counted. */
const maxExplained = 1000;
/** The last few lists, most recently used last, up to a total length (a list longer than that is not kept). */
const cache = new Map<string, CompiledList>();
const maxCachedLists = 16;
const maxCachedLength = 4 * 1024 * 1024;
let cachedLength = 0;

function compiled(list: string): CompiledList {
	const hit = cache.get(list);
	if (hit) {
		cache.delete(list);
		cache.set(list, hit);
		return hit;
	}
	const entry: CompiledList = { matcher: compileTrustedSources(list), summaries: new Map() };
	if (list.length > maxCachedLength) return entry;
	cache.set(list, entry);
	cachedLength += list.length;
	for (const [oldest] of cache) {
		if (cache.size <= maxCachedLists && cachedLength <= maxCachedLength) break;
		cache.delete(oldest);
		cachedLength -= oldest.length;
	}
	return entry;
}

function summary(list: string, address: string | undefined): ListSummary {
	const { summaries } = compiled(list);
	let found = summaries.get(address);
	if (!found) {
		found = summarize(list, address);
		if (summaries.size >= 4) summaries.clear();
		summaries.set(address, found);
	}
	return found;
}

const scratch = new Uint32Array(4);

function summarize(list: string, address: string | undefined): ListSummary {
	const out: ListSummary = { ranges: { first: [], count: 0 }, v4: { first: [], count: 0 }, v6: { first: [], count: 0 }, ignored: 0, firstIgnored: undefined, suggested: [], socketSpacing: undefined };
	const socketHonoured = address === undefined || address.startsWith('unix:');
	let explained = 0;
	let start = 0;
	for (;;) {
		let end = list.indexOf(',', start);
		if (end < 0) end = list.length;
		const parsed = end > start ? scanCidr(list, start, end, scratch) : -1;
		if (parsed >= 0) {
			const family = reduceNetwork(parsed >> 8, parsed & 0xff, scratch) >= 0 ? out.v4 : out.v6;
			if (out.ranges.count < shownRanges || family.count < shownRanges) {
				const entry = analyzeEntry(list.slice(start, end), start, address);
				if (out.ranges.count < shownRanges) out.ranges.first.push(entry);
				if (family.count < shownRanges) family.first.push(entry);
			}
			out.ranges.count++;
			family.count++;
		} else if (end - start === 1 && list.charCodeAt(start) === 0x40) {
			if (!socketHonoured) {
				out.ignored++;
				out.firstIgnored ??= analyzeEntry('@', start, address);
			}
		} else {
			out.ignored++;
			const text = list.slice(start, end);
			const spaced = out.socketSpacing === undefined && text.trim() === '@';
			if (spaced || out.firstIgnored === undefined || (end > start && explained < maxExplained)) {
				explained++;
				const entry = analyzeEntry(text, start, address);
				out.firstIgnored ??= entry;
				if (entry.suggestion !== undefined && explained <= maxExplained) out.suggested.push(entry);
				if (spaced) out.socketSpacing = entry;
			}
		}
		if (end === list.length) return out;
		start = end + 1;
	}
}

function explainUnparsablePeer(remoteAddr: string): string {
	if (remoteAddr === '') return 'The request has an empty peer address, so Navidrome trusts nothing.';
	const host = remoteAddrHost(remoteAddr);
	const shown = quote(remoteAddr);
	if (host === undefined) return `Navidrome cannot read the peer address ${shown} as an IP, ip:port or [ipv6]:port, so it trusts nothing.`;
	if (host.includes('%')) {
		return `The peer ${shown} carries an IPv6 zone (%…), which Navidrome cannot parse, so a proxy connecting from a zoned link-local address can never be trusted; connect it over a routable or loopback address instead.`;
	}
	const words = new Uint32Array(4);
	if (scanIp(host, 0, host.length, words, lenientLeadingZero) !== 0) return `The peer ${shown} has an IPv4 part with a leading zero, which Go rejects since 1.17, so Navidrome trusts nothing.`;
	if (scanIp(host, 0, host.length, words, lenientLongGroup) !== 0) return `The peer ${shown} has an IPv6 group of more than 4 hex digits, which current Go rejects, so Navidrome trusts nothing.`;
	return `Navidrome cannot read the peer address ${shown} as an IP, ip:port or [ipv6]:port, so it trusts nothing.`;
}

/** The first entry that trusts the peer, analysed on its own (cheaper than explaining a whole long list). */
function findMatchingEntry(context: Context, remoteAddr: string): TrustedSourceEntry | undefined {
	const { list, address } = context;
	let start = 0;
	for (;;) {
		let end = list.indexOf(',', start);
		if (end < 0) end = list.length;
		const text = list.slice(start, end);
		if (remoteAddr === '@' ? text === '@' : isTrustedSource(remoteAddr, text, { address })) return analyzeEntry(text, start, address);
		if (end === list.length) return undefined;
		start = end + 1;
	}
}

function explainTrust(context: Context, remoteAddr: string, automatic: boolean, entry: TrustedSourceEntry | undefined): string {
	if (automatic) {
		return `The request came over Navidrome's UNIX socket (peer @), which ${versionText(context.version)} trusts automatically whenever Address starts with unix: (0.51.0 to 0.54.0 needed no @ entry${isAtLeast(context.version, [0, 52, 0]) ? '' : ', as long as no X-Forwarded-For or X-Real-IP header rewrote the peer'})`;
	}
	if (remoteAddr === '@') return `The request came over Navidrome's UNIX socket (peer @) and ${listName(context.version)} contains @`;
	const host = remoteAddrHost(remoteAddr) ?? remoteAddr;
	const same = entry?.cidr?.equivalentIPv4 ?? (entry?.cidr?.normalized === entry?.text ? undefined : entry?.cidr?.normalized);
	const range = entry ? `${entry.text}${same ? ` (read as ${same})` : ''}` : 'a trusted range';
	return `The request comes from ${host}, which is inside ${range} in ${listName(context.version)}`;
}

function explainAbsent(context: Context, invalidName: boolean): string {
	const header = context.header;
	if (invalidName) {
		const what = context.userHeader === '' ? 'is empty' : `(${quote(context.userHeader)}) is not a valid HTTP header name`;
		return `the configured user header ${what}, so it can never match any request and Navidrome always falls back to its normal login.`;
	}
	const similar = similarHeaderNames(context.headers, context.userHeader);
	const near = similar.length > 0 ? ` (it has ${similar.map((name) => quote(name)).join(', ')}, which Navidrome treats as a different header: names must match apart from letter case, and _ is not -)` : '';
	return `the request has no ${header} header${near}, so Navidrome falls back to its normal login (login page, Subsonic credentials or JWT).`;
}

function provisioning(version: Version | undefined, where: string): string {
	if (!isAtLeast(version, [0, 49, 0])) return `On ${where} the user must already exist; otherwise Navidrome logs "User passed in header not found" and shows the login page.`;
	if (!isAtLeast(version, [0, 55, 2])) return `On ${where} an unknown user is created on the spot as a non-admin with a random password.`;
	return `On ${where} an unknown user is created on the spot with a random password (the lookup ignores ASCII letter case), and if no user exists yet it becomes an admin.`;
}

function explainAfterwards(context: Context, username: string): string {
	const { version } = context;
	switch (context.path.kind) {
		case 'ui-index':
		case 'share-page':
			return provisioning(version, context.path.path);
		case 'native-api':
			return `On /api a valid JWT from an earlier password login takes precedence over the header, and ${quote(username)} must already exist (otherwise 401 Not authenticated); /api never creates users.`;
		case 'subsonic':
			return `On /rest the u, p, t and s (and jwt) parameters are ignored completely; ${quote(username)} must already exist (matched ignoring ASCII case), otherwise Subsonic error 40.`;
		default: {
			const rest = isAtLeast(version, [0, 52, 0]) ? ' and on /rest the u/p/t/s parameters are ignored' : '; /rest ignores the header before 0.52.0';
			const created = !isAtLeast(version, [0, 49, 0])
				? 'On /app/ and /share/{id} the user must already exist'
				: isAtLeast(version, [0, 55, 2])
					? 'On /app/ and /share/{id} an unknown user is created and the very first one becomes admin'
					: 'On /app/ and /share/{id} an unknown user is created as a non-admin';
			return `${created}; on /api a JWT from an earlier password login takes precedence${rest}.`;
		}
	}
}

function securityNote(remoteAddr: string, entry: TrustedSourceEntry | undefined): string {
	if (remoteAddr === '@') return ' Any local process that can write to the socket can claim to be any user.';
	const cidr = entry?.cidr;
	if (!cidr) return '';
	if (cidr.coversAllIPv4 || cidr.coversAllIPv6) return ` Beware: ${entry.text} trusts every ${cidr.family === 'ipv4' ? 'IPv4' : 'IPv6'} client, so anyone who can reach Navidrome directly can claim to be any user.`;
	if (cidr.includesPublic) return ` Beware: ${entry.text} includes public addresses, so clients outside your network may be able to claim any user.`;
	return '';
}
