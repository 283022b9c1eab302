/**
Forged requests against a running nginx, and what Navidrome would make of what reached it. Navidrome reads the user
header with Go's `Header.Get`: names match case-insensitively (`remote-user` = `Remote-User`, but `Remote_User` is
another header), the first value wins, and an empty value counts as absent (proxies.md §0).
*/
import { request } from 'node:http';
import { parseNginx, walkDirectives } from '../../../src/analysis/formats/nginx/index.js';
import type { EchoReply } from './upstreams.js';

export type Variant = {
	name: string;
	headers: Record<string, string>;
	/** Appended to the path (`?user=admin`). */
	query?: string;
	/** Carries a credential the fake auth service (or the fixture's htpasswd) accepts. */
	authOk: boolean;
};

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** Headers that steer HTTP itself; forging them breaks the request rather than the user header. */
const protocolHeaders = new Set(['host', 'connection', 'content-length', 'content-type', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'keep-alive', 'expect', 'proxy-connection', 'cookie', 'authorization', 'range', 'if-range']);

/**
The requests of proxies.md §3.1 for user header `header`, plus one that forges every client-controlled variable the
configuration reads (`$http_x` → header `x`, `$cookie_x` → cookie `x`, `$arg_x` → query parameter `x`).
*/
export function variants(header: string, texts: Iterable<string> = []): Variant[] {
	const forged: Variant = { name: 'forged client variables', headers: {}, authOk: false };
	const cookies: string[] = [];
	const query: string[] = [];
	for (const text of texts) {
		for (const match of text.matchAll(/\$\{?(http|cookie|arg)_([A-Za-z0-9_]+)/g)) {
			const name = match[2]!.toLowerCase();
			if (match[1] === 'http') {
				const forgedHeader = name.replaceAll('_', '-');
				if (!protocolHeaders.has(forgedHeader)) forged.headers[forgedHeader] = 'admin';
			}
			else if (match[1] === 'cookie') cookies.push(`${name}=admin`);
			else query.push(`${name}=admin`);
		}
	}
	if (cookies.length > 0) forged.headers.Cookie = [...new Set(cookies)].join('; ');
	if (query.length > 0) forged.query = [...new Set(query)].join('&');
	return [
		forged,
		{ name: 'spoof', headers: { [header]: 'admin' }, authOk: false },
		{ name: 'two spellings', headers: { [header.toLowerCase()]: 'admin', [header.toUpperCase()]: 'root' }, authOk: false },
		{ name: 'underscore alias', headers: { [header.replaceAll('-', '_')]: 'admin' }, authOk: false },
		{ name: 'forged Basic', headers: { Authorization: basic('admin:whatever'), [header]: 'admin' }, authOk: false },
		{ name: 'Auth-OK + spoof', headers: { Authorization: 'Bearer good', [header]: 'admin' }, authOk: true },
		{ name: 'session + forged Basic', headers: { Cookie: 'session=good', Authorization: basic('admin:whatever') }, authOk: true },
		{ name: 'Auth-OK', headers: { Authorization: 'Bearer good' }, authOk: true },
		{ name: 'valid Basic', headers: { Authorization: basic('alice:secret') }, authOk: true },
	];
}

/** Host names to send: the first plain `server_name` of every server (the default server answers the rest). */
export function probeHosts(texts: Iterable<string>): string[] {
	const hosts = new Set(['music.example.com']);
	for (const text of texts) {
		for (const { directive } of walkDirectives(parseNginx(text).ast.directives)) {
			const name = directive.name === 'server_name' ? directive.args[0]?.value : undefined;
			if (name && /^[A-Za-z0-9.-]+$/.test(name)) hosts.add(name);
		}
	}
	return [...hosts];
}

/** Request paths that land in each location of the configuration, plus `/` and an auth-bypass path. */
export function probePaths(texts: Iterable<string>): string[] {
	const paths = new Set(['/', '/app/', '/rest/ping.view', '/share/abc', '/bypass/x']);
	for (const text of texts) {
		for (const { directive } of walkDirectives(parseNginx(text).ast.directives)) {
			if (directive.name !== 'location' || !directive.block) continue;
			if (directive.block.some((child) => child.name === 'internal')) continue;
			const args = directive.args.map((arg) => arg.value);
			const [modifier, path] = args.length >= 2 ? [args[0]!, args[1]!] : ['', args[0] ?? ''];
			if (path.startsWith('@')) continue;
			if (modifier === '=') paths.add(path);
			else if (modifier === '~' || modifier === '~*') {
				const literal = /^\^?(\/[A-Za-z0-9/_-]*)/.exec(path)?.[1];
				if (literal) paths.add(literal.endsWith('/') ? `${literal}x` : literal);
			} else if (path.startsWith('/')) paths.add(path.endsWith('/') ? `${path}x` : path);
		}
	}
	return [...paths];
}

export type Exchange = {
	/** `host/path`: where the request went. */
	path: string;
	variant: Variant;
	status: number;
	reply: EchoReply | undefined;
};

export function send(port: number, host: string, path: string, variant: Variant): Promise<Exchange> {
	return new Promise((resolve, reject) => {
		const target = variant.query ? `${path}${path.includes('?') ? '&' : '?'}${variant.query}` : path;
		const req = request({ host: '127.0.0.1', port, path: target, method: 'GET', headers: { Host: host, ...variant.headers }, agent: false, timeout: 15_000 }, (response) => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => (body += chunk));
			response.on('end', () => {
				let reply: EchoReply | undefined;
				try {
					const parsed = JSON.parse(body) as EchoReply;
					if (parsed && typeof parsed.upstream === 'string' && Array.isArray(parsed.rawHeaders)) reply = parsed;
				} catch {
					reply = undefined;
				}
				resolve({ path: `${host}${path}`, variant, status: response.statusCode ?? 0, reply });
			});
		});
		req.on('timeout', () => req.destroy(new Error(`timeout on ${path}`)));
		req.on('error', reject);
		req.end();
	});
}

/** Go's `Header.Get(header)` over raw headers: first case-insensitive match; `''` when absent. */
export function goGet(rawHeaders: readonly string[], header: string): string {
	const wanted = header.toLowerCase();
	for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === wanted) return rawHeaders[i + 1]!;
	return '';
}

export type Observation = {
	/** A forged value became the user Navidrome sees, or a request without valid credentials arrived as a fixed user. */
	impersonation: Exchange[];
	/**
	Paths that require auth, let valid credentials through to Navidrome, and still never deliver the user. Judged on its
	own: a path can also allow impersonation (auth that never sets the header forwards the client's copy).
	*/
	neverDelivered: string[];
};

const forgedValues = new Set(['admin', 'root']);

/** Classify every exchange (see the module comment); only replies from the Navidrome echo count. */
export function observe(exchanges: readonly Exchange[], header: string): Observation {
	const reachesNavidrome = (exchange: Exchange): boolean => exchange.reply?.upstream === 'navidrome';
	const user = (exchange: Exchange): string => goGet(exchange.reply!.rawHeaders, header);
	// A forged value reaches Navidrome, or a request without valid credentials arrives as some fixed user anyway.
	const impersonation = exchanges.filter((exchange) => reachesNavidrome(exchange) && (forgedValues.has(user(exchange)) || (!exchange.variant.authOk && user(exchange) !== '')));
	const neverDelivered: string[] = [];
	for (const path of new Set(exchanges.map((exchange) => exchange.path))) {
		const onPath = exchanges.filter((exchange) => exchange.path === path);
		const anonymous = onPath.find((exchange) => exchange.variant.name === 'spoof');
		const isProtected = anonymous !== undefined && !reachesNavidrome(anonymous);
		const served = onPath.filter((exchange) => exchange.variant.authOk && reachesNavidrome(exchange));
		if (isProtected && served.length > 0 && !served.some((exchange) => user(exchange) === 'alice')) neverDelivered.push(path);
	}
	return { impersonation, neverDelivered };
}
