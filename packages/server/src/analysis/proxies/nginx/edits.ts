/** Words and text edits for nginx findings: where a finding goes, how a location is named, and lines to insert. */
import type { Location, TextEdit } from '../../findings.js';
import type { Directive } from '../../formats/nginx/index.js';
import { describeLevel, type Level } from './levels.js';

/** A location's `location <modifier> <path>` head, for finding spans. */
export function locationHead(location: Directive): Location {
	const last = location.args[location.args.length - 1];
	return { file: location.file, span: { start: location.nameSpan.start, end: last ? last.span.end : location.nameSpan.end } };
}

export function at(directive: Directive): Location {
	return { file: directive.file, span: directive.span };
}

/** The span of a directive's argument (the value of `proxy_set_header H value`), else the whole directive. */
export function argLocation(directive: Directive, index: number): Location {
	const arg = directive.args[index];
	return { file: directive.file, span: arg ? arg.span : directive.span };
}

/** `location ^~ /rest/`, with ` of server subsonic.example.com` when the server has a name. */
export function where(level: Level, server: Level | undefined): string {
	const named = server ? describeLevel(server) : 'server';
	return named === 'server' ? describeLevel(level) : `${describeLevel(level)} of ${named}`;
}

/** `proxy_set_header Remote-User $user;` rebuilt from the directive's words (its file may be a snippet). */
export function directiveText(directive: Directive): string {
	return `${directive.name}${directive.args.map((arg) => ` ${arg.raw}`).join('')};`;
}

/** A quoted-if-needed nginx word. */
export function nginxWord(value: string): string {
	return /^[A-Za-z0-9_.:/@$-]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
An edit inserting whole directive lines into a level's block: before its first `proxy_set_header` (or the `include`
that brings it) with that line's indentation; else at the end of the line holding `{`, one level deeper than the
block's own indentation; on a one-line block, right after `{`.
*/
export function insertIntoLevel(level: Level, lines: readonly string[], readText: (path: string) => string | undefined): TextEdit | undefined {
	const block = level.block;
	if (!block?.blockSpan || lines.length === 0) return undefined;
	const text = readText(block.file);
	if (text === undefined || block.blockSpan.start >= text.length || text[block.blockSpan.start] !== '{') return undefined;
	const anchor = firstOwnHeaderLine(level, block);
	if (anchor) {
		const lineStart = text.lastIndexOf('\n', anchor.span.start - 1) + 1;
		const before = text.slice(lineStart, anchor.span.start);
		const joiner = /^[ \t]*$/.test(before) ? `\n${before}` : ' ';
		return { file: block.file, span: { start: anchor.span.start, end: anchor.span.start }, newText: lines.map((line) => `${line}${joiner}`).join('') };
	}
	const open = block.blockSpan.start;
	const lineEnd = nextLineBreak(text, open);
	const firstChild = block.block?.find((child) => child.file === block.file);
	if (firstChild && firstChild.span.start < lineEnd) {
		return { file: block.file, span: { start: open + 1, end: open + 1 }, newText: lines.map((line) => ` ${line}`).join('') };
	}
	const indent = firstChild ? indentationAt(text, firstChild.span.start) : `${indentationAt(text, block.span.start)}${unitFor(text, block.span.start)}`;
	return { file: block.file, span: { start: lineEnd, end: lineEnd }, newText: lines.map((line) => `\n${indent}${line}`).join('') };
}

/**
Lines a level inherits today: adding one `proxy_set_header` drops them, so a fix repeats them (an `include` that
brought them is repeated as the `include`).
*/
export function inheritedLines(level: Level, lines: { level: Level; directives: Directive[] } | undefined): string[] {
	if (!lines || lines.level === level) return [];
	const file = lines.level.block?.file ?? lines.level.root;
	const texts: string[] = [];
	for (const directive of lines.directives) {
		let anchor: Directive = directive;
		for (let hops = 0; anchor.file !== file && anchor.via && hops < 64; hops++) anchor = anchor.via;
		const text = directiveText(anchor);
		if (!texts.includes(text)) texts.push(text);
	}
	return texts;
}

/** The directive in the block's own file that is, or includes, the level's first `proxy_set_header`. */
function firstOwnHeaderLine(level: Level, block: Directive): Directive | undefined {
	const first = level.directives.find((directive) => directive.name === 'proxy_set_header');
	let anchor: Directive | undefined = first;
	for (let hops = 0; anchor && anchor.file !== block.file && hops < 64; hops++) anchor = anchor.via;
	return anchor && anchor.file === block.file && block.blockSpan && anchor.span.start > block.blockSpan.start ? anchor : undefined;
}

function nextLineBreak(text: string, from: number): number {
	for (let i = from; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === 10 || code === 13) return i;
	}
	return text.length;
}

/** Leading whitespace of the line holding `offset`, when only whitespace precedes it there. */
function indentationAt(text: string, offset: number): string {
	const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
	const before = text.slice(lineStart, offset);
	return /^[ \t]*$/.test(before) ? before : (/^[ \t]*/.exec(before)?.[0] ?? '');
}

function unitFor(text: string, offset: number): string {
	if (indentationAt(text, offset).includes('\t') || /\n\t/.test(text)) return '\t';
	// The smallest indentation in the file is its unit.
	let unit = 0;
	for (const match of text.slice(0, 200_000).matchAll(/\n( +)\S/g)) if (unit === 0 || match[1]!.length < unit) unit = match[1]!.length;
	return ' '.repeat(unit || 4);
}
