/**
Map a Node `http.IncomingMessage` (structurally; core imports nothing from Node) to an `ExtAuthRequest` whose
`remoteAddr` reads exactly like Go's `r.RemoteAddr` (navidrome-extauth.md §2): `a.b.c.d:port`, `[v6]:port` (zone
inside the brackets), `@` for a UNIX-socket peer.
*/
import type { ExtAuthRequest, FromNodeRequestOptions, HeaderValue, NodeRequestLike } from './types.js';

const v4MappedPattern = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i;
const v4CompatiblePattern = /^::(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
The peer address as Go prints an IP: Node (libuv) writes IPv4-mapped peers of a dual-stack socket as
`::ffff:a.b.c.d` where Go writes `a.b.c.d`, and IPv4-compatible ones as `::a.b.c.d` where Go writes hex groups.
*/
function goIpString(address: string): string {
	const mapped = v4MappedPattern.exec(address);
	if (mapped) return mapped[1]!;
	const compatible = v4CompatiblePattern.exec(address);
	if (compatible) {
		const [a, b, c, d] = compatible.slice(1).map(Number) as [number, number, number, number];
		if ([a, b, c, d].every(octet => octet <= 255)) return `::${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
	}
	return address;
}

function remoteAddrOf(socket: NodeRequestLike['socket'], listener: FromNodeRequestOptions['listener']): string | null {
	if (listener === 'unix') return '@';
	if (typeof socket !== 'object' || socket === null) return null;
	const { remoteAddress, remotePort } = socket;
	if (typeof remoteAddress !== 'string' || remoteAddress === '') return listener === 'tcp' ? null : '@';
	const host = goIpString(remoteAddress);
	const port = typeof remotePort === 'number' && Number.isInteger(remotePort) && remotePort >= 0 ? String(remotePort) : undefined;
	if (port === undefined) return host;
	return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function headersOf(request: NodeRequestLike): Record<string, HeaderValue> {
	const headers: Record<string, HeaderValue> = Object.create(null) as Record<string, HeaderValue>;
	const raw = request.rawHeaders;
	if (Array.isArray(raw)) {
		// Node joins repeated custom headers with `, `; Go keeps them apart and reads the first, so rebuild from the raw list.
		for (let index = 0; index + 1 < raw.length; index += 2) {
			const name: unknown = raw[index];
			const value: unknown = raw[index + 1];
			if (typeof name !== 'string' || typeof value !== 'string') continue;
			const key = name.toLowerCase();
			const previous = headers[key];
			headers[key] = previous === undefined ? value : [...(typeof previous === 'string' ? [previous] : previous), value];
		}
		return headers;
	}
	const source = request.headers;
	if (typeof source !== 'object' || source === null) return headers;
	for (const name of Object.keys(source)) {
		const value: unknown = source[name];
		if (typeof value === 'string') headers[name.toLowerCase()] = value;
		else if (Array.isArray(value)) headers[name.toLowerCase()] = value.filter((item): item is string => typeof item === 'string');
	}
	return headers;
}

/** Path of a request target without query or fragment; absolute-form targets (`http://host/app/`) give their path. */
function pathOf(url: unknown): string | undefined {
	if (typeof url !== 'string') return undefined;
	let end = url.length;
	for (let index = 0; index < url.length; index++) {
		const char = url.charCodeAt(index);
		if (char === 0x3f || char === 0x23) {
			end = index;
			break;
		}
	}
	let path = url.slice(0, end);
	if (!path.startsWith('/')) {
		const scheme = path.indexOf('://');
		if (scheme > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(path.slice(0, scheme))) {
			const slash = path.indexOf('/', scheme + 3);
			path = slash === -1 ? '/' : path.slice(slash);
		}
	}
	return path;
}

/**
Build an `ExtAuthRequest` from an object shaped like Node's `http.IncomingMessage`. Never throws.

- `remoteAddr`: `ip:port` / `[v6]:port` like Go's `r.RemoteAddr` (v4-mapped peers of a dual-stack listener become
  plain IPv4, as in Go); `@` for UNIX-socket peers (Node gives them no `remoteAddress`; pass `listener: 'unix'` to be
  explicit); `null` without a socket.
- `headers`: lower-cased names; repeated headers stay separate values (from `rawHeaders`) so the first one wins,
  as in Go, instead of Node's comma-joined `headers` entry.
- `path`: the raw request path without the query string (not percent-decoded, matching chi's routing on `RawPath`).
*/
export function fromNodeRequest(request: NodeRequestLike, options: FromNodeRequestOptions = {}): ExtAuthRequest {
	if (typeof request !== 'object' || request === null) return { remoteAddr: null, headers: {} };
	try {
		const result: ExtAuthRequest = {
			remoteAddr: remoteAddrOf(request.socket, options?.listener),
			headers: headersOf(request),
		};
		const path = pathOf(request.url);
		if (path !== undefined) result.path = path;
		return result;
	} catch {
		// Throwing getters (proxies, mocks): nothing trustworthy can be read.
		return { remoteAddr: null, headers: {} };
	}
}
