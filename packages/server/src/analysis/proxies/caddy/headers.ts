/**
Header operations of `request_header` and `reverse_proxy { header_up … }` (proxies.md §2.4: `-H` deletes, `H value`
sets, `H ""` sets an empty value, `+H` adds, `?H` sets a default, `H find replace` replaces), and the placeholders that
decide where a set value comes from: `{header.X}`/`{http.request.header.X}` read the request (the client's value
unless the proxy changed it), `{rp.header.X}`/`{http.reverse_proxy.header.X}` read the latest auth response, and an
unknown placeholder is sent literally (Caddy's `ReplaceKnown`, §2.1 C1c).
*/
import type { Directive, Token } from '../../formats/caddyfile/index.js';
import type { HeaderOrigin, HeaderValue } from './types.js';

export type HeaderOp = {
	action: 'set' | 'add' | 'default' | 'delete' | 'replace';
	/** Field name as written, without the `-`/`+`/`?` prefix; may hold `*` wildcards for deletes. */
	field: string;
	/** Value to set/add (`set`, `add`, `default`). */
	value?: string;
	origin: HeaderOrigin;
};

/** `[+|-|?]Field [value|find replace]` → one op (request_header after its matcher, or a header_up line). */
export function parseHeaderOp(directive: Directive, tokens: readonly Token[], kind: 'request_header' | 'header_up'): HeaderOp | undefined {
	const [fieldToken, ...rest] = tokens;
	if (!fieldToken || fieldToken.text === '') return undefined;
	let field = fieldToken.text;
	let action: HeaderOp['action'] = 'set';
	if (field.startsWith('-')) {
		action = 'delete';
		field = field.slice(1);
	} else if (field.startsWith('+')) {
		action = 'add';
		field = field.slice(1);
	} else if (field.startsWith('?')) {
		action = 'default';
		field = field.slice(1);
	}
	if (field === '') return undefined;
	const origin: HeaderOrigin = { kind, directive, token: action === 'delete' || rest.length === 0 ? fieldToken : rest[0]! };
	if (action === 'delete') return { action, field, origin };
	if (rest.length >= 2 && action === 'set') return { action: 'replace', field, origin };
	if (rest.length === 0) return action === 'set' ? undefined : { action, field, value: '', origin };
	return { action, field, value: rest[0]!.text, origin };
}

/** Whether a delete pattern (`Remote-User`, `Remote-*`, `*-User`, `*`) removes `name`. */
export function deleteMatches(pattern: string, name: string): boolean {
	const p = pattern.toLowerCase();
	const n = name.toLowerCase();
	if (p === '*') return true;
	if (p.length > 1 && p.startsWith('*') && p.endsWith('*')) return n.includes(p.slice(1, -1));
	if (p.startsWith('*')) return n.endsWith(p.slice(1));
	if (p.endsWith('*')) return n.startsWith(p.slice(0, -1));
	return p === n;
}

/** What the handler chain can tell a placeholder about at the moment it is replaced. */
export type PlaceholderContext = {
	/** Current value of a request header. */
	readHeader(name: string): HeaderValue;
	/** Whether the latest auth response carried this header (name as written in the placeholder, case-sensitive). */
	authHeader(name: string): boolean;
	/** Whether basic_auth authenticated the request (`{http.auth.user.id}`). */
	basicUser: boolean;
};

/** Placeholders whose value the client chooses. */
const clientPlaceholders = [
	'http.request.uri',
	'http.request.orig_uri',
	'http.request.host',
	'http.request.hostport',
	'http.request.cookie.',
	'http.request.body',
	'http.request.uri.query',
	'query',
	'uri',
	'path',
	'host',
	'hostport',
	'cookie.',
	'http.request.tls.client',
];

/** The value a `set` writes, from its text and the chain's state. */
export function resolveValue(text: string, origin: HeaderOrigin, context: PlaceholderContext): HeaderValue {
	const placeholders = findPlaceholders(text);
	if (placeholders.length === 0) return { kind: 'literal', text, by: origin };
	const whole = placeholders.length === 1 && placeholders[0]!.start === 0 && placeholders[0]!.end === text.length;
	let client: HeaderValue | undefined;
	let unresolved = false;
	let auth: HeaderValue | undefined;
	for (const { key } of placeholders) {
		const value = resolvePlaceholder(key, origin, context);
		if (whole) return value;
		if (value.kind === 'client') client ??= value;
		else if (value.kind === 'placeholder') unresolved = true;
		else if (value.kind === 'auth') auth ??= value;
	}
	if (client) return client;
	if (unresolved) return { kind: 'placeholder', text: expandShorthands(text), by: origin };
	if (auth) return auth;
	return { kind: 'literal', text, by: origin };
}

function resolvePlaceholder(key: string, origin: HeaderOrigin, context: PlaceholderContext): HeaderValue {
	const requestHeader = key.startsWith('http.request.header.') ? key.slice(20) : key.startsWith('header.') ? key.slice(7) : undefined;
	if (requestHeader !== undefined) {
		const current = context.readHeader(requestHeader);
		if (current.kind === 'client') return { kind: 'client', header: current.header, via: origin };
		// A missing request header reads as an empty string.
		if (current.kind === 'absent') return { kind: 'literal', text: '', by: origin };
		return current;
	}
	const authHeader = key.startsWith('http.reverse_proxy.header.') ? key.slice(26) : key.startsWith('rp.header.') ? key.slice(10) : undefined;
	if (authHeader !== undefined) {
		if (context.authHeader(authHeader)) return { kind: 'auth', header: authHeader, source: 'forward_auth', by: origin };
		return { kind: 'placeholder', text: expandShorthands(`{${key}}`), by: origin };
	}
	if (key === 'http.auth.user.id') {
		return context.basicUser ? { kind: 'auth', header: 'basic_auth user', source: 'basic_auth', by: origin } : { kind: 'placeholder', text: `{${key}}`, by: origin };
	}
	if (key.startsWith('http.reverse_proxy.') || key.startsWith('rp.') || key.startsWith('http.auth.')) return { kind: 'placeholder', text: expandShorthands(`{${key}}`), by: origin };
	if (clientPlaceholders.some((prefix) => key === prefix || (prefix.endsWith('.') ? key.startsWith(prefix) : key.startsWith(`${prefix}.`)))) {
		return { kind: 'client', header: `{${key}}`, via: origin };
	}
	return { kind: 'literal', text: `{${key}}`, by: origin };
}

/** `{key}` occurrences (not nested, `\{` escaped), bounded so huge values stay cheap. */
function findPlaceholders(text: string): Array<{ key: string; start: number; end: number }> {
	const found: Array<{ key: string; start: number; end: number }> = [];
	let index = 0;
	while (index < text.length && found.length < 32) {
		const open = text.indexOf('{', index);
		if (open < 0) break;
		if (open > 0 && text[open - 1] === '\\') {
			index = open + 1;
			continue;
		}
		const close = text.indexOf('}', open + 1);
		if (close < 0) break;
		const key = text.slice(open + 1, close);
		if (key.length > 0 && !key.includes('{')) found.push({ key, start: open, end: close + 1 });
		index = close + 1;
	}
	return found;
}

/** The Caddyfile adapter expands shorthands, so the text Caddy would send literally is the long form. */
export function expandShorthands(text: string): string {
	return text.replaceAll('{rp.', '{http.reverse_proxy.').replaceAll('{header.', '{http.request.header.');
}
