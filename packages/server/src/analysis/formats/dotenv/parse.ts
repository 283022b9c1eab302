/**
`.env` files with Compose's rules: `KEY=VALUE`, optional `export `, `#` comment lines, inline ` # comments` after
unquoted values, single quotes (literal), double quotes (escapes, may span lines), and the last duplicate wins.
*/
import type { Span } from '../../text.js';
import type { SyntaxError } from '../syntax-error.js';

export type DotenvEntry = {
	name: string;
	value: string;
	nameSpan: Span;
	/** Span of the value's content, without quotes. */
	valueSpan: Span;
	quote: 'none' | 'single' | 'double';
	/** Whether `value` equals the source text at `valueSpan`, so offsets map one to one. */
	verbatim: boolean;
	/** `KEY` with no `=`: Compose takes it from the shell, which we cannot see. */
	fromShell: boolean;
};

export type DotenvFile = {
	/** Every assignment in file order, duplicates included. */
	entries: DotenvEntry[];
	/** Effective values: the last duplicate wins. */
	values: Map<string, DotenvEntry>;
	errors: SyntaxError[];
};

const namePattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const doubleQuoteEscapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

export function parseDotenv(text: string): DotenvFile {
	const entries: DotenvEntry[] = [];
	const errors: SyntaxError[] = [];
	const length = text.length;
	let pos = 0;
	while (pos < length) {
		const lineEnd = findLineEnd(text, pos);
		let cursor = skipBlanks(text, pos, lineEnd);
		if (cursor >= lineEnd || text[cursor] === '#') {
			pos = nextLine(text, lineEnd);
			continue;
		}
		if (text.startsWith('export', cursor) && (text[cursor + 6] === ' ' || text[cursor + 6] === '\t')) cursor = skipBlanks(text, cursor + 6, lineEnd);
		const nameStart = cursor;
		while (cursor < lineEnd && text[cursor] !== '=' && text[cursor] !== ' ' && text[cursor] !== '\t') cursor++;
		const name = text.slice(nameStart, cursor);
		const nameSpan = { start: nameStart, end: cursor };
		cursor = skipBlanks(text, cursor, lineEnd);
		if (!namePattern.test(name)) {
			errors.push({ message: `'${truncate(name)}' is not a valid variable name; expected KEY=VALUE`, span: { start: nameStart, end: lineEnd } });
			pos = nextLine(text, lineEnd);
			continue;
		}
		if (cursor >= lineEnd || text[cursor] === '#') {
			entries.push({ name, value: '', nameSpan, valueSpan: { start: cursor, end: cursor }, quote: 'none', verbatim: true, fromShell: true });
			pos = nextLine(text, lineEnd);
			continue;
		}
		if (text[cursor] !== '=') {
			errors.push({ message: `Expected '=' after '${name}' (lines are KEY=VALUE)`, span: { start: cursor, end: lineEnd } });
			pos = nextLine(text, lineEnd);
			continue;
		}
		cursor = skipBlanks(text, cursor + 1, lineEnd);
		const quoteChar = text[cursor];
		if (quoteChar === '"' || quoteChar === "'") {
			const parsed = readQuoted(text, cursor, quoteChar);
			if (!parsed) {
				errors.push({ message: `Unterminated ${quoteChar === '"' ? 'double' : 'single'}-quoted value for ${name}`, span: { start: cursor, end: lineEnd } });
				pos = nextLine(text, lineEnd);
				continue;
			}
			const valueSpan = { start: cursor + 1, end: parsed.close };
			entries.push({ name, value: parsed.value, nameSpan, valueSpan, quote: quoteChar === '"' ? 'double' : 'single', verbatim: parsed.value === text.slice(valueSpan.start, valueSpan.end), fromShell: false });
			const after = findLineEnd(text, parsed.close);
			pos = nextLine(text, after);
			continue;
		}
		// Unquoted: an inline comment starts at a `#` preceded by whitespace; the value is trimmed.
		let end = cursor;
		while (end < lineEnd && !(text[end] === '#' && end > cursor && (text[end - 1] === ' ' || text[end - 1] === '\t'))) end++;
		while (end > cursor && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
		const value = text.slice(cursor, end);
		entries.push({ name, value, nameSpan, valueSpan: { start: cursor, end }, quote: 'none', verbatim: true, fromShell: false });
		pos = nextLine(text, lineEnd);
	}
	const values = new Map<string, DotenvEntry>();
	for (const entry of entries) values.set(entry.name, entry);
	return { entries, values, errors };
}

function readQuoted(text: string, open: number, quote: string): { value: string; close: number } | undefined {
	let value = '';
	for (let i = open + 1; i < text.length; i++) {
		const char = text[i]!;
		if (char === quote) return { value, close: i };
		if (quote === '"' && char === '\\' && i + 1 < text.length) {
			const next = text[i + 1]!;
			const escaped = doubleQuoteEscapes[next];
			value += escaped ?? `\\${next}`;
			i++;
			continue;
		}
		value += char;
	}
	return undefined;
}

function findLineEnd(text: string, from: number): number {
	let i = from;
	while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
	return i;
}

function nextLine(text: string, lineEnd: number): number {
	if (text[lineEnd] === '\r' && text[lineEnd + 1] === '\n') return lineEnd + 2;
	return lineEnd + 1;
}

function skipBlanks(text: string, from: number, end: number): number {
	let i = from;
	while (i < end && (text[i] === ' ' || text[i] === '\t' || text[i] === '\uFEFF')) i++;
	return i;
}

function truncate(text: string): string {
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
