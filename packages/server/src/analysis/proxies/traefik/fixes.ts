/**
Text edits for Traefik quick fixes, written in the form the file already uses: a compose label in map form
(`key: value`) or list form (`- key=value`), a YAML flow or block sequence, a TOML array, a comma-separated label.
Every builder returns `undefined` when the text cannot be edited exactly (interpolated or escaped values).
*/
import type { TextEdit } from '../../findings.js';
import type { ConfigNode, EntrySource, ListValue } from '../../formats/traefik/index.js';
import type { Deployment } from '../../model/deployment.js';

export function fileText(deployment: Deployment, path: string): string | undefined {
	return deployment.files.get(path)?.text;
}

function eolOf(text: string): string {
	return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Offset of the end of the line holding `offset` (before its line break). */
function lineEnd(text: string, offset: number): number {
	const newline = text.indexOf('\n', offset);
	if (newline < 0) return text.length;
	return newline > 0 && text[newline - 1] === '\r' ? newline - 1 : newline;
}

function lineStart(text: string, offset: number): number {
	return text.lastIndexOf('\n', offset - 1) + 1;
}

/** A YAML plain scalar that needs no quotes, else a double-quoted one. */
function yamlValue(value: string): string {
	return /^[A-Za-z0-9][A-Za-z0-9@._,/-]*$/.test(value) ? value : JSON.stringify(value);
}

/**
New compose labels after the last of `entries` (the router's or middleware's labels), in that entry's form and
indentation: map form `key: value` (empty values as `""`), list form `- key=value`.
*/
export function insertLabels(deployment: Deployment, entries: readonly EntrySource[], labels: ReadonlyArray<readonly [string, string]>): TextEdit | undefined {
	const own = entries.filter((entry) => entry.form === 'map' || entry.form === 'list');
	if (own.length === 0 || labels.length === 0) return undefined;
	const last = own.reduce((a, b) => (b.entrySpan.end > a.entrySpan.end ? b : a));
	const text = fileText(deployment, last.file);
	if (text === undefined) return undefined;
	const start = lineStart(text, last.entrySpan.start);
	const prefix = text.slice(start, last.entrySpan.start);
	const eol = eolOf(text);
	let lines: string[];
	if (last.form === 'map') {
		if (!/^[ \t]*$/.test(prefix)) return undefined;
		lines = labels.map(([key, value]) => `${prefix}${key}: ${value === '' ? '""' : yamlValue(value)}`);
	} else {
		if (!/^[ \t]*-[ \t]+$/.test(prefix)) return undefined;
		const quote = text[last.entrySpan.start] === '"' || text[last.entrySpan.start] === "'" ? text[last.entrySpan.start]! : '';
		lines = labels.map(([key, value]) => `${prefix}${quote}${key}=${value}${quote}`);
	}
	const at = lineEnd(text, last.entrySpan.end);
	return { file: last.file, span: { start: at, end: at }, newText: lines.map((line) => `${eol}${line}`).join('') };
}

/** Appends `value` to a list in whatever syntax it is written. */
export function appendToList(deployment: Deployment, list: ListValue, value: string): TextEdit | undefined {
	const file = list.location.file;
	const text = fileText(deployment, file);
	if (text === undefined) return undefined;
	const syntax = list.node.listSyntax;
	const lastItem = list.items[list.items.length - 1];
	if (list.style === 'csv') {
		const scalar = list.node.scalar;
		if (!scalar) return undefined;
		if (list.items.length === 0) {
			const at = scalar.location.span.start;
			const spacer = text[at - 1] === ':' ? ' ' : '';
			return { file, span: scalar.location.span, newText: `${spacer}${value}` };
		}
		if (!scalar.verbatim || !lastItem?.location) return undefined;
		const separator = scalar.value.includes(', ') ? ', ' : ',';
		return { file, span: { start: lastItem.location.span.end, end: lastItem.location.span.end }, newText: `${separator}${value}` };
	}
	if (syntax?.kind === 'yaml-flow' || syntax?.kind === 'toml-array') {
		const lastNode = lastItem?.node;
		const quote = lastNode?.scalar?.quote || (syntax.kind === 'toml-array' ? '"' : '');
		const item = quote === '"' ? JSON.stringify(value) : quote === "'" ? `'${value}'` : syntax.kind === 'yaml-flow' ? yamlValue(value) : JSON.stringify(value);
		if (!lastNode) return { file, span: { start: syntax.open.end, end: syntax.open.end }, newText: item };
		return { file, span: { start: lastNode.location.span.end, end: lastNode.location.span.end }, newText: `, ${item}` };
	}
	if (syntax?.kind === 'yaml-block') {
		const lastNode = lastItem?.node;
		if (!lastNode) return undefined;
		const at = lineEnd(text, lastNode.location.span.end);
		const quote = lastNode.scalar?.quote;
		const item = quote === '"' ? JSON.stringify(value) : quote === "'" ? `'${value}'` : yamlValue(value);
		return { file, span: { start: at, end: at }, newText: `${eolOf(text)}${syntax.indent}- ${item}` };
	}
	return undefined;
}

/** Rewrites a list's items in a new order (`order[i]` = index of the item that goes to position i). */
export function reorderList(deployment: Deployment, list: ListValue, order: readonly number[]): TextEdit[] | undefined {
	const text = fileText(deployment, list.location.file);
	if (text === undefined) return undefined;
	const spans = list.items.map((item) => (list.style === 'csv' ? item.location?.span : (item.node?.location.span ?? item.location?.span)));
	if (spans.some((span) => !span)) return undefined;
	const raw = spans.map((span) => text.slice(span!.start, span!.end));
	const edits: TextEdit[] = [];
	order.forEach((from, to) => {
		if (from !== to) edits.push({ file: list.location.file, span: spans[to]!, newText: raw[from]! });
	});
	return edits;
}

/** A new `key: value` (YAML) or `key = value` (TOML) line after `sibling`'s line, with its indentation. */
export function insertSiblingLine(deployment: Deployment, sibling: ConfigNode, format: 'yaml' | 'toml', key: string, value: string): TextEdit | undefined {
	const keyLocation = sibling.keyLocation;
	if (!keyLocation) return undefined;
	const text = fileText(deployment, keyLocation.file);
	if (text === undefined) return undefined;
	const start = lineStart(text, keyLocation.span.start);
	const indent = text.slice(start, keyLocation.span.start);
	if (!/^[ \t]*$/.test(indent)) return undefined;
	const at = lineEnd(text, sibling.location.span.end);
	// The sibling's value must end on its own line (no inline map or table continuing after it).
	if (/[{}]/.test(text.slice(keyLocation.span.start, at))) return undefined;
	const line = format === 'yaml' ? `${indent}${key}: ${value}` : `${indent}${key} = ${value}`;
	return { file: keyLocation.file, span: { start: at, end: at }, newText: `${eolOf(text)}${line}` };
}
