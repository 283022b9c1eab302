/** Traefik YAML files (file provider and static configuration) read into the shared config tree. */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
import { capSyntaxErrors, type SyntaxError } from '../syntax-error.js';
import { findTemplates, maskTemplates, restoreTemplatedScalars, withoutTemplateErrors } from '../template.js';
import { scalarText } from '../yaml-nodes.js';
import { newNode, type ConfigNode, type ConfigScalar } from './config-node.js';

const maxDepth = 64;

/**
Budgets on alias expansion: the reader copies an alias's target into the tree, so nested aliases (a 270-byte file of
`&b [*a,*a,…]` levels) would otherwise grow exponentially. Nodes written in the file itself are never counted.
*/
export const yamlAliasBudget = { maxAliases: 10_000, maxExpandedNodes: 100_000 };

export function parseTraefikYaml(file: string, text: string): { root: ConfigNode; errors: SyntaxError[] } {
	// Template markup is opaque (formats/template.ts): parsed masked, its scalars then read as written.
	const templates = findTemplates(text);
	const masked = maskTemplates(text, templates, 'fill');
	const document = parseDocument(masked, { keepSourceTokens: false, prettyErrors: false, strict: false, uniqueKeys: false, merge: false });
	restoreTemplatedScalars(document, text, masked, templates);
	const errors: SyntaxError[] = withoutTemplateErrors(
		document.errors.map((error) => ({ message: firstLine(error.message), span: { start: error.pos[0], end: Math.max(error.pos[1], error.pos[0] + 1) } })),
		templates,
	);
	const root = newNode('', { file, span: { start: 0, end: text.length } });
	const reader = new Reader(file, text, resolveAliases(document));
	reader.fill(root, document.contents as Node | null, 0);
	if (reader.overBudget) errors.push(reader.overBudget);
	return { root, errors: capSyntaxErrors(errors) };
}

/**
Each alias's target in one pass in document order: the last node before the alias with that anchor, as
`Alias.resolve` finds it, which without a context walks the whole document per call (quadratic on many aliases).
*/
function resolveAliases(document: Document): Map<Alias, Node> {
	const anchors = new Map<string, Node>();
	const targets = new Map<Alias, Node>();
	visit(document, {
		Node(_key, node) {
			if (isAlias(node)) {
				const target = anchors.get(node.source);
				if (target) targets.set(node, target);
			} else if (node.anchor) anchors.set(node.anchor, node);
		},
	});
	return targets;
}

class Reader {
	/** Set once a budget is exceeded: the one error to report, after which nothing more is read. */
	overBudget: SyntaxError | undefined;
	private aliases = 0;
	private expandedNodes = 0;
	/** Targets of the aliases being expanded, innermost last (an alias inside its own anchor is not followed). */
	private readonly expanding: Node[] = [];
	/** The alias written in the plain tree that the current expansion started from: where a budget error goes. */
	private outerAlias: Alias | undefined;

	constructor(
		private readonly file: string,
		private readonly text: string,
		private readonly targets: Map<Alias, Node>,
	) {}

	fill(target: ConfigNode, node: Node | null | undefined, depth: number): void {
		if (depth > maxDepth || node === null || node === undefined || this.overBudget) return;
		if (this.expanding.length > 0 && ++this.expandedNodes > yamlAliasBudget.maxExpandedNodes) {
			this.stop(`YAML aliases expand to more than ${yamlAliasBudget.maxExpandedNodes} nodes; the rest of this file was not read`);
			return;
		}
		if (isAlias(node)) {
			const resolved = this.targets.get(node);
			if (!resolved || this.expanding.includes(resolved)) return;
			if (this.expanding.length === 0) this.outerAlias = node;
			if (++this.aliases > yamlAliasBudget.maxAliases) {
				this.stop(`YAML aliases are expanded more than ${yamlAliasBudget.maxAliases} times; the rest of this file was not read`);
				return;
			}
			this.expanding.push(resolved);
			this.fill(target, resolved, depth + 1);
			this.expanding.pop();
			return;
		}
		if (isMap(node)) {
			for (const pair of node.items) {
				if (this.overBudget) return;
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
				if (this.overBudget) break;
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

	private stop(message: string): void {
		const range = this.outerAlias?.range;
		const start = range ? range[0] : 0;
		this.overBudget = { message, span: { start, end: range ? Math.max(range[1], start + 1) : 0 } };
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
