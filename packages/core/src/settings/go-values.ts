/**
How Navidrome (Go: viper + mapstructure with weak typing, strconv) turns configuration text into typed values.
Only what the settings resolver needs; each function mirrors one Go function and never throws.
*/

/** Go `strconv.ParseBool`: exactly these spellings, nothing else (not `yes`, not ` true`). */
export function parseGoBool(text: string): boolean | undefined {
	switch (text) {
		case '1':
		case 't':
		case 'T':
		case 'TRUE':
		case 'true':
		case 'True':
			return true;
		case '0':
		case 'f':
		case 'F':
		case 'FALSE':
		case 'false':
		case 'False':
			return false;
		default:
			return undefined;
	}
}

const int64Max = (1n << 63n) - 1n;

/** Go `strconv.ParseInt(text, 0, 64)`: optional sign, `0x`/`0o`/`0b` or a leading `0` (octal), `_` between digits. */
export function parseGoInt(text: string): number | undefined {
	if (text.length === 0 || text.length > 100) return undefined;
	let s = text;
	let negative = false;
	if (s[0] === '+' || s[0] === '-') {
		negative = s[0] === '-';
		s = s.slice(1);
	}
	if (!underscoreOK(s)) return undefined;
	let base = 10;
	if (s[0] === '0' && s.length > 1) {
		const prefix = s[1]!.toLowerCase();
		if (s.length >= 3 && (prefix === 'b' || prefix === 'o' || prefix === 'x')) {
			base = prefix === 'b' ? 2 : prefix === 'o' ? 8 : 16;
			s = s.slice(2);
		} else {
			base = 8;
			s = s.slice(1);
		}
	}
	let value = 0n;
	let digits = 0;
	for (const char of s) {
		if (char === '_') continue;
		const digit = Number.parseInt(char, 16);
		if (Number.isNaN(digit) || digit >= base) return undefined;
		value = value * BigInt(base) + BigInt(digit);
		digits++;
	}
	if (digits === 0) return undefined;
	if (negative ? value > int64Max + 1n : value > int64Max) return undefined;
	return Number(negative ? -value : value);
}

/** Go's rule for `_` in base-prefixed literals: only between digits, or right after a base prefix. */
function underscoreOK(s: string): boolean {
	let saw = '^';
	let i = 0;
	let hex = false;
	if (s.length >= 2 && s[0] === '0' && 'boxBOX'.includes(s[1]!)) {
		i = 2;
		saw = '0';
		hex = s[1] === 'x' || s[1] === 'X';
	}
	for (; i < s.length; i++) {
		const c = s[i]!;
		if ((c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))) {
			saw = '0';
			continue;
		}
		if (c === '_') {
			if (saw !== '0') return false;
			saw = '_';
			continue;
		}
		if (saw === '_') return false;
		saw = '!';
	}
	return saw !== '_';
}

/** Go `strconv.ParseUint(text, 8, 32)`, as Navidrome parses `UnixSocketPerm`. */
export function parseOctalMode(text: string): number | undefined {
	if (text.length === 0 || text.length > 40) return undefined;
	let value = 0;
	for (const char of text) {
		if (char < '0' || char > '7') return undefined;
		value = value * 8 + (char.charCodeAt(0) - 48);
		if (value > 0xffffffff) return undefined;
	}
	return value;
}

/** Go `strconv.FormatFloat(f, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatGoFloat(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return '+Inf';
	if (value === -Infinity) return '-Inf';
	const shortest = String(value);
	const e = shortest.indexOf('e');
	if (e === -1) return shortest;
	const sign = shortest.startsWith('-') ? '-' : '';
	const mantissa = shortest.slice(sign.length, e);
	const exponent = Number(shortest.slice(e + 1));
	const dot = mantissa.indexOf('.');
	const digits = mantissa.replace('.', '');
	const pointAt = (dot === -1 ? mantissa.length : dot) + exponent;
	if (pointAt <= 0) return `${sign}0.${'0'.repeat(-pointAt)}${digits}`;
	if (pointAt >= digits.length) return `${sign}${digits}${'0'.repeat(pointAt - digits.length)}`;
	return `${sign}${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
}

/** RFC 9110 `token`: what a header name may contain; anything else can never match a received header. */
export function isHttpToken(text: string): boolean {
	if (text.length === 0) return false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		const alphanumeric = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
		if (!alphanumeric && !"!#$%&'*+-.^_`|~".includes(text[i]!)) return false;
	}
	return true;
}
