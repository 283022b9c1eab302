/**
Line-local reading of a document around the cursor. It needs neither a parse tree nor valid text, so hover and
completion work while the user types and stay fast on huge files: it reads the cursor's line and, for YAML and TOML,
walks up a bounded number of lines for the enclosing keys or `[table]`.
*/
import { scanToml } from '@navidrome-extauth/core';
import { parseDotenv } from '../analysis/formats/dotenv/parse.js';
import type { Span } from '../analysis/text.js';

export type Line = { start: number; end: number; text: string };

/** A `key: value` / `- KEY=value` / `KEY=value` / `key = "value"` on one line; spans are document offsets. */
export type KeyValueAt = {
	key: string;
	keySpan: Span;
	/** Content without quotes; `undefined` when the line has no separator yet. */
	value: string | undefined;
	valueSpan: Span | undefined;
	/** The value token as written, quotes included. */
	valueTokenSpan: Span | undefined;
	quoted: boolean;
	form: 'map' | 'list' | 'dotenv' | 'toml';
};

export type CursorPlace = {
	line: Line;
	entry: KeyValueAt | undefined;
	/** Whether the cursor is on the key (or where a key is being typed) rather than on the value. */
	inKey: boolean;
	/** The token under the cursor, for completion ranges. */
	word: Span;
};

export type ComposePlace = CursorPlace & {
	/** Keys from the document root down to the cursor's parent, e.g. `['services', 'navidrome', 'environment']`. */
	path: string[];
	service: string | undefined;
	section: 'environment' | 'labels' | undefined;
	form: 'map' | 'list';
};

export type TomlPlace = CursorPlace & {
	/** The `[table]` in effect (dotted), or `''` at the root. */
	table: string;
	/** The full dotted key of the entry under the cursor (table included). */
	fullKey: string | undefined;
};

/** How far up the file the enclosing keys or table are searched. */
const maxWalkLines = 5000;

export function lineAt(text: string, offset: number): Line {
	const at = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, text.length));
	let start = at;
	while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
	let end = at;
	while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
	return { start, end, text: text.slice(start, end) };
}

export function previousLine(text: string, line: Line): Line | undefined {
	if (line.start === 0) return undefined;
	let terminator = line.start - 1;
	if (text[terminator] === '\n' && text[terminator - 1] === '\r') terminator--;
	return lineAt(text, terminator);
}

/** Leading spaces and tabs of a line. */
export function indentation(lineText: string): string {
	let i = 0;
	while (i < lineText.length && (lineText[i] === ' ' || lineText[i] === '\t')) i++;
	return lineText.slice(0, i);
}

const wordChars = /[\w.\-@<>$]/;

/** The run of key-like characters around `offset` on its line (quotes, spaces, `=` and `,` end it). */
export function wordAt(line: Line, offset: number, stop: RegExp = /[\s"'=,#{}[\]]/): Span {
	let start = offset;
	while (start > line.start && !stop.test(line.text[start - 1 - line.start]!) && wordChars.test(line.text[start - 1 - line.start]!)) start--;
	let end = offset;
	while (end < line.end && !stop.test(line.text[end - line.start]!) && wordChars.test(line.text[end - line.start]!)) end++;
	return { start, end };
}

export function contains(span: Span | undefined, offset: number): boolean {
	return span !== undefined && span.start <= offset && offset <= span.end;
}

// ─── YAML (compose) ──────────────────────────────────────────────────────────────────────────────

type YamlLine = {
	indent: number;
	dash: boolean;
	/** A map key on this line (after `- ` for `- key: value`). */
	key: string | undefined;
	/** Nothing after `key:` (so the line opens a nested block). */
	opensBlock: boolean;
	blank: boolean;
};

/** Reads one YAML line for the ancestor walk. */
function readYamlLine(lineText: string): YamlLine {
	const indent = indentation(lineText).length;
	let rest = lineText.slice(indent);
	if (rest === '' || rest.startsWith('#') || rest.startsWith('---') || rest.startsWith('...')) return { indent, dash: false, key: undefined, opensBlock: false, blank: true };
	let dash = false;
	if (rest === '-' || rest.startsWith('- ') || rest.startsWith('-\t')) {
		dash = true;
		rest = rest.slice(1).trimStart();
	}
	const pair = splitMapPair(rest, 0);
	if (!pair) return { indent, dash, key: undefined, opensBlock: false, blank: false };
	const after = rest.slice(pair.colon + 1).trim();
	return { indent, dash, key: pair.key, opensBlock: after === '' || after.startsWith('#'), blank: false };
}

/** `key: …` → the key (quotes removed) and the colon's index; `undefined` when `text` is not a map pair. */
function splitMapPair(text: string, base: number): { key: string; keyStart: number; keyEnd: number; colon: number } | undefined {
	if (text.startsWith('"') || text.startsWith("'")) {
		const close = closingQuote(text, 0);
		if (close < 0) return undefined;
		let colon = close + 1;
		while (text[colon] === ' ' || text[colon] === '\t') colon++;
		if (text[colon] !== ':') return undefined;
		return { key: unquote(text.slice(0, close + 1)), keyStart: base + 1, keyEnd: base + close, colon };
	}
	for (let i = 0; i < text.length; i++) {
		const char = text[i];
		if (char === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) return undefined;
		if (char === ':' && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\t')) {
			let keyEnd = i;
			while (keyEnd > 0 && (text[keyEnd - 1] === ' ' || text[keyEnd - 1] === '\t')) keyEnd--;
			if (keyEnd === 0) return undefined;
			return { key: text.slice(0, keyEnd), keyStart: base, keyEnd: base + keyEnd, colon: i };
		}
		// Flow collections and anchors are not keys we complete or hover.
		if (i === 0 && (char === '{' || char === '[' || char === '&' || char === '*' || char === '|' || char === '>')) return undefined;
	}
	return undefined;
}

function closingQuote(text: string, open: number): number {
	const quote = text[open];
	for (let i = open + 1; i < text.length; i++) {
		if (quote === '"' && text[i] === '\\') {
			i++;
			continue;
		}
		if (text[i] === quote) {
			if (quote === "'" && text[i + 1] === "'") {
				i++;
				continue;
			}
			return i;
		}
	}
	return -1;
}

function unquote(token: string): string {
	if (token.length >= 2 && token.startsWith("'") && token.endsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
	if (token.length >= 2 && token.startsWith('"') && token.endsWith('"')) return token.slice(1, -1).replace(/\\(.)/g, '$1');
	return token;
}

/** A scalar token starting at `from` (quoted, or plain up to a ` #` comment), as spans relative to `text`. */
function readScalar(text: string, from: number): { content: Span; token: Span; quoted: boolean; value: string } {
	let start = from;
	while (start < text.length && (text[start] === ' ' || text[start] === '\t')) start++;
	if (text[start] === '"' || text[start] === "'") {
		const close = closingQuote(text, start);
		const end = close < 0 ? text.length : close;
		const raw = text.slice(start, close < 0 ? text.length : close + 1);
		return { content: { start: start + 1, end }, token: { start, end: close < 0 ? text.length : close + 1 }, quoted: true, value: close < 0 ? text.slice(start + 1) : unquote(raw) };
	}
	let end = start;
	while (end < text.length && !(text[end] === '#' && (text[end - 1] === ' ' || text[end - 1] === '\t'))) end++;
	while (end > start && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
	return { content: { start, end }, token: { start, end }, quoted: false, value: text.slice(start, end) };
}

/** The compose context at `offset`: which service and section, and the `environment`/`labels` entry on the line. */
export function composePlace(text: string, offset: number): ComposePlace {
	const line = lineAt(text, offset);
	const column = offset - line.start;
	const info = readYamlLine(line.text);
	const beforeCursor = line.text.slice(0, column);
	let targetIndent = info.blank && beforeCursor.trim() === '' ? column : info.indent;
	let childIsItem = info.blank ? false : info.dash;
	const path: string[] = [];
	let current: Line | undefined = line;
	for (let walked = 0; walked < maxWalkLines && (targetIndent > 0 || childIsItem); walked++) {
		current = previousLine(text, current);
		if (!current) break;
		const above = readYamlLine(current.text);
		if (above.blank) continue;
		const isParent = above.indent < targetIndent || (childIsItem && above.indent === targetIndent && !above.dash && above.opensBlock);
		if (!isParent) continue;
		if (above.key !== undefined) {
			if (!above.opensBlock) break;
			path.unshift(above.key);
		}
		targetIndent = above.indent;
		childIsItem = above.dash;
		if (above.key === undefined && !above.dash) break;
	}
	const { entry, form } = composeEntry(line, info);
	const place = finishPlace(line, offset, entry, /[\s"'=#{}[\]]/);
	const section = path.length === 3 && path[0] === 'services' && (path[2] === 'environment' || path[2] === 'labels') ? (path[2] as 'environment' | 'labels') : undefined;
	return { ...place, path, service: path[0] === 'services' ? path[1] : undefined, section, form };
}

function composeEntry(line: Line, info: YamlLine): { entry: KeyValueAt | undefined; form: 'map' | 'list' } {
	const text = line.text;
	let from = info.indent;
	if (info.dash) {
		from++;
		while (text[from] === ' ' || text[from] === '\t') from++;
	}
	const rest = text.slice(from);
	if (info.dash && info.key === undefined) {
		// `- KEY=value` (list form), possibly quoted as a whole.
		const scalar = readScalar(text, from);
		const content = text.slice(scalar.content.start, scalar.content.end);
		if (content === '' && !scalar.quoted) return { entry: undefined, form: 'list' };
		const equals = content.indexOf('=');
		const keyEnd = equals < 0 ? scalar.content.end : scalar.content.start + equals;
		const entry: KeyValueAt = {
			key: text.slice(scalar.content.start, keyEnd),
			keySpan: { start: line.start + scalar.content.start, end: line.start + keyEnd },
			value: equals < 0 ? undefined : content.slice(equals + 1),
			valueSpan: equals < 0 ? undefined : { start: line.start + keyEnd + 1, end: line.start + scalar.content.end },
			valueTokenSpan: equals < 0 ? undefined : { start: line.start + keyEnd + 1, end: line.start + scalar.content.end },
			quoted: scalar.quoted,
			form: 'list',
		};
		return { entry, form: 'list' };
	}
	const pair = splitMapPair(rest, from);
	if (pair) {
		const scalar = readScalar(text, from + pair.colon + 1);
		const hasValue = scalar.token.end > scalar.token.start;
		return {
			entry: {
				key: pair.key,
				keySpan: { start: line.start + pair.keyStart, end: line.start + pair.keyEnd },
				value: hasValue ? scalar.value : '',
				valueSpan: { start: line.start + scalar.content.start, end: line.start + scalar.content.end },
				valueTokenSpan: { start: line.start + scalar.token.start, end: line.start + scalar.token.end },
				quoted: scalar.quoted,
				form: 'map',
			},
			form: 'map',
		};
	}
	// A key being typed, before its colon.
	const scalar = readScalar(text, from);
	if (scalar.content.end === scalar.content.start) return { entry: undefined, form: info.dash ? 'list' : 'map' };
	return {
		entry: { key: scalar.value, keySpan: { start: line.start + scalar.content.start, end: line.start + scalar.content.end }, value: undefined, valueSpan: undefined, valueTokenSpan: undefined, quoted: scalar.quoted, form: 'map' },
		form: info.dash ? 'list' : 'map',
	};
}

function finishPlace(line: Line, offset: number, entry: KeyValueAt | undefined, stop: RegExp): CursorPlace {
	const inKey = !entry || entry.valueTokenSpan === undefined || offset < entry.valueTokenSpan.start;
	return { line, entry, inKey, word: wordAt(line, offset, stop) };
}

// ─── .env ────────────────────────────────────────────────────────────────────────────────────────

export function dotenvPlace(text: string, offset: number): CursorPlace {
	const line = lineAt(text, offset);
	const parsed = parseDotenv(line.text).entries[0];
	let entry: KeyValueAt | undefined;
	if (parsed) {
		const equals = line.text.indexOf('=', parsed.nameSpan.end);
		entry = {
			key: parsed.name,
			keySpan: shift(parsed.nameSpan, line.start),
			value: parsed.fromShell ? undefined : parsed.value,
			valueSpan: parsed.fromShell ? undefined : shift(parsed.valueSpan, line.start),
			valueTokenSpan: parsed.fromShell || equals < 0 ? undefined : { start: line.start + equals + 1, end: line.start + Math.max(equals + 1, parsed.valueSpan.end + (parsed.quote === 'none' ? 0 : 1)) },
			quoted: parsed.quote !== 'none',
			form: 'dotenv',
		};
	} else {
		const match = /^(\s*(?:export\s+)?)([A-Za-z_][\w.-]*)/.exec(line.text);
		if (match) {
			const start = line.start + match[1]!.length;
			entry = { key: match[2]!, keySpan: { start, end: start + match[2]!.length }, value: undefined, valueSpan: undefined, valueTokenSpan: undefined, quoted: false, form: 'dotenv' };
		}
	}
	return finishPlace(line, offset, entry, /[\s"'=#]/);
}

// ─── TOML ────────────────────────────────────────────────────────────────────────────────────────

const tableHeader = /^\s*\[\s*([^[\]]*?)\s*\]\s*(?:#.*)?$/;

export function tomlPlace(text: string, offset: number): TomlPlace {
	const line = lineAt(text, offset);
	let table = '';
	const header = tableHeader.exec(line.text);
	let current: Line | undefined = line;
	if (!header) {
		for (let walked = 0; walked < maxWalkLines; walked++) {
			current = previousLine(text, current);
			if (!current) break;
			if (/^\s*\[\[/.test(current.text)) {
				table = '\u0000array';
				break;
			}
			const found = tableHeader.exec(current.text);
			if (found) {
				table = found[1]!.split('.').map((part) => unquote(part.trim())).join('.');
				break;
			}
		}
	}
	const scan = header ? undefined : scanToml(line.text);
	let entry: KeyValueAt | undefined;
	let fullKey: string | undefined;
	const entries = scan?.entries ?? [];
	const local = offset - line.start;
	const chosen = entries.find((e) => e.keyStart <= local && local <= e.valueEnd) ?? entries.find((e) => local >= e.keyStart) ?? entries[0];
	if (chosen) {
		const contentSpan = { start: line.start + chosen.contentStart, end: line.start + chosen.contentEnd };
		entry = {
			key: chosen.key,
			keySpan: { start: line.start + chosen.keyStart, end: line.start + chosen.keyEnd },
			value: chosen.kind === 'string' ? String(chosen.value ?? '') : chosen.raw,
			valueSpan: contentSpan,
			valueTokenSpan: { start: line.start + chosen.valueStart, end: line.start + chosen.valueEnd },
			quoted: chosen.kind === 'string',
			form: 'toml',
		};
		if (table !== '\u0000array') fullKey = chosen.inInlineTable || !table ? chosen.key : `${table}.${chosen.key}`;
		if (chosen.inInlineTable && table && table !== '\u0000array') fullKey = `${table}.${chosen.key}`;
	} else if (!header) {
		const typed = /^(\s*)([A-Za-z0-9_.\-"']+)\s*(=)?(.*)$/.exec(line.text);
		if (typed) {
			const start = line.start + typed[1]!.length;
			const key = unquote(typed[2]!);
			entry = { key, keySpan: { start, end: start + typed[2]!.length }, value: undefined, valueSpan: undefined, valueTokenSpan: undefined, quoted: false, form: 'toml' };
			if (typed[3]) {
				const valueStart = line.text.indexOf('=', typed[1]!.length) + 1;
				const scalar = readScalar(line.text, valueStart);
				entry.value = scalar.value;
				entry.valueSpan = shift(scalar.content, line.start);
				entry.valueTokenSpan = { start: line.start + valueStart, end: line.end };
				entry.quoted = scalar.quoted;
			}
			if (table !== '\u0000array') fullKey = table ? `${table}.${key}` : key;
		}
	}
	const place = finishPlace(line, offset, entry, /[\s"'=#{}[\],]/);
	return { ...place, table: table === '\u0000array' ? '' : table, fullKey };
}

function shift(span: Span, by: number): Span {
	return { start: span.start + by, end: span.end + by };
}
