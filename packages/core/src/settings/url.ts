/**
The parts of Go's `net/url.Parse` that decide whether Navidrome accepts `ExtAuth.LogoutURL` and `BaseUrl`
(navidrome-extauth.md §1.1: `validateURL` needs an http/https scheme and a non-empty host, else startup fails).
Pure string scanning, no regexes on the input, never throws.
*/

export type GoUrl = {
	/** Lower-cased, as Go stores it; `''` when the text has no scheme. */
	scheme: string;
	host: string;
	/** Text after `scheme:` that does not start with `/` (e.g. `https:example.com`). */
	opaque: string;
};

export type GoUrlResult = { ok: true; url: GoUrl } | { ok: false; error: string };

/** Go `url.Parse`, reduced to scheme, host and opaque plus every check that makes it return an error. */
export function parseGoUrl(text: string): GoUrlResult {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x20 || c === 0x7f) return { ok: false, error: 'it contains a control character' };
	}
	const hash = text.indexOf('#');
	const withoutFragment = hash === -1 ? text : text.slice(0, hash);
	if (text === '*') return { ok: true, url: { scheme: '', host: '', opaque: '' } };
	const { scheme, rest: afterScheme, error } = splitScheme(withoutFragment);
	if (error) return { ok: false, error };
	let rest = afterScheme;
	const question = rest.indexOf('?');
	if (question !== -1) rest = rest.slice(0, question);
	if (!rest.startsWith('/')) {
		if (scheme !== '') return { ok: true, url: { scheme, host: '', opaque: rest } };
		const slash = rest.indexOf('/');
		const firstSegment = slash === -1 ? rest : rest.slice(0, slash);
		if (firstSegment.includes(':')) return { ok: false, error: 'its first path segment contains a colon' };
	}
	let host = '';
	if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
		const authorityEnd = rest.indexOf('/', 2);
		const authority = authorityEnd === -1 ? rest.slice(2) : rest.slice(2, authorityEnd);
		const at = authority.lastIndexOf('@');
		if (at !== -1 && !validUserinfo(authority.slice(0, at))) return { ok: false, error: 'its user info contains invalid characters' };
		const parsed = parseHost(authority.slice(at + 1));
		if (typeof parsed !== 'string') return { ok: false, error: parsed.error };
		host = parsed;
	}
	return { ok: true, url: { scheme, host, opaque: '' } };
}

export type HttpUrlProblem = 'unparseable' | 'scheme' | 'host';

/** Navidrome's `validateURL`: `undefined` when accepted (empty counts as accepted: the option is off). */
export function checkHttpUrl(text: string): { problem: HttpUrlProblem; detail: string } | undefined {
	if (text === '') return undefined;
	const parsed = parseGoUrl(text);
	if (!parsed.ok) return { problem: 'unparseable', detail: `Go's URL parser rejects it (${parsed.error})` };
	const { scheme, host, opaque } = parsed.url;
	if (scheme !== 'http' && scheme !== 'https') {
		return { problem: 'scheme', detail: scheme === '' ? 'it has no scheme' : `its scheme is "${scheme}"` };
	}
	if (host === '' || opaque !== '') return { problem: 'host', detail: 'it has no host' };
	return undefined;
}

function splitScheme(text: string): { scheme: string; rest: string; error?: string } {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
		if (letter) continue;
		const schemeChar = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
		if (schemeChar) {
			if (i === 0) return { scheme: '', rest: text };
			continue;
		}
		if (c === 58) {
			if (i === 0) return { scheme: '', rest: text, error: 'it is missing a scheme before ":"' };
			return { scheme: text.slice(0, i).toLowerCase(), rest: text.slice(i + 1) };
		}
		return { scheme: '', rest: text };
	}
	return { scheme: '', rest: text };
}

function parseHost(host: string): string | { error: string } {
	let hostPart = host;
	if (host.startsWith('[')) {
		const close = host.lastIndexOf(']');
		if (close === -1) return { error: 'its IPv6 host is missing "]"' };
		if (!validOptionalPort(host.slice(close + 1))) return { error: 'its port is not a number' };
		hostPart = host.slice(0, close + 1);
	} else {
		const colon = host.lastIndexOf(':');
		if (colon !== -1) {
			if (!validOptionalPort(host.slice(colon))) return { error: 'its port is not a number' };
		}
	}
	for (let i = 0; i < hostPart.length; i++) {
		const c = hostPart.charCodeAt(i);
		if (c === 37) {
			if (!(isHex(hostPart.charCodeAt(i + 1)) && isHex(hostPart.charCodeAt(i + 2)))) return { error: 'its host has a bad %-escape' };
			i += 2;
			continue;
		}
		if (c < 0x80 && !isHostChar(c)) return { error: 'its host contains an invalid character' };
	}
	return host;
}

function validOptionalPort(port: string): boolean {
	if (port === '') return true;
	if (port[0] !== ':') return false;
	for (let i = 1; i < port.length; i++) {
		const c = port.charCodeAt(i);
		if (c < 48 || c > 57) return false;
	}
	return true;
}

function isHex(c: number): boolean {
	return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isAlphanumeric(c: number): boolean {
	return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Characters Go leaves unescaped in a host (`shouldEscape(c, encodeHost)` is false). */
function isHostChar(c: number): boolean {
	return isAlphanumeric(c) || "-_.~!$&'()*+,;=:[]<>\"".includes(String.fromCharCode(c));
}

function validUserinfo(userinfo: string): boolean {
	for (let i = 0; i < userinfo.length; i++) {
		const c = userinfo.charCodeAt(i);
		if (c >= 0x80 || isAlphanumeric(c)) continue;
		if (!"-._:~!$&'()*+,;=%@".includes(userinfo[i]!)) return false;
	}
	return true;
}
