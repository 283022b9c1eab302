/**
Compose variable interpolation, shared by compose files and `.env` files (which Compose reads with the same rules):
`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}` and
`$$` for a literal `$`. Defaults may nest. Unset variables become empty, as Compose does (with a warning); `?` forms
make Compose refuse to start. Also the interpolated `KEY=value` item of a compose `environment` or `labels` list,
which the Traefik formats read too.
*/
import type { Span } from '../text.js';

export type Lookup = (name: string) => string | undefined;

/** Maps a run of the interpolated value back to where it came from. */
export type Segment =
	| { start: number; end: number; kind: 'literal'; sourceOffset: number }
	| { start: number; end: number; kind: 'variable'; name: string };

export type InterpolationProblem = { kind: 'unset' | 'required' | 'syntax'; name: string; message: string; offset: number; length: number };

export type Interpolated = {
	value: string;
	segments: Segment[];
	/** Names of every variable referenced, resolved or not. */
	variables: string[];
	problems: InterpolationProblem[];
};

/** One `environment` or `labels` item, in either map or list form. */
export type KeyValueEntry = {
	key: string;
	keySpan: Span;
	/** Interpolated value; `undefined` for a list item without `=` (taken from the shell). */
	value: string | undefined;
	/** The raw value text's content span (for map form: the scalar; for list form: after `=`). */
	valueSpan: Span;
	/** Whether `value` equals the source text at `valueSpan` (no quoting escapes, no interpolation). */
	verbatim: boolean;
	/** Whether the text before interpolation equals the source at `valueSpan` (no quoting escapes). */
	rawVerbatim: boolean;
	interpolation: Interpolated | undefined;
	/** The whole item (pair or sequence entry), for removal fixes. */
	entrySpan: Span;
	form: 'map' | 'list';
};

const nameStart = /[A-Za-z_]/;
const nameChar = /[A-Za-z0-9_]/;

export function interpolate(text: string, lookup: Lookup): Interpolated {
	const result: Interpolated = { value: '', segments: [], variables: [], problems: [] };
	if (!text.includes('$')) {
		result.value = text;
		if (text.length > 0) result.segments.push({ start: 0, end: text.length, kind: 'literal', sourceOffset: 0 });
		return result;
	}
	expand(text, 0, text.length, lookup, result, 0);
	return result;
}

function pushLiteral(out: Interpolated, literal: string, sourceOffset: number): void {
	if (literal.length === 0) return;
	const start = out.value.length;
	out.value += literal;
	const last = out.segments[out.segments.length - 1];
	if (last && last.kind === 'literal' && last.end === start && last.sourceOffset + (last.end - last.start) === sourceOffset) last.end += literal.length;
	else out.segments.push({ start, end: start + literal.length, kind: 'literal', sourceOffset });
}

function pushVariable(out: Interpolated, name: string, value: string): void {
	if (value.length === 0) return;
	const start = out.value.length;
	out.value += value;
	out.segments.push({ start, end: start + value.length, kind: 'variable', name });
}

function expand(text: string, from: number, to: number, lookup: Lookup, out: Interpolated, depth: number): void {
	let i = from;
	let literalStart = from;
	while (i < to) {
		if (text[i] !== '$') {
			i++;
			continue;
		}
		pushLiteral(out, text.slice(literalStart, i), literalStart);
		const next = text[i + 1];
		if (next === '$') {
			pushLiteral(out, '$', i + 1);
			i += 2;
			literalStart = i;
			continue;
		}
		if (next === '{') {
			const close = findClosingBrace(text, i + 2, to);
			if (close < 0) {
				out.problems.push({ kind: 'syntax', name: '', message: 'Unterminated ${ in variable interpolation', offset: i, length: to - i });
				pushLiteral(out, text.slice(i, to), i);
				return;
			}
			expandBraced(text, i, i + 2, close, lookup, out, depth);
			i = close + 1;
			literalStart = i;
			continue;
		}
		if (next !== undefined && nameStart.test(next)) {
			let end = i + 2;
			while (end < to && nameChar.test(text[end]!)) end++;
			const name = text.slice(i + 1, end);
			reference(out, name, lookup, i, end - i);
			i = end;
			literalStart = i;
			continue;
		}
		// A lone `$` is kept literally.
		i++;
		pushLiteral(out, '$', i - 1);
		literalStart = i;
	}
	pushLiteral(out, text.slice(literalStart, to), literalStart);
}

function reference(out: Interpolated, name: string, lookup: Lookup, offset: number, length: number): string | undefined {
	if (!out.variables.includes(name)) out.variables.push(name);
	const value = lookup(name);
	if (value === undefined) out.problems.push({ kind: 'unset', name, message: `Variable ${name} is not set; Compose substitutes an empty string`, offset, length });
	else pushVariable(out, name, value);
	return value;
}

function expandBraced(text: string, dollar: number, start: number, close: number, lookup: Lookup, out: Interpolated, depth: number): void {
	let nameEnd = start;
	while (nameEnd < close && nameChar.test(text[nameEnd]!)) nameEnd++;
	const name = text.slice(start, nameEnd);
	const length = close + 1 - dollar;
	if (name.length === 0 || !nameStart.test(name[0]!)) {
		// Names only: the text between the braces may be a value pasted in by mistake.
		out.problems.push({ kind: 'syntax', name: '', message: 'Invalid interpolation: ${ must be followed by a variable name (letters, digits and _, not starting with a digit)', offset: dollar, length });
		return;
	}
	if (!out.variables.includes(name)) out.variables.push(name);
	const value = lookup(name);
	if (nameEnd === close) {
		if (value === undefined) out.problems.push({ kind: 'unset', name, message: `Variable ${name} is not set; Compose substitutes an empty string`, offset: dollar, length });
		else pushVariable(out, name, value);
		return;
	}
	const colon = text[nameEnd] === ':';
	const operator = text[colon ? nameEnd + 1 : nameEnd];
	const argStart = colon ? nameEnd + 2 : nameEnd + 1;
	const missing = value === undefined || (colon && value === '');
	switch (operator) {
		case '-':
			if (!missing) pushVariable(out, name, value!);
			else if (depth < 10) expand(text, argStart, close, lookup, out, depth + 1);
			return;
		case '+':
			if (!missing && depth < 10) expand(text, argStart, close, lookup, out, depth + 1);
			return;
		case '?': {
			if (!missing) {
				pushVariable(out, name, value!);
				return;
			}
			const reason = text.slice(argStart, close);
			out.problems.push({ kind: 'required', name, message: `Required variable ${name} is ${value === undefined ? 'not set' : 'empty'}${reason ? `: ${reason}` : ''}; Compose refuses to start`, offset: dollar, length });
			return;
		}
		default:
			out.problems.push({ kind: 'syntax', name, message: `Invalid interpolation format for ${name}`, offset: dollar, length });
	}
}

function findClosingBrace(text: string, from: number, to: number): number {
	let depth = 0;
	for (let i = from; i < to; i++) {
		const char = text[i];
		if (char === '$' && text[i + 1] === '{') {
			depth++;
			i++;
		} else if (char === '}') {
			if (depth === 0) return i;
			depth--;
		}
	}
	return -1;
}
