/**
Small helpers over the `yaml` package's node tree: typed access to maps, sequences and scalars, and the exact span of
a scalar's content so findings can sit on the offending characters.
*/
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Span } from '../text.js';

/** A scalar's string value and where its characters are. */
export type ScalarText = {
	value: string;
	/** The whole node, quotes included. */
	span: Span;
	/** The content without quotes; equals `span` for plain scalars. */
	contentSpan: Span;
	/** Whether `value` is exactly the source text at `contentSpan`, so offsets map one to one. */
	verbatim: boolean;
	/** `null`/`~`/an empty value. */
	isNull: boolean;
};

export function nodeSpan(node: Node | null | undefined): Span | undefined {
	const range = node?.range;
	return range ? { start: range[0], end: range[1] } : undefined;
}

export function scalarText(node: unknown, text: string): ScalarText | undefined {
	if (!isScalar(node) || !node.range) return undefined;
	const scalar = node as Scalar;
	const [start, end] = scalar.range!;
	const span = { start, end };
	const isNull = scalar.value === null || scalar.value === undefined;
	const value = isNull ? '' : typeof scalar.value === 'string' ? scalar.value : scalarSource(scalar, text);
	let contentSpan = span;
	if (scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE') contentSpan = { start: start + 1, end: Math.max(start + 1, end - 1) };
	// Compared in place: slicing every scalar's source costs an allocation per scalar on each analysis.
	const verbatim = value.length === contentSpan.end - contentSpan.start && text.startsWith(value, contentSpan.start);
	return { value, span, contentSpan, verbatim, isNull };
}

/** Numbers and booleans keep their source spelling (`0660` stays `0660`, not 432). */
function scalarSource(scalar: Scalar, text: string): string {
	const [start, end] = scalar.range!;
	const source = text.slice(start, end);
	return source.length > 0 ? source : String(scalar.value);
}

export function mapPairs(node: unknown): Pair[] {
	return isMap(node) ? (node as YAMLMap).items : [];
}

export function pairKey(pair: Pair, text: string): ScalarText | undefined {
	return scalarText(pair.key, text);
}

export function getPair(node: unknown, key: string): Pair | undefined {
	if (!isMap(node)) return undefined;
	for (const pair of node.items) {
		if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key) return pair;
	}
	return undefined;
}

/** The pairs of a map by key (the first of duplicates, as `getPair` finds it), for readers that look up many keys. */
export function pairIndex(node: unknown): Map<string, Pair> {
	const index = new Map<string, Pair>();
	if (!isMap(node)) return index;
	for (const pair of node.items) {
		if (!isPair(pair) || !isScalar(pair.key)) continue;
		const key = String(pair.key.value);
		if (!index.has(key)) index.set(key, pair);
	}
	return index;
}

export function getValue(node: unknown, key: string): unknown {
	return getPair(node, key)?.value ?? undefined;
}

export function seqItems(node: unknown): unknown[] {
	return isSeq(node) ? node.items : [];
}

export { isMap, isScalar, isSeq };
