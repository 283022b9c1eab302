/**
What may be shown of a value. A value is secret when its setting is (the catalog's `secret`), when its name looks like a
secret's, or when it came through a variable whose name does (`${DB_PASSWORD}`); a URL's password is secret in any
value. Rules and features decide through these functions, so a diagnostic, a hover and the effective settings hide the
same things (ARCHITECTURE.md, "Secret values are never echoed").
*/

/**
A value that came through a secret-looking variable: its name, where that variable is defined (`.env:3`), and the
text it contributed (what no output may contain; the rest of the value may be literal).
*/
export type SecretMark = { via: string; where: string | undefined; parts: string[] };

/** What is known about where a value came from. */
export type ValueOrigin = {
	/** The setting or variable the value is assigned to (`ND_EXTAUTH_USERHEADER`, `ExtAuth.LogoutURL`). */
	name?: string | undefined;
	/** The catalog marks the setting secret. */
	secretSetting?: boolean;
	/** The value came through a secret-looking variable. */
	secret?: SecretMark | undefined;
};

const secretSuffixes = ['SECRET', 'SECRETS', 'PASSWORD', 'PASSWD', '_PASS', '_PWD', '_KEY', 'ENCRYPTIONKEY', 'PRIVATEKEY', 'APIKEY'];
const secretParts = ['TOKEN', 'API_KEY', 'APIKEY', 'CREDENTIAL', 'SECRET_', 'PASSWORD_', 'PRIVATE_KEY'];
/** Names that end like a secret but hold a path or a flag. */
const notSecretSuffixes = ['_FILE', '_PATH', '_DIR', '_URL_FILE'];

/** Names whose values must never be shown: `*_SECRET`, `*_PASSWORD`, `*_PASS`, `*TOKEN*`, `*_KEY`, `*API_KEY*`, `*CREDENTIALS*`, `ND_PASSWORDENCRYPTIONKEY`. */
export function isSecretName(name: string): boolean {
	const upper = String(name).toUpperCase().replace(/[.\-]/g, '_');
	if (notSecretSuffixes.some((suffix) => upper.endsWith(suffix))) return false;
	if (upper === 'PASS' || upper === 'PASSWORD' || upper === 'SECRET' || upper === 'KEY') return true;
	return secretSuffixes.some((suffix) => upper.endsWith(suffix)) || secretParts.some((part) => upper.includes(part));
}

/** The first secret-looking name of `names`, if any. */
export function secretNameOf(names: Iterable<string | undefined>): string | undefined {
	for (const name of names) if (name !== undefined && isSecretName(name)) return name;
	return undefined;
}

/** Whether a value with this origin is shown only as a `(hidden…)` placeholder. */
export function isSecretValue(origin: ValueOrigin): boolean {
	return origin.secretSetting === true || origin.secret !== undefined || (origin.name !== undefined && isSecretName(origin.name));
}

/** The placeholder for a hidden value: `(hidden)` for a secret setting, `(hidden: from ${AUTH_PASSWORD} in .env:3)` for one that came through a variable. */
export function hiddenText(origin: ValueOrigin): string {
	if (origin.secret) return `(hidden: from \${${origin.secret.via}}${origin.secret.where ? ` in ${origin.secret.where}` : ''})`;
	return '(hidden)';
}

/** Spans of the passwords in `scheme://user:password@host` URLs anywhere in `text`. */
export function urlPasswordSpans(text: string): Array<{ start: number; end: number }> {
	const spans: Array<{ start: number; end: number }> = [];
	let from = 0;
	for (let mark = text.indexOf('://', from); mark >= 0; mark = text.indexOf('://', from)) {
		const authorityStart = mark + 3;
		let end = authorityStart;
		while (end < text.length && !'/?#'.includes(text[end]!) && !/\s/.test(text[end]!)) end++;
		const at = text.lastIndexOf('@', end - 1);
		if (at >= authorityStart) {
			const colon = text.indexOf(':', authorityStart);
			if (colon >= 0 && colon < at && at > colon + 1) spans.push({ start: colon + 1, end: at });
		}
		from = Math.max(end, authorityStart);
	}
	return spans;
}

/** `text` with every URL password replaced by `***` (`https://bob:***@auth.example.com/logout`). */
export function maskUrlPasswords(text: string): string {
	const spans = urlPasswordSpans(text);
	let out = text;
	for (let i = spans.length - 1; i >= 0; i--) out = `${out.slice(0, spans[i]!.start)}***${out.slice(spans[i]!.end)}`;
	return out;
}

/**
The display form of a value: the `(hidden…)` placeholder when it is secret, else the value with URL passwords masked.
`hidden` tells which one it is.
*/
export function maskValue(value: string, origin: ValueOrigin): { text: string; hidden: boolean } {
	if (isSecretValue(origin)) return { text: hiddenText(origin), hidden: true };
	return { text: maskUrlPasswords(value), hidden: false };
}

/** The parts of `value` that must not appear in any output: all of it when secret, else its URL passwords. */
export function secretFragments(value: string, origin: ValueOrigin): string[] {
	if (origin.secret) return [...origin.secret.parts.filter((part) => part !== ''), ...urlPasswordSpans(value).map((span) => value.slice(span.start, span.end))];
	if (isSecretValue(origin)) return value === '' ? [] : [value];
	const text = value;
	return urlPasswordSpans(text).map((span) => text.slice(span.start, span.end));
}

/** Values no output may contain, with the placeholder to show instead. */
export type Secret = { fragments: string[]; display: string };

/** Fragments shorter than this are replaced only where quoted; a bare one would match ordinary words. */
const bareMinimum = 4;
/** A message that still holds this many consecutive characters of a secret gives part of it away. */
const leakWindow = 6;

/**
`text` with every occurrence of each secret's fragments (bare, quoted, JSON-escaped, or cut short the way messages
shorten long values) replaced by its display; `undefined` when the result would still give a fragment away, so the
caller falls back to a text that quotes nothing.
*/
export function redact(text: string, secrets: readonly Secret[]): string | undefined {
	const replacements: Array<[string, string]> = [];
	for (const { fragments, display } of secrets) {
		for (const fragment of fragments) {
			for (const piece of [fragment, fragment.trim()]) {
				if (piece === '') continue;
				replacements.push([JSON.stringify(piece), display], [`"${piece}"`, display], [`'${piece}'`, display]);
				if (piece.length > 60) replacements.push([JSON.stringify(`${piece.slice(0, 57)}…`), display]);
				if (piece.length >= bareMinimum) replacements.push([JSON.stringify(piece).slice(1, -1), display], [piece, display]);
			}
		}
	}
	// Longest first, so a quoted form goes before the bare text inside it.
	replacements.sort((a, b) => b[0].length - a[0].length);
	let out = text;
	for (const [form, display] of replacements) out = out.split(form).join(display);
	return givesAway(out, secrets.flatMap((secret) => secret.fragments)) ? undefined : out;
}

/** Whether `text` gives away any of `fragments` (see `redact`); `strict` also counts short fragments. */
export function givesAway(text: string, fragments: readonly string[], strict = false): boolean {
	return fragments.some((fragment) => leaks(text, fragment) || (strict && fragment.trim() !== '' && text.toLowerCase().includes(fragment.trim().toLowerCase())));
}

type Scrubbable = { message: string; related?: Array<{ message: string }>; fixes?: Array<{ title: string; edits: Array<{ newText: string }> }> };

/**
`report` with every secret replaced by its placeholder. A message that would still give one away becomes `fallback`;
related messages become "Also involved here"; fixes whose title or edits hold a secret are dropped (their text would
reach JSON and SARIF output).
*/
export function scrubReport<R extends Scrubbable>(report: R, secrets: readonly Secret[], fallback: string): R {
	const live = secrets.filter((secret) => secret.fragments.length > 0);
	if (live.length === 0) return report;
	const clean = (text: string): string | undefined => redact(text, live);
	const all = live.flatMap((secret) => secret.fragments);
	const result: R = { ...report, message: clean(report.message) ?? fallback };
	if (report.related) result.related = report.related.map((related) => ({ ...related, message: clean(related.message) ?? 'Also involved here' }));
	if (report.fixes) result.fixes = report.fixes.filter((fix) => !givesAway(fix.title, all, true) && !fix.edits.some((edit) => givesAway(edit.newText, all, true)));
	return result;
}

/** Whether `text` holds a fragment, or a run of `leakWindow` of its characters (compared ignoring case). */
function leaks(text: string, fragment: string): boolean {
	const lowerText = text.toLowerCase();
	const lower = fragment.trim().toLowerCase();
	if (lower === '') return false;
	if (lower.length <= leakWindow) return lowerText.includes(lower) && lower.length >= bareMinimum;
	for (let i = 0; i + leakWindow <= lower.length; i++) if (lowerText.includes(lower.slice(i, i + leakWindow))) return true;
	return false;
}
