/**
A tolerant reader of systemd unit files (`*.service`, drop-ins `*.service.d/*.conf`), for what decides a native
Navidrome's settings: the `[Service]` section's `Environment=` (several assignments per line, double or single quotes
anywhere in a word, C escapes), `EnvironmentFile=` (an optional `-` prefix: missing is fine), `ExecStart=` (its words)
and `WorkingDirectory=`. `#` and `;` lines are comments; a line ending in `\` continues on the next. `%` specifiers
(`%h`, `%i`) are left as written and mark a value opaque; `%%` is a literal `%`. An empty assignment resets the list.
Linear in the text; never throws.
*/
import type { Span } from '../../text.js';
import type { SyntaxError } from '../syntax-error.js';

/** One `NAME=value` word of an `Environment=` line. */
export type SystemdAssignment = {
	name: string;
	value: string;
	nameSpan: Span;
	/** The value's characters in the file (without quotes). */
	valueSpan: Span;
	/** Whether `value` equals the text at `valueSpan` (no quotes, escapes or `%%` inside it). */
	verbatim: boolean;
	/** The value holds a `%` specifier systemd expands at load time (`%h`, `%i`): its real text is unknown. */
	opaque: boolean;
	/** 1-based line of the name. */
	line: number;
};

/** A word of a command line, unquoted and unescaped, with the characters it was read from. */
export type SystemdWord = { text: string; span: Span; opaque: boolean };

/** A `[Service]` setting this reader keeps, in file order. An empty value (`reset`) clears what came before. */
export type SystemdEntry =
	| { key: 'Environment'; span: Span; reset: boolean; assignments: SystemdAssignment[] }
	| { key: 'EnvironmentFile'; span: Span; reset: boolean; path: string; pathSpan: Span; optional: boolean; opaque: boolean }
	| { key: 'ExecStart'; span: Span; reset: boolean; words: SystemdWord[] }
	| { key: 'WorkingDirectory'; span: Span; reset: boolean; path: string; pathSpan: Span; opaque: boolean };

export type SystemdUnit = {
	/** The kept `[Service]` settings, in order. */
	entries: SystemdEntry[];
	/** Section names seen, in order (`Unit`, `Service`, `Install`, …). */
	sections: string[];
	errors: SyntaxError[];
};

const keptKeys = new Set(['Environment', 'EnvironmentFile', 'ExecStart', 'WorkingDirectory']);
const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\u0007', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'", ' ': ' ', s: ' ' };

export function parseSystemdUnit(text: string): SystemdUnit {
	const unit: SystemdUnit = { entries: [], sections: [], errors: [] };
	if (typeof text !== 'string') return unit;
	let section = '';
	let pos = 0;
	let line = 1;
	while (pos < text.length) {
		const lineEnd = findLineEnd(text, pos);
		const start = skipBlanks(text, pos, lineEnd);
		const char = text[start];
		const lineNumber = line;
		if (start >= lineEnd || char === '#' || char === ';') {
			[pos, line] = [nextLine(text, lineEnd), line + 1];
			continue;
		}
		if (char === '[') {
			const close = indexBefore(text, ']', start, lineEnd);
			section = close > start ? text.slice(start + 1, close).trim() : '';
			unit.sections.push(section);
			[pos, line] = [nextLine(text, lineEnd), line + 1];
			continue;
		}
		// A logical line: continuation lines join until one does not end in a backslash.
		let end = lineEnd;
		let next = nextLine(text, lineEnd);
		let lines = 1;
		while (endsWithBackslash(text, start, end) && next < text.length) {
			end = findLineEnd(text, next);
			next = nextLine(text, end);
			lines++;
		}
		line += lines;
		pos = next;
		const eq = indexBefore(text, '=', start, end);
		if (eq < 0) continue;
		const key = text.slice(start, eq).trim();
		if (section !== 'Service' || !keptKeys.has(key)) continue;
		const valueStart = skipBlanks(text, eq + 1, end);
		let valueEnd = end;
		while (valueEnd > valueStart && (text[valueEnd - 1] === ' ' || text[valueEnd - 1] === '\t')) valueEnd--;
		const span = { start, end: valueEnd };
		const reset = valueStart >= valueEnd;
		if (key === 'Environment') unit.entries.push({ key, span, reset, assignments: reset ? [] : readAssignments(text, valueStart, valueEnd, lineNumber, unit.errors) });
		else if (key === 'ExecStart') unit.entries.push({ key, span, reset, words: reset ? [] : readWords(text, valueStart, valueEnd, unit.errors).map((word) => word.word) });
		else {
			const optional = key === 'EnvironmentFile' && text[valueStart] === '-';
			const pathStart = optional ? valueStart + 1 : valueStart;
			const raw = text.slice(pathStart, valueEnd);
			const path = raw.replaceAll('%%', '%');
			const opaque = /%[^%]/.test(raw.replaceAll('%%', ''));
			const pathSpan = { start: pathStart, end: valueEnd };
			if (key === 'EnvironmentFile') unit.entries.push({ key, span, reset, path, pathSpan, optional, opaque });
			else unit.entries.push({ key: 'WorkingDirectory', span, reset, path: path.startsWith('-') ? path.slice(1) : path, pathSpan, opaque });
		}
	}
	return unit;
}

/** The `NAME=value` words of an `Environment=` value; a word that is not one is ignored, as systemd does (with a warning). */
function readAssignments(text: string, start: number, end: number, line: number, errors: SyntaxError[]): SystemdAssignment[] {
	const assignments: SystemdAssignment[] = [];
	for (const { word, sources, changed } of readWords(text, start, end, errors)) {
		const eq = word.text.indexOf('=');
		const name = eq > 0 ? word.text.slice(0, eq) : '';
		if (!namePattern.test(name)) {
			errors.push({ message: 'systemd ignores this word of Environment=: it is not NAME=VALUE', span: word.span });
			continue;
		}
		const nameSpan = { start: sources[0]!, end: sources[eq - 1]! + 1 };
		const valueText = word.text.slice(eq + 1);
		const valueStart = valueText.length > 0 ? sources[eq + 1]! : eqEnd(sources, eq);
		const valueEnd = valueText.length > 0 ? sources[word.text.length - 1]! + 1 : valueStart;
		// Verbatim when each character of the value came from the next source character and none was rewritten.
		let verbatim = valueEnd - valueStart === valueText.length;
		for (let i = eq + 1; verbatim && i < word.text.length; i++) if (changed[i] || sources[i] !== valueStart + (i - eq - 1)) verbatim = false;
		assignments.push({ name, value: valueText, nameSpan, valueSpan: { start: valueStart, end: valueEnd }, verbatim, opaque: word.opaque && /%[^%]/.test(text.slice(valueStart, valueEnd).replaceAll('%%', '')), line });
	}
	return assignments;
}

/** Where an empty value sits: just after the `=`'s source character. */
function eqEnd(sources: number[], eq: number): number {
	return sources[eq]! + 1;
}

type ReadWord = { word: SystemdWord; sources: number[]; changed: boolean[] };

/**
systemd's word splitting (`extract_first_word` with unquoting and C unescaping): blanks separate words outside quotes,
quotes may open and close anywhere in a word, a backslash escapes, and a continued line's backslash-newline is a blank.
Each character of a word keeps the offset it came from.
*/
function readWords(text: string, start: number, end: number, errors: SyntaxError[]): ReadWord[] {
	const words: ReadWord[] = [];
	let i = start;
	while (i < end) {
		while (i < end && isBlankAt(text, i)) i = skipBlankAt(text, i);
		if (i >= end) break;
		const wordStart = i;
		let value = '';
		const sources: number[] = [];
		const changed: boolean[] = [];
		let quote: string | undefined;
		let opaque = false;
		const push = (chars: string, source: number, rewritten: boolean): void => {
			for (const char of chars) {
				value += char;
				sources.push(source);
				changed.push(rewritten);
			}
		};
		while (i < end) {
			const char = text[i]!;
			if (!quote && isBlankAt(text, i)) break;
			if (quote && char === quote) {
				quote = undefined;
				i++;
				continue;
			}
			if (!quote && (char === '"' || char === "'")) {
				quote = char;
				i++;
				continue;
			}
			if (char === '\\' && i + 1 < end) {
				const next = text[i + 1]!;
				if (next === '\n' || next === '\r') {
					if (!quote) break;
					i = skipBlankAt(text, i);
					continue;
				}
				const escaped = escapes[next];
				if (escaped !== undefined) push(escaped, i + 1, true);
				else push(`\\${next}`, i, true);
				i += 2;
				continue;
			}
			if (char === '%' && i + 1 < end) {
				if (text[i + 1] === '%') {
					push('%', i, true);
					i += 2;
					continue;
				}
				opaque = true;
			}
			push(char, i, false);
			i++;
		}
		if (quote) errors.push({ message: `Unterminated ${quote === '"' ? 'double' : 'single'} quote: systemd ignores this setting`, span: { start: wordStart, end } });
		if (value.length > 0 || sources.length > 0) words.push({ word: { text: value, span: { start: wordStart, end: i }, opaque }, sources, changed });
	}
	return words;
}

/** The first `char` in `[from, end)`, or -1: a search that never runs past the line. */
function indexBefore(text: string, char: string, from: number, end: number): number {
	for (let i = from; i < end; i++) if (text[i] === char) return i;
	return -1;
}

function isBlankAt(text: string, i: number): boolean {
	const char = text[i];
	if (char === ' ' || char === '\t' || char === '\n' || char === '\r') return true;
	return char === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r');
}

function skipBlankAt(text: string, i: number): number {
	if (text[i] === '\\') return text[i + 1] === '\r' && text[i + 2] === '\n' ? i + 3 : i + 2;
	return i + 1;
}

function endsWithBackslash(text: string, start: number, end: number): boolean {
	return end > start && text[end - 1] === '\\';
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

/** What a unit and its drop-ins (in order) leave in effect: each list after its last reset, each item with its file. */
export type EffectiveService = {
	environment: Array<{ assignment: SystemdAssignment; file: string }>;
	environmentFiles: Array<{ path: string; pathSpan: Span; optional: boolean; opaque: boolean; file: string }>;
	execStart: Array<{ words: SystemdWord[]; file: string }>;
	workingDirectory: { path: string; opaque: boolean; file: string } | undefined;
};

/**
Merges a unit with its drop-ins (`foo.service.d/*.conf`, applied in name order after the unit, as systemd does):
list settings append, an empty assignment clears them, `WorkingDirectory=` is the last one set.
*/
export function mergeUnits(parts: ReadonlyArray<{ path: string; unit: SystemdUnit }>): EffectiveService {
	const merged: EffectiveService = { environment: [], environmentFiles: [], execStart: [], workingDirectory: undefined };
	for (const { path, unit } of parts) {
		for (const entry of unit.entries) {
			if (entry.key === 'Environment') {
				if (entry.reset) merged.environment = [];
				for (const assignment of entry.assignments) merged.environment.push({ assignment, file: path });
			} else if (entry.key === 'EnvironmentFile') {
				if (entry.reset) merged.environmentFiles = [];
				else merged.environmentFiles.push({ path: entry.path, pathSpan: entry.pathSpan, optional: entry.optional, opaque: entry.opaque, file: path });
			} else if (entry.key === 'ExecStart') {
				if (entry.reset) merged.execStart = [];
				else merged.execStart.push({ words: entry.words, file: path });
			} else merged.workingDirectory = entry.reset ? undefined : { path: entry.path, opaque: entry.opaque, file: path };
		}
	}
	return merged;
}
