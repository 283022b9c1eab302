/** Traefik YAML files (file provider and static configuration) read into the shared config tree. */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { SyntaxError } from '../syntax-error.js';
import { scalarText } from '../yaml-nodes.js';
import { newNode, type ConfigNode, type ConfigScalar } from './config-node.js';

const maxDepth = 64;

export function parseTraefikYaml(file: string, text: string): { root: ConfigNode; errors: SyntaxError[] } {
	const document = parseDocument(text, { keepSourceTokens: false, prettyErrors: false, strict: false, uniqueKeys: false, merge: false });
	const errors: SyntaxError[] = document.errors.map((error) => ({ message: firstLine(error.message), span: { start: error.pos[0], end: Math.max(error.pos[1], error.pos[0] + 1) } }));
	const root = newNode('', { file, span: { start: 0, end: text.length } });
	const reader = new Reader(file, text, document);
	reader.fill(root, document.contents as Node | null, 0);
	return { root, errors };
}

class Reader {
	constructor(
		private readonly file: string,
		private readonly text: string,
		private readonly document: Document,
	) {}

	fill(target: ConfigNode, node: Node | null | undefined, depth: number): void {
		if (depth > maxDepth || node === null || node === undefined) return;
		if (isAlias(node)) {
			let resolved: unknown;
			try {
				resolved = node.resolve(this.document);
			} catch {
				resolved = undefined;
			}
			if (resolved && !isAlias(resolved)) this.fill(target, resolved as Node, depth + 1);
			return;
		}
		if (isMap(node)) {
			for (const pair of node.items) {
				if (!isPair(pair)) continue;
				const key = scalarText(pair.key, this.text);
				if (!key) continue;
				if (key.value === '<<') {
					// A YAML merge key: its map's pairs join this map (Go YAML decoders honour it).
					const values = isSeq(pair.value) ? pair.value.items : [pair.value];
					for (const value of values) this.fill(target, value as Node, depth + 1);
					continue;
				}
				const valueRange = (pair.value as Node | null)?.range;
				const end = valueRange ? valueRange[1] : key.span.end;
				const child = newNode(key.value, { file: this.file, span: { start: key.span.start, end } }, { file: this.file, span: key.span });
				this.fill(child, pair.value as Node | null, depth + 1);
				if (!child.scalar && !child.items && child.children.length === 0 && (pair.value === null || pair.value === undefined)) {
					child.scalar = { value: '', location: { file: this.file, span: { start: key.span.end + 1, end: key.span.end + 1 } }, verbatim: true, isNull: true, quote: '' };
				}
				target.children.push(child);
			}
			return;
		}
		if (isSeq(node)) {
			target.items = [];
			const range = node.range;
			if (node.flow && range) {
				const closeAt = this.text.lastIndexOf(']', range[1] - 1);
				target.listSyntax = { kind: 'yaml-flow', open: { start: range[0], end: range[0] + 1 }, close: { start: Math.max(closeAt, range[0]), end: Math.max(closeAt, range[0]) + 1 } };
			} else target.listSyntax = { kind: 'yaml-block', indent: this.blockIndent(node) };
			for (const item of node.items) {
				const itemRange = (item as Node | null)?.range;
				const child = newNode('', { file: this.file, span: itemRange ? { start: itemRange[0], end: itemRange[1] } : target.location.span });
				this.fill(child, item as Node | null, depth + 1);
				target.items.push(child);
			}
			if (range) target.location = { file: this.file, span: { start: range[0], end: range[1] } };
			return;
		}
		if (isScalar(node)) {
			const scalar = scalarText(node, this.text);
			if (!scalar) return;
			const quote = node.type === 'QUOTE_DOUBLE' ? '"' : node.type === 'QUOTE_SINGLE' ? "'" : '';
			const value: ConfigScalar = { value: scalar.value, location: { file: this.file, span: scalar.contentSpan }, verbatim: scalar.verbatim, isNull: scalar.isNull, quote };
			target.scalar = value;
		}
	}

	/** The text before a block sequence's first `-` on its line (for inserting items with the same indentation). */
	private blockIndent(node: Node): string {
		const start = node.range?.[0];
		if (start === undefined) return '';
		const lineStart = this.text.lastIndexOf('\n', start - 1) + 1;
		const prefix = this.text.slice(lineStart, start);
		return /^[ \t]*$/.test(prefix) ? prefix : ' '.repeat(prefix.length);
	}
}

function firstLine(message: string): string {
	const newline = message.indexOf('\n');
	return newline < 0 ? message : message.slice(0, newline);
}
