/**
Request headers as Go's net/http hands them to Navidrome (navidrome-extauth.md §4 "Header semantics"): names are
case-insensitive tokens (canonicalised), only the first value counts, values are trimmed of spaces and tabs, and a
request with an invalid name or a control character in a value never reaches Navidrome (Go answers 400).
*/
import type { HeaderValue, RequestHeaders } from './types.js';

// RFC 7230 tchar: letters, digits and !#$%&'*+-.^_`|~
function isTokenCode(code: number): boolean {
	if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return true;
	switch (code) {
		case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a:
		case 0x2b: case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e:
			return true;
		default:
			return false;
	}
}

/** Whether `name` is a valid HTTP header name (a non-empty RFC 7230 token). Go never matches any other name. */
export function isValidHeaderName(name: unknown): boolean {
	if (typeof name !== 'string' || name.length === 0) return false;
	for (let index = 0; index < name.length; index++) if (!isTokenCode(name.charCodeAt(index))) return false;
	return true;
}

/**
Go's `textproto.CanonicalMIMEHeaderKey`: `remote-user` → `Remote-User`. Names that are not valid tokens come back
unchanged, as in Go (and such a name then never matches a received header).
*/
export function canonicalHeaderName(name: string): string {
	if (!isValidHeaderName(name)) return name;
	let result = '';
	let upper = true;
	for (const char of name) {
		result += upper ? char.toUpperCase() : char.toLowerCase();
		upper = char === '-';
	}
	return result;
}

/** Go's `httpguts.ValidHeaderFieldValue`: no control characters except tab. */
function isValidHeaderValue(value: string): boolean {
	for (let index = 0; index < value.length; index++) {
		const code = value.charCodeAt(index);
		if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
	}
	return true;
}

/** Trim spaces and tabs, as Go's header parser does with every value. */
function trimValue(value: string): string {
	let start = 0;
	let end = value.length;
	while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++;
	while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
	return value.slice(start, end);
}

function valuesOf(value: HeaderValue | unknown): readonly unknown[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (Array.isArray(value)) return value;
	return [value];
}

/**
Why Go would answer 400 before Navidrome sees the request: an invalid header name, a non-string value or a control
character in a value. HTTP/2 pseudo-headers (`:authority`) are skipped. `undefined` when the headers are fine.
*/
export function findInvalidHeader(headers: RequestHeaders): string | undefined {
	for (const name of Object.keys(headers)) {
		if (name.startsWith(':')) continue;
		if (!isValidHeaderName(name)) return `the header name ${JSON.stringify(name.slice(0, 40))} is not a valid HTTP token`;
		const values = valuesOf(headers[name]);
		if (!values) continue;
		const shown = name.length > 60 ? `${name.slice(0, 57)}…` : name;
		for (const value of values) {
			if (typeof value !== 'string') return `the ${shown} header has a ${value === null ? 'null' : typeof value} value instead of text`;
			if (!isValidHeaderValue(trimValue(value))) return `the ${shown} header contains a control character`;
		}
	}
	return undefined;
}

/** What `r.Header.Get(name)` gives Navidrome. */
export type HeaderLookup =
	| { kind: 'absent'; invalidName: boolean }
	| { kind: 'empty' }
	| { kind: 'value'; value: string; receivedAs: string };

/**
Go's `r.Header.Get(name)` over a JS header record: case-insensitive name match (the first matching key wins), first
value of an array, spaces and tabs trimmed; an empty trimmed value is `empty`. A configured name that is empty or not
a token never matches (`invalidName`). Assumes `findInvalidHeader(headers)` found nothing.
*/
export function readHeader(headers: RequestHeaders, name: string): HeaderLookup {
	if (!isValidHeaderName(name)) return { kind: 'absent', invalidName: true };
	const wanted = name.toLowerCase();
	for (const key of Object.keys(headers)) {
		if (key.length !== wanted.length || key.toLowerCase() !== wanted || !isValidHeaderName(key)) continue;
		const values = valuesOf(headers[key]);
		if (!values || values.length === 0) continue;
		const first = values[0];
		if (typeof first !== 'string') continue;
		const value = trimValue(first);
		return value === '' ? { kind: 'empty' } : { kind: 'value', value, receivedAs: key };
	}
	return { kind: 'absent', invalidName: false };
}

/** Header names in `headers` that look like `name` but Go treats as different (`Remote_User`, `X-Remote-User`). */
export function similarHeaderNames(headers: RequestHeaders, name: string): string[] {
	const squash = (text: string) => text.toLowerCase().replace(/[-_\s]/g, '');
	const wanted = squash(name);
	if (wanted === '') return [];
	return Object.keys(headers).filter((key) => key.toLowerCase() !== name.toLowerCase() && (squash(key) === wanted || squash(key).endsWith(wanted)));
}
