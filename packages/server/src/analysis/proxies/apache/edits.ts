/** Words and text edits for Apache findings. */
import type { Location, TextEdit } from '../../findings.js';
import type { ApacheDirective, ApacheNode, ApacheSection } from '../../formats/apache/index.js';

export function at(node: ApacheNode): Location {
	return { file: node.file, span: node.span };
}

/** `Location /rest/` (the section head without `<`/`>`), for finding spans. */
export function sectionLocation(section: ApacheSection): Location {
	const last = section.args[section.args.length - 1];
	return { file: section.file, span: { start: section.nameSpan.start, end: last ? last.span.end : section.nameSpan.end } };
}

/** The span of a directive's argument, else the whole directive. */
export function argLocation(directive: ApacheDirective, index: number): Location {
	const arg = directive.args[index];
	return { file: directive.file, span: arg ? arg.span : directive.span };
}

/** `RequestHeader set Remote-User "%{REMOTE_USER}e"` rebuilt from its words. */
export function directiveText(directive: ApacheDirective): string {
	return `${directive.name}${directive.args.map((arg) => ` ${arg.raw}`).join('')}`;
}

/** A quoted-if-needed Apache word. */
export function apacheWord(value: string): string {
	return /^[A-Za-z0-9_.:/@-]+$/.test(value) ? value : `"${value.replace(/"/g, '\\"')}"`;
}

/** Insert a whole line before `node`, with its indentation. */
export function insertBefore(node: ApacheNode, line: string, readText: (path: string) => string | undefined): TextEdit | undefined {
	const text = readText(node.file);
	if (text === undefined || node.span.start > text.length) return undefined;
	const lineStart = text.lastIndexOf('\n', node.span.start - 1) + 1;
	const before = text.slice(lineStart, node.span.start);
	if (!/^[ \t]*$/.test(before)) return undefined;
	return { file: node.file, span: { start: node.span.start, end: node.span.start }, newText: `${line}\n${before}` };
}

/** Insert a line as the first one inside a section (its first child's indentation, else one level deeper). */
export function insertInto(section: ApacheSection, line: string, readText: (path: string) => string | undefined): TextEdit | undefined {
	const first = section.children.find((child) => child.file === section.file);
	if (first) return insertBefore(first, line, readText);
	const text = readText(section.file);
	if (text === undefined) return undefined;
	const lineStart = text.lastIndexOf('\n', section.span.start - 1) + 1;
	const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
	const unit = indent.includes('\t') || /\n\t/.test(text) ? '\t' : '    ';
	return { file: section.file, span: { start: section.headSpan.end, end: section.headSpan.end }, newText: `\n${indent}${unit}${line}` };
}

/** Delete a directive's whole line. */
export function deleteLine(directive: ApacheDirective, readText: (path: string) => string | undefined): TextEdit | undefined {
	const text = readText(directive.file);
	if (text === undefined) return undefined;
	const start = text.lastIndexOf('\n', directive.span.start - 1) + 1;
	let end = text.indexOf('\n', directive.span.end);
	end = end < 0 ? text.length : end + 1;
	return { file: directive.file, span: { start, end }, newText: '' };
}
