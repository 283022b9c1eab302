/**
`.env` files with Compose's rules: `KEY=VALUE`, optional `export `, `#` comment lines, inline ` # comments` after
unquoted values, single quotes (literal), double quotes (escapes, may span lines), `${VAR}` interpolation in unquoted
and double-quoted values from earlier lines (the shell's variables are unknown), and the last duplicate wins.
Messages name variables, never values: a line that is not `KEY=VALUE` may be the second line of a wrapped secret.
*/
import { isSecretName } from '../../secrets.js';
import type { Span } from '../../text.js';
import { interpolate } from '../interpolate.js';
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
	/** 1-based line of the name. */
	line: number;
	/** Variables interpolated into the value (`${VAR}` from earlier lines). */
	variables: string[];
	/** The value came through a secret-looking variable (`${DB_PASSWORD}`, defined on `line`), directly or through another entry; `value` is that variable's. */
	secretVia: { name: string; line: number; value: string } | undefined;
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
	const values = new Map<string, DotenvEntry>();
	const lines = lineCounter(text);
	const add = (entry: Omit<DotenvEntry, 'line' | 'variables' | 'secretVia'>, raw: string | undefined): void => {
		const full: DotenvEntry = { ...entry, line: lines(entry.nameSpan.start), variables: [], secretVia: undefined };
		if (raw !== undefined && raw.includes('$')) expandValue(full, raw, values, errors);
		entries.push(full);
		values.set(full.name, full);
	};
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
			errors.push({ message: 'This line is not KEY=VALUE: it does not start with a variable name (letters, digits and _ . -, not starting with a digit)', span: { start: nameStart, end: lineEnd } });
			pos = nextLine(text, lineEnd);
			continue;
		}
		if (cursor >= lineEnd || text[cursor] === '#') {
			add({ name, value: '', nameSpan, valueSpan: { start: cursor, end: cursor }, quote: 'none', verbatim: true, fromShell: true }, undefined);
			pos = nextLine(text, lineEnd);
			continue;
		}
		if (text[cursor] !== '=') {
			errors.push({ message: "Expected '=' after the first word of the line (lines are KEY=VALUE)", span: { start: cursor, end: lineEnd } });
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
			const double = quoteChar === '"';
			const value = double ? parsed.value.replaceAll('$$', '$') : parsed.value;
			add({ name, value, nameSpan, valueSpan, quote: double ? 'double' : 'single', verbatim: value === text.slice(valueSpan.start, valueSpan.end), fromShell: false }, double ? parsed.value : undefined);
			const after = findLineEnd(text, parsed.close);
			pos = nextLine(text, after);
			continue;
		}
		// Unquoted: an inline comment starts at a `#` preceded by whitespace; the value is trimmed.
		let end = cursor;
		while (end < lineEnd && !(text[end] === '#' && end > cursor && (text[end - 1] === ' ' || text[end - 1] === '\t'))) end++;
		while (end > cursor && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
		const value = text.slice(cursor, end);
		add({ name, value, nameSpan, valueSpan: { start: cursor, end }, quote: 'none', verbatim: true, fromShell: false }, value);
		pos = nextLine(text, lineEnd);
	}
	return { entries, values, errors };
}

/** Compose expands `${VAR}` from the lines above (and the shell, which we cannot see: unset stays empty, silently). */
function expandValue(entry: DotenvEntry, raw: string, earlier: Map<string, DotenvEntry>, errors: SyntaxError[]): void {
	const result = interpolate(raw, (name) => {
		const found = earlier.get(name);
		return found && !found.fromShell ? found.value : undefined;
	});
	entry.value = result.value;
	entry.verbatim = entry.verbatim && result.value === raw;
	entry.variables = result.variables;
	for (const name of result.variables) {
		const source = earlier.get(name);
		if (isSecretName(name) && source && !source.fromShell) entry.secretVia ??= { name, line: source.line, value: source.value };
		else if (source?.secretVia) entry.secretVia ??= source.secretVia;
	}
	for (const problem of result.problems) {
		if (problem.kind === 'unset') continue;
		const exact = entry.quote === 'none';
		const start = exact ? entry.valueSpan.start + problem.offset : entry.valueSpan.start;
		errors.push({ message: `${problem.message} (in the value of ${entry.name})`, span: { start, end: exact ? start + problem.length : entry.valueSpan.end } });
	}
}

/** 1-based line of an offset, for offsets asked in increasing order (CR, LF and CRLF all end a line). */
function lineCounter(text: string): (offset: number) => number {
	let line = 1;
	let at = 0;
	return (offset) => {
		for (; at < offset && at < text.length; at++) {
			const char = text.charCodeAt(at);
			if (char === 10 || (char === 13 && text.charCodeAt(at + 1) !== 10)) line++;
		}
		return line;
	};
}

function readQuoted(text: string, open: number, quote: string): { value: string; close: number } | undefined {
	let value = '';
	for (let i = open + 1; i < text.length; i++) {
		const char = text[i]!;
		if (char === quote) return { value, close: i };
		if (quote === '"' && char === '\\' && i + 1 < text.length) {
			const next = text[i + 1]!;
			const escaped = next === '$' ? '$$' : doubleQuoteEscapes[next];
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
