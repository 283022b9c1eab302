/**
Template markup in config files rendered by Ansible, Helm, gomplate, confd or a shell script: Go-template and Jinja
`{{ … }}`, Jinja `{% … %}` and `{# … #}`, and `__NAME__` placeholders. The readers treat them as opaque: a line that
holds only template markup (`{% if x %}`, `{{- end }}`, `{{ extra_directives }}`) reads as blank, so the structure
around it still parses; markup inside a line is part of the value it sits in and is never a syntax error.
Caddy's own placeholders (`{http.request.header.X}`, `{$ENV}`, `{env.X}`), nginx's `$var` and `${var}` and Compose's
`${VAR}` have one brace and are not templates.
*/
import { isScalar, visit, type Document } from 'yaml';
import type { Span } from '../text.js';

/**
- `expression`: `{{ x }}`, a value;
- `control`: `{% if %}`, `{{ if .X }}`, `{{ end }}`, `{{ range }}` and the like;
- `comment`: `{# … #}` and Go's `{{/*` comments;
- `placeholder`: `__PORT__`.
*/
export type TemplateKind = 'expression' | 'control' | 'comment' | 'placeholder';

export type TemplateSpan = Span & {
	kind: TemplateKind;
	/** Only template markup and blanks stand on its line(s): the readers read it as blank. */
	line: boolean;
};

/** Markup longer than this is not taken for a template (a stray `{{` must not swallow the file). */
const maxTemplateLength = 2000;
const controlWords = /^(?:if|else|end|range|with|define|template|block|break|continue)\b/;
const placeholderPattern = /(?<![A-Za-z0-9_])__[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*__(?![A-Za-z0-9_])/g;

/** Every template span in `text`, in order, without overlaps. Linear in the length of the text. */
export function findTemplates(text: string): TemplateSpan[] {
	const spans: TemplateSpan[] = [];
	if (typeof text !== 'string') return spans;
	const closes = { '{': new Closer(text, '}}'), '%': new Closer(text, '%}'), '#': new Closer(text, '#}') };
	let from = 0;
	for (let open = text.indexOf('{', from); open !== -1; open = text.indexOf('{', from)) {
		from = open + 1;
		const second = text[open + 1];
		if (second !== '{' && second !== '%' && second !== '#') continue;
		const close = closes[second].after(open + 2);
		if (close === -1 || close + 2 - open > maxTemplateLength) continue;
		const end = close + 2;
		if (second === '#' && text.lastIndexOf('\n', close) > open && !blankBefore(text, open)) continue;
		spans.push({ start: open, end, kind: kindOf(text, open, second), line: false });
		from = end;
	}
	for (const match of text.matchAll(placeholderPattern)) {
		const start = match.index;
		if (!spans.some((span) => span.start <= start && start < span.end)) spans.push({ start, end: start + match[0].length, kind: 'placeholder', line: false });
	}
	spans.sort((a, b) => a.start - b.start);
	markLines(text, spans);
	return spans;
}

/** The next `}}` (or `%}`, `#}`) at or after an offset, each occurrence found once however often it is asked for. */
class Closer {
	private next = -2;
	constructor(
		private readonly text: string,
		private readonly token: string,
	) {}

	after(offset: number): number {
		if (this.next !== -1 && this.next < offset) this.next = this.text.indexOf(this.token, offset);
		return this.next;
	}
}

function kindOf(text: string, open: number, second: string): TemplateKind {
	if (second === '#') return 'comment';
	if (second === '%') return 'control';
	let i = open + 2;
	if (text[i] === '-') i++;
	while (text[i] === ' ' || text[i] === '\t') i++;
	if (text.startsWith('/*', i)) return 'comment';
	return controlWords.test(text.slice(i, i + 12)) ? 'control' : 'expression';
}

/** Marks the runs of spans that fill their lines (placeholders never do: `__X__` alone is a word). */
function markLines(text: string, spans: TemplateSpan[]): void {
	let i = 0;
	while (i < spans.length) {
		let j = i;
		while (j + 1 < spans.length && spans[j + 1]!.kind !== 'placeholder' && onlyBlanks(text, spans[j]!.end, spans[j + 1]!.start)) j++;
		const first = spans[i]!;
		const last = spans[j]!;
		if (blankBefore(text, first.start) && blankAfter(text, last.end) && spans.slice(i, j + 1).every((span) => span.kind !== 'placeholder')) {
			for (let k = i; k <= j; k++) spans[k]!.line = true;
		}
		i = j + 1;
	}
}

function onlyBlanks(text: string, from: number, to: number): boolean {
	for (let i = from; i < to; i++) {
		const code = text.charCodeAt(i);
		if (code !== 32 && code !== 9) return false;
	}
	return true;
}

function blankBefore(text: string, offset: number): boolean {
	for (let i = offset - 1; i >= 0; i--) {
		const code = text.charCodeAt(i);
		if (code === 10) return true;
		if (code !== 32 && code !== 9 && code !== 13) return false;
	}
	return true;
}

function blankAfter(text: string, offset: number): boolean {
	for (let i = offset; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === 10) return true;
		if (code !== 32 && code !== 9 && code !== 13) return false;
	}
	return true;
}

/**
`text` with the same length and line breaks: line templates become spaces; with `inline: 'fill'`, markup inside a
line becomes `_` (a plain word in every format), else it stays. Placeholders always stay.
*/
export function maskTemplates(text: string, spans: readonly TemplateSpan[], inline: 'keep' | 'fill' = 'keep'): string {
	if (spans.length === 0) return text;
	let out = '';
	let at = 0;
	for (const span of spans) {
		if (span.kind === 'placeholder' || (!span.line && inline === 'keep')) continue;
		out += text.slice(at, span.start) + text.slice(span.start, span.end).replace(/[^\r\n]/g, span.line ? ' ' : '_');
		at = span.end;
	}
	return out + text.slice(at);
}

/** The spans (sorted, disjoint, as `findTemplates` gives them) that overlap `[start, end)`; an empty range counts as one character. */
export function templatesIn(spans: readonly TemplateSpan[], start: number, end: number): TemplateSpan[] {
	const to = Math.max(end, start + 1);
	let low = 0;
	let high = spans.length;
	while (low < high) {
		const middle = (low + high) >> 1;
		if (spans[middle]!.end <= start) low = middle + 1;
		else high = middle;
	}
	const out: TemplateSpan[] = [];
	for (let i = low; i < spans.length && spans[i]!.start < to; i++) out.push(spans[i]!);
	return out;
}

/** Whether a span touches template markup or a placeholder (errors there are about the template, not the file's syntax). */
export function touchesTemplate(spans: readonly TemplateSpan[], span: Span): boolean {
	return templatesIn(spans, span.start, span.end).length > 0;
}

/** Errors that do not touch template markup. */
export function withoutTemplateErrors<T extends { span: Span; file?: string }>(errors: T[], spans: readonly TemplateSpan[], file?: string): T[] {
	if (spans.length === 0) return errors;
	return errors.filter((error) => (file !== undefined && error.file !== undefined && error.file !== file) || !touchesTemplate(spans, error.span));
}

/**
After parsing YAML masked with `inline: 'fill'`: every string scalar whose source holds masked markup gets its written
text back (`{{ .DataDir }}/data`), so readers see the template, not the mask. Scalars whose value is not their source
text verbatim (escapes, folding) keep the mask.
*/
export function restoreTemplatedScalars(document: Document, original: string, masked: string, spans: readonly TemplateSpan[]): void {
	const inline = spans.filter((span) => !span.line && span.kind !== 'placeholder');
	if (inline.length === 0) return;
	visit(document, {
		Scalar(_key, node) {
			if (!isScalar(node) || !node.range || typeof node.value !== 'string') return;
			let [start, end] = node.range;
			if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') {
				start++;
				end--;
			}
			const value = node.value;
			if (value.length !== end - start || !masked.startsWith(value, start)) return;
			if (!inline.some((span) => span.start < end && start < span.end)) return;
			node.value = original.slice(start, end);
		},
	});
}

/** Whether a value holds template markup (`{{ upstream }}`, `__HOST__`): rules conclude nothing from it. */
export function isTemplated(value: string): boolean {
	return /\{\{|\{%/.test(value) || /(?<![A-Za-z0-9_])__[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*__(?![A-Za-z0-9_])/.test(value);
}
