/**
Username policies: what to do with the header value before looking it up or creating an account.

Navidrome validates nothing (navidrome-extauth.md §6 Validation): no character set, trimming, length or reserved
names; only an empty value means "no header". `navidromePolicy` reproduces that. `strictPolicy` is an opt-in
hardening for gateways that want one spelling per person (NFC) and printable names.
*/
import type { UsernameCheck, UsernamePolicy, UsernamePolicyOptions } from './types.js';

const forms = new Set(['NFC', 'NFD', 'NFKC', 'NFKD']);

function refuse(code: Exclude<UsernameCheck, { ok: true }>['code'], message: string): UsernameCheck {
	return { ok: false, code, message };
}

function codePointLabel(codePoint: number): string {
	return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Index of the first lone surrogate, or -1. */
function findLoneSurrogate(text: string): number {
	for (let index = 0; index < text.length; index++) {
		const unit = text.charCodeAt(index);
		if (unit >= 0xd800 && unit <= 0xdbff) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) index++;
			else return index;
		} else if (unit >= 0xdc00 && unit <= 0xdfff) {
			return index;
		}
	}
	return -1;
}

/** Index of the first C0 control, DEL or C1 control, or -1. */
function findControl(text: string): number {
	for (let index = 0; index < text.length; index++) {
		const unit = text.charCodeAt(index);
		if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) return index;
	}
	return -1;
}

function exceedsCodePoints(text: string, limit: number): boolean {
	// UTF-16 length bounds the code point count from above, so short strings need no counting.
	if (text.length <= limit) return false;
	let count = 0;
	for (let index = 0; index < text.length; index++) {
		const unit = text.charCodeAt(index);
		if (unit >= 0xd800 && unit <= 0xdbff) {
			const next = text.charCodeAt(index + 1);
			if (next >= 0xdc00 && next <= 0xdfff) index++;
		}
		if (++count > limit) return true;
	}
	return false;
}

/**
Build a policy. Checks run in this order and the first failure is reported: not a string, empty, whitespace-only
(`rejectEmpty`), lone surrogate (`rejectInvalidUnicode`), normalisation, control character (`rejectControl`),
length (`maxLength`, code points after normalisation). Never throws.
*/
export function createUsernamePolicy(options: UsernamePolicyOptions = {}): UsernamePolicy {
	const form = typeof options.normalize === 'string' && forms.has(options.normalize) ? options.normalize : undefined;
	const maxLength = typeof options.maxLength === 'number' && options.maxLength >= 0 ? Math.floor(options.maxLength) : undefined;
	const { rejectControl = false, rejectEmpty = false, rejectInvalidUnicode = false } = options;
	return (value: unknown): UsernameCheck => {
		if (typeof value !== 'string') return refuse('not-a-string', `The username must be a string, not ${value === null ? 'null' : typeof value}.`);
		if (value === '') return refuse('empty', 'The username is empty, which Navidrome treats as no username at all.');
		if (rejectEmpty && value.trim() === '') return refuse('whitespace-only', 'The username consists only of white space.');
		if (rejectInvalidUnicode) {
			const at = findLoneSurrogate(value);
			if (at !== -1) return refuse('invalid-unicode', `The username contains a lone UTF-16 surrogate (${codePointLabel(value.charCodeAt(at))}) at position ${at}.`);
		}
		let username = value;
		if (form !== undefined) {
			try {
				username = value.normalize(form);
			} catch {
				return refuse('invalid-unicode', `The username cannot be normalised to ${form}.`);
			}
		}
		if (rejectControl) {
			const at = findControl(username);
			if (at !== -1) return refuse('control-character', `The username contains the control character ${codePointLabel(username.charCodeAt(at))} at position ${at}.`);
		}
		if (maxLength !== undefined && exceedsCodePoints(username, maxLength)) {
			return refuse('too-long', `The username is longer than ${maxLength} characters.`);
		}
		return { ok: true, username };
	};
}

/** Navidrome's behaviour: the header value verbatim; only the empty string (no username) is refused. */
export const navidromePolicy: UsernamePolicy = createUsernamePolicy();

/**
Opt-in hardening: NFC normalisation (so `é` typed two ways is one account), no control characters, no lone surrogates,
no whitespace-only names, at most 255 code points (Navidrome's `varchar(255)`, which SQLite does not enforce).
*/
export const strictPolicy: UsernamePolicy = createUsernamePolicy({
	normalize: 'NFC',
	maxLength: 255,
	rejectControl: true,
	rejectEmpty: true,
	rejectInvalidUnicode: true,
});
