/**
Explain one TrustedSources entry: whether Navidrome can ever match it, and if not, why and what was probably meant.
Facts: navidrome-extauth.md §3 (steps 2, 3, 7), §3.1 (grammar) and §8 items 1-5.
*/
import { describeCidr } from './cidr-info.js';
import { type CidrNetwork, parseCidr } from './cidr.js';
import { familyNone, familyV4, lenientLeadingZero, lenientLongGroup, scanIp } from './ip.js';
import type { EntryProblemCode, IpFamily, TrustedSourceEntry } from './types.js';

type Diagnosis = { problem: EntryProblemCode; message: string; suggestion: string | undefined };

/** Quote user text for a message: JSON escapes make stray tabs and newlines visible; long text is shortened. */
export function quote(text: string): string {
	return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);
}

/** Analyse the entry `text` found at UTF-16 offset `start`, given Navidrome's `Address` (if known). */
export function analyzeEntry(text: string, start: number, address: string | undefined): TrustedSourceEntry {
	const location = { text, start, end: start + text.length };
	if (text === '') return invalid(location, { problem: 'empty', message: 'This empty entry (two commas in a row, or a comma at either end) matches nothing.', suggestion: undefined });
	if (text === '@') return unixSocketEntry(location, address);
	const network = parseCidr(text);
	if (network) return cidrEntry(location, network);
	const trimmed = text.trim();
	if (trimmed === '') return invalid(location, { problem: 'empty', message: `${quote(text)} holds only whitespace, so it matches nothing.`, suggestion: undefined });
	const around = describeWhitespace(text, trimmed);
	if (trimmed === '@') {
		return invalid(location, { problem: 'unix-socket-spacing', message: `${quote(text)} has ${around}, but Navidrome honours only an entry that is exactly @, so it ignores this one.`, suggestion: '@' });
	}
	const diagnosis = diagnose(trimmed);
	if (trimmed === text) return invalid(location, diagnosis ?? unknownProblem(text));
	if (!diagnosis) {
		return invalid(location, { problem: 'whitespace', message: `${quote(text)} has ${around}, and Navidrome does not trim entries, so it ignores this one.`, suggestion: trimmed });
	}
	return invalid(location, { ...diagnosis, message: `${diagnosis.message.replace(/\.$/, '')}; the entry also has ${around}.` });
}

function invalid(location: Pick<TrustedSourceEntry, 'text' | 'start' | 'end'>, diagnosis: Diagnosis): TrustedSourceEntry {
	// Spelled out: a second spread in one literal takes V8's slow path (12 µs an entry, 12 s for a 1 MB list of commas).
	const { text, start, end } = location;
	return { text, start, end, kind: 'invalid', honoured: false, problem: diagnosis.problem, message: diagnosis.message, suggestion: diagnosis.suggestion, cidr: undefined };
}

function unknownProblem(text: string): Diagnosis {
	return { problem: 'bad-address', message: `${quote(text)} is not a CIDR Go can parse, so Navidrome ignores it.`, suggestion: undefined };
}

function unixSocketEntry(location: Pick<TrustedSourceEntry, 'text' | 'start' | 'end'>, address: string | undefined): TrustedSourceEntry {
	const base = { ...location, kind: 'unix-socket' as const, suggestion: undefined, cidr: undefined };
	if (address === undefined) {
		return {
			...base,
			honoured: true,
			problem: undefined,
			message: '@ trusts clients of Navidrome\'s UNIX socket, which works only when Address starts with unix: (for example unix:/run/navidrome/navidrome.sock).',
		};
	}
	if (address.startsWith('unix:')) {
		return {
			...base,
			honoured: true,
			problem: undefined,
			message: `@ trusts every client of the UNIX socket ${quote(address.slice(5))}: any local process that can write to it can claim to be any user.`,
		};
	}
	return {
		...base,
		honoured: false,
		problem: 'unix-socket-without-unix-address',
		message: `@ only matches UNIX-socket clients, and Address (${quote(address)}) does not start with unix:, so Navidrome ignores it.`,
	};
}

function cidrEntry(location: Pick<TrustedSourceEntry, 'text' | 'start' | 'end'>, network: CidrNetwork): TrustedSourceEntry {
	const cidr = describeCidr(network);
	let message: string | undefined;
	if (cidr.equivalentIPv4) {
		message = `${location.text} is an IPv4-mapped IPv6 range, so Navidrome compares it as the IPv4 range ${cidr.equivalentIPv4}${cidr.coversAllIPv4 ? ' and trusts every IPv4 client' : ''}.`;
	} else if (cidr.coversAllIPv4) {
		message = `${location.text} trusts every IPv4 client (but no native IPv6 client).`;
	} else if (cidr.coversAllIPv6) {
		message = `${location.text} trusts every native IPv6 client, but no IPv4 or IPv4-mapped client.`;
	} else if (cidr.hostBitsSet) {
		message = `${location.text} has host bits set, so Navidrome reads it as ${cidr.normalized}.`;
	}
	return { ...location, kind: 'cidr', honoured: true, problem: undefined, message, suggestion: undefined, cidr };
}

function describeWhitespace(text: string, trimmed: string): string {
	const leading = text.slice(0, text.indexOf(trimmed));
	const trailing = text.slice(leading.length + trimmed.length);
	const name = (part: string) => {
		const kinds = new Set([...part].map((char) => (char === ' ' ? 'space' : char === '\t' ? 'tab' : char === '\n' || char === '\r' ? 'newline' : 'whitespace')));
		return kinds.size === 1 ? [...kinds][0]! : 'whitespace';
	};
	if (leading && trailing) return `a leading ${name(leading)} and a trailing ${name(trailing)}`;
	return leading ? `a leading ${name(leading)}` : `a trailing ${name(trailing)}`;
}

/** Why a trimmed, non-empty entry is not a CIDR (undefined when it is one). */
function diagnose(text: string): Diagnosis | undefined {
	if (parseCidr(text)) return undefined;
	const separated = diagnoseSeparators(text);
	if (separated) return separated;
	const slash = text.indexOf('/');
	const addressText = slash < 0 ? text : text.slice(0, slash);
	const address = diagnoseAddress(addressText, text);
	if (slash < 0) {
		if (address.ok) {
			const bits = address.family === 'ipv4' ? 32 : 128;
			return { problem: 'missing-prefix', message: `${quote(text)} is written without /${bits}, so Navidrome ignores it (only CIDR ranges count).`, suggestion: `${text}/${bits}` };
		}
		const fixed = address.fixed;
		return { problem: address.problem, message: address.message, suggestion: fixed ? `${fixed.text}/${fixed.family === 'ipv4' ? 32 : 128}` : undefined };
	}
	const prefixText = text.slice(slash + 1);
	if (!address.ok) {
		const fixed = address.fixed;
		const prefix = fixed ? fixPrefix(prefixText, fixed.family) : undefined;
		return { problem: address.problem, message: address.message, suggestion: fixed && prefix !== undefined ? `${fixed.text}/${prefix}` : undefined };
	}
	return diagnosePrefix(text, addressText, prefixText, address.family);
}

function isSeparator(char: string): boolean {
	return char === ';' || char.trim() === '';
}

function diagnoseSeparators(text: string): Diagnosis | undefined {
	let hasSeparator = false;
	for (const char of text) {
		if (isSeparator(char)) {
			hasSeparator = true;
			break;
		}
	}
	if (!hasSeparator) return undefined;
	const parts = text.split(/[;\s]+/).filter((part) => part !== '');
	if (parts.length === 0) return { problem: 'empty', message: `${quote(text)} holds only separators and no address, so it matches nothing.`, suggestion: undefined };
	const semicolon = text.includes(';');
	// `10.0.0.0/ 8` has a space but is one damaged entry, not two joined ones.
	if (!semicolon && (parts.length < 2 || !parts.every(looksLikeAddress))) return undefined;
	const fixed = parts.map((part) => (part === '@' || parseCidr(part) ? part : diagnose(part)?.suggestion));
	// Suggest the comma-joined list only when every piece comes out valid.
	const suggestion = fixed.every((part) => part !== undefined && (part === '@' || parseCidr(part))) ? fixed.join(',') : undefined;
	const joiner = semicolon ? '";"' : 'whitespace';
	const message =
		parts.length >= 2
			? `${quote(text)} joins ${parts.length} entries with ${joiner}, but Navidrome splits the list on commas only, so it reads them as one invalid entry and ignores it.`
			: `${quote(text)} contains ${joiner}, which Navidrome does not treat as a separator, so it ignores the entry.`;
	return { problem: 'wrong-separator', message, suggestion };
}

function looksLikeAddress(part: string): boolean {
	return part === '@' || part.includes('.') || part.includes(':') || part.includes('/');
}

type AddressDiagnosis =
	| { ok: true; family: IpFamily }
	| { ok: false; problem: EntryProblemCode; message: string; fixed: { text: string; family: IpFamily } | undefined };

const scratch = new Uint32Array(4);

function writtenFamily(text: string, lenient = 0): IpFamily | undefined {
	const family = scanIp(text, 0, text.length, scratch, lenient);
	return family === familyNone ? undefined : family === familyV4 ? 'ipv4' : 'ipv6';
}

/** A strictly valid address for `text` if a mechanical fix gives one (drop leading zeros). */
function fixAddress(text: string): { text: string; family: IpFamily } | undefined {
	const family = writtenFamily(text);
	if (family) return { text, family };
	if (!writtenFamily(text, lenientLeadingZero | lenientLongGroup)) return undefined;
	const stripped = stripLeadingZeros(text);
	const strippedFamily = writtenFamily(stripped);
	return strippedFamily ? { text: stripped, family: strippedFamily } : undefined;
}

/** Drop leading zeros of decimal octets and of over-long hex groups (`010.0.0.1` → `10.0.0.1`, `02001:db8::` → `2001:db8::`). */
function stripLeadingZeros(text: string): string {
	const tokens = text.split(/([.:])/);
	for (let index = 0; index < tokens.length; index += 2) {
		const token = tokens[index]!;
		const decimal = tokens[index - 1] === '.' || tokens[index + 1] === '.';
		if (token.length > 1 && (decimal || token.length > 4)) tokens[index] = token.replace(/^0+(?=.)/, '');
	}
	return tokens.join('');
}

function diagnoseAddress(address: string, entry: string): AddressDiagnosis {
	const family = writtenFamily(address);
	if (family) return { ok: true, family };
	const shown = quote(entry);
	const percent = address.indexOf('%');
	if (percent >= 0) {
		return { ok: false, problem: 'zone', message: `${shown} carries an IPv6 zone (%…), which Go never accepts in a CIDR, so Navidrome ignores it.`, fixed: fixAddress(address.slice(0, percent)) };
	}
	if (address.includes('[') || address.includes(']')) {
		return { ok: false, problem: 'brackets', message: `${shown} puts the address in brackets, which Go does not accept in a CIDR, so Navidrome ignores it.`, fixed: fixAddress(address.replace(/[[\]]/g, '')) };
	}
	if (writtenFamily(address, lenientLeadingZero | lenientLongGroup)) {
		const fixed = fixAddress(address);
		if (writtenFamily(address, lenientLeadingZero)) {
			return { ok: false, problem: 'leading-zero', message: `${shown} has an IPv4 octet with a leading zero, which Go rejects since 1.17, so Navidrome ignores it.`, fixed };
		}
		return { ok: false, problem: 'long-hex-group', message: `${shown} has an IPv6 group of more than 4 hex digits, which current Go rejects (Go 1.19 builds accepted it), so Navidrome ignores it.`, fixed };
	}
	const lower = address.toLowerCase();
	if (address === '*' || lower === 'all' || lower === 'any') {
		return { ok: false, problem: 'bad-address', message: `${shown} is not a wildcard Navidrome knows: only CIDR ranges count, so it ignores it.`, fixed: undefined };
	}
	if (/^[\d.]+$/.test(address) && address.split('.').length < 4) {
		return { ok: false, problem: 'bad-address', message: `${shown} uses shortened IPv4 (Go needs all four parts, a.b.c.d), so Navidrome ignores it.`, fixed: undefined };
	}
	if (isHostname(address)) {
		return { ok: false, problem: 'hostname', message: `${shown} is a host name, and Navidrome never resolves names, so it ignores it.`, fixed: undefined };
	}
	return { ok: false, problem: 'bad-address', message: `${shown} is not an IP address Go can parse, so Navidrome ignores it.`, fixed: undefined };
}

/** Letters, digits, hyphens and dots in non-empty labels, with at least one letter; written as a loop to stay linear. */
function isHostname(text: string): boolean {
	if (text.length === 0 || text.length > 253) return false;
	let letter = false;
	let labelLength = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		const isLetter = (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
		const isDigit = code >= 0x30 && code <= 0x39;
		if (isLetter || isDigit || code === 0x5f) {
			letter ||= isLetter;
			labelLength++;
		} else if (code === 0x2d) {
			if (labelLength === 0) return false;
			labelLength++;
		} else if (code === 0x2e) {
			if (labelLength === 0 || text.charCodeAt(index - 1) === 0x2d) return false;
			labelLength = 0;
		} else {
			return false;
		}
	}
	return letter && text.charCodeAt(text.length - 1) !== 0x2d;
}

/** A valid prefix for `prefix` if an obvious repair exists (spaces, `+`, a contiguous netmask, `/128` on IPv4). */
function fixPrefix(prefix: string, family: IpFamily): string | undefined {
	const bits = family === 'ipv4' ? 32 : 128;
	const digits = prefix.trim().replace(/^\+/, '');
	if (/^\d{1,4}$/.test(digits) && Number(digits) <= bits) return digits;
	if (family === 'ipv4' && digits === '128') return '32';
	if (family === 'ipv4') return netmaskLength(prefix.trim());
	return undefined;
}

function netmaskLength(mask: string): string | undefined {
	const value = scanIp(mask, 0, mask.length, scratch) === familyV4 ? scratch[3]! : -1;
	if (value < 0) return undefined;
	for (let bits = 0; bits <= 32; bits++) {
		const expected = bits === 0 ? 0 : bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
		if (expected === value) return String(bits);
	}
	return undefined;
}

function diagnosePrefix(entry: string, address: string, prefix: string, family: IpFamily): Diagnosis {
	const shown = quote(entry);
	const bits = family === 'ipv4' ? 32 : 128;
	const fixed = fixPrefix(prefix, family);
	const suggestion = fixed === undefined ? undefined : `${address}/${fixed}`;
	if (/^\d+$/.test(prefix)) {
		return { problem: 'prefix-too-long', message: `${shown} has prefix /${prefix.length > 12 ? `${prefix.slice(0, 12)}…` : prefix}, but ${family === 'ipv4' ? 'an IPv4' : 'an IPv6'} prefix is at most ${bits}, so Navidrome ignores it.`, suggestion };
	}
	let why: string;
	if (prefix === '') why = 'ends with / but has no prefix length';
	else if (prefix.includes('/')) why = 'has a second /';
	else if (netmaskLength(prefix.trim()) !== undefined) why = 'gives a netmask where Go wants a prefix length';
	else why = 'has a prefix length that is not plain decimal digits';
	return { problem: 'bad-prefix', message: `${shown} ${why}, so Navidrome ignores it.`, suggestion };
}
